/**
 * The global search box: dossiers (reference, title, field values, party names, tags), parties
 * (name, email, phone in any format, VAT number, city) and the text of documents — FTS5 with
 * accents and case ignored and prefix matching. Dossiers and documents are searched under the
 * access predicate in SQL, so a hit the user may not see is never found, counted or loaded.
 */
import type Database from "better-sqlite3";
import type { Principal } from "../identity/identity.js";
import { dossierVisibility, type SqlCondition } from "./access.js";
import { ftsQuery } from "./index-text.js";
import type { PartyDirectory, PartySummary } from "./party-directory.js";
import { toDossier, type DossierRow } from "./rows.js";
import { statement } from "../persistence/statements.js";

export interface DocumentSearch {
  searchText(access: SqlCondition, q: string, limit: number): unknown[];
}

export interface SearchResult {
  dossiers: DossierRow[];
  parties: PartySummary[];
  documents: unknown[];
}

export class GlobalSearch {
  constructor(private readonly deps: { db: Database.Database; parties: PartyDirectory; documents: DocumentSearch | undefined }) {}

  search(principal: Principal, q: string, limit = 8): SearchResult {
    const match = ftsQuery(q);
    if (!match) return { dossiers: [], parties: [], documents: [] };
    const access = dossierVisibility(principal, "d");
    // Exact reference first, then the best full-text matches.
    const rows = statement(this.deps.db, 
        `SELECT d.* FROM dossier_fts f JOIN dossier d ON d.id = f.rowid
         WHERE dossier_fts MATCH ? AND ${access.sql} ORDER BY (d.reference = ?) DESC, f.rank LIMIT ${limit}`,
      )
      .all(match, ...access.params, q.trim().toUpperCase()) as Array<Record<string, any>>;
    const parties = principal.permissions.has("parties.read") ? this.deps.parties.search(q, limit) : [];
    const documents = this.deps.documents ? this.deps.documents.searchText(access, q, limit) : [];
    return { dossiers: rows.map(toDossier), parties, documents };
  }
}
