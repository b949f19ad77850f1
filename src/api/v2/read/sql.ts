/**
 * Read-only SQL on the engine's tables for the search endpoints. Reads never wait on the writer
 * (WAL); they see committed state only. Plain portable SQL; rows come back with snake_case
 * columns and are shaped by each resource module.
 */
import type Database from "better-sqlite3";

export type Row = Record<string, any>;

export class Sql {
  private readonly cache = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {}

  private stmt(sql: string): Database.Statement {
    let s = this.cache.get(sql);
    if (!s) this.cache.set(sql, (s = this.db.prepare(sql)));
    return s;
  }

  all(sql: string, ...params: unknown[]): Row[] {
    return this.stmt(sql).all(...params) as Row[];
  }

  get(sql: string, ...params: unknown[]): Row | undefined {
    return this.stmt(sql).get(...params) as Row | undefined;
  }

  /**
   * `SELECT * FROM table WHERE col = ? AND …` for the equality conditions that are set; the rest of
   * a search's filter is applied in memory.
   */
  select(table: string, where: Record<string, string | number | undefined>, order = "key"): Row[] {
    const entries = Object.entries(where).filter(([, v]) => v !== undefined);
    const clause = entries.length ? ` WHERE ${entries.map(([c]) => `${c} = ?`).join(" AND ")}` : "";
    return this.all(`SELECT * FROM ${table}${clause} ORDER BY ${order}`, ...entries.map(([, v]) => v));
  }
}

/** A decimal-string or numeric key from a filter, as a number (undefined when absent or not a key). */
export function numericKey(value: string | number | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  return Number.isSafeInteger(n) ? n : -1;
}
