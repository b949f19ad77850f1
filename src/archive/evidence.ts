/**
 * The evidence pack of one record, as a ZIP: the file (or the dossier snapshot), its hashes
 * (SHA-256 as deposited, SHA-256 and SHA-512 recomputed now), its archive journal extract, the
 * seals covering those entries with each entry's Merkle proof, the sealing certificate(s), and a
 * README saying how to check it all by hand.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type Database from "better-sqlite3";
import { strToU8, zipSync, type Zippable } from "fflate";
import type { BlobStore } from "../documents/store.js";
import { statement } from "../persistence/statements.js";
import { entryBody, type ArchiveJournal } from "./journal.js";
import type { RecordRow } from "./records.js";
import { sealBody, type Sealer } from "./seals.js";

const README = `Dossier — dossier de preuve d'un enregistrement archivé / evidence pack of an archived record

record.json      the record (metadata, fingerprint, retention) as stored
hashes.json      SHA-256 recorded at deposit; SHA-256 and SHA-512 of the enclosed file recomputed at export
journal.json     every archive journal entry about this record; each entry's hash is
                 SHA-256(prevHash + "\\n" + body) where body is the canonical JSON given in "body"
seals.json       for each entry, the seal covering it: its canonical body (signed, RSA-SHA256,
                 signature in base64), its Merkle root, and the entry's Merkle proof
                 (leaf = SHA-256(0x00 || entryHash), node = SHA-256(0x01 || left || right))
certificates/    the PEM of the certificate that signed the seals
                 check: openssl dgst -sha256 -verify <(openssl x509 -in cert.pem -pubkey -noout) -signature sig.bin body.txt
`;

export function evidencePack(deps: { db: Database.Database; store: BlobStore; journal: ArchiveJournal; sealer: Sealer }, record: RecordRow & { reference?: string }): Buffer {
  const zip: Zippable = { "README.txt": strToU8(README), "record.json": strToU8(JSON.stringify(record, null, 1)) };
  let bytes: Buffer | null = null;
  if (record.status === "kept") {
    if (record.kind === "dossier") bytes = Buffer.from(record.metadata);
    else {
      try {
        bytes = readFileSync(deps.store.pathOf(record.sha256!));
      } catch {
        bytes = null;
      }
    }
  }
  if (bytes) zip[`file/${record.kind === "dossier" ? `${record.filename}` : (record.filename ?? "document")}`] = [bytes, { level: 0 }];
  zip["hashes.json"] = strToU8(JSON.stringify({
    deposited: { sha256: record.sha256 },
    now: bytes ? { sha256: createHash("sha256").update(bytes).digest("hex"), sha512: createHash("sha512").update(bytes).digest("hex"), size: bytes.length } : null,
    matches: bytes ? createHash("sha256").update(bytes).digest("hex") === record.sha256 : false,
  }, null, 1));
  const entries = deps.journal.ofRecord(record.id);
  const raw = statement(deps.db, `SELECT details FROM archive_journal WHERE record_id = ? ORDER BY seq`).all(record.id) as Array<{ details: string }>;
  zip["journal.json"] = strToU8(JSON.stringify(entries.map((e, i) => ({ ...e, body: entryBody(e, raw[i]!.details) })), null, 1));
  const seals = entries.map((e) => {
    const cover = deps.sealer.coverOf(e.seq);
    return cover ? { entry: e.seq, entryHash: cover.entryHash, proof: cover.proof, seal: { ...cover.seal, body: sealBody(cover.seal) } } : { entry: e.seq, seal: null, note: "not sealed yet (the next periodic seal covers it)" };
  });
  zip["seals.json"] = strToU8(JSON.stringify(seals, null, 1));
  for (const c of statement(deps.db, `SELECT fingerprint, pem FROM archive_certificate`).all() as Array<{ fingerprint: string; pem: string }>) {
    zip[`certificates/${c.fingerprint.replace(/:/g, "").slice(0, 16)}.pem`] = strToU8(c.pem);
  }
  return Buffer.from(zipSync(zip, { level: 6 }));
}
