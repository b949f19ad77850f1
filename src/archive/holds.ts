/**
 * Legal holds (a record, or every record of a dossier), retention extensions and metadata
 * corrections: the archivist's changes to records, each journaled. A hold blocks every disposal,
 * whatever the dates and whoever asks (administrators too); releasing it needs a reason.
 */
import type Database from "better-sqlite3";
import type { Engine } from "../engine/engine.js";
import { DossierError } from "../dossiers/errors.js";
import { canonical } from "../dossiers/journal.js";
import { statement } from "../persistence/statements.js";
import { isDate } from "./dates.js";
import type { ArchiveJournal } from "./journal.js";
import type { RecordRow } from "./records.js";

export interface HoldRow {
  id: number;
  record_id: number | null;
  dossier_id: number | null;
  reason: string;
  placed_by: string;
  placed_at: number;
  released_at: number | null;
  released_by: string | null;
  release_reason: string | null;
}

const text = (v: unknown, field: string, min = 3, max = 1024): string => {
  if (typeof v !== "string" || v.trim().length < min || v.length > max) throw new DossierError("VALIDATION_FAILED", `Expected '${field}' (${min} to ${max} characters), but found ${JSON.stringify(v ?? null)?.slice(0, 60)}`, [{ field, message: `expected ${min} to ${max} characters` }]);
  return v.trim();
};

/** Metadata an archivist may correct (the content and the fingerprint never change). */
const CORRECTABLE = ["title", "description", "keywords", "documentType"] as const;

export class ArchiveHolds {
  constructor(private readonly deps: { db: Database.Database; engine: Engine; journal: ArchiveJournal }) {}

  /** Active holds on a record (its own, or its dossier's). */
  activeFor(record: { id: number; dossier_id: number }): HoldRow[] {
    return statement(this.deps.db, `SELECT * FROM archive_hold WHERE released_at IS NULL AND (record_id = ? OR dossier_id = ?) ORDER BY id`).all(record.id, record.dossier_id) as HoldRow[];
  }

  list(activeOnly: boolean): HoldRow[] {
    return statement(this.deps.db, `SELECT * FROM archive_hold ${activeOnly ? "WHERE released_at IS NULL" : ""} ORDER BY id DESC LIMIT 500`).all() as HoldRow[];
  }

  place(actor: string, input: { recordId?: unknown; dossierId?: number; reason: unknown }): Promise<HoldRow> {
    const reason = text(input.reason, "reason");
    const recordId = input.recordId === undefined || input.recordId === null ? null : Number(input.recordId);
    if ((recordId === null) === (input.dossierId === undefined)) throw new DossierError("VALIDATION_FAILED", "Expected either a 'recordId' or a 'dossier' reference to hold, but found " + (recordId === null ? "neither" : "both"), [{ field: "recordId", message: "expected a record or a dossier" }]);
    return this.deps.engine.transaction((tx) => {
      let dossierId = input.dossierId ?? null;
      if (recordId !== null) {
        const record = statement(this.deps.db, `SELECT id, dossier_id, status FROM archive_record WHERE id = ?`).get(Number.isSafeInteger(recordId) ? recordId : -1) as { id: number; dossier_id: number; status: string } | undefined;
        if (!record) throw new DossierError("NOT_FOUND", `Expected to find an archived record '${input.recordId}', but none was found`);
        if (record.status === "destroyed") throw new DossierError("INVALID_STATE", `Expected a kept record to hold, but record ${record.id} was destroyed`);
        dossierId = null;
        void dossierId;
      }
      const id = Number(statement(this.deps.db, `INSERT INTO archive_hold (record_id, dossier_id, reason, placed_by, placed_at) VALUES (?, ?, ?, ?, ?)`).run(recordId, recordId === null ? input.dossierId : null, reason, actor, tx.now).lastInsertRowid);
      this.deps.journal.append({ at: tx.now, actor, action: "hold.placed", recordId, dossierId: recordId === null ? input.dossierId! : (statement(this.deps.db, `SELECT dossier_id FROM archive_record WHERE id = ?`).get(recordId) as { dossier_id: number }).dossier_id, details: { hold: id, reason } });
      return statement(this.deps.db, `SELECT * FROM archive_hold WHERE id = ?`).get(id) as HoldRow;
    });
  }

  release(actor: string, holdId: number, reason: unknown): Promise<HoldRow> {
    const why = text(reason, "reason");
    return this.deps.engine.transaction((tx) => {
      const hold = statement(this.deps.db, `SELECT * FROM archive_hold WHERE id = ?`).get(holdId) as HoldRow | undefined;
      if (!hold) throw new DossierError("NOT_FOUND", `Expected to find a hold '${holdId}', but none was found`);
      if (hold.released_at !== null) throw new DossierError("INVALID_STATE", `Expected an active hold, but hold ${holdId} was released already`);
      statement(this.deps.db, `UPDATE archive_hold SET released_at = ?, released_by = ?, release_reason = ? WHERE id = ?`).run(tx.now, actor, why, holdId);
      const dossierId = hold.dossier_id ?? (statement(this.deps.db, `SELECT dossier_id FROM archive_record WHERE id = ?`).get(hold.record_id) as { dossier_id: number } | undefined)?.dossier_id ?? null;
      this.deps.journal.append({ at: tx.now, actor, action: "hold.released", recordId: hold.record_id, dossierId, details: { hold: holdId, reason: why } });
      return statement(this.deps.db, `SELECT * FROM archive_hold WHERE id = ?`).get(holdId) as HoldRow;
    });
  }

  /** Extends a record's retain-until (never shortens it: the code says so, the database trigger too). */
  extend(actor: string, record: RecordRow, until: unknown, reason: unknown): Promise<void> {
    const why = text(reason, "reason");
    const forever = until === null || until === "forever";
    if (!forever && !isDate(until)) throw new DossierError("VALIDATION_FAILED", `Expected 'retainUntil' as a date YYYY-MM-DD (or "forever"), but found ${JSON.stringify(until)}`, [{ field: "retainUntil", message: "expected a date" }]);
    return this.deps.engine.transaction((tx) => {
      const current = statement(this.deps.db, `SELECT retain_until, status FROM archive_record WHERE id = ?`).get(record.id) as { retain_until: string | null; status: string };
      if (current.status !== "kept") throw new DossierError("INVALID_STATE", `Expected a kept record, but record ${record.id} was destroyed`);
      const next = forever ? null : (until as string);
      if (current.retain_until === null || (next !== null && next <= current.retain_until)) {
        throw new DossierError("INVALID_STATE", `Expected a retain-until later than the current one (${current.retain_until ?? "forever"}), but found ${next ?? "forever"}: a retention can only be extended`);
      }
      statement(this.deps.db, `UPDATE archive_record SET retain_until = ?, final_action = CASE WHEN ? IS NULL THEN 'keep' ELSE final_action END WHERE id = ?`).run(next, next, record.id);
      this.deps.journal.append({ at: tx.now, actor, action: "retention.extended", recordId: record.id, dossierId: record.dossier_id, details: { from: current.retain_until, to: next, reason: why } });
    });
  }

  /** Corrects descriptive metadata of a record, journaled with before/after (content untouched). */
  correct(actor: string, record: RecordRow, patch: unknown, reason: unknown): Promise<RecordRow> {
    const why = text(reason, "reason");
    const p = (patch && typeof patch === "object" && !Array.isArray(patch) ? patch : {}) as Record<string, unknown>;
    const keys = Object.keys(p);
    const wrong = keys.filter((k) => !(CORRECTABLE as readonly string[]).includes(k));
    if (keys.length === 0 || wrong.length) throw new DossierError("VALIDATION_FAILED", `Expected metadata to correct among ${CORRECTABLE.join(", ")}, but found ${wrong.length ? wrong.join(", ") : "none"}`, [{ field: "metadata", message: `expected ${CORRECTABLE.join(", ")}` }]);
    for (const k of keys) if (typeof p[k] !== "string" || (p[k] as string).length > 1000) throw new DossierError("VALIDATION_FAILED", `Expected '${k}' as a text of at most 1000 characters, but found ${JSON.stringify(p[k])?.slice(0, 60)}`, [{ field: k, message: "expected a text" }]);
    return this.deps.engine.transaction((tx) => {
      const current = statement(this.deps.db, `SELECT * FROM archive_record WHERE id = ?`).get(record.id) as RecordRow;
      const meta = JSON.parse(current.metadata) as Record<string, unknown>;
      const before: Record<string, unknown> = {};
      for (const k of keys) {
        before[k] = meta[k] ?? null;
        meta[k] = p[k];
      }
      statement(this.deps.db, `UPDATE archive_record SET metadata = ? WHERE id = ?`).run(canonical(meta), record.id);
      this.deps.journal.append({ at: tx.now, actor, action: "metadata.corrected", recordId: record.id, dossierId: record.dossier_id, details: { before, after: p, reason: why } });
      return statement(this.deps.db, `SELECT * FROM archive_record WHERE id = ?`).get(record.id) as RecordRow;
    });
  }
}
