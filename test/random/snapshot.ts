/**
 * The engine's persisted state, read with plain SQL on a separate read-only connection (what another
 * process would find in the file): every engine table, every column, in key order.
 */
import Database from "better-sqlite3";

/** Engine tables and the column(s) giving them a stable order. */
const TABLES: ReadonlyArray<readonly [string, string]> = [
  ["deployment", "key"],
  ["process_definition", "key"],
  ["form", "key"],
  ["process_instance", "key"],
  ["element_instance", "key"],
  ["variable", "key"],
  ["join_token", "key"],
  ["job", "key"],
  ["user_task", "key"],
  ["incident", "key"],
  ["event_subscription", "key"],
  ["message", "key"],
  ["message_correlation", "key"],
  ["message_start_lock", "process_instance_key"],
  ["history", "position"],
  ["engine_meta", "name"],
];

export type Snapshot = Record<string, Array<Record<string, unknown>>>;

export function snapshot(dbPath: string): Snapshot {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  try {
    const out: Snapshot = {};
    for (const [table, order] of TABLES) {
      out[table] = db.prepare(`SELECT * FROM "${table}" ORDER BY ${order}`).all() as Array<Record<string, unknown>>;
    }
    return out;
  } finally {
    db.close();
  }
}

/** A readable description of the first differences between two snapshots, or null when equal. */
export function diffSnapshots(before: Snapshot, after: Snapshot, max = 8): string | null {
  const lines: string[] = [];
  for (const table of Object.keys(before)) {
    const a = before[table] ?? [];
    const b = after[table] ?? [];
    if (a.length !== b.length) lines.push(`${table}: ${a.length} rows before, ${b.length} after`);
    const n = Math.max(a.length, b.length);
    for (let i = 0; i < n && lines.length < max; i++) {
      const x = JSON.stringify(a[i] ?? null);
      const y = JSON.stringify(b[i] ?? null);
      if (x !== y) lines.push(`${table}[${i}]:\n    before ${x}\n    after  ${y}`);
    }
    if (lines.length >= max) break;
  }
  return lines.length ? lines.join("\n  ") : null;
}
