/**
 * Archiving, deposit and reactivation. Archiving a closed dossier freezes it (an `archive_dossier`
 * row: its fields and documents refuse every change) and queues a full deposit; the deposit hashes
 * every stored file of the dossier's document versions OUTSIDE any transaction (SHA-256 from the
 * bytes on disk, checked against the content address), then writes one record per version not yet
 * deposited, plus a snapshot of the dossier's metadata, with their retention, in one transaction
 * with their archive journal entries. A queued deposit survives a crash (processed on start).
 *
 * Reactivation opens a new active period: the dossier can change again; its records stay as they
 * were; what changes becomes new records at the next deposit.
 */
import { createHash } from "node:crypto";
import { createReadStream, readFileSync } from "node:fs";
import type Database from "better-sqlite3";
import type { Engine, EngineTransaction } from "../engine/engine.js";
import type { Domain } from "../dossiers/domain.js";
import { DossierError } from "../dossiers/errors.js";
import { canonical } from "../dossiers/journal.js";
import { dossierById, type DossierRow } from "../dossiers/rows.js";
import { label, type StoredType } from "../dossiers/type-definition.js";
import type { Principal } from "../identity/identity.js";
import { statement } from "../persistence/statements.js";
import type { ArchiveJournal } from "./journal.js";
import { later, type RetentionRules } from "./rules.js";

export interface RecordRow {
  id: number;
  dossier_id: number;
  period: number;
  kind: "document" | "dossier";
  document_id: number | null;
  version: number | null;
  document_type: string | null;
  filename: string | null;
  mime: string | null;
  size: number | null;
  sha256: string | null;
  metadata: string;
  deposited_at: number;
  deposited_by: string | null;
  rule_id: string | null;
  retain_from: string | null;
  retain_until: string | null;
  final_action: string;
  status: "kept" | "destroyed";
  destroyed_at: number | null;
  disposal_id: number | null;
}

export interface ArchiveDossierRow {
  dossier_id: number;
  status: "archived" | "active";
  period: number;
  archived_at: number;
  archived_by: string | null;
  state_before: string | null;
  reactivated_at: number | null;
  reactivated_by: string | null;
  reason: string | null;
}

/** SHA-256 and size of a file, streamed. */
export function hashFile(path: string): Promise<{ sha256: string; size: number }> {
  return new Promise((resolve, reject) => {
    const hash = createHash("sha256");
    let size = 0;
    createReadStream(path, { highWaterMark: 1 << 20 })
      .on("data", (chunk) => {
        size += chunk.length;
        hash.update(chunk);
      })
      .on("error", reject)
      .on("end", () => resolve({ sha256: hash.digest("hex"), size }));
  });
}

/** Whether a state archives the dossier: `archive: true`, or, in a type that marks none, a final state named 'archive'/'archived'. */
export function isArchivingState(type: StoredType, stateId: string): boolean {
  const state = type.states.find((s) => s.id === stateId);
  if (!state) return false;
  if (type.states.some((s) => s.archive !== undefined)) return state.archive === true;
  return state.final === true && /^(archive|archived|archivé|archive[ée]?)$/i.test(state.id);
}

export class ArchiveRecords {
  private pending: Promise<void> = Promise.resolve();

  constructor(private readonly deps: { db: Database.Database; engine: Engine; domain: Domain; journal: ArchiveJournal; rules: RetentionRules; log: (m: string) => void; onDeposited?: (paths: Array<{ sha256: string; path: string }>) => Promise<void> }) {}

  // ── freeze ──────────────────────────────────────────────────────────────────────────────────

  archiveRow(dossierId: number): ArchiveDossierRow | undefined {
    return statement(this.deps.db, `SELECT * FROM archive_dossier WHERE dossier_id = ?`).get(dossierId) as ArchiveDossierRow | undefined;
  }

  /** The freeze the dossier service and the document library ask about. */
  frozenReason(dossierId: number): string | null {
    const row = this.archiveRow(dossierId);
    if (!row || row.status !== "archived") return null;
    const reference = (statement(this.deps.db, `SELECT reference FROM dossier WHERE id = ?`).get(dossierId) as { reference: string } | undefined)?.reference ?? String(dossierId);
    return `Expected an active dossier, but ${reference} is archived (since ${new Date(row.archived_at).toISOString().slice(0, 10)}): its fields and documents are read-only records of the archive; reactivate it to open a new period, or ask an archivist for a metadata correction`;
  }

  /** The dossier event listener: entering an archiving state freezes the dossier and queues its deposit. */
  onStateChanged(dossier: DossierRow, from: string, to: string, actor: string | null, tx: EngineTransaction): void {
    const type = this.deps.domain.types.get(dossier.typeId);
    if (!type || !isArchivingState(type, to)) return;
    this.freezeIn(tx, dossier, from, actor);
  }

  private freezeIn(tx: EngineTransaction, dossier: DossierRow, stateBefore: string, actor: string | null): void {
    const { db } = this.deps;
    const existing = this.archiveRow(dossier.id);
    if (existing?.status === "archived") return;
    if (existing) statement(db, `UPDATE archive_dossier SET status = 'archived', archived_at = ?, archived_by = ?, state_before = ? WHERE dossier_id = ?`).run(tx.now, actor, stateBefore, dossier.id);
    else statement(db, `INSERT INTO archive_dossier (dossier_id, status, period, archived_at, archived_by, state_before) VALUES (?, 'archived', 1, ?, ?, ?)`).run(dossier.id, tx.now, actor, stateBefore);
    const period = existing?.period ?? 1;
    statement(db, `INSERT INTO archive_deposit (dossier_id, document_ids, actor, full, created_at) VALUES (?, NULL, ?, 1, ?)`).run(dossier.id, actor, tx.now);
    this.deps.journal.append({ at: tx.now, actor, action: "archived", dossierId: dossier.id, details: { reference: dossier.reference, period, stateBefore } });
    this.deps.domain.journal.append({ dossierId: dossier.id, at: tx.now, actor, action: "dossier.archived", summary: `Dossier archivé (période ${period}) : pièces et champs en lecture seule`, after: { period } });
    tx.afterCommit(() => void this.processPending());
  }

  /**
   * Archives a closed dossier: through the type's transition into its archiving state when there is
   * one (the state change freezes it), else directly when the dossier is in a final state.
   */
  async archive(principal: Principal | null, dossier: DossierRow, comment?: string): Promise<DossierRow> {
    const { domain } = this.deps;
    const type = domain.service.typeOf(dossier);
    const actor = principal?.username ?? null;
    await this.deps.engine.transaction((tx) => {
      const current = dossierById(this.deps.db, dossier.id)!;
      if (this.archiveRow(current.id)?.status === "archived") throw new DossierError("INVALID_STATE", `Expected a dossier not archived yet, but ${current.reference} already is`);
      const into = domain.service.transitionsFor(principal, type, current.state).find((t) => isArchivingState(type, t.to));
      if (into) {
        domain.service.mutateIn(tx, current.id, undefined, domain.service.stateChange(principal, type, into.to, comment, actor));
        return;
      }
      const state = type.states.find((s) => s.id === current.state);
      if (!state?.final) {
        const finals = type.states.filter((s) => s.final).map((s) => s.id).join(", ");
        throw new DossierError("INVALID_STATE", `Expected a closed dossier (in a final state: ${finals || "none"}) to archive, but ${current.reference} is '${current.state}' (${label(state?.label, "fr")}): close it first`);
      }
      this.freezeIn(tx, current, current.state, actor);
    });
    await this.processPending();
    return dossierById(this.deps.db, dossier.id)!;
  }

  /** Runs the queued deposits (one after the other; at least once: on start too). */
  processPending(): Promise<void> {
    this.pending = this.pending.then(async () => {
      const rows = statement(this.deps.db, `SELECT * FROM archive_deposit WHERE done_at IS NULL ORDER BY id`).all() as Array<{ id: number; dossier_id: number; document_ids: string | null; actor: string | null; full: number }>;
      for (const r of rows) {
        try {
          await this.deposit({ dossierId: r.dossier_id, documentIds: r.document_ids ? (JSON.parse(r.document_ids) as number[]) : null, actor: r.actor, full: r.full === 1, queued: r.id });
        } catch (error) {
          this.deps.log(`archive: deposit ${r.id} of dossier ${r.dossier_id} failed (${(error as Error).message}); it is retried on the next start or deposit`);
        }
      }
    });
    return this.pending;
  }

  // ── deposit ─────────────────────────────────────────────────────────────────────────────────

  /** The document versions of a dossier not deposited yet (some documents only, when given). */
  private undeposited(dossierId: number, documentIds: number[] | null): Array<Record<string, any>> {
    const filter = documentIds && documentIds.length ? `AND dv.document_id IN (${documentIds.map(() => "?").join(", ")})` : "";
    return statement(this.deps.db,
      `SELECT dv.document_id, dv.version, dv.sha256, dv.filename, dv.mime, dv.size, dv.uploaded_at, dv.uploaded_by, doc.document_type, doc.title, doc.status
       FROM dossier_document dd JOIN document doc ON doc.id = dd.document_id JOIN document_version dv ON dv.document_id = doc.id
       WHERE dd.dossier_id = ? ${filter} AND NOT EXISTS (SELECT 1 FROM archive_record r WHERE r.dossier_id = dd.dossier_id AND r.document_id = dv.document_id AND r.version = dv.version)
       ORDER BY dv.document_id, dv.version`,
    ).all(dossierId, ...(documentIds ?? [])) as Array<Record<string, any>>;
  }

  /**
   * Deposits documents of a dossier (all, or `documentIds`): files hashed first, then ONE
   * transaction (the caller's work too, e.g. a job's completion, through `alsoIn`).
   * Returns the ids of the new records.
   */
  async deposit(input: { dossierId: number; documentIds: number[] | null; actor: string | null; full: boolean; queued?: number; alsoIn?: (tx: EngineTransaction, recordIds: number[]) => void }): Promise<number[]> {
    const { db, domain } = this.deps;
    const candidates = this.undeposited(input.dossierId, input.documentIds);
    const hashed = new Map<string, number>();
    const files: Array<{ sha256: string; path: string }> = [];
    for (const v of candidates) {
      if (hashed.has(v.sha256)) continue;
      const path = domain.documents.store.pathOf(v.sha256);
      let got: { sha256: string; size: number };
      try {
        got = await hashFile(path);
      } catch (error) {
        throw new DossierError("INVALID_STATE", `Expected the stored file of document ${v.document_id} version ${v.version} (${v.filename}) on disk, but it could not be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}): it cannot be deposited`);
      }
      if (got.sha256 !== v.sha256) throw new DossierError("INVALID_STATE", `Expected the stored file of document ${v.document_id} version ${v.version} (${v.filename}) to hash to ${v.sha256}, but it hashes to ${got.sha256}: the store is damaged, it cannot be deposited`);
      hashed.set(v.sha256, got.size);
      files.push({ sha256: v.sha256, path });
    }
    await this.deps.onDeposited?.(files); // the replica copy: files before rows
    return this.deps.engine.transaction((tx) => {
      const dossier = dossierById(db, input.dossierId);
      if (!dossier) throw new DossierError("NOT_FOUND", `Expected to find dossier ${input.dossierId}, but none was found`);
      const period = this.archiveRow(dossier.id)?.period ?? 1;
      const rules = this.deps.rules.all();
      const ids: number[] = [];
      const insert = statement(db,
        `INSERT INTO archive_record (dossier_id, period, kind, document_id, version, document_type, filename, mime, size, sha256, metadata, deposited_at, deposited_by, rule_id, retain_from, retain_until, final_action, status)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'kept')`);
      for (const v of this.undeposited(input.dossierId, input.documentIds)) {
        let size = hashed.get(v.sha256);
        if (size === undefined) {
          // a version added between the hashing and this transaction: hashed here (rare)
          const bytes = readFileSync(domain.documents.store.pathOf(v.sha256));
          if (createHash("sha256").update(bytes).digest("hex") !== v.sha256) throw new DossierError("INVALID_STATE", `Expected document ${v.document_id} version ${v.version} to hash to ${v.sha256}, but it does not: not deposited`);
          size = bytes.length;
        }
        const retention = this.deps.rules.compute({ documentType: v.document_type, dossierType: dossier.typeId, dossierData: dossier.data, documentAt: v.uploaded_at, depositedAt: tx.now }, rules);
        const metadata = { title: v.title, documentType: v.document_type, status: v.status, uploadedAt: v.uploaded_at, uploadedBy: v.uploaded_by, reference: dossier.reference, ...(retention.note ? { retentionNote: retention.note } : {}) };
        const id = Number(insert.run(dossier.id, period, "document", v.document_id, v.version, v.document_type, v.filename, v.mime, size, v.sha256, canonical(metadata), tx.now, input.actor, retention.ruleId, retention.retainFrom, retention.retainUntil, retention.finalAction).lastInsertRowid);
        ids.push(id);
        this.deps.journal.append({ at: tx.now, actor: input.actor, action: "deposit", recordId: id, dossierId: dossier.id, details: { documentId: v.document_id, version: v.version, filename: v.filename, sha256: v.sha256, size, rule: retention.ruleId, retainUntil: retention.retainUntil, finalAction: retention.finalAction } });
      }
      if (input.full) ids.push(this.snapshotIn(tx, dossier, period, input.actor));
      this.extendDossierRecords(tx, dossier.id, input.actor);
      if (ids.length) {
        domain.journal.append({ dossierId: dossier.id, at: tx.now, actor: input.actor, action: "archive.deposited", summary: `${ids.length} enregistrement(s) versé(s) aux archives`, after: { records: ids } });
      }
      if (input.queued !== undefined) statement(db, `UPDATE archive_deposit SET done_at = ?, records = ? WHERE id = ?`).run(tx.now, ids.length, input.queued);
      input.alsoIn?.(tx, ids);
      return ids;
    });
  }

  /** The dossier's metadata record: fields, parties, state and its journal's head (the journal is kept with the dossier's longest record). */
  private snapshotIn(tx: EngineTransaction, dossier: DossierRow, period: number, actor: string | null): number {
    const { db, domain } = this.deps;
    const parties = statement(db, `SELECT dp.role, p.id, p.name FROM dossier_party dp JOIN party p ON p.id = dp.party_id WHERE dp.dossier_id = ? ORDER BY dp.added_at`).all(dossier.id);
    const journalCheck = domain.journal.verify(dossier.id);
    const head = statement(db, `SELECT seq, hash FROM dossier_journal WHERE dossier_id = ? ORDER BY seq DESC LIMIT 1`).get(dossier.id) as { seq: number; hash: string } | undefined;
    const snapshot = {
      reference: dossier.reference, type: dossier.typeId, typeVersion: dossier.typeVersion, title: dossier.title, state: dossier.state, data: dossier.data, tags: dossier.tags,
      sector: dossier.sector, owner: dossier.owner, createdAt: dossier.createdAt, closedAt: dossier.closedAt, parties, period,
      journal: { entries: journalCheck.entries, valid: journalCheck.valid, headSeq: head?.seq ?? 0, headHash: head?.hash ?? null },
    };
    const text = canonical(snapshot);
    const sha256 = createHash("sha256").update(text).digest("hex");
    const retention = this.deps.rules.compute({ documentType: null, dossierType: dossier.typeId, dossierData: dossier.data, documentAt: null, depositedAt: tx.now });
    const id = Number(statement(db,
      `INSERT INTO archive_record (dossier_id, period, kind, document_id, version, document_type, filename, mime, size, sha256, metadata, deposited_at, deposited_by, rule_id, retain_from, retain_until, final_action, status)
       VALUES (?, ?, 'dossier', NULL, ?, NULL, ?, 'application/json', ?, ?, ?, ?, ?, ?, ?, ?, ?, 'kept')`,
    ).run(dossier.id, period, period, `${dossier.reference}-periode-${period}.json`, Buffer.byteLength(text), sha256, text, tx.now, actor, retention.ruleId, retention.retainFrom, retention.retainUntil, retention.finalAction).lastInsertRowid);
    this.deps.journal.append({ at: tx.now, actor, action: "deposit", recordId: id, dossierId: dossier.id, details: { snapshot: dossier.reference, period, sha256, rule: retention.ruleId, retainUntil: retention.retainUntil } });
    return id;
  }

  /** The dossier's metadata records (its fields and journal) are kept as long as its longest record. */
  extendDossierRecords(tx: EngineTransaction, dossierId: number, actor: string | null): void {
    const { db } = this.deps;
    const all = statement(db, `SELECT id, kind, retain_until, final_action FROM archive_record WHERE dossier_id = ? AND status = 'kept'`).all(dossierId) as Array<{ id: number; kind: string; retain_until: string | null; final_action: string }>;
    if (all.length === 0) return;
    let longest: string | null = "0000-01-01";
    for (const r of all) longest = later(longest, r.final_action === "keep" || r.retain_until === null ? null : r.retain_until);
    for (const r of all.filter((x) => x.kind === "dossier")) {
      const next = later(r.retain_until, longest);
      if (next !== r.retain_until) {
        statement(db, `UPDATE archive_record SET retain_until = ? WHERE id = ?`).run(next, r.id);
        this.deps.journal.append({ at: tx.now, actor, action: "retention.extended", recordId: r.id, dossierId, details: { from: r.retain_until, to: next, reason: "kept as long as the dossier's longest record" } });
      }
    }
  }

  // ── reactivation ────────────────────────────────────────────────────────────────────────────

  /** A new active period of an archived dossier, with who and why; the records stay as they are. */
  async reactivate(principal: Principal | null, dossier: DossierRow, reason: unknown, state?: unknown): Promise<DossierRow> {
    const { db, domain } = this.deps;
    if (typeof reason !== "string" || reason.trim().length < 3 || reason.length > 1024) throw new DossierError("VALIDATION_FAILED", `Expected the reason of the reactivation (3 to 1024 characters), but found ${JSON.stringify(reason ?? null)?.slice(0, 60)}`, [{ field: "reason", message: "expected a reason" }]);
    const type = domain.service.typeOf(dossier);
    const actor = principal?.username ?? null;
    await this.deps.engine.transaction((tx) => {
      const row = this.archiveRow(dossier.id);
      if (row?.status !== "archived") throw new DossierError("INVALID_STATE", `Expected an archived dossier to reactivate, but ${dossier.reference} is not archived`);
      const current = dossierById(db, dossier.id)!;
      const open = type.states.filter((s) => !s.final);
      let target: string | undefined;
      if (state !== undefined && state !== null && state !== "") {
        if (!open.some((s) => s.id === state)) throw new DossierError("VALIDATION_FAILED", `Expected an open state of '${type.id}' (${open.map((s) => s.id).join(", ")}), but found ${JSON.stringify(state)}`, [{ field: "state", message: "expected an open state" }]);
        target = state as string;
      } else {
        const from = row.state_before ?? current.state;
        target = type.transitions.find((t) => (t.from === from || t.from === "*") && open.some((s) => s.id === t.to))?.to ?? type.states.find((s) => s.initial)!.id;
      }
      statement(db, `UPDATE archive_dossier SET status = 'active', period = period + 1, reactivated_at = ?, reactivated_by = ?, reason = ? WHERE dossier_id = ?`).run(tx.now, actor, reason.trim(), dossier.id);
      statement(db, `UPDATE dossier SET state = ?, closed_at = NULL, version = version + 1, updated_at = ? WHERE id = ?`).run(target, tx.now, dossier.id);
      const period = row.period + 1;
      this.deps.journal.append({ at: tx.now, actor, action: "reactivated", dossierId: dossier.id, details: { reference: dossier.reference, period, reason: reason.trim(), state: target } });
      domain.journal.append({ dossierId: dossier.id, at: tx.now, actor, action: "dossier.reactivated", summary: `Dossier réactivé (période ${period}) : ${reason.trim()}`, before: { state: current.state }, after: { state: target, period, reason: reason.trim() } });
      const saved = dossierById(db, dossier.id)!;
      domain.service.reindex(saved, tx.now);
      domain.events.emit({ type: "state.changed", dossier: saved, from: current.state, to: target, actor }, tx);
    });
    return dossierById(db, dossier.id)!;
  }

  // ── reads ───────────────────────────────────────────────────────────────────────────────────

  record(id: number): RecordRow | undefined {
    return statement(this.deps.db, `SELECT * FROM archive_record WHERE id = ?`).get(id) as RecordRow | undefined;
  }

  ofDossier(dossierId: number): RecordRow[] {
    return statement(this.deps.db, `SELECT * FROM archive_record WHERE dossier_id = ? ORDER BY id`).all(dossierId) as RecordRow[];
  }

  /** The kept record of a document version, if deposited (any dossier). */
  ofVersion(documentId: number, version: number): RecordRow | undefined {
    return statement(this.deps.db, `SELECT * FROM archive_record WHERE document_id = ? AND version = ? ORDER BY status = 'kept' DESC, id LIMIT 1`).get(documentId, version) as RecordRow | undefined;
  }
}
