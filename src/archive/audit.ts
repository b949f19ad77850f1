/**
 * The integrity audit: re-hashes every kept archived file (streamed, outside any transaction),
 * checks each record's fingerprint against its deposit entry, the archive journal's chain and the
 * seals; keeps the report; every mismatch becomes an incident with a task for the archivist naming
 * the record (the shipped `archive-integrity-incident` process, started in the audit's
 * transaction). Scheduled by node-cron (ARCHIVE_AUDIT_CRON) with a durable last-run row, so a
 * missed run (server down) happens at the next start.
 */
import { createHash } from "node:crypto";
import type Database from "better-sqlite3";
import type { Engine } from "../engine/engine.js";
import type { BlobStore } from "../documents/store.js";
import { statement } from "../persistence/statements.js";
import { recordDiffers, type ArchiveJournal } from "./journal.js";
import { hashFile, type RecordRow } from "./records.js";
import type { Sealer } from "./seals.js";

export const INCIDENT_PROCESS = "archive-integrity-incident";

export interface AuditProblem {
  kind: "missing" | "altered" | "fingerprint" | "journal" | "seal";
  recordId: number | null;
  journalSeq?: number;
  seal?: number;
  detail: string;
  /** "filename (record 12, REF)" for people. */
  name?: string;
}

export interface AuditReport {
  id: number;
  status: "clean" | "mismatch";
  startedAt: number;
  finishedAt: number;
  files: number;
  bytes: number;
  journal: { valid: boolean; entries: number };
  seals: { valid: boolean; seals: number };
  problems: AuditProblem[];
}

export class IntegrityAudit {
  private running: Promise<AuditReport> | undefined;

  constructor(private readonly deps: { db: Database.Database; engine: Engine; store: BlobStore; journal: ArchiveJournal; sealer: Sealer; log: (m: string) => void }) {}

  lastRunAt(name = "audit"): number | undefined {
    return (statement(this.deps.db, `SELECT last_run_at FROM archive_schedule WHERE name = ?`).get(name) as { last_run_at: number } | undefined)?.last_run_at;
  }

  /** One audit at a time: a second call while one runs gets the same report. */
  run(trigger: "schedule" | "manual" | "start", actor: string | null): Promise<AuditReport> {
    this.running ??= this.audit(trigger, actor).finally(() => (this.running = undefined));
    return this.running;
  }

  private async audit(trigger: string, actor: string | null): Promise<AuditReport> {
    const { db, store, journal, sealer } = this.deps;
    const startedAt = this.deps.engine.clock.now();
    const problems: AuditProblem[] = [];
    const byRecord = new Map<number, Array<{ action: string; details: string }>>();
    for (const r of statement(db, `SELECT record_id, action, details FROM archive_journal WHERE record_id IS NOT NULL AND action IN ('deposit', 'retention.extended', 'disposal') ORDER BY seq`).iterate() as Iterable<{ record_id: number; action: string; details: string }>) {
      const list = byRecord.get(r.record_id) ?? [];
      list.push({ action: r.action, details: r.details });
      byRecord.set(r.record_id, list);
    }
    const records = statement(db, `SELECT r.*, d.reference FROM archive_record r JOIN dossier d ON d.id = r.dossier_id WHERE r.status = 'kept' ORDER BY r.id`).all() as Array<RecordRow & { reference: string }>;
    let files = 0;
    let bytes = 0;
    for (const r of records) {
      const name = `${r.filename ?? "?"} (enregistrement ${r.id}, ${r.reference})`;
      let differs: string | null;
      try {
        differs = recordDiffers(r, byRecord.get(r.id) ?? []);
      } catch {
        differs = "its journal entries do not parse (the chain check names the altered one)";
      }
      if (differs) problems.push({ kind: "fingerprint", recordId: r.id, name, detail: `the record row differs from the archive journal: ${differs}` });
      if (r.kind === "dossier") {
        const sha = createHash("sha256").update(r.metadata).digest("hex");
        if (sha !== r.sha256) problems.push({ kind: "altered", recordId: r.id, name, detail: `the dossier snapshot hashes to ${sha}, not ${r.sha256}` });
        continue;
      }
      try {
        const got = await hashFile(store.pathOf(r.sha256!));
        files++;
        bytes += got.size;
        if (got.sha256 !== r.sha256) problems.push({ kind: "altered", recordId: r.id, name, detail: `the file on disk hashes to ${got.sha256}, not ${r.sha256} (changed after its deposit)` });
      } catch (error) {
        problems.push({ kind: "missing", recordId: r.id, name, detail: `the file ${store.pathOf(r.sha256!)} could not be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message})` });
      }
    }
    const chain = journal.verify();
    if (!chain.valid && chain.firstInvalid) {
      const f = chain.firstInvalid;
      const rec = f.recordId !== null ? records.find((r) => r.id === f.recordId) : undefined;
      problems.push({ kind: "journal", recordId: f.recordId, journalSeq: f.seq, ...(rec ? { name: `${rec.filename} (enregistrement ${rec.id}, ${rec.reference})` } : {}), detail: `archive journal entry ${f.seq}${f.recordId !== null ? ` (record ${f.recordId})` : ""}: ${f.reason}` });
    }
    const seals = sealer.verify();
    if (!seals.valid && seals.firstInvalid) problems.push({ kind: "seal", recordId: null, seal: seals.firstInvalid.seal, detail: `seal ${seals.firstInvalid.seal}: ${seals.firstInvalid.reason}` });
    return this.deps.engine.transaction((tx) => {
      const status = problems.length ? "mismatch" : "clean";
      const report = { status, startedAt, finishedAt: tx.now, files, bytes, journal: { valid: chain.valid, entries: chain.entries }, seals: { valid: seals.valid, seals: seals.seals }, problems };
      const id = Number(statement(db, `INSERT INTO archive_audit (started_at, finished_at, "trigger", actor, status, files, bytes, problems, report) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
        .run(startedAt, tx.now, trigger, actor, status, files, bytes, problems.length, JSON.stringify(report)).lastInsertRowid);
      statement(db, `INSERT INTO archive_schedule (name, last_run_at) VALUES ('audit', ?) ON CONFLICT (name) DO UPDATE SET last_run_at = excluded.last_run_at`).run(tx.now);
      // An altered journal cannot take a new entry on a broken chain's behalf without hiding it: the entry is still appended (the chain check names the first bad one).
      journal.append({ at: tx.now, actor, action: "audit", details: { audit: id, status, files, bytes, problems: problems.map((p) => ({ kind: p.kind, recordId: p.recordId, journalSeq: p.journalSeq ?? null })) } });
      // What this audit no longer finds was repaired (by hand, from a backup): those incidents close.
      for (const i of statement(db, `SELECT id, kind, record_id, journal_seq FROM archive_incident WHERE resolved_at IS NULL`).all() as Array<{ id: number; kind: string; record_id: number | null; journal_seq: number | null }>) {
        if (!problems.some((p) => p.kind === i.kind && p.recordId === i.record_id && (p.journalSeq ?? null) === i.journal_seq)) {
          statement(db, `UPDATE archive_incident SET resolved_at = ?, resolved_by = ?, resolution = ? WHERE id = ?`).run(tx.now, actor ?? "audit", `no longer found by audit ${id}`, i.id);
        }
      }
      for (const p of problems) {
        const open = statement(db, `SELECT id FROM archive_incident WHERE resolved_at IS NULL AND kind = ? AND record_id IS ? AND journal_seq IS ?`).get(p.kind, p.recordId, p.journalSeq ?? null);
        if (open) continue;
        const incident = Number(statement(db, `INSERT INTO archive_incident (audit_id, kind, record_id, journal_seq, detail, created_at) VALUES (?, ?, ?, ?, ?, ?)`).run(id, p.kind, p.recordId, p.journalSeq ?? null, p.detail, tx.now).lastInsertRowid);
        const deployed = statement(db, `SELECT 1 FROM process_definition WHERE bpmn_process_id = ? LIMIT 1`).get(INCIDENT_PROCESS);
        if (deployed) {
          const created = tx.createInstance({ bpmnProcessId: INCIDENT_PROCESS, variables: { incidentId: incident, recordId: p.recordId, kind: p.kind, detail: p.detail, record: p.name ?? (p.recordId !== null ? `enregistrement ${p.recordId}` : "journal des archives"), repairable: p.kind === "altered" || p.kind === "missing" } });
          statement(db, `UPDATE archive_incident SET process_instance_key = ? WHERE id = ?`).run(created.processInstanceKey, incident);
        }
        journal.append({ at: tx.now, actor: null, action: "incident", recordId: p.recordId, details: { incident, audit: id, kind: p.kind, detail: p.detail } });
        this.deps.log(`archive: INTEGRITY ${p.kind} — ${p.name ?? ""} ${p.detail}`);
      }
      return { id, ...report } as AuditReport;
    });
  }

  reports(limit = 50): Array<Record<string, unknown>> {
    return statement(this.deps.db, `SELECT id, started_at, finished_at, "trigger", actor, status, files, bytes, problems FROM archive_audit ORDER BY id DESC LIMIT ?`).all(limit) as Array<Record<string, unknown>>;
  }

  report(id: number): AuditReport | undefined {
    const row = statement(this.deps.db, `SELECT id, report FROM archive_audit WHERE id = ?`).get(id) as { id: number; report: string } | undefined;
    return row ? { id: row.id, ...JSON.parse(row.report) } : undefined;
  }
}
