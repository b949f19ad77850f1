/**
 * Search as you type and duplicate detection. A search text is tried as every key it can be at
 * once: a phone in any format (E.164 digits or national number, by index range), an e-mail
 * (prefix), a VAT number (with or without its country prefix), and words (FTS5 prefix query on
 * name, e-mails, address and tags; accents and case ignored). Key matches come first, then words
 * by relevance (bm25, the name weighing most). Merged parties are never found.
 */
import type Database from "better-sqlite3";
import { closeNames, fold, nameKey, phoneQuery, prefixRange, tokens, vatQuery } from "./keys.js";
import type { PartyDocument, PartyFlag, PartyKind } from "./types.js";

export interface PartyFilters {
  kind?: PartyKind;
  flag?: PartyFlag;
}

type Raw = Record<string, any>;

/** At most this many word matches are ranked by relevance; beyond, the first ones are taken. */
const RANKED_MAX = 2000;

function filterSql(filters: PartyFilters, alias: string): { sql: string; params: unknown[] } {
  const parts = [`${alias}.merged_into IS NULL`];
  const params: unknown[] = [];
  if (filters.kind) {
    parts.push(`${alias}.kind = ?`);
    params.push(filters.kind);
  }
  if (filters.flag) {
    parts.push(`${alias}.flags LIKE ?`);
    params.push(`%,${filters.flag},%`);
  }
  return { sql: parts.join(" AND "), params };
}

/** The FTS5 query of a text: every word as a quoted prefix, all required. */
export function ftsQuery(text: string): string | undefined {
  const words = tokens(text).slice(0, 8);
  return words.length === 0 ? undefined : words.map((w) => `"${w}"*`).join(" ");
}

export class PartySearch {
  constructor(private readonly db: Database.Database) {}

  /** Ids of the parties found for a text, best first. */
  ids(q: string, limit: number, filters: PartyFilters = {}): number[] {
    const out: number[] = [];
    const seen = new Set<number>();
    const add = (rows: Raw[]) => {
      for (const r of rows) {
        const id = r["id"] as number;
        if (!seen.has(id) && out.length < limit) {
          seen.add(id);
          out.push(id);
        }
      }
    };
    const f = filterSql(filters, "p");
    const text = q.trim();
    if (text === "") {
      add(this.db.prepare(`SELECT p.id FROM party p WHERE ${f.sql} ORDER BY p.name_key, p.id LIMIT ?`).all(...f.params, limit) as Raw[]);
      return out;
    }
    const phone = phoneQuery(text);
    const phones = () => {
      if (!phone) return;
      for (const [column, prefixes] of [["digits", phone.digits], ["nsn", phone.nsn]] as const) {
        for (const prefix of prefixes) {
          const [from, to] = prefixRange(prefix);
          add(
            this.db
              .prepare(`SELECT DISTINCT p.id FROM party_phone x JOIN party p ON p.id = x.party_id WHERE x.${column} >= ? AND x.${column} < ? AND ${f.sql} LIMIT ?`)
              .all(from, to, ...f.params, limit) as Raw[],
          );
        }
      }
    };
    // A number written as a phone (+…, 00…, 0…) is a phone first; bare digits (69003) may as well
    // be a postcode or a VAT number: those come first, phones after.
    const barePhone = phone !== undefined && /^[1-9]/.test(text);
    if (!barePhone) phones();
    if (text.includes("@")) {
      // An e-mail being typed: its prefix is the one key that matters.
      const [from, to] = prefixRange(text.toLowerCase());
      add(this.db.prepare(`SELECT DISTINCT p.id FROM party_email x JOIN party p ON p.id = x.party_id WHERE x.email >= ? AND x.email < ? AND ${f.sql} LIMIT ?`).all(from, to, ...f.params, limit) as Raw[]);
      return out;
    }
    const vat = vatQuery(text);
    if (vat) {
      const [column, prefix] = vat.full ? ["vat_key", vat.full] : ["vat_local", vat.local!];
      const [from, to] = prefixRange(prefix);
      add(this.db.prepare(`SELECT p.id FROM party p WHERE p.${column} >= ? AND p.${column} < ? AND ${f.sql} LIMIT ?`).all(from, to, ...f.params, limit) as Raw[]);
    }
    const folded = fold(text);
    if (folded !== "" && out.length < limit) {
      // Names starting with the text, alphabetically (an index range: cheap even for one letter).
      const [from, to] = prefixRange(folded);
      add(this.db.prepare(`SELECT p.id FROM party p WHERE p.name_key >= ? AND p.name_key < ? AND ${f.sql} ORDER BY p.name_key LIMIT ?`).all(from, to, ...f.params, limit) as Raw[]);
    }
    const match = ftsQuery(text);
    if (match && out.length < limit) {
      // Words anywhere (name, e-mails, address, tags). Ranking sorts every match, so it is used
      // only when the words are selective; a broad prefix (one or two letters) takes the first ones.
      const probe = this.db.prepare(`SELECT rowid AS id FROM party_fts WHERE party_fts MATCH ? LIMIT ${RANKED_MAX + 1}`).all(match) as Raw[];
      const rest = limit - out.length;
      if (probe.length <= RANKED_MAX) {
        add(
          this.db
            .prepare(`SELECT p.id FROM party_fts JOIN party p ON p.id = party_fts.rowid WHERE party_fts MATCH ? AND ${f.sql} ORDER BY bm25(party_fts, 10.0, 4.0, 2.0, 1.0), p.name_key LIMIT ?`)
            .all(match, ...f.params, limit + out.length) as Raw[],
        );
      } else {
        // The probe already holds the first matches: keep those passing the filters, in id order.
        const kept = this.db
          .prepare(`SELECT p.id FROM party p WHERE p.id IN (SELECT value FROM json_each(?)) AND ${f.sql} ORDER BY p.id LIMIT ?`)
          .all(JSON.stringify(probe.map((r) => r["id"])), ...f.params, limit + out.length) as Raw[];
        add(kept);
        if (kept.length < rest) {
          add(this.db.prepare(`SELECT p.id FROM party_fts JOIN party p ON p.id = party_fts.rowid WHERE party_fts MATCH ? AND ${f.sql} LIMIT ?`).all(match, ...f.params, limit + out.length) as Raw[]);
        }
      }
    }
    if (barePhone) phones();
    return out;
  }

  /** Parties that look like this one, with the reasons (at most `limit`, most reasons first). */
  duplicates(doc: PartyDocument, excludeId: number | undefined, limit = 20): Array<{ id: number; reasons: string[] }> {
    const found = new Map<number, string[]>();
    const reason = (id: number, why: string) => {
      if (id === excludeId) return;
      const list = found.get(id) ?? [];
      if (!list.includes(why)) list.push(why);
      found.set(id, list);
    };
    const live = "AND p.merged_into IS NULL";
    if (doc.emails.length > 0) {
      const byEmail = this.db.prepare(`SELECT x.party_id AS id FROM party_email x JOIN party p ON p.id = x.party_id WHERE x.email = ? ${live} LIMIT 50`);
      for (const email of doc.emails) for (const r of byEmail.all(email) as Raw[]) reason(r["id"], `same email ${email}`);
    }
    if (doc.phones.length > 0) {
      const byPhone = this.db.prepare(`SELECT x.party_id AS id FROM party_phone x JOIN party p ON p.id = x.party_id WHERE x.digits = ? ${live} LIMIT 50`);
      for (const ph of doc.phones) for (const r of byPhone.all(ph.number.slice(1)) as Raw[]) reason(r["id"], `same phone ${ph.display}`);
    }
    if (doc.vatNumber) {
      const rows = this.db.prepare(`SELECT p.id FROM party p WHERE p.vat_key = ? ${live} LIMIT 200`).all(doc.vatNumber) as Raw[];
      for (const r of rows) reason(r["id"], `same VAT number ${doc.vatNumber}`);
    }
    const postcode = doc.address.postcode;
    const folded = fold(doc.name);
    if (postcode && folded !== "") {
      const sorted = nameKey(doc.name);
      // Close names have nearly the same length (the same words in another order: exactly the same).
      const rows = this.db
        .prepare(`SELECT p.id, p.name, p.name_key FROM party p WHERE p.postcode = ? AND length(p.name_key) BETWEEN ? AND ? ${live} LIMIT 20000`)
        .all(postcode, folded.length - 2, folded.length + 2) as Raw[];
      for (const r of rows) {
        const key = r["name_key"] as string;
        const sameWords = key.length === sorted.length && key.split(" ").sort().join(" ") === sorted;
        if (sameWords || closeNames(folded, key)) reason(r["id"], `close name (${r["name"]}) at postcode ${postcode}`);
      }
    }
    return [...found.entries()]
      .map(([id, reasons]) => ({ id, reasons }))
      .sort((a, b) => b.reasons.length - a.reasons.length || a.id - b.id)
      .slice(0, limit);
  }
}
