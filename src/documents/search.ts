/**
 * Search in the documents' text (FTS5, `unicode61 remove_diacritics 2`: accents and case ignored;
 * every word of the query is a prefix, so "facture" finds "factures"). Only documents shown in at
 * least one dossier the caller sees are found: the access predicate is part of the query.
 *
 * Newest documents first: FTS5 streams matches in rowid order, so the query stops at the limit
 * instead of scoring every match (bm25 over the 100,000 documents that contain "facture" costs
 * hundreds of ms); the access check runs per candidate from the document's links (CROSS JOIN pins
 * that order: driven by the sector index instead, one check read thousands of rows).
 */
import type Database from "better-sqlite3";
import type { SqlCondition } from "../dossiers/access.js";
import { ftsQuery } from "../dossiers/index-text.js";

export interface DocumentHit {
  id: number;
  filename: string;
  documentType: string | null;
  /** HTML-escaped text around the match, the matched words in `<mark>…</mark>`. */
  snippet: string;
  dossiers: Array<{ reference: string; title: string }>;
}

const OPEN = "\uE000";
const CLOSE = "\uE001";
const marks = (n: number) => Array.from({ length: n }, () => "?").join(", ");

const escapeHtml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

export function searchDocuments(db: Database.Database, access: SqlCondition, q: string, limit: number): DocumentHit[] {
  const match = ftsQuery(q);
  if (match === null) return [];
  const n = Math.min(Math.max(Math.trunc(limit) || 20, 1), 100);
  const rows = db
    .prepare(
      `SELECT f.rowid AS id, snippet(document_fts, -1, '${OPEN}', '${CLOSE}', '…', 16) AS snippet, doc.document_type, v.filename ` +
        `FROM document_fts f JOIN document doc ON doc.id = f.rowid JOIN document_version v ON v.document_id = doc.id AND v.version = doc.current_version ` +
        `WHERE document_fts MATCH ? AND EXISTS (SELECT 1 FROM dossier_document dd CROSS JOIN dossier d ON d.id = dd.dossier_id WHERE dd.document_id = f.rowid AND ${access.sql}) ` +
        `ORDER BY f.rowid DESC LIMIT ${n}`,
    )
    .all(match, ...access.params) as Array<Record<string, any>>;
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r["id"] as number);
  const dossiers = db
    .prepare(`SELECT dd.document_id, d.reference, d.title FROM dossier_document dd CROSS JOIN dossier d ON d.id = dd.dossier_id WHERE dd.document_id IN (${marks(ids.length)}) AND ${access.sql} ORDER BY dd.added_at, d.id`)
    .all(...ids, ...access.params) as Array<Record<string, any>>;
  return rows.map((r) => ({
    id: r["id"],
    filename: r["filename"],
    documentType: r["document_type"],
    snippet: escapeHtml(String(r["snippet"] ?? "")).split(OPEN).join("<mark>").split(CLOSE).join("</mark>"),
    dossiers: dossiers.filter((d) => d["document_id"] === r["id"]).map((d) => ({ reference: d["reference"], title: d["title"] })),
  }));
}
