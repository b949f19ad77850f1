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

/** Up to this many matches are ranked by relevance; beyond, the newest come first. */
const RANKED_UP_TO = 500;

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
    // Few matches: the best ones (bm25). Many (a common word): the newest ones, in the index's own
    // order, stopping at the limit instead of ranking every match. An exact reference comes first.
    const matches = (statement(this.deps.db, `SELECT COUNT(*) AS n FROM (SELECT 1 FROM dossier_fts WHERE dossier_fts MATCH ? LIMIT ${RANKED_UP_TO + 1})`).get(match) as { n: number }).n;
    const order = matches > RANKED_UP_TO ? "f.rowid DESC" : "f.rank";
    const rows = statement(
      this.deps.db,
      `SELECT d.* FROM dossier_fts f JOIN dossier d ON d.id = f.rowid WHERE dossier_fts MATCH ? AND ${access.sql} ORDER BY ${order} LIMIT ${limit}`,
    ).all(match, ...access.params) as Array<Record<string, any>>;
    const exact = statement(this.deps.db, `SELECT d.* FROM dossier d WHERE d.reference = ? AND ${access.sql}`).get(q.trim().toUpperCase(), ...access.params) as Record<string, any> | undefined;
    if (exact && !rows.some((r) => r["id"] === exact["id"])) rows.unshift(exact);
    else if (exact) rows.sort((a, b) => (a["id"] === exact["id"] ? -1 : b["id"] === exact["id"] ? 1 : 0));
    const parties = principal.permissions.has("parties.read") ? this.deps.parties.search(q, limit) : [];
    const documents = this.deps.documents ? this.deps.documents.searchText(access, q, limit) : [];
    return { dossiers: rows.slice(0, limit).map(toDossier), parties, documents };
  }
}
