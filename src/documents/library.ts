/**
 * The documents of the customer file: upload (checked by content, text extracted, stored
 * content-addressed), versions, status, and the dossiers a document shows in.
 *
 * Order of an upload, "files before rows": every file checked (all or nothing) → text extracted
 * (outside any transaction) → each file made durable under its SHA-256 → ONE engine transaction
 * with the blob, document, version and link rows, the FTS row, the journal entries and the
 * `document.received` events. A failure before the transaction leaves only temporary or orphan
 * files, which the sweeper removes; a row never exists without its file.
 */
import { promises as fsp } from "node:fs";
import { statement } from "../persistence/statements.js";
import type { Readable } from "node:stream";
import type Database from "better-sqlite3";
import type { Engine, EngineTransaction } from "../engine/engine.js";
import type { SqlCondition } from "../dossiers/access.js";
import { DossierError, type FieldProblem } from "../dossiers/errors.js";
import type { DossierEvents } from "../dossiers/events.js";
import type { Journal } from "../dossiers/journal.js";
import { dossierById, type DossierRow } from "../dossiers/rows.js";
import { DEFAULT_EXTRACT_LIMITS, TextExtractor, type ExtractLimits } from "./extract.js";
import { searchDocuments, type DocumentHit } from "./search.js";
import { prepareFiles, tooLarge, type Prepared } from "./intake.js";
import { BlobStore } from "./store.js";
import { Sweeper, type SweepResult } from "./sweeper.js";
import { tempStorage, writeTemp, type TempFile } from "./temp-file.js";
import { documentViews, toDocumentRow, visibleDocumentRow, type DocumentRow, type DocumentView } from "./views.js";
import type { StorageEngine } from "multer";

export type { DocumentView } from "./views.js";
export type { DocumentHit } from "./search.js";
export type { TempFile } from "./temp-file.js";
export { safeFilename } from "./intake.js";

export interface DocumentLimits {
  /** Largest file, bytes (default 20 MB). */
  maxFileBytes: number;
  /** Most files per upload (default 10). */
  maxFiles: number;
}

export const DEFAULT_DOCUMENT_LIMITS: DocumentLimits = { maxFileBytes: 20 * 1024 * 1024, maxFiles: 10 };

export interface DocumentLibraryOptions {
  db: Database.Database;
  engine: Engine;
  dataDir: string;
  journal: Journal;
  events: DossierEvents;
  now: () => number;
  limits?: Partial<DocumentLimits> & {
    text?: Partial<ExtractLimits>;
    /** Orphan and temporary files younger than this are kept, ms (default 1 hour). */
    sweepGraceMs?: number;
    /** Sweep period, ms (default 15 minutes; 0: only at start). */
    sweepIntervalMs?: number;
  };
  /** The document types the dossier's type expects. */
  documentTypesOf: (dossier: DossierRow) => Array<{ id: string; label: string }>;
  log?: (message: string) => void;
}

/** Files checked, extracted and stored, waiting for their rows (see DocumentLibrary.prepareUpload). */
export interface PreparedUpload {
  prepared: Prepared[];
  pinned: string[];
  temps: TempFile[];
}

export interface ContentFile {
  path: string;
  mime: string;
  size: number;
  sha256: string;
  filename: string;
  version: number;
}


export class DocumentLibrary {
  /**
   * Set by the archive module: why a dossier's documents may not change (it is archived), or null.
   * Adding, new versions, status changes and links into such a dossier are refused (INVALID_STATE).
   */
  frozen: ((dossierId: number) => string | null) | undefined;
  /** Set by the archive module: told of every download of a stored file (an archived record's is journaled; it may refuse a destroyed one). */
  onContent: ((file: { documentId: number; version: number; sha256: string; actor: string | null }) => void) | undefined;
  readonly store: BlobStore;
  readonly limits: DocumentLimits;
  private readonly db: Database.Database;
  private readonly extractor: TextExtractor;
  private readonly sweeper: Sweeper;
  private readonly log: (message: string) => void;

  constructor(private readonly opts: DocumentLibraryOptions) {
    this.db = opts.db;
    this.log = opts.log ?? (() => undefined);
    this.store = new BlobStore(opts.dataDir);
    this.limits = { maxFileBytes: opts.limits?.maxFileBytes ?? DEFAULT_DOCUMENT_LIMITS.maxFileBytes, maxFiles: opts.limits?.maxFiles ?? DEFAULT_DOCUMENT_LIMITS.maxFiles };
    this.extractor = new TextExtractor({ ...DEFAULT_EXTRACT_LIMITS, ...opts.limits?.text }, 2, this.log);
    // File ages are wall-clock ages (mtimes), whatever the injected clock says.
    this.sweeper = new Sweeper(opts.db, this.store, {
      graceMs: opts.limits?.sweepGraceMs ?? 60 * 60_000,
      intervalMs: opts.limits?.sweepIntervalMs ?? 15 * 60_000,
      now: () => Date.now(),
      log: this.log,
    });
  }

  /** Sweeps orphans now and periodically. */
  start(): void {
    this.sweeper.start();
  }

  async stop(): Promise<void> {
    await this.sweeper.stop();
  }

  /** One sweep pass (tests, maintenance). */
  sweep(): Promise<SweepResult> {
    return this.sweeper.sweep();
  }

  /** A multer storage engine that streams uploads to temporary files of this store. */
  uploadStorage(): StorageEngine {
    return tempStorage(this.store);
  }

  /** Stages bytes (from a process, a mail, a task form…) as a temporary file for add / addVersion. */
  stage(bytes: Buffer | Readable, filename: string): Promise<TempFile> {
    return writeTemp(this.store, bytes, filename, this.limits.maxFileBytes).catch((error: Error) => {
      if (error instanceof RangeError) throw tooLarge(filename, this.limits.maxFileBytes);
      throw error;
    });
  }

  // ── reads ─────────────────────────────────────────────────────────────────────────────────────

  /** The documents shown in a dossier (oldest first); `dossiers` of each lists only those `access` lets the caller see. */
  listFor(dossierId: number, access: SqlCondition): DocumentView[] {
    const rows = this.db
      .prepare(`SELECT doc.* FROM dossier_document dd JOIN document doc ON doc.id = dd.document_id WHERE dd.dossier_id = ? ORDER BY dd.added_at, doc.id`)
      .all(dossierId) as Array<Record<string, any>>;
    const dossier = dossierById(this.db, dossierId);
    const types = dossier ? this.opts.documentTypesOf(dossier) : [];
    return documentViews(this.db, rows.map(toDocumentRow), access, (type, ids) => types.find((t) => t.id === type)?.label ?? this.labelFrom(type, ids));
  }

  countFor(dossierId: number): number {
    return (this.db.prepare(`SELECT COUNT(*) AS n FROM dossier_document WHERE dossier_id = ?`).get(dossierId) as { n: number }).n;
  }

  /** One document shown in a dossier the caller sees; 404 otherwise. */
  get(documentId: number, access: SqlCondition): DocumentView {
    return this.viewOf(this.visible(documentId, access), access);
  }

  /** The stored file of a version (the current one by default) of a document the caller sees. */
  content(documentId: number, access: SqlCondition, version?: number, actor: string | null = null): ContentFile {
    const doc = this.visible(documentId, access);
    const n = version ?? doc.currentVersion;
    const v = this.db.prepare(`SELECT * FROM document_version WHERE document_id = ? AND version = ?`).get(doc.id, n) as Record<string, any> | undefined;
    if (!v) throw new DossierError("NOT_FOUND", `Expected a version ${n} of document ${documentId}, but it has versions 1 to ${doc.currentVersion}`);
    this.onContent?.({ documentId: doc.id, version: n, sha256: v["sha256"], actor });
    return { path: this.store.pathOf(v["sha256"]), mime: v["mime"], size: v["size"], sha256: v["sha256"], filename: v["filename"], version: n };
  }

  searchText(access: SqlCondition, q: string, limit = 20): DocumentHit[] {
    return searchDocuments(this.db, access, q, limit);
  }

  // ── changes ───────────────────────────────────────────────────────────────────────────────────

  /**
   * Adds files to a dossier as new documents, all or nothing: one refused file refuses the whole
   * upload (415 / 413 / 400 listing every refused file) and nothing is kept. The temporary files
   * are consumed (moved into the store or removed) whatever happens.
   */
  async add(input: { dossier: DossierRow; documentType?: string | null; files: TempFile[]; actor: string | null }): Promise<DocumentView[]> {
    const { dossier, files, actor } = input;
    let upload: PreparedUpload | undefined;
    try {
      const documentType = this.checkDocumentType(dossier, input.documentType ?? null);
      upload = await this.prepareUpload(files);
      const ready = upload;
      const ids = await this.opts.engine.transaction((tx) => this.addIn(tx, { dossier, documentType, upload: ready, actor }));
      const rows = ids.map((id) => toDocumentRow(statement(this.db, `SELECT * FROM document WHERE id = ?`).get(id) as Record<string, any>));
      return documentViews(this.db, rows, { sql: "d.id = ?", params: [dossier.id] }, (type) => this.labelIn(dossier, type));
    } finally {
      if (upload) this.releaseUpload(upload);
      await Promise.all(files.map((f) => fsp.rm(f.path, { force: true })));
    }
  }

  /**
   * First half of an upload whose rows commit with other work (a portal form creating its dossier,
   * a portal task completed with its files): every file checked by content (all or nothing), text
   * extracted and each file made durable under its SHA-256, outside any transaction. Write the rows
   * with `addIn` inside the caller's transaction, then `releaseUpload` (in a finally) whatever happened.
   */
  async prepareUpload(files: TempFile[]): Promise<PreparedUpload> {
    const upload: PreparedUpload = { prepared: [], pinned: [], temps: files };
    try {
      if (files.length === 0) throw new DossierError("INVALID_ARGUMENT", "Expected at least one file in the 'file' field, but found none");
      if (files.length > this.limits.maxFiles) throw new DossierError("PAYLOAD_TOO_LARGE", `Expected at most ${this.limits.maxFiles} files per upload, but found ${files.length}`);
      upload.prepared = await prepareFiles(this.db, this.extractor, this.limits.maxFileBytes, files);
      for (const p of upload.prepared) {
        await this.store.commit(p.temp.path, p.temp.sha256);
        upload.pinned.push(p.temp.sha256);
      }
      return upload;
    } catch (error) {
      this.releaseUpload(upload);
      await Promise.all(files.map((f) => fsp.rm(f.path, { force: true })));
      throw error;
    }
  }

  /** The document type id if the dossier's type expects it (null for none); a 400 naming the expected ones otherwise. */
  documentTypeFor(dossier: DossierRow, documentType: string | null): string | null {
    return this.checkDocumentType(dossier, documentType);
  }

  /**
   * Second half: the rows of a prepared upload (blob, document, version, link, FTS, journal,
   * `document.received`) inside the caller's transaction; `indexes` picks some of its files (all by default).
   */
  addIn(tx: EngineTransaction, input: { dossier: DossierRow; documentType: string | null; upload: PreparedUpload; actor: string | null; indexes?: number[] }): number[] {
    const { dossier, documentType, upload, actor } = input;
    this.refuseFrozen([dossier.id]);
    const at = this.opts.now();
    const added: number[] = [];
    const chosen = input.indexes ? input.indexes.map((i) => upload.prepared[i]!).filter(Boolean) : upload.prepared;
    for (const p of chosen) {
      this.insertBlob(p, at);
      const id = Number(
        this.db
          .prepare(`INSERT INTO document (document_type, status, status_reason, current_version, title, filename, created_at, created_by, updated_at, version) VALUES (?, 'received', NULL, 1, ?, ?, ?, ?, ?, 1)`)
          .run(documentType, p.filename, p.filename, at, actor, at).lastInsertRowid,
      );
      this.insertVersion(id, 1, p, at, actor);
      this.db.prepare(`INSERT INTO dossier_document (dossier_id, document_id, added_at, added_by) VALUES (?, ?, ?, ?)`).run(dossier.id, id, at, actor);
      this.db.prepare(`INSERT INTO document_fts (rowid, filename, body) VALUES (?, ?, ?)`).run(id, p.filename, p.text ?? "");
      this.opts.journal.append({
        dossierId: dossier.id, at, actor, action: "document.added",
        summary: `${p.filename}${documentType ? ` (${this.labelIn(dossier, documentType)})` : ""}`,
        before: null,
        after: { documentId: id, documentType, filename: p.filename, version: 1, mime: p.accepted.mime, size: p.temp.size, sha256: p.temp.sha256 },
      });
      this.opts.events.emit({ type: "document.received", dossier, documentId: id, documentType, actor }, tx);
      added.push(id);
    }
    return added;
  }

  /** Unpins the files of a prepared upload (an orphan without rows is then the sweeper's) and removes its temporary files. */
  releaseUpload(upload: PreparedUpload): void {
    for (const sha of upload.pinned) this.store.unpin(sha);
    upload.pinned = [];
    for (const f of upload.temps) void fsp.rm(f.path, { force: true });
  }

  /** A new version of a document the caller sees; the old ones are kept, the status goes back to `received`. */
  async addVersion(input: { documentId: number; access: SqlCondition; file: TempFile; actor: string | null; revision?: number }): Promise<DocumentView> {
    const { access, file, actor } = input;
    let pinned: string | undefined;
    try {
      const doc = this.visible(input.documentId, access);
      checkRevision(doc, input.revision);
      const [p] = await prepareFiles(this.db, this.extractor, this.limits.maxFileBytes, [file]);
      await this.store.commit(p!.temp.path, p!.temp.sha256);
      pinned = p!.temp.sha256;
      await this.opts.engine.transaction((tx) => this.writeVersion(tx, doc.id, p!, actor, input.revision));
      return this.get(doc.id, access);
    } finally {
      if (pinned) this.store.unpin(pinned);
      await fsp.rm(file.path, { force: true });
    }
  }

  /**
   * A new version's rows inside the caller's transaction (a rendered contract stored with its job's
   * completion): `upload` is a prepareUpload of one file, released by the caller afterwards.
   */
  addVersionIn(tx: EngineTransaction, input: { documentId: number; upload: PreparedUpload; actor: string | null }): number {
    const p = input.upload.prepared[0];
    if (!p) throw new DossierError("INVALID_ARGUMENT", "Expected one prepared file for the new version, but found none");
    return this.writeVersion(tx, input.documentId, p, input.actor);
  }

  private writeVersion(tx: EngineTransaction, documentId: number, p: Prepared, actor: string | null, revision?: number): number {
    const at = this.opts.now();
    this.refuseFrozen(this.dossierIdsOf(documentId));
    const current = this.row(documentId);
    checkRevision(current, revision);
    const version = current.currentVersion + 1;
    this.insertBlob(p, at);
    this.insertVersion(documentId, version, p, at, actor);
    this.db
      .prepare(`UPDATE document SET current_version = ?, filename = ?, status = 'received', status_reason = NULL, updated_at = ?, version = version + 1 WHERE id = ?`)
      .run(version, p.filename, at, documentId);
    this.db.prepare(`DELETE FROM document_fts WHERE rowid = ?`).run(documentId);
    this.db.prepare(`INSERT INTO document_fts (rowid, filename, body) VALUES (?, ?, ?)`).run(documentId, p.filename, p.text ?? "");
    for (const dossierId of this.dossierIdsOf(documentId)) {
      this.opts.journal.append({
        dossierId, at, actor, action: "document.version.added", summary: `${p.filename} (version ${version})`,
        before: { documentId: documentId, version: current.currentVersion, filename: current.filename, status: current.status },
        after: { documentId: documentId, version, filename: p.filename, mime: p.accepted.mime, size: p.temp.size, sha256: p.temp.sha256, status: "received" },
      });
      // A new version is a document received again (a new RIB): the dossier's reactions see it.
      const dossier = dossierById(this.db, dossierId);
      if (dossier) this.opts.events.emit({ type: "document.received", dossier, documentId: documentId, documentType: current.documentType, actor }, tx);
    }
    return version;
  }

  /** Accepts or refuses a document (a reason is required to refuse). */
  async setStatus(input: { documentId: number; access: SqlCondition; status: unknown; reason?: unknown; actor: string | null; revision?: number }): Promise<DocumentView> {
    const doc = this.visible(input.documentId, input.access);
    const problems: FieldProblem[] = [];
    const status = input.status;
    if (status !== "accepted" && status !== "refused") problems.push({ field: "status", message: `expected 'accepted' or 'refused', but found ${JSON.stringify(status ?? null)}` });
    const reason = typeof input.reason === "string" ? input.reason.trim() : input.reason === undefined || input.reason === null ? "" : null;
    if (reason === null) problems.push({ field: "reason", message: "expected a text" });
    else if (status === "refused" && reason === "") problems.push({ field: "reason", message: "expected the reason why the document is refused, but found none" });
    else if (reason.length > 1024) problems.push({ field: "reason", message: `expected at most 1024 characters, but found ${reason.length}` });
    if (problems.length) {
      throw new DossierError("VALIDATION_FAILED", `Expected a valid status change, but ${problems.map((p) => `${p.field}: ${p.message}`).join("; ")}`, problems);
    }
    await this.opts.engine.transaction(() => {
      this.refuseFrozen(this.dossierIdsOf(doc.id));
      const current = this.row(doc.id);
      checkRevision(current, input.revision);
      const newReason = reason || null;
      if (current.status === status && current.statusReason === newReason) return;
      const at = this.opts.now();
      this.db.prepare(`UPDATE document SET status = ?, status_reason = ?, updated_at = ?, version = version + 1 WHERE id = ?`).run(status, newReason, at, doc.id);
      for (const dossierId of this.dossierIdsOf(doc.id)) {
        this.opts.journal.append({
          dossierId, at, actor: input.actor, action: "document.status.changed",
          summary: `${current.filename}: ${current.status} → ${status as string}${newReason ? ` (${newReason})` : ""}`,
          before: { documentId: doc.id, status: current.status, reason: current.statusReason },
          after: { documentId: doc.id, status, reason: newReason },
        });
      }
    });
    return this.get(doc.id, input.access);
  }

  /** Shows a document the caller sees in another dossier (`dossier`, which the caller also sees). `created` false when it was there already. */
  async link(input: { dossier: DossierRow; documentId: number; access: SqlCondition; actor: string | null }): Promise<{ document: DocumentView; created: boolean }> {
    const doc = this.visible(input.documentId, input.access);
    const created = await this.opts.engine.transaction(() => this.linkIn(input.dossier, doc.id, input.actor));
    return { document: this.get(doc.id, input.access), created };
  }

  /**
   * Shows an existing document in one more dossier, inside the caller's transaction (the
   * `dossier.update` worker links a document as part of its job); false when it already shows there.
   * The caller has checked that it may.
   */
  linkIn(dossier: DossierRow, documentId: number, actor: string | null): boolean {
    const exists = this.db.prepare(`SELECT 1 FROM document WHERE id = ?`).get(documentId);
    if (!exists) throw new DossierError("NOT_FOUND", `Expected to find a document '${documentId}', but none was found`);
    this.refuseFrozen([dossier.id]);
    const at = this.opts.now();
    const result = this.db
      .prepare(`INSERT INTO dossier_document (dossier_id, document_id, added_at, added_by) VALUES (?, ?, ?, ?) ON CONFLICT (dossier_id, document_id) DO NOTHING`)
      .run(dossier.id, documentId, at, actor);
    if (result.changes === 0) return false;
    const current = this.row(documentId);
    this.opts.journal.append({
      dossierId: dossier.id, at, actor, action: "document.linked",
      summary: `${current.filename}${current.documentType ? ` (${this.labelIn(dossier, current.documentType)})` : ""}`,
      before: null,
      after: { documentId, documentType: current.documentType, filename: current.filename, version: current.currentVersion },
    });
    return true;
  }

  // ── helpers ───────────────────────────────────────────────────────────────────────────────────

  /** INVALID_STATE when one of these dossiers is archived (the archive module says why). */
  private refuseFrozen(dossierIds: number[]): void {
    for (const id of dossierIds) {
      const why = this.frozen?.(id);
      if (why) throw new DossierError("INVALID_STATE", why);
    }
  }

  private visible(documentId: number, access: SqlCondition): DocumentRow {
    const row = Number.isSafeInteger(documentId) ? visibleDocumentRow(this.db, documentId, access) : undefined;
    if (!row) throw new DossierError("NOT_FOUND", `Expected to find a document '${documentId}', but none was found`);
    return row;
  }

  private row(id: number): DocumentRow {
    return toDocumentRow(this.db.prepare(`SELECT * FROM document WHERE id = ?`).get(id) as Record<string, any>);
  }

  private viewOf(doc: DocumentRow, access: SqlCondition): DocumentView {
    return documentViews(this.db, [doc], access, (type, ids) => this.labelFrom(type, ids))[0]!;
  }

  private dossierIdsOf(documentId: number): number[] {
    return (this.db.prepare(`SELECT dossier_id FROM dossier_document WHERE document_id = ? ORDER BY dossier_id`).all(documentId) as Array<{ dossier_id: number }>).map((r) => r.dossier_id);
  }

  private labelIn(dossier: DossierRow, type: string): string {
    return this.opts.documentTypesOf(dossier).find((t) => t.id === type)?.label ?? type;
  }

  /** The label of a document type in the first of these dossiers whose type knows it. */
  private labelFrom(type: string, dossierIds: number[]): string | null {
    for (const id of dossierIds) {
      const dossier = dossierById(this.db, id);
      const label = dossier ? this.opts.documentTypesOf(dossier).find((t) => t.id === type)?.label : undefined;
      if (label) return label;
    }
    return null;
  }

  private checkDocumentType(dossier: DossierRow, documentType: string | null): string | null {
    if (documentType === null || documentType === "") return null;
    const expected = this.opts.documentTypesOf(dossier);
    if (expected.some((t) => t.id === documentType)) return documentType;
    const list = expected.length ? expected.map((t) => t.id).join(", ") : "none (this dossier type expects no document types)";
    throw new DossierError("VALIDATION_FAILED", `Expected a document type the dossier type '${dossier.typeId}' expects (${list}), but found '${documentType}'`, [
      { field: "documentType", message: `expected one of: ${list}` },
    ]);
  }

  private insertBlob(p: Prepared, at: number): void {
    this.db.prepare(`INSERT INTO blob (sha256, size, mime, text, created_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING`).run(p.temp.sha256, p.temp.size, p.accepted.mime, p.text, at);
  }

  private insertVersion(documentId: number, version: number, p: Prepared, at: number, actor: string | null): void {
    this.db
      .prepare(`INSERT INTO document_version (document_id, version, sha256, filename, mime, size, uploaded_at, uploaded_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(documentId, version, p.temp.sha256, p.filename, p.accepted.mime, p.temp.size, at, actor);
  }
}

function checkRevision(doc: DocumentRow, revision: number | undefined): void {
  if (revision === undefined || revision === doc.version) return;
  throw new DossierError("VERSION_CONFLICT", `Expected document ${doc.id} at revision ${revision}, but it is at revision ${doc.version} (changed meanwhile): reload it and try again`, [], {
    currentRevision: doc.version,
  });
}
