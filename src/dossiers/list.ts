/**
 * Dossier lists: filters on type, state, owner, sector, party, text and any field of the type,
 * sort, paging and counts — all in SQL under the access predicate. Field filters and sorts use
 * `json_extract(d.data, '$.<field>')` with the path written literally, so they match the
 * expression indexes created per filterable field when a type is saved (see field-indexes.ts).
 */
import type Database from "better-sqlite3";
import type { Principal } from "../identity/identity.js";
import { dossierVisibility } from "./access.js";
import { DossierError } from "./errors.js";
import { ftsQuery } from "./index-text.js";
import { toDossier, type DossierRow } from "./rows.js";
import type { FieldDefinition, StoredType } from "./type-definition.js";
import type { TypeRegistry } from "./types.js";
import { statement } from "../persistence/statements.js";

export interface ListQuery {
  type?: string;
  state?: string[];
  q?: string;
  owner?: string;
  sector?: string;
  party?: number;
  parent?: number;
  /** `field` → conditions, e.g. { amount: { gte: "1000" }, segment: { eq: "pro" } } */
  fields?: Record<string, Partial<Record<FieldOperator, string>>>;
  sort?: string;
  page?: number;
  pageSize?: number;
}

export const FIELD_OPERATORS = ["eq", "ne", "gt", "gte", "lt", "lte", "contains", "empty"] as const;
export type FieldOperator = (typeof FIELD_OPERATORS)[number];
const SQL_OPERATOR: Record<string, string> = { eq: "=", ne: "<>", gt: ">", gte: ">=", lt: "<", lte: "<=" };

/** The SQL expression of a field's value (amounts compare on their amount). */
export function fieldExpression(field: FieldDefinition, alias = "d"): string {
  return field.type === "amount" ? `json_extract(${alias}.data, '$."${field.id}".amount')` : `json_extract(${alias}.data, '$."${field.id}"')`;
}

function bind(field: FieldDefinition, raw: string): unknown {
  if (field.type === "number" || field.type === "amount" || field.type === "party" || field.type === "document") {
    const n = Number(raw.replace(",", "."));
    if (!Number.isFinite(n)) throw new DossierError("INVALID_ARGUMENT", `Expected a number to filter '${field.id}' on, but found '${raw}'`);
    return n;
  }
  if (field.type === "boolean") {
    if (raw !== "true" && raw !== "false") throw new DossierError("INVALID_ARGUMENT", `Expected true or false to filter '${field.id}' on, but found '${raw}'`);
    return raw === "true" ? 1 : 0;
  }
  return raw;
}

export interface Page {
  items: DossierRow[];
  /** Exact up to MAX_COUNT; beyond, MAX_COUNT with `hasMoreTotalItems` (a count never scans a whole type). */
  total: number;
  hasMoreTotalItems: boolean;
  page: number;
  pageSize: number;
}

/** Lists count at most this many rows ("1 000+"): counting 50,000 clients on every page view costs more than the page. */
export const MAX_COUNT = 1000;

const SORTS: Record<string, string> = { updatedAt: "d.updated_at", createdAt: "d.created_at", reference: "d.reference", title: "d.title COLLATE NOCASE", state: "d.state" };

export class DossierLists {
  constructor(private readonly deps: { db: Database.Database; types: TypeRegistry }) {}

  /** WHERE clause and parameters of a list query for this principal. */
  where(principal: Principal, query: ListQuery): { sql: string; params: unknown[]; type: StoredType | undefined } {
    const access = dossierVisibility(principal, "d");
    const where = [access.sql];
    const params: unknown[] = [...access.params];
    let type: StoredType | undefined;
    if (query.type) {
      type = this.deps.types.require(query.type);
      where.push("d.type_id = ?");
      params.push(type.id);
    }
    if (query.state && query.state.length) {
      where.push(`d.state IN (${query.state.map(() => "?").join(", ")})`);
      params.push(...query.state);
    }
    if (query.owner) {
      where.push("d.owner = ?");
      params.push(query.owner);
    }
    if (query.sector) {
      where.push("d.sector = ?");
      params.push(query.sector);
    }
    if (query.party !== undefined) {
      where.push("d.id IN (SELECT dossier_id FROM dossier_party WHERE party_id = ?)");
      params.push(query.party);
    }
    if (query.parent !== undefined) {
      where.push("d.parent_id = ?");
      params.push(query.parent);
    }
    if (query.q && query.q.trim()) {
      const match = ftsQuery(query.q);
      if (match) {
        where.push("d.id IN (SELECT rowid FROM dossier_fts WHERE dossier_fts MATCH ?)");
        params.push(match);
      }
    }
    for (const [name, conditions] of Object.entries(query.fields ?? {})) {
      if (!type) throw new DossierError("INVALID_ARGUMENT", `Expected 'type' with a filter on the field '${name}' (fields belong to a type), but found none`);
      const field = type.fields.find((f) => f.id === name);
      if (!field) throw new DossierError("INVALID_ARGUMENT", `Expected a field of '${type.id}' (${type.fields.map((f) => f.id).join(", ")}) to filter on, but found '${name}'`);
      const expr = fieldExpression(field);
      for (const [op, raw] of Object.entries(conditions)) {
        if (raw === undefined) continue;
        if (op === "empty") {
          where.push(raw === "true" ? `${expr} IS NULL` : `${expr} IS NOT NULL`);
        } else if (op === "contains") {
          if (field.type === "multiChoice") {
            where.push(`EXISTS (SELECT 1 FROM json_each(d.data, '$."${field.id}"') WHERE value = ?)`);
            params.push(raw);
          } else {
            where.push(`${expr} LIKE ? ESCAPE '\\'`);
            params.push(`%${raw.replace(/[\\%_]/g, (c) => `\\${c}`)}%`);
          }
        } else if (field.type === "multiChoice" && op === "eq") {
          where.push(`EXISTS (SELECT 1 FROM json_each(d.data, '$."${field.id}"') WHERE value = ?)`);
          params.push(raw);
        } else {
          where.push(`${expr} ${SQL_OPERATOR[op]} ?`);
          params.push(bind(field, raw));
        }
      }
    }
    return { sql: where.join(" AND "), params, type };
  }

  private orderBy(sort: string | undefined, type: StoredType | undefined): string {
    const raw = sort ?? "-updatedAt";
    const desc = raw.startsWith("-");
    const key = desc ? raw.slice(1) : raw;
    let column = SORTS[key];
    if (!column && key.startsWith("data.")) {
      const field = type?.fields.find((f) => `data.${f.id}` === key);
      if (field) column = fieldExpression(field);
    }
    if (!column) {
      throw new DossierError("INVALID_ARGUMENT", `Expected a sort among ${Object.keys(SORTS).join(", ")} or data.<field> of the type (a leading '-' for descending), but found '${raw}'`);
    }
    return `${column} ${desc ? "DESC" : "ASC"}, d.id ${desc ? "DESC" : "ASC"}`;
  }

  list(principal: Principal, query: ListQuery): Page {
    const { sql, params, type } = this.where(principal, query);
    const pageSize = Math.min(Math.max(query.pageSize ?? 50, 1), 500);
    const page = Math.max(query.page ?? 1, 1);
    const rows = statement(this.deps.db, `SELECT d.* FROM dossier d WHERE ${sql} ORDER BY ${this.orderBy(query.sort, type)} LIMIT ${pageSize} OFFSET ${(page - 1) * pageSize}`)
      .all(...params) as Array<Record<string, any>>;
    const counted = (statement(this.deps.db, `SELECT COUNT(*) AS n FROM (SELECT 1 FROM dossier d WHERE ${sql} LIMIT ${MAX_COUNT + 1})`).get(...params) as { n: number }).n;
    return { items: rows.map(toDossier), total: Math.min(counted, MAX_COUNT), hasMoreTotalItems: counted > MAX_COUNT, page, pageSize };
  }

  /** Every row of a list, for exports (at most `max`). */
  all(principal: Principal, query: ListQuery, max: number): DossierRow[] {
    const { sql, params, type } = this.where(principal, query);
    return (statement(this.deps.db, `SELECT d.* FROM dossier d WHERE ${sql} ORDER BY ${this.orderBy(query.sort, type)} LIMIT ${max}`).all(...params) as Array<Record<string, any>>).map(toDossier);
  }
}

/** Reads `f.<field>=v` and `f.<field>.<op>=v` query parameters. */
export function fieldFilters(query: Record<string, unknown>): Record<string, Partial<Record<FieldOperator, string>>> {
  const out: Record<string, Partial<Record<FieldOperator, string>>> = Object.create(null);
  for (const [key, value] of Object.entries(query)) {
    const m = /^f\.([A-Za-z][A-Za-z0-9_-]{0,63})(?:\.([a-z]+))?$/.exec(key);
    if (!m) continue;
    const op = (m[2] ?? "eq") as FieldOperator;
    if (!(FIELD_OPERATORS as readonly string[]).includes(op)) throw new DossierError("INVALID_ARGUMENT", `Expected an operator among ${FIELD_OPERATORS.join(", ")} in '${key}', but found '${m[2]}'`);
    if (typeof value !== "string") throw new DossierError("INVALID_ARGUMENT", `Expected one value for '${key}', but found ${JSON.stringify(value)}`);
    (out[m[1]!] ??= {})[op] = value;
  }
  return out;
}
