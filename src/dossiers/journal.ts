/**
 * The journal of a dossier: every change (fields before/after, state, parties, documents, notes,
 * calls) and every process event that concerns it. Append-only (the database refuses UPDATE and
 * DELETE, see the migration) and hash-chained per dossier: an entry's hash is the SHA-256 of the
 * previous entry's hash and the entry's canonical JSON, so altering, removing or reordering a row
 * breaks the chain from that entry on, and `verify` names the first broken one.
 */
import { createHash } from "node:crypto";
import type Database from "better-sqlite3";
import { statement } from "../persistence/statements.js";

export const GENESIS = "0".repeat(64);

export interface JournalInput {
  dossierId: number;
  at: number;
  actor: string | null;
  /** e.g. dossier.created, field.changed, state.changed, party.added, document.added, note.added, call.logged, task.completed, process.started, process.ended */
  action: string;
  summary?: string | null;
  before?: unknown;
  after?: unknown;
  /** Private entries are shown only to the dossier's sector; public ones may reach the customer portal. */
  private?: boolean;
}

export interface JournalEntry {
  dossierId: number;
  seq: number;
  at: number;
  actor: string | null;
  action: string;
  summary: string | null;
  before: unknown;
  after: unknown;
  private: boolean;
  prevHash: string;
  hash: string;
}

export interface Verification {
  valid: boolean;
  entries: number;
  firstInvalid?: { seq: number; reason: string };
}

/** Canonical JSON: object keys sorted at every level, so the hash does not depend on key order. */
export function canonical(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  const keys = Object.keys(value as object).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`).join(",")}}`;
}

/**
 * The canonical JSON of an entry, keys in order, from the stored texts of `before` and `after`
 * (themselves canonical JSON): equal to `canonical(entry)`, built without parsing anything, so a
 * verification hashes the rows as they are stored.
 */
function entryBody(e: { dossierId: number; seq: number; at: number; actor: string | null; action: string; summary: string | null; private: boolean }, beforeText: string | null, afterText: string | null): string {
  return `{"action":${JSON.stringify(e.action)},"actor":${JSON.stringify(e.actor)},"after":${afterText ?? "null"},"at":${e.at},"before":${beforeText ?? "null"},` +
    `"dossierId":${e.dossierId},"private":${e.private},"seq":${e.seq},"summary":${JSON.stringify(e.summary)}}`;
}

function entryHash(prevHash: string, body: string): string {
  return createHash("sha256").update(prevHash).update("\n").update(body).digest("hex");
}

const parse = (text: string | null): unknown => (text === null ? null : JSON.parse(text));

export class Journal {
  private readonly last: Database.Statement;
  private readonly insert: Database.Statement;
  private readonly all: Database.Statement;

  constructor(private readonly db: Database.Database) {
    this.last = statement(db, `SELECT seq, hash FROM dossier_journal WHERE dossier_id = ? ORDER BY seq DESC LIMIT 1`);
    this.insert = statement(db, 
      `INSERT INTO dossier_journal (dossier_id, seq, at, actor, action, summary, before, after, private, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.all = db.prepare(`SELECT seq, at, actor, action, summary, before, after, private, prev_hash, hash FROM dossier_journal WHERE dossier_id = ? ORDER BY seq`).raw(true);
  }

  /** Appends one entry; must run inside the write lane (a domain transaction). */
  append(input: JournalInput): JournalEntry {
    const prev = this.last.get(input.dossierId) as { seq: number; hash: string } | undefined;
    const entry = {
      dossierId: input.dossierId, seq: (prev?.seq ?? 0) + 1, at: input.at, actor: input.actor, action: input.action,
      summary: input.summary ?? null, before: input.before ?? null, after: input.after ?? null, private: input.private ?? false,
    };
    const prevHash = prev?.hash ?? GENESIS;
    const beforeText = entry.before === null ? null : canonical(entry.before);
    const afterText = entry.after === null ? null : canonical(entry.after);
    const hash = entryHash(prevHash, entryBody(entry, beforeText, afterText));
    this.insert.run(entry.dossierId, entry.seq, entry.at, entry.actor, entry.action, entry.summary, beforeText, afterText, entry.private ? 1 : 0, prevHash, hash);
    return { ...entry, prevHash, hash };
  }

  /** Entries of a dossier, oldest first; private ones only when asked for. */
  entries(dossierId: number, options: { includePrivate: boolean; limit?: number; beforeSeq?: number; actions?: string[] }): JournalEntry[] {
    const where = ["dossier_id = ?"];
    const params: unknown[] = [dossierId];
    if (!options.includePrivate) where.push("private = 0");
    if (options.beforeSeq !== undefined) {
      where.push("seq < ?");
      params.push(options.beforeSeq);
    }
    if (options.actions && options.actions.length) {
      where.push(`action IN (${options.actions.map(() => "?").join(", ")})`);
      params.push(...options.actions);
    }
    const limit = Math.min(Math.max(options.limit ?? 200, 1), 1000);
    const rows = statement(this.db, `SELECT * FROM dossier_journal WHERE ${where.join(" AND ")} ORDER BY seq DESC LIMIT ${limit}`)
      .all(...params) as Array<Record<string, any>>;
    return rows.reverse().map(toEntry);
  }

  /** Recomputes the chain from the stored rows; names the first entry whose content, link or position is wrong. */
  verify(dossierId: number): Verification {
    let prevHash = GENESIS;
    let expectedSeq = 1;
    let count = 0;
    for (const row of this.all.iterate(dossierId) as Iterable<[number, number, string | null, string, string | null, string | null, string | null, number, string, string]>) {
      const [seq, at, actor, action, summary, before, after, priv, storedPrev, hash] = row;
      count++;
      if (seq !== expectedSeq) {
        return { valid: false, entries: count, firstInvalid: { seq, reason: `expected entry ${expectedSeq} here, but found entry ${seq} (an entry was removed or renumbered)` } };
      }
      if (storedPrev !== prevHash) {
        return { valid: false, entries: count, firstInvalid: { seq, reason: "its link to the previous entry does not match that entry's hash" } };
      }
      if (entryHash(prevHash, entryBody({ dossierId, seq, at, actor, action, summary, private: priv === 1 }, before, after)) !== hash) {
        return { valid: false, entries: count, firstInvalid: { seq, reason: "its content does not match its hash (the entry was altered)" } };
      }
      prevHash = hash;
      expectedSeq++;
    }
    return { valid: true, entries: count };
  }
}

function toEntry(r: Record<string, any>): JournalEntry {
  return {
    dossierId: r["dossier_id"], seq: r["seq"], at: r["at"], actor: r["actor"], action: r["action"], summary: r["summary"],
    before: parse(r["before"]), after: parse(r["after"]), private: r["private"] === 1, prevHash: r["prev_hash"], hash: r["hash"],
  };
}
