/**
 * Expression indexes on the fields a list filters by range or sorts on — dates, numbers, amounts —
 * and on party references (a party's dossiers), so that such a list stays an index lookup at
 * 100,000 dossiers. Created when a type version is saved (an added field is at once fast to filter
 * on). The expression is exactly the one list.ts queries with. Choice and yes/no fields get none:
 * with a handful of values an index does not narrow enough to pay for itself on every write (the
 * type and state indexes narrow first).
 */
import { createHash } from "node:crypto";
import type Database from "better-sqlite3";
import { fieldExpression } from "./list.js";
import type { TypeDefinition } from "./type-definition.js";

const INDEXED = new Set(["date", "number", "amount", "party"]);

export function ensureFieldIndexes(db: Database.Database, type: TypeDefinition): void {
  for (const field of type.fields) {
    if (!INDEXED.has(field.type)) continue;
    // Readable, and unique: '-' and '_' both become '_', so a short hash of the exact ids tells them apart.
    const hash = createHash("sha256").update(`${type.id}\u0000${field.id}`).digest("hex").slice(0, 8);
    const name = `ix_dossier_f_${type.id}_${field.id}`.replace(/[^A-Za-z0-9_]/g, "_").slice(0, 80) + `_${hash}`;
    db.prepare(`CREATE INDEX IF NOT EXISTS "${name}" ON dossier (type_id, ${fieldExpression(field, "dossier").replace("dossier.data", "data")})`).run();
  }
}
