/**
 * The archive journal: every operation on archived records (deposit, consultation, download,
 * metadata correction, hold, release, audit, seal, disposal, repair, reactivation, import) in ONE
 * hash chain. Entry hash = SHA-256(previous hash + "\n" + canonical JSON of the entry); the
 * database refuses UPDATE and DELETE (migration triggers); `verify` recomputes the chain from the
 * stored rows and names the first entry whose content, link or position is wrong.
 */
import { createHash } from "node:crypto";
import type Database from "better-sqlite3";
import { canonical, GENESIS } from "../dossiers/journal.js";
import { statement } from "../persistence/statements.js";

export { GENESIS };

export type ArchiveAction =
  | "deposit" | "consultation" | "download" | "metadata.corrected" | "hold.placed" | "hold.released" | "retention.extended"
  | "audit" | "seal" | "disposal.requested" | "disposal.reviewed" | "disposal.approved" | "disposal.refused" | "disposal" | "party.erased"
  | "repair" | "archived" | "reactivated" | "export" | "import" | "rule.changed" | "incident";

export interface ArchiveEntry {
  seq: number;
  at: number;
  actor: string | null;
  action: string;
  recordId: number | null;
  dossierId: number | null;
  details: unknown;
  prevHash: string;
  hash: string;
}

export interface ChainCheck {
  valid: boolean;
  entries: number;
  firstInvalid?: { seq: number; reason: string; recordId: number | null };
}

/** The canonical body of an entry, from the stored details text (already canonical JSON). */
export function entryBody(e: { seq: number; at: number; actor: string | null; action: string; recordId: number | null; dossierId: number | null }, detailsText: string): string {
  return `{"action":${JSON.stringify(e.action)},"actor":${JSON.stringify(e.actor)},"at":${e.at},"details":${detailsText},"dossierId":${e.dossierId},"recordId":${e.recordId},"seq":${e.seq}}`;
}

export function entryHash(prevHash: string, body: string): string {
  return createHash("sha256").update(prevHash).update("\n").update(body).digest("hex");
}

export function toEntry(r: Record<string, any>): ArchiveEntry {
  return { seq: r["seq"], at: r["at"], actor: r["actor"], action: r["action"], recordId: r["record_id"], dossierId: r["dossier_id"], details: JSON.parse(r["details"]), prevHash: r["prev_hash"], hash: r["hash"] };
}

export class ArchiveJournal {
  constructor(private readonly db: Database.Database) {}

  /** Appends one entry; inside the write lane (an engine transaction). */
  append(input: { at: number; actor: string | null; action: ArchiveAction; recordId?: number | null; dossierId?: number | null; details?: unknown }): ArchiveEntry {
    const last = statement(this.db, `SELECT seq, hash FROM archive_journal ORDER BY seq DESC LIMIT 1`).get() as { seq: number; hash: string } | undefined;
    const e = { seq: (last?.seq ?? 0) + 1, at: input.at, actor: input.actor, action: input.action, recordId: input.recordId ?? null, dossierId: input.dossierId ?? null };
    const detailsText = canonical(input.details ?? {});
    const prevHash = last?.hash ?? GENESIS;
    const hash = entryHash(prevHash, entryBody(e, detailsText));
    statement(this.db, `INSERT INTO archive_journal (seq, at, actor, action, record_id, dossier_id, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(e.seq, e.at, e.actor, e.action, e.recordId, e.dossierId, detailsText, prevHash, hash);
    return { ...e, details: JSON.parse(detailsText), prevHash, hash };
  }

  lastSeq(): number {
    return (statement(this.db, `SELECT COALESCE(MAX(seq), 0) AS n FROM archive_journal`).get() as { n: number }).n;
  }

  range(fromSeq: number, toSeq: number): ArchiveEntry[] {
    return (statement(this.db, `SELECT * FROM archive_journal WHERE seq BETWEEN ? AND ? ORDER BY seq`).all(fromSeq, toSeq) as Array<Record<string, any>>).map(toEntry);
  }

  /** The hashes of entries fromSeq..toSeq as stored (the leaves of a seal). */
  hashes(fromSeq: number, toSeq: number): string[] {
    return (statement(this.db, `SELECT hash FROM archive_journal WHERE seq BETWEEN ? AND ? ORDER BY seq`).all(fromSeq, toSeq) as Array<{ hash: string }>).map((r) => r.hash);
  }

  ofRecord(recordId: number): ArchiveEntry[] {
    return (statement(this.db, `SELECT * FROM archive_journal WHERE record_id = ? ORDER BY seq`).all(recordId) as Array<Record<string, any>>).map(toEntry);
  }

  ofDossier(dossierId: number, limit = 500): ArchiveEntry[] {
    return (statement(this.db, `SELECT * FROM archive_journal WHERE dossier_id = ? ORDER BY seq DESC LIMIT ?`).all(dossierId, limit) as Array<Record<string, any>>).reverse().map(toEntry);
  }

  latest(limit = 100): ArchiveEntry[] {
    return (statement(this.db, `SELECT * FROM archive_journal ORDER BY seq DESC LIMIT ?`).all(limit) as Array<Record<string, any>>).map(toEntry);
  }

  /** Recomputes the whole chain from the rows as stored. */
  verify(): ChainCheck {
    return verifyChain(statement(this.db, `SELECT seq, at, actor, action, record_id, dossier_id, details, prev_hash, hash FROM archive_journal ORDER BY seq`).iterate() as Iterable<Record<string, any>>);
  }
}

/** Checks a sequence of stored rows (the database's or an export's) as one chain from GENESIS. */
export function verifyChain(rows: Iterable<Record<string, any>>): ChainCheck {
  let prevHash = GENESIS;
  let expected = 1;
  let count = 0;
  for (const r of rows) {
    count++;
    const seq = r["seq"] as number;
    const recordId = (r["record_id"] ?? null) as number | null;
    if (seq !== expected) return { valid: false, entries: count, firstInvalid: { seq, recordId, reason: `expected entry ${expected} here, but found entry ${seq} (an entry was removed or renumbered)` } };
    if (r["prev_hash"] !== prevHash) return { valid: false, entries: count, firstInvalid: { seq, recordId, reason: "its link to the previous entry does not match that entry's hash" } };
    const body = entryBody({ seq, at: r["at"], actor: r["actor"] ?? null, action: r["action"], recordId, dossierId: r["dossier_id"] ?? null }, r["details"]);
    if (entryHash(prevHash, body) !== r["hash"]) return { valid: false, entries: count, firstInvalid: { seq, recordId, reason: "its content does not match its hash (the entry was altered)" } };
    prevHash = r["hash"];
    expected++;
  }
  return { valid: true, entries: count };
}

/**
 * What the journal says a record must look like: its fingerprint and identity as deposited, its
 * retain-until as deposited then extended, destroyed only by a disposal. A row altered in the
 * database (an earlier retain-until to get it destroyed sooner, another fingerprint) differs.
 */
export function recordDiffers(record: { id: number; sha256: string | null; document_id: number | null; version: number | null; retain_until: string | null; status: string }, entries: Array<{ action: string; details: string }>): string | null {
  const deposit = entries.find((e) => e.action === "deposit");
  if (!deposit) return "no deposit entry in the journal";
  const d = JSON.parse(deposit.details) as Record<string, unknown>;
  if (d["sha256"] !== record.sha256) return `fingerprint ${record.sha256} is not the deposited ${String(d["sha256"])}`;
  if (d["documentId"] !== undefined && (d["documentId"] !== record.document_id || d["version"] !== record.version)) return `document ${record.document_id} version ${record.version} is not the deposited ${String(d["documentId"])} version ${String(d["version"])}`;
  let until = (d["retainUntil"] ?? null) as string | null;
  for (const e of entries) if (e.action === "retention.extended") until = ((JSON.parse(e.details) as Record<string, unknown>)["to"] ?? null) as string | null;
  if (until !== record.retain_until) return `retain-until ${record.retain_until ?? "forever"} is not the journaled ${until ?? "forever"}`;
  const destroyed = entries.some((e) => e.action === "disposal");
  if ((record.status === "destroyed") !== destroyed) return record.status === "destroyed" ? "it is marked destroyed without a disposal in the journal" : "the journal says it was destroyed, but it is marked kept";
  return null;
}
