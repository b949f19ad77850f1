/**
 * What a FEEL expression is, found by parsing it once (never by running it): whether it parses,
 * which names it uses (only those variables are handed to it), whether it can do more work than
 * its input is large (loops, ranges, filters other than an index, function definitions, super-linear built-ins: those
 * run under a deadline, see feel-budget.ts) and which regular-expression built-ins it calls
 * (replaced by linear-time ones, see feel-regex.ts).
 */
import { parseExpression } from "feelin";

export interface FeelAnalysis {
  /** The parser's reason when the expression does not parse, else null. */
  error: string | null;
  /** Every identifier of the expression (a superset of the variables it reads). */
  names: ReadonlySet<string>;
  /** True when evaluation may cost more than linear time in its input: it runs under a deadline. */
  bounded: boolean;
}

/** Node types whose work is not bounded by the size of the expression and its input. */
const UNBOUNDED_NODES = new Set(["ForExpression", "QuantifiedExpression", "FunctionDefinition", "..", "IterationContext"]);

/**
 * Built-ins that take at most linear time (or n log n) in their arguments and build results no
 * larger than them. Any other call (a context function, `distinct values`, `union`, `sort`, and
 * those whose result can outgrow their arguments: `string join`, `concatenate`, `append`, `flatten`,
 * `replace` …) is treated as unbounded.
 */
const LINEAR_FUNCTIONS = new Set([
  "not", "is defined", "get value", "get or else", "get entries", "context", "context put", "context merge", "put", "put all",
  "string", "number", "decimal", "floor", "ceiling", "round up", "round down", "round half up", "round half down", "abs", "modulo", "sqrt", "log", "exp", "odd", "even",
  "substring", "string length", "upper case", "lower case", "substring before", "substring after", "contains", "starts with", "ends with", "trim",
  "matches", "split", "extract",
  "list contains", "count", "min", "max", "sum", "mean", "all", "any", "and", "or", "sublist", "remove", "reverse", "index of", "is empty",
  "date", "time", "date and time", "duration", "years and months duration", "now", "today", "day of week", "day of year", "month of year", "week of year", "last day of month", "is",
]);

export function analyseFeel(body: string): FeelAnalysis {
  if (body.trim() === "") return { error: "the expression is empty", names: new Set(), bounded: false };
  let error: string | null = null;
  let bounded = false;
  const names = new Set<string>();
  try {
    const tree = parseExpression(body, {}, undefined);
    const cursor = tree.cursor();
    do {
      const { name, from, to } = cursor;
      if (cursor.type.isError) {
        error ??= describeSyntaxError(body, from, to, cursor.node.parent?.name);
        continue;
      }
      if (name === "FilterExpression") {
        // `items[1]`, `items[-1]`: an index, not a filter run over every item
        if (cursor.node.lastChild?.prevSibling?.name !== "NumericLiteral") bounded = true;
      } else if (UNBOUNDED_NODES.has(name)) bounded = true;
      else if (name === "Identifier" || name === "VariableName") names.add(body.slice(from, to));
      else if (name === "FunctionInvocation") {
        const callee = cursor.node.firstChild;
        const calleeName = callee && (callee.name === "VariableName" || callee.name === "Identifier") ? body.slice(callee.from, callee.to).replace(/\s+/g, " ") : null;
        if (calleeName === null || !LINEAR_FUNCTIONS.has(calleeName)) bounded = true;
      }
    } while (cursor.next());
  } catch (e) {
    error = (e as Error).message;
  }
  return { error, names, bounded };
}

function describeSyntaxError(body: string, from: number, to: number, parent: string | undefined): string {
  const where = parent && parent !== "Expression" ? ` in <${parent}>` : "";
  if (from !== to) return `unrecognized token '${body.slice(from, to)}'${where} at position ${from}`;
  return from >= body.length ? `the expression ends too early${where}` : `unexpected '${body.slice(from, Math.min(body.length, from + 10))}'${where} at position ${from}`;
}
