/**
 * The archive module's services wired together (records, retention, holds, journal, seals, audit,
 * disposal, replica, export/import) and its schedule: the integrity audit and the seal on
 * node-cron, each with a durable last-run row so that a run missed while the server was down
 * happens at the next start.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import cron, { type ScheduledTask } from "node-cron";
import type Database from "better-sqlite3";
import type { Engine, EngineTransaction } from "../engine/engine.js";
import type { Domain } from "../dossiers/domain.js";
import { DossierError } from "../dossiers/errors.js";
import type { Identity } from "../identity/identity.js";
import type { OrganisationCertificate } from "../signature/certificate.js";
import type { PdfRenderer } from "../templates/api.js";
import { statement } from "../persistence/statements.js";
import { IntegrityAudit, INCIDENT_PROCESS } from "./audit.js";
import type { ArchiveConfig } from "./config.js";
import { Disposals, DISPOSAL_PROCESS } from "./disposal.js";
import { exportArchive, importArchive } from "./exchange.js";
import { ArchiveHolds } from "./holds.js";
import { ArchiveJournal } from "./journal.js";
import { ArchiveRecords, type RecordRow } from "./records.js";
import { Replica } from "./replica.js";
import { RetentionRules } from "./rules.js";
import { Sealer } from "./seals.js";
import { httpTimestampAuthority } from "./tsa.js";

export const PROCESS_FILES = ["archive-disposal.bpmn", "archive-integrity-incident.bpmn", "archive-disposal-review.form", "archive-disposal-approval.form", "archive-incident-review.form"];

/** processes/ of the installation (src/archive → ../../processes, dist/src/archive → ../../../processes). */
export function processesDir(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = path.join(dir, "processes");
    if (existsSync(path.join(candidate, "archive-disposal.bpmn"))) return candidate;
    dir = path.dirname(dir);
  }
  throw new Error("Expected the archive's processes (processes/archive-disposal.bpmn) in the installation, but they were not found");
}

export interface ArchiveServiceDeps {
  db: Database.Database;
  engine: Engine;
  domain: Domain;
  identity: Identity;
  certificate: OrganisationCertificate;
  pdf: PdfRenderer;
  config: ArchiveConfig;
  dataDir: string;
  organisation: string;
  log: (m: string) => void;
}

export class ArchiveService {
  readonly journal: ArchiveJournal;
  readonly rules: RetentionRules;
  readonly records: ArchiveRecords;
  readonly holds: ArchiveHolds;
  readonly sealer: Sealer;
  readonly audit: IntegrityAudit;
  readonly disposals: Disposals;
  readonly replica: Replica | null;
  private tasks: ScheduledTask[] = [];
  private catchUp: NodeJS.Timeout | undefined;
  private readonly recentDownloads = new Map<string, number>();

  constructor(private readonly deps: ArchiveServiceDeps) {
    const { db, engine, domain, config, log } = deps;
    this.journal = new ArchiveJournal(db);
    this.rules = new RetentionRules(db, { fiscalYearEnd: config.fiscalYearEnd, identityRetention: config.identityRetention });
    this.replica = config.replicaDir ? new Replica(config.replicaDir) : null;
    const replica = this.replica;
    this.records = new ArchiveRecords({ db, engine, domain, journal: this.journal, rules: this.rules, log, ...(replica ? { onDeposited: (files) => replica.copy(files) } : {}) });
    this.holds = new ArchiveHolds({ db, engine, journal: this.journal });
    this.sealer = new Sealer({ db, engine, journal: this.journal, certificate: deps.certificate, tsa: config.tsaUrl ? httpTimestampAuthority(config.tsaUrl) : undefined, log });
    this.audit = new IntegrityAudit({ db, engine, store: domain.documents.store, journal: this.journal, sealer: this.sealer, log });
    this.disposals = new Disposals({ db, engine, domain, identity: deps.identity, journal: this.journal, holds: this.holds, pdf: deps.pdf, dataDir: deps.dataDir, organisation: deps.organisation, log });
    // The freeze and the consultation log, hooked into the dossier service and the document library.
    domain.service.frozen = (id) => this.records.frozenReason(id);
    domain.documents.frozen = (id) => this.records.frozenReason(id);
    domain.documents.onContent = (file) => this.onDocumentContent(file);
    domain.events.on((event, tx) => {
      if (event.type === "state.changed") this.records.onStateChanged(event.dossier, event.from, event.to, event.actor, tx);
    });
  }

  get certificate(): OrganisationCertificate {
    return this.deps.certificate;
  }

  /** Deploys the shipped processes (unchanged ones are not redeployed), seeds the rules, catches up. */
  async start(): Promise<void> {
    const dir = processesDir();
    await this.deps.engine.deploy(PROCESS_FILES.map((name) => ({ name, content: readFileSync(path.join(dir, name)) })));
    await this.deps.engine.transaction((tx) => {
      this.rules.seed(tx.now);
      this.sealer.registerCertificate(tx.now);
    });
    await this.records.processPending();
    await this.disposals.sweep();
    if (this.deps.config.schedule) {
      this.tasks.push(cron.schedule(this.deps.config.auditCron, () => void this.scheduledAudit()));
      this.tasks.push(cron.schedule(this.deps.config.sealCron, () => void this.sealer.seal(null).catch((e: Error) => this.deps.log(`archive: seal failed (${e.message})`))));
      // a run missed while the server was down (durable last-run row), once there is something to audit
      const last = this.audit.lastRunAt();
      const anything = statement(this.deps.db, `SELECT 1 FROM archive_record LIMIT 1`).get() !== undefined;
      if (anything && (last === undefined || this.deps.engine.clock.now() - last > 26 * 3600_000)) {
        this.catchUp = setTimeout(() => void this.scheduledAudit(), 5_000);
        this.catchUp.unref();
      }
    }
  }

  async stop(): Promise<void> {
    if (this.catchUp) clearTimeout(this.catchUp);
    this.catchUp = undefined;
    for (const t of this.tasks) await t.stop();
    this.tasks = [];
  }

  private async scheduledAudit(): Promise<void> {
    try {
      await this.sealer.seal(null);
      const report = await this.audit.run("schedule", null);
      this.deps.log(`archive: integrity audit ${report.id}: ${report.status} (${report.files} files, ${report.problems.length} problem(s))`);
    } catch (error) {
      this.deps.log(`archive: integrity audit failed (${(error as Error).message})`);
    }
  }

  /** A download through the documents route: an archived version's is journaled; a destroyed one is gone. */
  private onDocumentContent(file: { documentId: number; version: number; sha256: string; actor: string | null }): void {
    const record = this.records.ofVersion(file.documentId, file.version);
    if (!record) return;
    if (record.status === "destroyed") throw new DossierError("NOT_FOUND", `Expected a kept document, but version ${file.version} of document ${file.documentId} was destroyed by disposal ${record.disposal_id} (archive record ${record.id}: only its tombstone remains)`);
    if (file.actor === null) return; // a module reading the file (mail attachment, signature): not a consultation
    // a viewer reads a PDF in byte ranges: one download entry per person and record per minute
    const key = `${file.actor}\u0000${record.id}`;
    const now = Date.now();
    if ((this.recentDownloads.get(key) ?? 0) > now - 60_000) return;
    this.recentDownloads.set(key, now);
    if (this.recentDownloads.size > 10_000) this.recentDownloads.clear();
    void this.deps.engine
      .transaction((tx) => this.journal.append({ at: tx.now, actor: file.actor, action: "download", recordId: record.id, dossierId: record.dossier_id, details: { via: "documents", documentId: file.documentId, version: file.version } }))
      .catch((e: Error) => this.deps.log(`archive: the download of record ${record.id} could not be journaled (${e.message})`));
  }

  /** Journals a consultation or download of a record (awaited before the answer). */
  logAccess(actor: string, record: RecordRow, action: "consultation" | "download", details: Record<string, unknown> = {}): Promise<void> {
    return this.deps.engine.transaction((tx) => void this.journal.append({ at: tx.now, actor, action, recordId: record.id, dossierId: record.dossier_id, details }));
  }

  /** Repairs an incident's file from the replica (after the archivist confirmed). */
  async repair(incidentId: number, actor: string, alsoIn?: (tx: EngineTransaction) => void): Promise<void> {
    const incident = statement(this.deps.db, `SELECT * FROM archive_incident WHERE id = ?`).get(incidentId) as { id: number; record_id: number | null; kind: string; resolved_at: number | null } | undefined;
    if (!incident) throw new DossierError("NOT_FOUND", `Expected to find an archive incident '${incidentId}', but none was found`);
    if (incident.resolved_at !== null) throw new DossierError("INVALID_STATE", `Expected an open incident, but incident ${incidentId} was resolved`);
    if (!this.replica) throw new DossierError("INVALID_STATE", "Expected a replica directory (ARCHIVE_REPLICA_DIR) to repair from, but none is configured: restore the file from a backup, then run the audit again");
    const record = incident.record_id !== null ? this.records.record(incident.record_id) : undefined;
    if (!record || record.kind !== "document" || !record.sha256 || (incident.kind !== "altered" && incident.kind !== "missing")) throw new DossierError("INVALID_STATE", `Expected an incident about a damaged or missing file, but incident ${incidentId} is '${incident.kind}'`);
    try {
      await this.replica.restore(this.deps.domain.documents.store, record.sha256);
    } catch (error) {
      throw new DossierError("INVALID_STATE", (error as Error).message);
    }
    await this.deps.engine.transaction((tx) => {
      statement(this.deps.db, `UPDATE archive_incident SET resolved_at = ?, resolved_by = ?, resolution = 'repaired from the replica' WHERE id = ?`).run(tx.now, actor, incidentId);
      this.journal.append({ at: tx.now, actor, action: "repair", recordId: record.id, dossierId: record.dossier_id, details: { incident: incidentId, sha256: record.sha256, from: "replica" } });
      alsoIn?.(tx);
    });
  }

  incidents(open: boolean): Array<Record<string, unknown>> {
    return statement(this.deps.db, `SELECT i.*, r.filename, d.reference FROM archive_incident i LEFT JOIN archive_record r ON r.id = i.record_id LEFT JOIN dossier d ON d.id = r.dossier_id ${open ? "WHERE i.resolved_at IS NULL" : ""} ORDER BY i.id DESC LIMIT 200`).all() as Array<Record<string, unknown>>;
  }

  exportZip(scope: { reference?: string }, actor: string): Promise<Buffer> {
    const { zip } = exportArchive(this.deps.db, this.deps.domain.documents.store, scope, this.deps.engine.clock.now());
    return this.deps.engine.transaction((tx) => {
      this.journal.append({ at: tx.now, actor, action: "export", details: { scope, bytes: zip.length } });
      return zip;
    });
  }

  import(zip: Uint8Array, actor: string | null) {
    return importArchive({ db: this.deps.db, engine: this.deps.engine, domain: this.deps.domain, journal: this.journal }, zip, actor);
  }

  static readonly PROCESSES = { disposal: DISPOSAL_PROCESS, incident: INCIDENT_PROCESS };
}
