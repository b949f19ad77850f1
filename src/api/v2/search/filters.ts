/**
 * Filter properties of Camunda search requests, turned into predicates. A property is either a
 * plain value (equality) or an object of operators: `$eq $neq $exists $in $notIn $like` for
 * strings, keys and enums; `$eq $neq $exists $gt $gte $lt $lte $in` for numbers and dates.
 * `$like` uses `*` (any run) and `?` (one character), `\` escapes (see like.ts).
 */
import { ApiError } from "../../errors.js";
import { likeMatcher, MAX_LIKE_LENGTH } from "./like.js";

/** Bounds of `$like` (settings SEARCH_LIKE_MAX_PATTERN and SEARCH_LIKE_VALUE_PREFIX, see config.ts). */
export interface SearchLimits {
  /** Longest `$like` pattern, characters; a longer one answers 400 naming the limit. */
  likeMaxPattern: number;
  /** `$like` looks at this many first characters of a value (Camunda filters on the value cut at 8191 too). */
  likeValuePrefix: number;
}

export const DEFAULT_SEARCH_LIMITS: SearchLimits = { likeMaxPattern: MAX_LIKE_LENGTH, likeValuePrefix: 8191 };

export type FieldKind = "string" | "key" | "int" | "date" | "enum" | "bool";

/** How one filter field reads a row: strings for string/key/enum, numbers (dates: epoch ms), booleans. */
export interface FieldSpec<T> {
  kind: FieldKind;
  get: (row: T) => string | number | boolean | null | undefined;
  values?: readonly string[];
  /** List-valued fields (candidate groups …): the filter matches when any element does. */
  getAll?: (row: T) => readonly string[];
  /** Fields of the Camunda API that are refused with a clear message instead of being ignored. */
  unsupported?: string;
}

export type Predicate<T> = (row: T) => boolean;

const invalid = (message: string) => new ApiError("INVALID_ARGUMENT", message);
const STRING_OPS = ["$eq", "$neq", "$exists", "$in", "$notIn", "$like"];
const RANGE_OPS = ["$eq", "$neq", "$exists", "$gt", "$gte", "$lt", "$lte", "$in", "$notIn"];

/** Converts one operand to the comparable form of the field kind. */
function operand(name: string, kind: FieldKind, value: unknown, values?: readonly string[]): string | number | boolean {
  switch (kind) {
    case "string":
      if (typeof value === "string") return value;
      break;
    case "enum":
      if (typeof value === "string" && (!values || values.includes(value))) return value;
      if (typeof value === "string") throw invalid(`Expected filter '${name}' to be one of ${values!.join(", ")}, but found '${value}'`);
      break;
    case "key":
      if ((typeof value === "string" && /^-?\d{1,25}$/.test(value)) || (typeof value === "number" && Number.isSafeInteger(value))) return String(value);
      break;
    case "int":
      if (typeof value === "number" && Number.isInteger(value)) return value;
      break;
    case "date":
      if (typeof value === "string" && !Number.isNaN(Date.parse(value))) return Date.parse(value);
      break;
    case "bool":
      if (typeof value === "boolean") return value;
      break;
  }
  throw invalid(`Expected filter '${name}' to be ${kind === "date" ? "an ISO 8601 date-time" : kind === "key" ? "a key (decimal string)" : `a ${kind === "int" ? "whole number" : kind}`}, but found ${JSON.stringify(value)}`);
}

function list(name: string, op: string, kind: FieldKind, value: unknown, values?: readonly string[]): Array<string | number | boolean> {
  if (!Array.isArray(value)) throw invalid(`Expected '${name}.${op}' to be a list, but found ${JSON.stringify(value)}`);
  return value.map((v) => operand(name, kind, v, values));
}

/** The predicate of one filter field (`value` is the request's property). */
export function fieldPredicate<T>(name: string, spec: FieldSpec<T>, value: unknown, limits: SearchLimits = DEFAULT_SEARCH_LIMITS): Predicate<T> {
  if (spec.unsupported) throw new ApiError("INVALID_ARGUMENT", `Filter '${name}' is not supported: ${spec.unsupported}`);
  const { getAll } = spec;
  if (getAll) {
    const one = fieldPredicate<string | null>(name, { kind: spec.kind, get: (v) => v }, value, limits);
    return (row) => {
      const values = getAll(row);
      return values.length === 0 ? one(null) : values.some(one);
    };
  }
  const { kind, get, values } = spec;
  const read = (row: T) => {
    const v = get(row);
    return kind === "key" && typeof v === "number" ? String(v) : v;
  };
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    const expected = operand(name, kind, value, values);
    return (row) => read(row) === expected;
  }
  if (kind === "bool") throw invalid(`Expected filter '${name}' to be true or false, but found an object`);
  const ops = Object.entries(value as Record<string, unknown>);
  const allowed = kind === "int" || kind === "date" ? RANGE_OPS : STRING_OPS;
  const checks: Predicate<T>[] = [];
  for (const [op, arg] of ops) {
    if (!allowed.includes(op)) throw invalid(`Expected an operator of ${allowed.join(", ")} in filter '${name}', but found '${op}'`);
    if (arg === undefined) continue;
    switch (op) {
      case "$exists": {
        if (typeof arg !== "boolean") throw invalid(`Expected '${name}.$exists' to be true or false, but found ${JSON.stringify(arg)}`);
        checks.push((row) => (read(row) !== null && read(row) !== undefined) === arg);
        break;
      }
      case "$in": {
        const set = new Set(list(name, op, kind, arg, values));
        checks.push((row) => set.has(read(row) as string));
        break;
      }
      case "$notIn": {
        const set = new Set(list(name, op, kind, arg, values));
        checks.push((row) => !set.has(read(row) as string));
        break;
      }
      case "$like": {
        if (typeof arg !== "string") throw invalid(`Expected '${name}.$like' to be a string, but found ${JSON.stringify(arg)}`);
        if (arg.length > limits.likeMaxPattern) {
          throw invalid(`Expected '${name}.$like' to be a pattern of at most ${limits.likeMaxPattern} characters (setting SEARCH_LIKE_MAX_PATTERN), but found ${arg.length}`);
        }
        const matches = likeMatcher(arg);
        const prefix = limits.likeValuePrefix;
        checks.push((row) => {
          const v = read(row);
          return typeof v === "string" && matches(v.length > prefix ? v.slice(0, prefix) : v);
        });
        break;
      }
      default: {
        const x = operand(name, kind, arg, values);
        const cmp = (row: T) => read(row) as string | number | null | undefined;
        if (op === "$eq") checks.push((row) => cmp(row) === x);
        else if (op === "$neq") checks.push((row) => cmp(row) !== x);
        else if (op === "$gt") checks.push((row) => cmp(row) != null && cmp(row)! > x);
        else if (op === "$gte") checks.push((row) => cmp(row) != null && cmp(row)! >= x);
        else if (op === "$lt") checks.push((row) => cmp(row) != null && cmp(row)! < x);
        else if (op === "$lte") checks.push((row) => cmp(row) != null && cmp(row)! <= x);
      }
    }
  }
  return (row) => checks.every((check) => check(row));
}
