/**
 * Disposal of records past their retain-until date: the disposal list (kept, past the date, final
 * action destroy or review, no active hold), a request that starts the shipped `archive-disposal`
 * process (an archivist reviews, a manager with archive.approve approves: both through this
 * module's API, which completes the process's user task in the same transaction as the approval),
 * and the `archive.dispose` job that destroys the content:
 *
 *   checks (past date, no hold, both approvals) → destruction certificate PDF rendered and stored
 *   under DATA_DIR/archive/certificates/<sha256>.pdf (outside the destroyed set; files before rows)
 *   → ONE transaction: records marked destroyed, tombstones (metadata, fingerprint, approvals,
 *   certificate), journal entries, text of destroyed files dropped from the search index, parties
 *   erased when asked and nothing of theirs is kept any longer, job completed
 *   → after commit: each blob file removed only when no live document version still uses it (the
 *   store is content-addressed); redone on start for any left behind.
 */
import { mkdirSync, promises as fsp } from "node:fs";
import path from "node:path";
import { createHash } from "node:crypto";
import type Database from "better-sqlite3";
import type { Engine, EngineTransaction } from "../engine/engine.js";
import type { Domain } from "../dossiers/domain.js";
import { DossierError } from "../dossiers/errors.js";
import { canonical } from "../dossiers/journal.js";
import type { Identity } from "../identity/identity.js";
import { syncDir } from "../documents/store.js";
import { statement } from "../persistence/statements.js";
import type { PdfRenderer } from "../templates/api.js";
import { dayOf } from "./dates.js";
import type { ArchiveHolds } from "./holds.js";
import type { ArchiveJournal } from "./journal.js";
import type { RecordRow } from "./records.js";
import { certificateHtml } from "./certificate-html.js";

export const DISPOSAL_PROCESS = "archive-disposal";
export const DISPOSE_JOB = "archive.dispose";

export interface DisposalRow {
  id: number;
  status: "review" | "approval" | "approved" | "done" | "refused";
  record_ids: string;
  erase_parties: number;
  created_at: number;
  created_by: string;
  process_instance_key: number | null;
  reviewed_by: string | null;
  reviewed_at: number | null;
  review_comment: string | null;
  approved_by: string | null;
  approved_at: number | null;
  approval_comment: string | null;
  executed_at: number | null;
  certificate_sha256: string | null;
  outcome: string | null;
}

export class Disposals {
  readonly certificatesDir: string;

  constructor(private readonly deps: { db: Database.Database; engine: Engine; domain: Domain; identity: Identity; journal: ArchiveJournal; holds: ArchiveHolds; pdf: PdfRenderer; dataDir: string; organisation: string; log: (m: string) => void }) {
    this.certificatesDir = path.join(deps.dataDir, "archive", "certificates");
  }

  today(): string {
    return dayOf(this.deps.engine.clock.now());
  }

  /** Records past their retain-until, kept, not on hold (review ones too, flagged). */
  eligible(): Array<RecordRow & { reference: string; title: string }> {
    return statement(this.deps.db,
      `SELECT r.*, d.reference, d.title FROM archive_record r JOIN dossier d ON d.id = r.dossier_id
       WHERE r.status = 'kept' AND r.retain_until IS NOT NULL AND r.retain_until < ? AND r.final_action IN ('destroy', 'review')
       AND NOT EXISTS (SELECT 1 FROM archive_hold h WHERE h.released_at IS NULL AND (h.record_id = r.id OR h.dossier_id = r.dossier_id))
       AND NOT EXISTS (SELECT 1 FROM archive_disposal x, json_each(x.record_ids) j WHERE x.status IN ('review', 'approval', 'approved') AND j.value = r.id)
       ORDER BY r.retain_until, r.id LIMIT 1000`,
    ).all(this.today()) as Array<RecordRow & { reference: string; title: string }>;
  }

  list(): DisposalRow[] {
    return statement(this.deps.db, `SELECT * FROM archive_disposal ORDER BY id DESC LIMIT 200`).all() as DisposalRow[];
  }

  get(id: number): DisposalRow {
    const row = statement(this.deps.db, `SELECT * FROM archive_disposal WHERE id = ?`).get(id) as DisposalRow | undefined;
    if (!row) throw new DossierError("NOT_FOUND", `Expected to find a disposal '${id}', but none was found`);
    return row;
  }

  /** Why a record may not be destroyed now, or null. */
  private refusal(r: RecordRow | undefined, id: number): string | null {
    if (!r) return `record ${id} does not exist`;
    if (r.status !== "kept") return `record ${id} was destroyed already`;
    const holds = this.deps.holds.activeFor(r);
    if (holds.length) return `record ${id} is under legal hold ${holds[0]!.id} (${holds[0]!.reason}, by ${holds[0]!.placed_by}): a hold blocks every disposal`;
    if (r.final_action === "keep" || r.retain_until === null) return `record ${id} is kept forever`;
    if (r.retain_until >= this.today()) return `record ${id} is kept until ${r.retain_until}`;
    return null;
  }

  private check(ids: number[]): void {
    const problems = ids.map((id) => this.refusal(statement(this.deps.db, `SELECT * FROM archive_record WHERE id = ?`).get(id) as RecordRow | undefined, id)).filter((x): x is string => x !== null);
    if (problems.length) throw new DossierError("INVALID_STATE", `Expected records past their retain-until date and not on hold, but ${problems.join("; ")}`);
  }

  /** A disposal request: checked, then the shipped process started in the same transaction. */
  request(actor: string, recordIds: unknown, eraseParties: unknown): Promise<DisposalRow> {
    if (!Array.isArray(recordIds) || recordIds.length === 0 || recordIds.length > 1000 || recordIds.some((x) => !Number.isSafeInteger(x) || (x as number) < 1)) {
      throw new DossierError("VALIDATION_FAILED", `Expected 'recordIds' as a list of 1 to 1000 record ids, but found ${JSON.stringify(recordIds ?? null)?.slice(0, 80)}`, [{ field: "recordIds", message: "expected record ids" }]);
    }
    const ids = [...new Set(recordIds as number[])].sort((a, b) => a - b);
    return this.deps.engine.transaction((tx) => {
      this.check(ids);
      const pending = statement(this.deps.db, `SELECT x.id, j.value AS rid FROM archive_disposal x, json_each(x.record_ids) j WHERE x.status IN ('review', 'approval', 'approved')`).all() as Array<{ id: number; rid: number }>;
      const taken = pending.filter((p) => ids.includes(p.rid));
      if (taken.length) throw new DossierError("INVALID_STATE", `Expected records not in another disposal, but record ${taken[0]!.rid} is in disposal ${taken[0]!.id}`);
      const id = Number(statement(this.deps.db, `INSERT INTO archive_disposal (status, record_ids, erase_parties, created_at, created_by) VALUES ('review', ?, ?, ?, ?)`).run(JSON.stringify(ids), eraseParties === true ? 1 : 0, tx.now, actor).lastInsertRowid);
      const created = tx.createInstance({ bpmnProcessId: DISPOSAL_PROCESS, variables: { disposalId: id, records: ids.length, eraseParties: eraseParties === true, requestedBy: actor } });
      statement(this.deps.db, `UPDATE archive_disposal SET process_instance_key = ? WHERE id = ?`).run(created.processInstanceKey, id);
      for (const rid of ids) this.deps.journal.append({ at: tx.now, actor, action: "disposal.requested", recordId: rid, dossierId: this.dossierOf(rid), details: { disposal: id } });
      return this.get(id);
    });
  }

  private dossierOf(recordId: number): number | null {
    return (statement(this.deps.db, `SELECT dossier_id FROM archive_record WHERE id = ?`).get(recordId) as { dossier_id: number } | undefined)?.dossier_id ?? null;
  }

  private openTask(disposal: DisposalRow, elementId: string): number {
    const task = statement(this.deps.db, `SELECT key FROM user_task WHERE process_instance_key = ? AND element_id = ? AND state = 'CREATED'`).get(disposal.process_instance_key, elementId) as { key: number } | undefined;
    if (!task) throw new DossierError("INVALID_STATE", `Expected disposal ${disposal.id} to wait for its ${elementId === "review" ? "archivist's review" : "manager's approval"}, but it is '${disposal.status}'`);
    return task.key;
  }

  /** The archivist's review (archive.manage) or the manager's approval (archive.approve): completes the process's task with it. */
  decide(step: "review" | "approval", actor: string, disposalId: number, approve: unknown, comment: unknown): Promise<DisposalRow> {
    if (typeof approve !== "boolean") throw new DossierError("VALIDATION_FAILED", `Expected 'approve' true or false, but found ${JSON.stringify(approve ?? null)}`, [{ field: "approve", message: "expected true or false" }]);
    const note = typeof comment === "string" ? comment.trim().slice(0, 1024) : "";
    if (!approve && note.length < 3) throw new DossierError("VALIDATION_FAILED", "Expected the reason of the refusal in 'comment', but found none", [{ field: "comment", message: "expected a reason" }]);
    return this.deps.engine.transaction((tx) => {
      const d = this.get(disposalId);
      const expected = step === "review" ? "review" : "approval";
      if (d.status !== expected) throw new DossierError("INVALID_STATE", `Expected disposal ${d.id} to wait for its ${step}, but it is '${d.status}'`);
      if (step === "approval" && d.reviewed_by === actor) throw new DossierError("FORBIDDEN", `Expected another person than the reviewer (${actor}) to approve disposal ${d.id}: four eyes`);
      if (approve) this.check(JSON.parse(d.record_ids));
      const task = this.openTask(d, step === "review" ? "review" : "approve");
      const next = !approve ? "refused" : step === "review" ? "approval" : "approved";
      if (step === "review") statement(this.deps.db, `UPDATE archive_disposal SET status = ?, reviewed_by = ?, reviewed_at = ?, review_comment = ? WHERE id = ?`).run(next, actor, tx.now, note || null, d.id);
      else statement(this.deps.db, `UPDATE archive_disposal SET status = ?, approved_by = ?, approved_at = ?, approval_comment = ? WHERE id = ?`).run(next, actor, tx.now, note || null, d.id);
      tx.completeUserTask(task, step === "review" ? { reviewApproved: approve } : { approved: approve });
      for (const rid of JSON.parse(d.record_ids) as number[]) {
        this.deps.journal.append({ at: tx.now, actor, action: approve ? (step === "review" ? "disposal.reviewed" : "disposal.approved") : "disposal.refused", recordId: rid, dossierId: this.dossierOf(rid), details: { disposal: d.id, step, comment: note || null } });
      }
      return this.get(d.id);
    });
  }

  /** The `archive.dispose` job: see the file's header. */
  async execute(disposalId: number, completeIn: (tx: EngineTransaction, out: Record<string, unknown>) => void): Promise<void> {
    try {
      await this.executeChecked(disposalId, completeIn);
    } catch (error) {
      if (error instanceof DossierError && error.code !== "NOT_FOUND") {
        // refused (a hold placed meanwhile, a date not reached…): said on the disposal, nothing destroyed
        await this.deps.engine.transaction(() => void statement(this.deps.db, `UPDATE archive_disposal SET status = 'refused', outcome = ? WHERE id = ? AND status <> 'done'`).run(JSON.stringify({ refused: error.message }), disposalId));
      }
      throw error;
    }
  }

  private async executeChecked(disposalId: number, completeIn: (tx: EngineTransaction, out: Record<string, unknown>) => void): Promise<void> {
    const d = this.get(disposalId);
    if (d.status !== "approved" || !d.reviewed_by || !d.approved_by) throw new DossierError("FORBIDDEN", `Expected disposal ${d.id} reviewed by an archivist and approved by a manager through the archive, but it is '${d.status}'`);
    const approver = this.deps.identity.principal(d.approved_by, "basic");
    if (approver && !approver.permissions.has("archive.approve")) throw new DossierError("FORBIDDEN", `Expected the approver ${d.approved_by} to hold archive.approve, but they do not (any longer)`);
    const ids = JSON.parse(d.record_ids) as number[];
    this.check(ids);
    const records = ids.map((id) => statement(this.deps.db, `SELECT r.*, d.reference, d.title AS dossier_title FROM archive_record r JOIN dossier d ON d.id = r.dossier_id WHERE r.id = ?`).get(id) as RecordRow & { reference: string; dossier_title: string });
    const at = this.deps.engine.clock.now();
    const pdf = await this.deps.pdf.htmlToPdf(certificateHtml({ disposal: d, records, at, organisation: this.deps.organisation }));
    const sha = createHash("sha256").update(pdf).digest("hex");
    mkdirSync(this.certificatesDir, { recursive: true });
    const file = path.join(this.certificatesDir, `${sha}.pdf`);
    const tmp = `${file}.${process.pid}.part`;
    const handle = await fsp.open(tmp, "w", 0o444);
    try {
      await handle.writeFile(pdf);
      await handle.sync();
    } finally {
      await handle.close();
    }
    await fsp.rename(tmp, file);
    await syncDir(this.certificatesDir);
    const approvals = { requestedBy: d.created_by, reviewedBy: d.reviewed_by, reviewedAt: d.reviewed_at, reviewComment: d.review_comment, approvedBy: d.approved_by, approvedAt: d.approved_at, approvalComment: d.approval_comment };
    const blobs = await this.deps.engine.transaction((tx) => {
      this.check(ids); // a hold placed meanwhile still wins
      const touched = new Set<string>();
      const erased: number[] = [];
      for (const r of records) {
        statement(this.deps.db, `UPDATE archive_record SET status = 'destroyed', destroyed_at = ?, disposal_id = ? WHERE id = ?`).run(tx.now, d.id, r.id);
        const { reference: _r, dossier_title: _t, ...row } = r;
        statement(this.deps.db, `INSERT INTO archive_tombstone (record_id, disposal_id, sha256, metadata, approvals, destroyed_at, certificate_sha256) VALUES (?, ?, ?, ?, ?, ?, ?)`)
          .run(r.id, d.id, r.sha256, canonical({ ...row, metadata: r.kind === "dossier" ? { reference: r.reference } : JSON.parse(r.metadata) }), canonical(approvals), tx.now, sha);
        if (r.kind === "dossier") statement(this.deps.db, `UPDATE archive_record SET metadata = ? WHERE id = ?`).run(canonical({ destroyed: true, reference: r.reference }), r.id);
        this.deps.journal.append({ at: tx.now, actor: "process", action: "disposal", recordId: r.id, dossierId: r.dossier_id, details: { disposal: d.id, sha256: r.sha256, certificate: sha, approvals } });
        if (r.kind === "document" && r.sha256) {
          touched.add(r.sha256);
          // The text of a destroyed version leaves the search index when it is the document's current one.
          const doc = statement(this.deps.db, `SELECT current_version FROM document WHERE id = ?`).get(r.document_id) as { current_version: number } | undefined;
          if (doc?.current_version === r.version) statement(this.deps.db, `UPDATE document_fts SET body = '' WHERE rowid = ?`).run(r.document_id);
        }
      }
      const gone = [...touched].filter((s) => !this.liveUse(s));
      for (const s of gone) statement(this.deps.db, `UPDATE blob SET text = NULL WHERE sha256 = ?`).run(s);
      if (d.erase_parties === 1) erased.push(...this.erasePartiesIn(tx, records.map((r) => r.dossier_id), d.id));
      statement(this.deps.db, `UPDATE archive_disposal SET status = 'done', executed_at = ?, certificate_sha256 = ?, outcome = ? WHERE id = ?`).run(tx.now, sha, JSON.stringify({ destroyed: ids, filesRemoved: gone.length, partiesErased: erased }), d.id);
      completeIn(tx, { destroyed: ids.length, certificateSha256: sha, partiesErased: erased.length });
      return gone;
    });
    await this.removeFiles(blobs);
  }

  /** Whether a live (not destroyed) document version still uses these bytes. */
  private liveUse(sha256: string): boolean {
    return statement(this.deps.db,
      `SELECT 1 FROM document_version dv WHERE dv.sha256 = ? AND NOT EXISTS (SELECT 1 FROM archive_record r WHERE r.document_id = dv.document_id AND r.version = dv.version AND r.status = 'destroyed') LIMIT 1`,
    ).get(sha256) !== undefined;
  }

  private async removeFiles(shas: string[]): Promise<void> {
    const store = this.deps.domain.documents.store;
    for (const s of shas) {
      if (this.liveUse(s)) continue;
      await fsp.rm(store.pathOf(s), { force: true });
    }
  }

  /** Files of destroyed records still on disk and unused (a crash between commit and removal): removed on start. */
  async sweep(): Promise<number> {
    const shas = (statement(this.deps.db, `SELECT DISTINCT sha256 FROM archive_record WHERE status = 'destroyed' AND kind = 'document'`).all() as Array<{ sha256: string }>).map((r) => r.sha256);
    const left = shas.filter((s) => !this.liveUse(s) && this.deps.domain.documents.store.has(s));
    await this.removeFiles(left);
    return left.length;
  }

  /**
   * Right to erasure: a party of these dossiers whose every dossier is archived with nothing kept
   * any longer is anonymised (name, contact details, data); the dossier journals keep their
   * hash-chained history (a known limit, documented).
   */
  private erasePartiesIn(tx: EngineTransaction, dossierIds: number[], disposalId: number): number[] {
    const { db } = this.deps;
    const parties = statement(db, `SELECT DISTINCT party_id FROM dossier_party WHERE dossier_id IN (SELECT value FROM json_each(?))`).all(JSON.stringify([...new Set(dossierIds)])) as Array<{ party_id: number }>;
    const erased: number[] = [];
    for (const { party_id } of parties) {
      const keeps = statement(db,
        `SELECT 1 FROM dossier_party dp WHERE dp.party_id = ? AND (
           NOT EXISTS (SELECT 1 FROM archive_dossier a WHERE a.dossier_id = dp.dossier_id AND a.status = 'archived')
           OR EXISTS (SELECT 1 FROM archive_record r WHERE r.dossier_id = dp.dossier_id AND r.status = 'kept')) LIMIT 1`,
      ).get(party_id);
      if (keeps) continue;
      statement(db, `UPDATE party SET name = ?, name_key = ?, postcode = NULL, city = NULL, vat_key = NULL, vat_local = NULL, data = '{}', version = version + 1, updated_at = ?, updated_by = 'archive' WHERE id = ?`).run(`Tiers effacé #${party_id}`, `tiers efface ${party_id}`, tx.now, party_id);
      statement(db, `DELETE FROM party_email WHERE party_id = ?`).run(party_id);
      statement(db, `DELETE FROM party_phone WHERE party_id = ?`).run(party_id);
      this.deps.journal.append({ at: tx.now, actor: "process", action: "party.erased", details: { party: party_id, disposal: disposalId } });
      erased.push(party_id);
    }
    return erased;
  }

  certificatePath(d: DisposalRow): string | null {
    return d.certificate_sha256 ? path.join(this.certificatesDir, `${d.certificate_sha256}.pdf`) : null;
  }
}
