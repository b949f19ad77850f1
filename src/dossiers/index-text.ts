/**
 * The full-text row of a dossier (dossier_fts, rowid = dossier id): reference, title and a body of
 * field values, party names and tags. Rewritten in the transaction of every change, so search
 * never shows a state that did not commit. FTS5 with `remove_diacritics`: accents and case ignored;
 * queries use prefix matching (search.ts), so "facture" finds "factures".
 */
import type Database from "better-sqlite3";
import { displayValue } from "./fields.js";
import type { DossierRow } from "./rows.js";
import type { TypeDefinition } from "./type-definition.js";
import { statement } from "../persistence/statements.js";

export class DossierIndex {
  private readonly remove: Database.Statement;
  private readonly insert: Database.Statement;

  constructor(db: Database.Database) {
    this.remove = statement(db, `DELETE FROM dossier_fts WHERE rowid = ?`);
    this.insert = statement(db, `INSERT INTO dossier_fts (rowid, reference, title, body) VALUES (?, ?, ?, ?)`);
  }

  /** Rewrites the dossier's row; must run inside the transaction that changed it. */
  write(dossier: DossierRow, type: TypeDefinition | undefined, partyNames: string[], isNew = false): void {
    const fields = new Map((type?.fields ?? []).map((f) => [f.id, f]));
    const values = Object.entries(dossier.data)
      .filter(([id]) => fields.get(id)?.type !== "party" && fields.get(id)?.type !== "document")
      .map(([id, v]) => displayValue(fields.get(id), v));
    if (!isNew) this.remove.run(dossier.id);
    this.insert.run(dossier.id, dossier.reference, dossier.title, [...partyNames, ...values, ...dossier.tags].join(" \n"));
  }
}

/**
 * The FTS5 query for what a user typed (dossiers and documents alike): each word quoted, so no FTS
 * syntax gets through, all of them required, and from two characters on a prefix ("facture" finds
 * "factures"; a one-letter prefix would merge the postings of half the vocabulary); null when there
 * is no word.
 */
export function ftsQuery(q: string): string | null {
  const words = (q.normalize("NFC").match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, 12);
  if (words.length === 0) return null;
  return words.map((w) => (w.length > 1 ? `"${w}"*` : `"${w}"`)).join(" ");
}
