/**
 * FEEL's regular-expression built-ins (`matches`, `replace`, `split`) on re2js, a linear-time RE2
 * engine: JavaScript's backtracking RegExp takes exponential time on patterns such as `^(a+)+$`,
 * and patterns and inputs come from variables. They are handed to feelin as context functions,
 * which shadow its built-ins. RE2 has no back-references or look-arounds: such a pattern is an
 * invalid pattern (null with a warning, like any other invalid pattern).
 */
import { RE2JS } from "re2js";

type FeelFn = ((...args: never[]) => unknown) & { $args: string[] };

const FLAGS: Record<string, number> = { i: RE2JS.CASE_INSENSITIVE, s: RE2JS.DOTALL, m: RE2JS.MULTILINE };

function compile(pattern: unknown, flags: unknown): RE2JS {
  if (typeof pattern !== "string") throw new Error(`expects a string pattern, got ${String(pattern)}`);
  let bits = 0;
  for (const flag of typeof flags === "string" ? flags : "") {
    const bit = FLAGS[flag];
    if (bit === undefined) throw new Error(`illegal flag '${flag}' (expected i, s or m)`);
    bits |= bit;
  }
  try {
    return RE2JS.compile(pattern, bits);
  } catch (error) {
    throw new Error(`expects a valid pattern (RE2 syntax: no back-references or look-arounds), got "${pattern}": ${(error as Error).message}`);
  }
}

function fn<T extends (...args: never[]) => unknown>(args: string[], body: T): FeelFn {
  return Object.assign(body, { $args: args }) as unknown as FeelFn;
}

function text(value: unknown, what: string): string {
  if (typeof value !== "string") throw new Error(`expects ${what} to be a string, got ${value === null || value === undefined ? "null" : typeof value}`);
  return value;
}

type RegexFunctions = Readonly<Record<"matches" | "replace" | "split", FeelFn>>;

/**
 * `replace` would build its result before anything could measure it (`replace(s, "", big)` makes
 * length(s) copies of big): its size is bounded first, from the number of matches, in one more
 * linear pass over the input.
 */
function boundedReplace(maxBytes: number) {
  return (input: unknown, pattern: unknown, replacement: unknown, flags: unknown) => {
    const source = text(input, "input");
    const by = text(replacement, "replacement");
    const re = compile(pattern, flags);
    let matches = 0;
    for (const matcher = re.matcher(source); matcher.find(); ) matches++;
    const references = (by.match(/\$/g) ?? []).length;
    const bound = source.length + matches * by.length + references * source.length;
    if (bound > maxBytes) throw new Error(`expects a result of at most ${maxBytes} characters (MAX_VARIABLE_BYTES), but ${matches} replacements could make ${bound}`);
    return re.matcher(source).replaceAll(by, true);
  };
}

const cache = new Map<number, RegexFunctions>();

/** The linear-time replacements, to be merged into an evaluation's context; results up to `maxBytes`. */
export function regexFunctions(maxBytes: number): RegexFunctions {
  let functions = cache.get(maxBytes);
  if (!functions) {
    functions = {
      matches: fn(["input", "pattern", "flags"], (input: unknown, pattern: unknown, flags: unknown) => compile(pattern, flags).test(text(input, "input"))),
      replace: fn(["input", "pattern", "replacement", "flags"], boundedReplace(maxBytes)),
      split: fn(["string", "delimiter"], (input: unknown, delimiter: unknown) => compile(delimiter, "").split(text(input, "string"), -1)),
    };
    if (cache.size < 16) cache.set(maxBytes, functions);
  }
  return functions;
}

export const REGEX_FUNCTION_NAMES: ReadonlySet<string> = new Set(["matches", "replace", "split"]);
