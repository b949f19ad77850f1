/**
 * Camunda search requests: `{ filter, sort: [{ field, order }], page: { from, limit } | { after } |
 * { before } }` → predicate, comparator and window; results as `{ items, page: { totalItems,
 * hasMoreTotalItems, startCursor, endCursor } }`. Cursors are opaque base64 positions.
 */
import { ApiError } from "../../errors.js";
import { DEFAULT_SEARCH_LIMITS, fieldPredicate, type FieldSpec, type Predicate, type SearchLimits } from "./filters.js";

export type SortValue = string | number | boolean | null | undefined;

export interface SearchSpec<T> {
  /** Filter fields by their API name. */
  filter: Record<string, FieldSpec<T>>;
  /** Sort fields by their API name. */
  sort: Record<string, (row: T) => SortValue>;
  /** Tie-breaker and default order (ascending). */
  defaultSort: (row: T) => SortValue;
}

export interface Search<T> {
  predicate: Predicate<T>;
  compare: (a: T, b: T) => number;
  from: number;
  limit: number;
  /** The raw filter object, for pre-filtering in SQL. */
  filter: Record<string, unknown>;
}

export interface Page<R> {
  items: R[];
  page: { totalItems: number; hasMoreTotalItems: boolean; startCursor: string | null; endCursor: string | null };
}

const invalid = (message: string) => new ApiError("INVALID_ARGUMENT", message);
const MAX_LIMIT = 10_000;

const cursor = (index: number) => Buffer.from(`pos:${index}`).toString("base64");
function position(value: unknown, name: string): number {
  const text = typeof value === "string" ? Buffer.from(value, "base64").toString("utf8") : "";
  // A keyset cursor (sql-search.ts): read by the SQL search; an in-memory search starts at 0.
  if (text.startsWith("k:")) return -1;
  const m = /^pos:(\d+)$/.exec(text);
  if (!m) throw invalid(`Expected 'page.${name}' to be a cursor returned by an earlier search, but found ${JSON.stringify(value)}`);
  return Number(m[1]);
}

function compareValues(a: SortValue, b: SortValue): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return 1; // nulls last
  if (b === null || b === undefined) return -1;
  return a < b ? -1 : 1;
}

export function parseSearch<T>(raw: unknown, spec: SearchSpec<T>, limits: SearchLimits = DEFAULT_SEARCH_LIMITS): Search<T> {
  const request = (raw ?? {}) as Record<string, unknown>;
  if (typeof request !== "object" || Array.isArray(request)) throw invalid("Expected a search request object, but found something else");
  const filter = (request["filter"] ?? {}) as Record<string, unknown>;
  if (typeof filter !== "object" || Array.isArray(filter)) throw invalid(`Expected 'filter' to be an object, but found ${JSON.stringify(filter)}`);
  const predicates: Predicate<T>[] = [];
  for (const [name, value] of Object.entries(filter)) {
    if (value === undefined) continue;
    // Own properties only: `__proto__` or `constructor` are names of every object, not fields.
    const field = Object.hasOwn(spec.filter, name) ? spec.filter[name] : undefined;
    if (!field) throw invalid(`Expected a filter field of ${Object.keys(spec.filter).filter((f) => !spec.filter[f]!.unsupported).join(", ")}, but found '${name}'`);
    predicates.push(fieldPredicate(name, field, value, limits));
  }

  const sortRequest = request["sort"] ?? [];
  if (!Array.isArray(sortRequest)) throw invalid(`Expected 'sort' to be a list of { field, order }, but found ${JSON.stringify(sortRequest)}`);
  const sorters = sortRequest.map((s: { field?: unknown; order?: unknown }) => {
    const get = typeof s?.field === "string" && Object.hasOwn(spec.sort, s.field) ? spec.sort[s.field] : undefined;
    if (!get) throw invalid(`Expected a sort field of ${Object.keys(spec.sort).join(", ")}, but found ${JSON.stringify(s?.field)}`);
    const order = s.order ?? "ASC";
    if (order !== "ASC" && order !== "DESC" && order !== "asc" && order !== "desc") throw invalid(`Expected sort order ASC or DESC, but found ${JSON.stringify(order)}`);
    const sign = String(order).toUpperCase() === "DESC" ? -1 : 1;
    return (a: T, b: T) => sign * compareValues(get(a), get(b));
  });
  sorters.push((a, b) => compareValues(spec.defaultSort(a), spec.defaultSort(b)));

  const page = (request["page"] ?? {}) as Record<string, unknown>;
  const limit = page["limit"] ?? 100;
  if (typeof limit !== "number" || !Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) throw invalid(`Expected 'page.limit' to be a whole number from 1 to ${MAX_LIMIT}, but found ${JSON.stringify(limit)}`);
  let from = 0;
  if (page["from"] !== undefined) {
    if (typeof page["from"] !== "number" || !Number.isInteger(page["from"]) || page["from"] < 0) throw invalid(`Expected 'page.from' to be a whole number of at least 0, but found ${JSON.stringify(page["from"])}`);
    from = page["from"];
  } else if (page["after"] !== undefined) from = position(page["after"], "after") + 1;
  else if (page["before"] !== undefined) from = Math.max(0, position(page["before"], "before") - limit);

  return {
    predicate: (row) => predicates.every((p) => p(row)),
    compare: (a, b) => {
      for (const s of sorters) {
        const c = s(a, b);
        if (c !== 0) return c;
      }
      return 0;
    },
    from, limit, filter,
  };
}

/** Filters, sorts and cuts out the requested page; `map` shapes each item for the wire. */
export function runSearch<T, R>(rows: T[], search: Search<T>, map: (row: T) => R): Page<R> {
  const matching = rows.filter(search.predicate).sort(search.compare);
  const window = matching.slice(search.from, search.from + search.limit);
  return {
    items: window.map(map),
    page: {
      totalItems: matching.length,
      hasMoreTotalItems: false,
      startCursor: window.length ? cursor(search.from) : null,
      endCursor: window.length ? cursor(search.from + window.length - 1) : null,
    },
  };
}

/** An equality value of a filter property usable to narrow the SQL (plain value or `$eq`), if any. */
export function exact(filter: Record<string, unknown>, name: string): string | number | undefined {
  const v = filter[name];
  if (typeof v === "string" || typeof v === "number") return v;
  if (v && typeof v === "object" && !Array.isArray(v)) {
    const eq = (v as Record<string, unknown>)["$eq"];
    if (typeof eq === "string" || typeof eq === "number") return eq;
  }
  return undefined;
}
