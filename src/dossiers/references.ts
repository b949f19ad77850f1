/**
 * Dossier references from the type's pattern, e.g. `CLI-{YYYY}-{00000}` → `CLI-2026-00042`. The
 * sequence is per type and period (the year when the pattern shows one, the month with {MM}),
 * incremented in the same transaction as the dossier row: no gaps (a rolled-back creation takes
 * its number back) and no duplicates (the write lane runs one command at a time, and the
 * reference column is unique).
 */
import type Database from "better-sqlite3";
import { statement } from "../persistence/statements.js";

export function periodOf(pattern: string, at: Date): string {
  const y = String(at.getUTCFullYear());
  if (pattern.includes("{MM}")) return `${y}-${String(at.getUTCMonth() + 1).padStart(2, "0")}`;
  if (pattern.includes("{YYYY}") || pattern.includes("{YY}")) return y;
  return "all";
}

export function formatReference(pattern: string, at: Date, n: number): string {
  const y = String(at.getUTCFullYear());
  return pattern
    .replace(/\{YYYY\}/g, y)
    .replace(/\{YY\}/g, y.slice(2))
    .replace(/\{MM\}/g, String(at.getUTCMonth() + 1).padStart(2, "0"))
    .replace(/\{(0+)\}/g, (_m, zeros: string) => String(n).padStart(zeros.length, "0"));
}

export class ReferenceSequence {
  private readonly bump: Database.Statement;

  constructor(db: Database.Database) {
    // One statement: the first of a period inserts 1, the next ones add one (PostgreSQL has the same upsert).
    this.bump = statement(
      db,
      `INSERT INTO dossier_sequence (type_id, period, last_value) VALUES (?, ?, 1) ON CONFLICT (type_id, period) DO UPDATE SET last_value = last_value + 1 RETURNING last_value`,
    );
  }

  /** The next reference of a type; must run inside the transaction that inserts the dossier. */
  next(typeId: string, pattern: string, now: number): string {
    const at = new Date(now);
    const { last_value } = this.bump.get(typeId, periodOf(pattern, at)) as { last_value: number };
    return formatReference(pattern, at, last_value);
  }
}
