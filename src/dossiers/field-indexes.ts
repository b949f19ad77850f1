/**
 * Expression indexes on the filterable fields of a type — choice, date, number, amount, yes/no,
 * party — so that a list filtered or sorted on such a field stays an index lookup at 100,000
 * dossiers. Created when a type version is saved (an added field is at once fast to filter on).
 * The expression is exactly the one list.ts queries with.
 */
import type Database from "better-sqlite3";
import { fieldExpression } from "./list.js";
import type { TypeDefinition } from "./type-definition.js";

const INDEXED = new Set(["choice", "date", "number", "amount", "boolean", "party"]);

export function ensureFieldIndexes(db: Database.Database, type: TypeDefinition): void {
  for (const field of type.fields) {
    if (!INDEXED.has(field.type)) continue;
    const name = `ix_dossier_f_${type.id}_${field.id}`.replace(/[^A-Za-z0-9_]/g, "_");
    db.prepare(`CREATE INDEX IF NOT EXISTS "${name}" ON dossier (type_id, ${fieldExpression(field, "dossier").replace("dossier.data", "data")})`).run();
  }
}
