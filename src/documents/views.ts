/**
 * The documents as the API shows them, read with a few set queries (never one per document). The
 * dossiers a document shows in are listed under the caller's access predicate only: a document
 * shared with a dossier of another sector does not reveal that dossier.
 */
import type Database from "better-sqlite3";
import type { SqlCondition } from "../dossiers/access.js";

export type DocumentStatus = "received" | "accepted" | "refused";

export interface DocumentVersionView {
  version: number;
  filename: string;
  mime: string;
  size: number;
  sha256: string;
  uploadedAt: string;
  uploadedBy: string | null;
}

export interface DocumentView {
  id: number;
  documentType: string | null;
  documentTypeLabel: string | null;
  status: DocumentStatus;
  statusReason: string | null;
  title: string;
  /** Of the current version. */
  filename: string;
  mime: string;
  size: number;
  /** The current version number (1 for the first upload). */
  version: number;
  /** Counts every change of the document (new version, status): send it back to change it (409 when stale). */
  revision: number;
  /** Every version, newest first. */
  versions: DocumentVersionView[];
  uploadedAt: string;
  uploadedBy: string | null;
  createdAt: string;
  createdBy: string | null;
  /** Whether text was extracted (searchable). */
  hasText: boolean;
  /** The dossiers it shows in that the caller sees, oldest link first. */
  dossiers: Array<{ reference: string; title: string }>;
}

export interface DocumentRow {
  id: number;
  documentType: string | null;
  status: DocumentStatus;
  statusReason: string | null;
  currentVersion: number;
  title: string;
  filename: string;
  createdAt: number;
  createdBy: string | null;
  updatedAt: number;
  version: number;
}

export function toDocumentRow(r: Record<string, any>): DocumentRow {
  return {
    id: r["id"], documentType: r["document_type"], status: r["status"], statusReason: r["status_reason"], currentVersion: r["current_version"],
    title: r["title"], filename: r["filename"], createdAt: r["created_at"], createdBy: r["created_by"], updatedAt: r["updated_at"], version: r["version"],
  };
}

const iso = (ms: number) => new Date(ms).toISOString();
const marks = (n: number) => Array.from({ length: n }, () => "?").join(", ");

/** The condition that document `alias`.id shows in at least one dossier the caller sees (`access` on alias `d`). */
export function documentVisibility(access: SqlCondition, alias = "doc"): SqlCondition {
  return {
    sql: `EXISTS (SELECT 1 FROM dossier_document vdd CROSS JOIN dossier d ON d.id = vdd.dossier_id WHERE vdd.document_id = ${alias}.id AND ${access.sql})`,
    params: access.params,
  };
}

export function visibleDocumentRow(db: Database.Database, id: number, access: SqlCondition): DocumentRow | undefined {
  const v = documentVisibility(access);
  const row = db.prepare(`SELECT doc.* FROM document doc WHERE doc.id = ? AND ${v.sql}`).get(id, ...v.params) as Record<string, any> | undefined;
  return row ? toDocumentRow(row) : undefined;
}

/**
 * Views of these documents. `labelOf` names a document type (from the dossier being looked at, or
 * the first visible dossier that knows it).
 */
export function documentViews(db: Database.Database, docs: DocumentRow[], access: SqlCondition, labelOf: (documentType: string, dossierIds: number[]) => string | null): DocumentView[] {
  if (docs.length === 0) return [];
  const ids = docs.map((d) => d.id);
  const versions = db
    .prepare(`SELECT v.*, b.text IS NOT NULL AS has_text FROM document_version v LEFT JOIN blob b ON b.sha256 = v.sha256 WHERE v.document_id IN (${marks(ids.length)}) ORDER BY v.document_id, v.version DESC`)
    .all(...ids) as Array<Record<string, any>>;
  const dossiers = db
    .prepare(
      `SELECT dd.document_id, d.id, d.reference, d.title FROM dossier_document dd CROSS JOIN dossier d ON d.id = dd.dossier_id ` +
        `WHERE dd.document_id IN (${marks(ids.length)}) AND ${access.sql} ORDER BY dd.added_at, d.id`,
    )
    .all(...ids, ...access.params) as Array<Record<string, any>>;
  return docs.flatMap((doc) => {
    const own = versions.filter((v) => v["document_id"] === doc.id);
    const current = own.find((v) => v["version"] === doc.currentVersion) ?? own[0];
    if (!current) return [];
    const seen = dossiers.filter((d) => d["document_id"] === doc.id);
    return [{
      id: doc.id,
      documentType: doc.documentType,
      documentTypeLabel: doc.documentType ? labelOf(doc.documentType, seen.map((d) => d["id"] as number)) : null,
      status: doc.status,
      statusReason: doc.statusReason,
      title: doc.title,
      filename: current["filename"],
      mime: current["mime"],
      size: current["size"],
      version: doc.currentVersion,
      revision: doc.version,
      versions: own.map((v) => ({ version: v["version"], filename: v["filename"], mime: v["mime"], size: v["size"], sha256: v["sha256"], uploadedAt: iso(v["uploaded_at"]), uploadedBy: v["uploaded_by"] })),
      uploadedAt: iso(current["uploaded_at"]),
      uploadedBy: current["uploaded_by"],
      createdAt: iso(doc.createdAt),
      createdBy: doc.createdBy,
      hasText: current["has_text"] === 1,
      dossiers: seen.map((d) => ({ reference: d["reference"], title: d["title"] })),
    }];
  });
}
