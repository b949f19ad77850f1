/**
 * Camunda search requests compiled to one SQL query: the filter becomes a WHERE clause with bound
 * parameters, the sort an ORDER BY (nulls last ascending, first descending, as the in-memory
 * comparator of query.ts), the page a LIMIT/OFFSET or a keyset condition. Cursors carry the sort
 * values of the row they point at (not a position), so paging stays stable while rows are
 * inserted. `$like` becomes GLOB, which has the same semantics (case-sensitive, `?` = one
 * character) once `*`, `?` and `[` are escaped as `[*]`, `[?]`, `[[]`, applied to the first
 * SEARCH_LIKE_VALUE_PREFIX characters. GLOB is SQLite's; the PostgreSQL step maps it to LIKE.
 *
 * A field without a column here (computed in JavaScript) makes `compileSqlSearch` answer undefined:
 * the caller then falls back to narrowing in SQL and filtering in memory.
 */
import { ApiError } from "../../errors.js";
import type { Row, Sql } from "../read/sql.js";
import { DEFAULT_SEARCH_LIMITS, type FieldKind, type SearchLimits } from "./filters.js";
import type { Page } from "./query.js";

const invalid = (message: string) => new ApiError("INVALID_ARGUMENT", message);
const MAX_LIMIT = 10_000;
/** Longest `$in` / `$notIn` list (each value is one bound parameter). */
const MAX_LIST = 1000;

/** One filter field as SQL: an expression (of the FROM clause's aliases), or a list held in a side table. */
export type SqlField =
  | { kind: FieldKind; expr: string; values?: readonly string[] }
  /** A list-valued field: `list` is a subquery `SELECT name FROM … WHERE owner = <row>` whose rows are the values. */
  | { kind: FieldKind; list: (nameCondition: string) => string; listExists: string };

export interface SqlSearchSpec {
  /** `table alias [JOIN …]`. */
  from: string;
  /** Columns selected for the mapper (the sort expressions are added as s0, s1, …). */
  select: string;
  filter: Record<string, SqlField | null>;
  /** Sort fields by their API name: SQL expressions. */
  sort: Record<string, string>;
  /** Tie-breaker, unique and ascending (the row key). */
  key: string;
}

export interface SqlSearch {
  where: string[];
  params: unknown[];
}

interface Term {
  expr: string;
  desc: boolean;
}

const cursorOf = (values: unknown[]) => Buffer.from(`k:${JSON.stringify(values)}`).toString("base64");
function valuesOf(value: unknown, name: string, terms: number): unknown[] {
  const text = typeof value === "string" ? Buffer.from(value, "base64").toString("utf8") : "";
  let parsed: unknown;
  try {
    parsed = text.startsWith("k:") ? JSON.parse(text.slice(2)) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!Array.isArray(parsed) || parsed.length !== terms || !parsed.every((v) => v === null || typeof v === "string" || typeof v === "number")) {
    throw invalid(`Expected 'page.${name}' to be a cursor returned by an earlier search with the same sort, but found ${JSON.stringify(value)}`);
  }
  return parsed;
}

/** GLOB pattern of a `$like` pattern. */
export function globOf(pattern: string): string {
  let out = "";
  const chars = Array.from(pattern);
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c === "\\" && i + 1 < chars.length) {
      const n = chars[++i]!;
      out += n === "*" || n === "?" || n === "[" ? `[${n}]` : n;
    } else if (c === "[") out += "[[]";
    else out += c;
  }
  return out;
}

function operand(name: string, kind: FieldKind, value: unknown, values?: readonly string[]): string | number {
  switch (kind) {
    case "string":
      if (typeof value === "string") return value;
      break;
    case "enum":
      if (typeof value === "string" && (!values || values.includes(value))) return value;
      if (typeof value === "string") throw invalid(`Expected filter '${name}' to be one of ${values!.join(", ")}, but found '${value}'`);
      break;
    case "key":
      if ((typeof value === "string" && /^-?\d{1,25}$/.test(value)) || (typeof value === "number" && Number.isSafeInteger(value))) {
        const n = Number(value);
        return Number.isSafeInteger(n) ? n : -1; // no key is that large: matches nothing
      }
      break;
    case "int":
      if (typeof value === "number" && Number.isInteger(value)) return value;
      break;
    case "date":
      if (typeof value === "string" && !Number.isNaN(Date.parse(value))) return Date.parse(value);
      break;
    case "bool":
      if (typeof value === "boolean") return value ? 1 : 0;
      break;
  }
  throw invalid(`Expected filter '${name}' to be ${kind === "date" ? "an ISO 8601 date-time" : kind === "key" ? "a key (decimal string)" : `a ${kind === "int" ? "whole number" : kind}`}, but found ${JSON.stringify(value)}`);
}

const STRING_OPS = ["$eq", "$neq", "$exists", "$in", "$notIn", "$like"];
const RANGE_OPS = ["$eq", "$neq", "$exists", "$gt", "$gte", "$lt", "$lte", "$in", "$notIn"];
const marks = (n: number) => Array.from({ length: n }, () => "?").join(", ");

/** The condition of one field on expression `e`; `params` receives its values. */
function condition(name: string, kind: FieldKind, values: readonly string[] | undefined, e: string, value: unknown, params: unknown[], limits: SearchLimits): string {
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    params.push(operand(name, kind, value, values));
    return `${e} = ?`;
  }
  if (kind === "bool") throw invalid(`Expected filter '${name}' to be true or false, but found an object`);
  const allowed = kind === "int" || kind === "date" ? RANGE_OPS : STRING_OPS;
  const parts: string[] = [];
  for (const [op, arg] of Object.entries(value as Record<string, unknown>)) {
    if (!allowed.includes(op)) throw invalid(`Expected an operator of ${allowed.join(", ")} in filter '${name}', but found '${op}'`);
    if (arg === undefined) continue;
    switch (op) {
      case "$exists":
        if (typeof arg !== "boolean") throw invalid(`Expected '${name}.$exists' to be true or false, but found ${JSON.stringify(arg)}`);
        parts.push(arg ? `${e} IS NOT NULL` : `${e} IS NULL`);
        break;
      case "$in":
      case "$notIn": {
        if (!Array.isArray(arg)) throw invalid(`Expected '${name}.${op}' to be a list, but found ${JSON.stringify(arg)}`);
        if (arg.length > MAX_LIST) throw invalid(`Expected '${name}.${op}' to list at most ${MAX_LIST} values, but found ${arg.length}`);
        const list = arg.map((v) => operand(name, kind, v, values));
        if (list.length === 0) parts.push(op === "$in" ? "0 = 1" : "1 = 1");
        else {
          params.push(...list);
          parts.push(op === "$in" ? `${e} IN (${marks(list.length)})` : `(${e} IS NULL OR ${e} NOT IN (${marks(list.length)}))`);
        }
        break;
      }
      case "$like": {
        if (typeof arg !== "string") throw invalid(`Expected '${name}.$like' to be a string, but found ${JSON.stringify(arg)}`);
        if (arg.length > limits.likeMaxPattern) {
          throw invalid(`Expected '${name}.$like' to be a pattern of at most ${limits.likeMaxPattern} characters (setting SEARCH_LIKE_MAX_PATTERN), but found ${arg.length}`);
        }
        params.push(limits.likeValuePrefix, globOf(arg));
        parts.push(`substr(${e}, 1, ?) GLOB ?`);
        break;
      }
      default: {
        const x = operand(name, kind, arg, values);
        params.push(x);
        const sqlOp = { $eq: "=", $neq: "<>", $gt: ">", $gte: ">=", $lt: "<", $lte: "<=" }[op]!;
        parts.push(op === "$neq" ? `(${e} IS NULL OR ${e} <> ?)` : `${e} ${sqlOp} ?`);
      }
    }
  }
  return parts.length ? `(${parts.join(" AND ")})` : "1 = 1";
}

/** What a condition says of a missing value (a list field without elements matches as one null). */
function nullMatches(value: unknown): boolean {
  if (value === null) return true;
  if (typeof value !== "object" || Array.isArray(value)) return false;
  const ops = value as Record<string, unknown>;
  return Object.entries(ops).every(([op, arg]) => arg === undefined || (op === "$exists" ? arg === false : op === "$neq" || op === "$notIn"));
}

/** A page of rows shaped for the wire. */
export function mapPage<R>(page: Page<Row>, map: (row: Row) => R): Page<R> {
  return { items: page.items.map(map), page: page.page };
}

/** Counting stops here, as Camunda's: beyond it, totalItems says 10,000 and hasMoreTotalItems true. */
export const COUNT_CAP = 10_000;

export interface RunOptions {
  /** A further condition (the caller's visibility), with its parameters. */
  where?: string;
  params?: unknown[];
  /** Another FROM clause with the same aliases (a narrower source), with its parameters. */
  from?: string;
  fromParams?: unknown[];
  /**
   * Count with the page's query (a window COUNT): one pass instead of two when the whole match is
   * read and sorted anyway (a narrow source); never for sources where the ORDER BY … LIMIT could
   * stop early.
   */
  countInline?: boolean;
}

export interface CompiledSearch {
  run(sql: Sql, options?: RunOptions): Page<Row>;
}

/**
 * The request compiled against `spec`, or undefined when a filter field has no SQL form. Invalid
 * requests throw the same 400 problems as parseSearch.
 */
export function compileSqlSearch(raw: unknown, spec: SqlSearchSpec, limits: SearchLimits = DEFAULT_SEARCH_LIMITS): CompiledSearch | undefined {
  const request = (raw ?? {}) as Record<string, unknown>;
  const filter = (request["filter"] ?? {}) as Record<string, unknown>;
  const where: string[] = [];
  const params: unknown[] = [];
  for (const [name, value] of Object.entries(filter)) {
    if (value === undefined) continue;
    const field = Object.hasOwn(spec.filter, name) ? spec.filter[name] : undefined;
    if (!field) return undefined;
    if ("expr" in field) where.push(condition(name, field.kind, field.values, field.expr, value, params, limits));
    else {
      const inner: unknown[] = [];
      const cond = condition(name, field.kind, undefined, "name", value, inner, limits);
      params.push(...inner);
      where.push(nullMatches(value) ? `(${field.list(cond)} OR NOT ${field.listExists})` : field.list(cond));
    }
  }
  const terms: Term[] = [];
  for (const s of (request["sort"] ?? []) as Array<{ field: string; order?: string }>) {
    const expr = Object.hasOwn(spec.sort, s.field) ? spec.sort[s.field] : undefined;
    if (!expr) return undefined;
    terms.push({ expr, desc: String(s.order ?? "ASC").toUpperCase() === "DESC" });
  }
  terms.push({ expr: spec.key, desc: false });
  const page = (request["page"] ?? {}) as Record<string, unknown>;
  const limit = (page["limit"] as number | undefined) ?? 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw invalid(`Expected 'page.limit' to be a whole number from 1 to ${MAX_LIMIT}, but found ${JSON.stringify(limit)}`);
  const offset = typeof page["from"] === "number" ? page["from"] : 0;
  const after = page["after"] !== undefined ? valuesOf(page["after"], "after", terms.length) : undefined;
  const before = after === undefined && page["before"] !== undefined ? valuesOf(page["before"], "before", terms.length) : undefined;

  return {
    run(sql, options = {}) {
      const w = [...where, ...(options.where ? [options.where] : [])];
      const from = options.from ?? spec.from;
      const p = [...(options.fromParams ?? []), ...params, ...(options.params ?? [])];
      const clause = w.length ? ` WHERE ${w.join(" AND ")}` : "";
      const backwards = before !== undefined;
      const seek = after ?? before;
      const inline = options.countInline === true && !seek;
      const count = () => (sql.get(`SELECT COUNT(*) AS n FROM (SELECT 1 FROM ${from}${clause} LIMIT ${COUNT_CAP + 1})`, ...p)?.["n"] as number) ?? 0;
      let counted = inline ? -1 : count();
      const seekWhere: string[] = [];
      const seekParams: unknown[] = [];
      if (seek) {
        // rows strictly after (or before) the cursor in the order: t1 after c1, or t1 = c1 and t2 after c2, …
        const ors: string[] = [];
        const equal: string[] = [];
        const eqParams: unknown[] = [];
        terms.forEach((t, i) => {
          const c = seek[i];
          // as read: ascending with nulls last (ASC forwards, DESC backwards), or descending with nulls first
          const forward = t.desc === backwards;
          const later = forward
            ? c === null ? undefined : { sql: `(${t.expr} > ? OR ${t.expr} IS NULL)`, params: [c] }
            : c === null ? { sql: `${t.expr} IS NOT NULL`, params: [] } : { sql: `${t.expr} < ?`, params: [c] };
          if (later) {
            ors.push(`(${[...equal, later.sql].join(" AND ")})`);
            seekParams.push(...eqParams, ...later.params);
          }
          equal.push(c === null ? `${t.expr} IS NULL` : `${t.expr} = ?`);
          if (c !== null) eqParams.push(c);
        });
        seekWhere.push(ors.length ? `(${ors.join(" OR ")})` : "0 = 1");
      }
      const dir = (t: Term) => (t.desc !== backwards ? "DESC" : "ASC");
      const orderOf = (ts: Term[], plainFirst: boolean) =>
        ts.map((t, i) => (t.expr === spec.key || (plainFirst && i === 0) ? `${t.expr} ${dir(t)}` : `(${t.expr} IS NULL) ${dir(t)}, ${t.expr} ${dir(t)}`)).join(", ");
      const all = [...w, ...seekWhere];
      const sortColumns = terms.map((t, i) => `${t.expr} AS s${i}`).join(", ") + (inline ? ", COUNT(*) OVER () AS total_count" : "");
      const select = (extra: string[], order: string, lim: number, off: number) => {
        const where = [...all, ...extra];
        return sql.all(
          `SELECT ${spec.select}, ${sortColumns} FROM ${from}${where.length ? ` WHERE ${where.join(" AND ")}` : ""} ORDER BY ${order} LIMIT ? OFFSET ?`,
          ...p, ...seekParams, lim, off,
        );
      };
      const start = seek ? 0 : offset;
      let rows: Row[];
      const first = terms[0]!;
      if (inline || first.expr === spec.key) rows = select([], orderOf(terms, false), limit, start);
      else {
        // Nulls last (first descending): the rows with a value, in the order an index on the first sort field gives
        // (with `IS NULL` in the ORDER BY no index serves it and every match is sorted), then those without.
        const valued = { where: `${first.expr} IS NOT NULL`, order: orderOf(terms, true) };
        const missing = { where: `${first.expr} IS NULL`, order: orderOf(terms.slice(1), false) };
        const [a, b] = dir(first) === "ASC" ? [valued, missing] : [missing, valued];
        rows = select([a.where], a.order, limit, start);
        if (rows.length < limit) {
          const before = start > 0 && rows.length === 0
            ? ((sql.get(`SELECT COUNT(*) AS n FROM ${from} WHERE ${[...all, a.where].join(" AND ")}`, ...p, ...seekParams)?.["n"] as number) ?? 0)
            : start;
          rows = rows.concat(select([b.where], b.order, limit - rows.length, Math.max(0, start - before)));
        }
      }
      if (backwards) rows.reverse();
      if (inline) counted = rows.length > 0 ? (rows[0]!["total_count"] as number) : offset > 0 ? count() : 0;
      const total = Math.min(counted, COUNT_CAP);
      const cursor = (r: Row | undefined) => (r ? cursorOf(terms.map((_, i) => r[`s${i}`] ?? null)) : null);
      return {
        items: rows,
        page: { totalItems: total, hasMoreTotalItems: counted > COUNT_CAP, startCursor: cursor(rows[0]), endCursor: cursor(rows[rows.length - 1]) },
      };
    },
  };
}
