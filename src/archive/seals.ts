/**
 * Periodic seals of the archive journal (after Vitam's secured journals): the Merkle root of the
 * entries since the previous seal, chained to that seal's hash, signed with the organisation's
 * key (RSA-SHA256, the certificate of src/signature/certificate.ts). Optionally timestamped by an
 * RFC 3161 authority after commit. A seal is itself journaled, so the next seal covers it.
 */
import { createHash, createPublicKey, verify as verifySignature } from "node:crypto";
import type Database from "better-sqlite3";
import type { Engine, EngineTransaction } from "../engine/engine.js";
import { canonical } from "../dossiers/journal.js";
import type { OrganisationCertificate } from "../signature/certificate.js";
import { statement } from "../persistence/statements.js";
import { GENESIS, type ArchiveJournal } from "./journal.js";
import { merkleProof, merkleRoot, type ProofStep } from "./merkle.js";
import type { TimestampAuthority } from "./tsa.js";

export interface SealRow {
  seq: number;
  from_seq: number;
  to_seq: number;
  count: number;
  merkle_root: string;
  prev_hash: string;
  sealed_at: number;
  certificate: string;
  signature: string;
  tsa_token: string | null;
  tsa_error: string | null;
  hash: string;
}

export function sealBody(s: { seq: number; from_seq: number; to_seq: number; count: number; merkle_root: string; prev_hash: string; sealed_at: number; certificate: string }): string {
  return canonical({ seq: s.seq, fromSeq: s.from_seq, toSeq: s.to_seq, count: s.count, merkleRoot: s.merkle_root, prevHash: s.prev_hash, sealedAt: s.sealed_at, certificate: s.certificate });
}

export interface SealCheck {
  valid: boolean;
  seals: number;
  firstInvalid?: { seal: number; reason: string };
}

/** Checks seal rows (the database's or an export's): chain, Merkle roots over the journal hashes, signatures. */
export function verifySeals(seals: SealRow[], hashesOf: (fromSeq: number, toSeq: number) => string[], pemOf: (fingerprint: string) => string | undefined): SealCheck {
  let prev = GENESIS;
  let nextFrom = 1;
  for (const s of seals) {
    const bad = (reason: string): SealCheck => ({ valid: false, seals: seals.length, firstInvalid: { seal: s.seq, reason } });
    if (s.prev_hash !== prev) return bad("its link to the previous seal does not match that seal's hash");
    if (s.from_seq !== nextFrom) return bad(`expected it to start at journal entry ${nextFrom}, but it starts at ${s.from_seq}`);
    const body = sealBody(s);
    if (createHash("sha256").update(body).digest("hex") !== s.hash) return bad("its content does not match its hash (the seal was altered)");
    const hashes = hashesOf(s.from_seq, s.to_seq);
    if (hashes.length !== s.count) return bad(`expected ${s.count} journal entries ${s.from_seq}–${s.to_seq}, but found ${hashes.length}`);
    if (merkleRoot(hashes) !== s.merkle_root) return bad(`the Merkle root of journal entries ${s.from_seq}–${s.to_seq} is not the sealed one (an entry of the period was altered)`);
    const pem = pemOf(s.certificate);
    if (!pem) return bad(`the certificate ${s.certificate} it was signed with is unknown`);
    if (!verifySignature("sha256", Buffer.from(body), createPublicKey(pem), Buffer.from(s.signature, "base64"))) return bad("its signature does not verify with the organisation's certificate");
    prev = s.hash;
    nextFrom = s.to_seq + 1;
  }
  return { valid: true, seals: seals.length };
}

export class Sealer {
  constructor(private readonly deps: { db: Database.Database; engine: Engine; journal: ArchiveJournal; certificate: OrganisationCertificate; tsa?: TimestampAuthority | undefined; log: (m: string) => void }) {}

  /** Registers the organisation certificate's PEM (seals name it by fingerprint). */
  registerCertificate(now: number): void {
    const c = this.deps.certificate;
    statement(this.deps.db, `INSERT INTO archive_certificate (fingerprint, pem, added_at) VALUES (?, ?, ?) ON CONFLICT (fingerprint) DO NOTHING`).run(c.fingerprint256, c.certificatePem, now);
  }

  all(): SealRow[] {
    return statement(this.deps.db, `SELECT * FROM archive_seal ORDER BY seq`).all() as SealRow[];
  }

  /** Seals the entries since the last seal, inside the caller's transaction; null when there are none. */
  sealIn(tx: EngineTransaction, actor: string | null): SealRow | null {
    const { db, journal, certificate } = this.deps;
    this.registerCertificate(tx.now);
    const last = statement(db, `SELECT * FROM archive_seal ORDER BY seq DESC LIMIT 1`).get() as SealRow | undefined;
    const from = (last?.to_seq ?? 0) + 1;
    const to = journal.lastSeq();
    if (to < from) return null;
    const hashes = journal.hashes(from, to);
    const row = { seq: (last?.seq ?? 0) + 1, from_seq: from, to_seq: to, count: hashes.length, merkle_root: merkleRoot(hashes), prev_hash: last?.hash ?? GENESIS, sealed_at: tx.now, certificate: certificate.fingerprint256 };
    const body = sealBody(row);
    const hash = createHash("sha256").update(body).digest("hex");
    const signature = certificate.sign(Buffer.from(body)).toString("base64");
    statement(db, `INSERT INTO archive_seal (seq, from_seq, to_seq, count, merkle_root, prev_hash, sealed_at, certificate, signature, tsa_token, tsa_error, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, NULL, ?)`)
      .run(row.seq, row.from_seq, row.to_seq, row.count, row.merkle_root, row.prev_hash, row.sealed_at, row.certificate, signature, hash);
    journal.append({ at: tx.now, actor, action: "seal", details: { seal: row.seq, fromSeq: from, toSeq: to, merkleRoot: row.merkle_root, hash } });
    if (this.deps.tsa) {
      const tsa = this.deps.tsa;
      tx.afterCommit(() => void this.timestamp(tsa, row.seq, hash));
    }
    return { ...row, signature, tsa_token: null, tsa_error: null, hash };
  }

  seal(actor: string | null): Promise<SealRow | null> {
    return this.deps.engine.transaction((tx) => this.sealIn(tx, actor));
  }

  /**
   * The timestamp token is kept in a side table-free way: seals are append-only, so the token is
   * journaled (the next seal covers it) rather than written into the seal row.
   */
  private async timestamp(tsa: TimestampAuthority, seal: number, hash: string): Promise<void> {
    try {
      const token = await tsa.stamp(Buffer.from(hash, "hex"));
      await this.deps.engine.transaction((tx) => this.deps.journal.append({ at: tx.now, actor: null, action: "seal", details: { seal, timestamp: { tsa: tsa.url, token: token.toString("base64") } } }));
    } catch (error) {
      this.deps.log(`archive: the timestamp of seal ${seal} by ${tsa.url} failed (${(error as Error).message}); the signed seal stands alone`);
    }
  }

  /** The seal covering a journal entry and the Merkle proof of that entry in it. */
  coverOf(seq: number): { seal: SealRow; proof: ProofStep[]; entryHash: string } | null {
    const seal = statement(this.deps.db, `SELECT * FROM archive_seal WHERE from_seq <= ? AND to_seq >= ?`).get(seq, seq) as SealRow | undefined;
    if (!seal) return null;
    const hashes = this.deps.journal.hashes(seal.from_seq, seal.to_seq);
    return { seal, proof: merkleProof(hashes, seq - seal.from_seq), entryHash: hashes[seq - seal.from_seq]! };
  }

  verify(): SealCheck {
    const pem = (fp: string) => (statement(this.deps.db, `SELECT pem FROM archive_certificate WHERE fingerprint = ?`).get(fp) as { pem: string } | undefined)?.pem;
    return verifySeals(this.all(), (a, b) => this.deps.journal.hashes(a, b), pem);
  }
}
