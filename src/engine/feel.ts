/**
 * FEEL through `feelin`, with the Camunda 8 conventions: a property whose text starts with `=` is an
 * expression, anything else is a static string. Expressions are parsed (never run) once at deploy
 * time and compiled into a small evaluator; plain variable paths and literals take a fast path that
 * skips the FEEL parser (which costs ~80 µs per call). An evaluation sees only the variables the
 * expression names (feelin deep-copies its whole context on every call), its regular expressions run
 * on a linear-time engine (feel-regex.ts), and loops, ranges and filters run under a deadline with a
 * per-command budget (feel-budget.ts): an expression over budget is a FEEL error like any other.
 */
import { dateAndTime, evaluate as feelEvaluate } from "feelin";
import { analyseFeel, type FeelAnalysis } from "./feel-analysis.js";
import { DEFAULT_FEEL_LIMITS, FeelBudget, FeelBudgetExceeded } from "./feel-budget.js";
import { REGEX_FUNCTION_NAMES, regexFunctions } from "./feel-regex.js";
import { depthOf } from "./limits.js";

export { DEFAULT_FEEL_LIMITS, FeelBudget, FeelBudgetExceeded, FeelSandbox, type FeelLimits } from "./feel-budget.js";

export type FeelContext = Record<string, unknown>;

export type EvalResult = { ok: true; value: unknown; missing?: string } | { ok: false; message: string };

export interface Expression {
  /** Source text as written in the model, including a leading `=` when there was one. */
  readonly source: string;
  readonly isStatic: boolean;
  /**
   * `now` (epoch ms) is the engine clock, which FEEL's now() and today() follow; `budget` is the
   * command's FEEL time (a fresh default one when not given).
   */
  evaluate(context: FeelContext, now?: number, budget?: FeelBudget): EvalResult;
}

const KEYWORDS = new Set(["true", "false", "null", "not", "and", "or", "if", "then", "else", "for", "in", "return", "some", "every", "satisfies", "between", "instance", "of", "function"]);
const PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
const NUMBER = /^-?\d+(\.\d+)?$/;
const SIMPLE_STRING = /^"([^"\\]*)"$/;

/**
 * Feel's context values may be FeelDate etc.; JSON round-tripping turns them into ISO strings.
 * With limits, a result larger or deeper than a variable may be is a FeelBudgetExceeded.
 */
export function toPlain(value: unknown, maxBytes = Infinity, maxDepth = Infinity): unknown {
  if (value === undefined) return null;
  if (typeof value === "string" && value.length > maxBytes) throw tooLarge(value.length, maxBytes);
  if (value === null || typeof value === "string" || typeof value === "number" || typeof value === "boolean") return value;
  if (typeof value === "function") return null;
  const json = JSON.stringify(value);
  if (json === undefined) return null;
  if (json.length > maxBytes) throw tooLarge(json.length, maxBytes);
  const plain = JSON.parse(json) as unknown;
  if (maxDepth !== Infinity && depthOf(plain, maxDepth) > maxDepth) {
    throw new FeelBudgetExceeded("MAX_VARIABLE_DEPTH", `Expected a result nested at most ${maxDepth} levels deep (MAX_VARIABLE_DEPTH), but found more`);
  }
  return plain;
}

function tooLarge(found: number, max: number): FeelBudgetExceeded {
  return new FeelBudgetExceeded("MAX_VARIABLE_BYTES", `Expected a result of at most ${max} bytes (MAX_VARIABLE_BYTES), but found ${found}`);
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a context";
  return `${typeof value} '${String(value)}'`;
}
export { describe as describeValue };

class StaticExpression implements Expression {
  readonly isStatic = true;
  constructor(readonly source: string) {}
  evaluate(): EvalResult {
    return { ok: true, value: this.source };
  }
}

class LiteralExpression implements Expression {
  readonly isStatic = false;
  constructor(readonly source: string, private readonly value: unknown) {}
  evaluate(): EvalResult {
    return { ok: true, value: this.value };
  }
}

class PathExpression implements Expression {
  readonly isStatic = false;
  private readonly path: string[];
  constructor(readonly source: string, body: string) {
    this.path = body.split(".");
  }
  evaluate(context: FeelContext): EvalResult {
    const [head, ...rest] = this.path as [string, ...string[]];
    if (!Object.hasOwn(context, head)) return { ok: true, value: null, missing: head };
    let current: unknown = context[head];
    for (const part of rest) current = member(current, part);
    return { ok: true, value: current ?? null };
  }
}

/** FEEL path semantics: a context's own entry, projected over lists; anything else is null. */
function member(value: unknown, name: string): unknown {
  if (Array.isArray(value)) return value.map((item) => member(item, name));
  if (value === null || typeof value !== "object") return null;
  return Object.hasOwn(value, name) ? ((value as Record<string, unknown>)[name] ?? null) : null;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

class FeelExpression implements Expression {
  readonly isStatic = false;
  private readonly usesClock: boolean;
  private readonly names: ReadonlySet<string>;
  private readonly bounded: boolean;
  private readonly regex: string[];
  constructor(readonly source: string, private readonly body: string, analysis: FeelAnalysis) {
    this.usesClock = /\b(now|today)\s*\(/.test(body);
    const { names, bounded } = analysis;
    this.names = names;
    this.bounded = bounded;
    this.regex = [...names].filter((n) => REGEX_FUNCTION_NAMES.has(n));
  }

  /** Only the variables the expression names: feelin copies every value it is given, on every call. */
  private scope(context: FeelContext, now: number | undefined, maxBytes: number): FeelContext {
    const scope: FeelContext = {};
    for (const name in context) {
      if (!Object.hasOwn(context, name)) continue;
      if (IDENTIFIER.test(name) ? this.names.has(name) : this.body.includes(name)) Object.defineProperty(scope, name, { value: context[name], enumerable: true, writable: true, configurable: true });
    }
    if (this.regex.length > 0) {
      const functions = regexFunctions(maxBytes);
      for (const name of this.regex) if (!Object.hasOwn(scope, name)) scope[name] = functions[name as keyof typeof functions];
    }
    return this.usesClock && now !== undefined ? Object.assign(scope, clockFunctions(now)) : scope;
  }

  evaluate(context: FeelContext, now?: number, budget?: FeelBudget): EvalResult {
    try {
      const limits = budget?.limits ?? DEFAULT_FEEL_LIMITS;
      const scope = this.scope(context, now, limits.maxResultBytes);
      const maxDepth = limits.maxResultDepth ?? DEFAULT_FEEL_LIMITS.maxResultDepth;
      const run = () => {
        const { value, warnings } = feelEvaluate(this.body, scope);
        return { value: toPlain(value, limits.maxResultBytes, maxDepth), warnings };
      };
      const { value, warnings } = this.bounded ? (budget ?? new FeelBudget()).run(run) : run();
      const missing = warnings.find((w) => w.type === "NO_VARIABLE_FOUND");
      const failure = warnings.find((w) => w.type === "NO_FUNCTION_FOUND" || w.type === "FUNCTION_INVOCATION_FAILURE");
      if (failure) return { ok: false, message: `failed to evaluate expression '${this.body}': ${failure.message}` };
      const result: EvalResult = { ok: true, value };
      if (missing) result.missing = /'(.+)'/.exec(missing.message)?.[1] ?? missing.message;
      return result;
    } catch (error) {
      return { ok: false, message: `failed to evaluate expression '${this.body}': ${(error as Error).message}` };
    }
  }
}

/** FEEL's now() and today() bound to the engine clock (context functions shadow the built-ins). */
function clockFunctions(now: number): FeelContext {
  const iso = new Date(now).toISOString();
  return {
    now: () => dateAndTime(iso.replace(/\.\d{3}Z$/, "Z")),
    today: () => feelEvaluate(`date("${iso.slice(0, 10)}")`, {}).value,
  };
}

/** Returns a syntax error message for a FEEL body, or null when it parses. Parses only: never runs it. */
export function feelSyntaxError(body: string): string | null {
  return analyseFeel(body).error;
}

function compileBody(source: string, body: string, analysis: FeelAnalysis): Expression {
  const trimmed = body.trim();
  if (PATH.test(trimmed) && !KEYWORDS.has(trimmed.split(".")[0]!)) return new PathExpression(source, trimmed);
  if (NUMBER.test(trimmed)) return new LiteralExpression(source, Number(trimmed));
  if (trimmed === "true" || trimmed === "false") return new LiteralExpression(source, trimmed === "true");
  if (trimmed === "null") return new LiteralExpression(source, null);
  const str = SIMPLE_STRING.exec(trimmed);
  if (str) return new LiteralExpression(source, str[1]);
  return new FeelExpression(source, trimmed, analysis);
}

/**
 * Compiles a property that may be an expression (`=…`) or a static value. Throws a message string
 * (caught by the validator) when the FEEL does not parse.
 */
export function compileProperty(source: string): Expression {
  if (!source.startsWith("=")) return new StaticExpression(source);
  const body = source.slice(1);
  const analysis = analyseFeel(body);
  if (analysis.error) throw new FeelSyntaxError(source, analysis.error);
  return compileBody(source, body, analysis);
}

/** Compiles a property that is always FEEL (sequence-flow conditions); the `=` is optional. */
export function compileExpression(source: string): Expression {
  const body = source.startsWith("=") ? source.slice(1) : source;
  const analysis = analyseFeel(body);
  if (analysis.error) throw new FeelSyntaxError(source, analysis.error);
  return compileBody(source, body, analysis);
}

export class FeelSyntaxError extends Error {
  constructor(readonly source: string, readonly reason: string) {
    super(`FEEL expression '${source}' does not parse: ${reason}`);
  }
}

/** Evaluates an arbitrary expression once (the API's expression evaluation), within `budget`. */
export function evaluateOnce(source: string, context: FeelContext, now?: number, budget?: FeelBudget): EvalResult {
  try {
    return compileExpression(source).evaluate(context, now, budget);
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
}
