/**
 * Reversibility: export of one archived dossier or of the whole archive as a ZIP, and its import
 * into an EMPTY installation, verified before a row is written. Format (docs/archive.md):
 *
 *   manifest.json          format, version, scope, counts, the table rows (dossiers, parties,
 *                          documents, versions, blobs with their extracted text, records, holds,
 *                          tombstones, disposals, rules), the file list with SHA-256 and size
 *   files/<sha256>         the stored bytes of every kept record's version
 *   archive-journal.jsonl  the archive journal, whole (one hash chain from GENESIS)
 *   seals.json             the seals; certificates.json the PEM of every sealing certificate
 *   dossier-journals/<reference>.jsonl   each dossier's own hash-chained journal
 *
 * The exporter reads the database only (it can run beside a live server); the importer checks
 * every file fingerprint, every record against its file and its deposit entry, the archive
 * journal's chain, the seals (chain, Merkle roots, signatures) and each dossier journal, and
 * refuses the export naming the first bad entry; then files first, then one transaction.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type Database from "better-sqlite3";
import { strFromU8, strToU8, unzipSync, zipSync, type Zippable } from "fflate";
import { canonical, GENESIS } from "../dossiers/journal.js";
import { DossierError } from "../dossiers/errors.js";
import type { BlobStore } from "../documents/store.js";
import type { Engine } from "../engine/engine.js";
import type { Domain } from "../dossiers/domain.js";
import { dossierById } from "../dossiers/rows.js";
import { statement } from "../persistence/statements.js";
import { recordDiffers, verifyChain, type ArchiveJournal } from "./journal.js";
import { verifySeals, type SealRow } from "./seals.js";

export const EXPORT_FORMAT = "dossier-archive-export";
export const EXPORT_VERSION = 1;

type Row = Record<string, unknown>;

const all = (db: Database.Database, sql: string, ...params: unknown[]) => statement(db, sql).all(...params) as Row[];
const ids = (rows: Row[], key: string) => JSON.stringify([...new Set(rows.map((r) => r[key]))]);

export class ExportRefused extends DossierError {
  constructor(readonly entry: string, reason: string) {
    super("VALIDATION_FAILED", `Expected an untampered archive export, but ${entry}: ${reason}`, [{ field: entry, message: reason }]);
  }
}

/** Reads the archive (one dossier or all) into a ZIP. */
export function exportArchive(db: Database.Database, store: BlobStore, scope: { reference?: string }, now: number): { zip: Buffer; manifest: Row } {
  let dossiers: Row[];
  if (scope.reference) {
    dossiers = all(db, `SELECT d.* FROM dossier d WHERE d.reference = ? AND EXISTS (SELECT 1 FROM archive_record r WHERE r.dossier_id = d.id)`, scope.reference);
    if (dossiers.length === 0) throw new DossierError("NOT_FOUND", `Expected an archived dossier '${scope.reference}', but it has no archived records`);
  } else dossiers = all(db, `SELECT d.* FROM dossier d WHERE EXISTS (SELECT 1 FROM archive_record r WHERE r.dossier_id = d.id) ORDER BY d.id`);
  const dIds = ids(dossiers, "id");
  const inD = `IN (SELECT value FROM json_each(?))`;
  const records = all(db, `SELECT * FROM archive_record WHERE dossier_id ${inD} ORDER BY id`, dIds);
  const dossierParty = all(db, `SELECT * FROM dossier_party WHERE dossier_id ${inD} ORDER BY dossier_id, role, party_id`, dIds);
  const pIds = ids(dossierParty, "party_id");
  const parties = all(db, `SELECT * FROM party WHERE id ${inD} ORDER BY id`, pIds);
  const dossierDocument = all(db, `SELECT * FROM dossier_document WHERE dossier_id ${inD} ORDER BY dossier_id, document_id`, dIds);
  const docIds = ids(dossierDocument, "document_id");
  const documents = all(db, `SELECT * FROM document WHERE id ${inD} ORDER BY id`, docIds);
  const versions = all(db, `SELECT * FROM document_version WHERE document_id ${inD} ORDER BY document_id, version`, docIds);
  const blobs = all(db, `SELECT * FROM blob WHERE sha256 IN (SELECT sha256 FROM document_version WHERE document_id ${inD}) ORDER BY sha256`, docIds);
  const zip: Zippable = {};
  const files: Row[] = [];
  const kept = new Set(records.filter((r) => r["kind"] === "document" && r["status"] === "kept").map((r) => r["sha256"] as string));
  for (const sha of [...kept].sort()) {
    const bytes = readFileSync(store.pathOf(sha));
    zip[`files/${sha}`] = [bytes, { level: 0 }];
    files.push({ path: `files/${sha}`, sha256: sha, size: bytes.length });
  }
  // Only versions whose bytes travel (kept records) bring their blob; a destroyed one stays a tombstone.
  const manifest: Row = {
    format: EXPORT_FORMAT, version: EXPORT_VERSION, exportedAt: new Date(now).toISOString(), scope: scope.reference ? { dossier: scope.reference } : { all: true },
    tables: {
      dossier: dossiers, party: parties, party_email: all(db, `SELECT * FROM party_email WHERE party_id ${inD}`, pIds), party_phone: all(db, `SELECT * FROM party_phone WHERE party_id ${inD}`, pIds),
      dossier_party: dossierParty, document: documents, document_version: versions, blob: blobs, dossier_document: dossierDocument,
      archive_dossier: all(db, `SELECT * FROM archive_dossier WHERE dossier_id ${inD}`, dIds), archive_record: records,
      archive_hold: all(db, `SELECT * FROM archive_hold WHERE dossier_id ${inD} OR record_id IN (SELECT id FROM archive_record WHERE dossier_id ${inD}) ORDER BY id`, dIds, dIds),
      archive_tombstone: all(db, `SELECT * FROM archive_tombstone WHERE record_id IN (SELECT id FROM archive_record WHERE dossier_id ${inD}) ORDER BY record_id`, dIds),
      archive_rule: all(db, `SELECT * FROM archive_rule ORDER BY position, id`),
    },
    files,
  };
  const journal = all(db, `SELECT seq, at, actor, action, record_id, dossier_id, details, prev_hash, hash FROM archive_journal ORDER BY seq`);
  zip["archive-journal.jsonl"] = strToU8(journal.map((r) => JSON.stringify(r)).join("\n"));
  zip["seals.json"] = strToU8(JSON.stringify(all(db, `SELECT * FROM archive_seal ORDER BY seq`), null, 1));
  zip["certificates.json"] = strToU8(JSON.stringify(all(db, `SELECT fingerprint, pem FROM archive_certificate ORDER BY fingerprint`), null, 1));
  for (const d of dossiers) {
    const rows = all(db, `SELECT * FROM dossier_journal WHERE dossier_id = ? ORDER BY seq`, d["id"]);
    zip[`dossier-journals/${d["reference"]}.jsonl`] = strToU8(rows.map((r) => JSON.stringify(r)).join("\n"));
  }
  zip["manifest.json"] = strToU8(JSON.stringify(manifest, null, 1));
  return { zip: Buffer.from(zipSync(zip, { level: 6 })), manifest };
}

/** The hash of a dossier journal row, as src/dossiers/journal.ts computes it (canonical JSON of the entry). */
function dossierEntryHash(prev: string, r: Row): string {
  const parse = (t: unknown) => (t === null || t === undefined ? null : JSON.parse(String(t)));
  const body = canonical({ action: r["action"], actor: r["actor"] ?? null, after: parse(r["after"]), at: r["at"], before: parse(r["before"]), dossierId: r["dossier_id"], private: r["private"] === 1, seq: r["seq"], summary: r["summary"] ?? null });
  return createHash("sha256").update(prev).update("\n").update(body).digest("hex");
}

export interface ParsedExport {
  manifest: Row & { tables: Record<string, Row[]>; files: Array<{ path: string; sha256: string; size: number }> };
  files: Map<string, Uint8Array>;
  journal: Row[];
  seals: SealRow[];
  certificates: Array<{ fingerprint: string; pem: string }>;
  dossierJournals: Map<string, Row[]>;
}

const jsonl = (text: string): Row[] => (text.trim() === "" ? [] : text.split("\n").map((l) => JSON.parse(l) as Row));

/** Unzips and checks an export completely; throws ExportRefused naming the first bad entry. */
export function verifyExport(zipBytes: Uint8Array): ParsedExport {
  let entries: Record<string, Uint8Array>;
  try {
    entries = unzipSync(zipBytes);
  } catch (error) {
    throw new ExportRefused("the file", `it is not a readable ZIP (${(error as Error).message})`);
  }
  const text = (name: string): string => {
    const e = entries[name];
    if (!e) throw new ExportRefused(name, "it is missing");
    return strFromU8(e);
  };
  const parse = <T>(name: string, f: (t: string) => T): T => {
    try {
      return f(text(name));
    } catch (error) {
      if (error instanceof ExportRefused) throw error;
      throw new ExportRefused(name, `it does not parse (${(error as Error).message})`);
    }
  };
  const manifest = parse("manifest.json", JSON.parse) as ParsedExport["manifest"];
  if (manifest.format !== EXPORT_FORMAT || manifest.version !== EXPORT_VERSION) throw new ExportRefused("manifest.json", `expected format ${EXPORT_FORMAT} version ${EXPORT_VERSION}, but found ${JSON.stringify(manifest.format)} ${JSON.stringify(manifest.version)}`);
  const files = new Map<string, Uint8Array>();
  for (const f of manifest.files) {
    const bytes = entries[f.path];
    if (!bytes) throw new ExportRefused(f.path, "the file is missing from the ZIP");
    const sha = createHash("sha256").update(bytes).digest("hex");
    if (sha !== f.sha256 || f.path !== `files/${f.sha256}`) throw new ExportRefused(f.path, `expected SHA-256 ${f.sha256}, but the bytes hash to ${sha} (the file was altered)`);
    files.set(sha, bytes);
  }
  const journal = parse("archive-journal.jsonl", jsonl);
  const chain = verifyChain(journal);
  if (!chain.valid) throw new ExportRefused(`archive-journal.jsonl entry ${chain.firstInvalid!.seq}${chain.firstInvalid!.recordId !== null ? ` (record ${chain.firstInvalid!.recordId})` : ""}`, chain.firstInvalid!.reason);
  const byRecord = new Map<number, Array<{ action: string; details: string }>>();
  for (const e of journal) if (e["record_id"] !== null && e["record_id"] !== undefined) {
    const list = byRecord.get(e["record_id"] as number) ?? [];
    list.push({ action: String(e["action"]), details: String(e["details"]) });
    byRecord.set(e["record_id"] as number, list);
  }
  for (const r of manifest.tables["archive_record"] ?? []) {
    const name = `manifest.json record ${r["id"]} (${r["filename"]})`;
    const differs = recordDiffers(r as never, byRecord.get(r["id"] as number) ?? []);
    if (differs) throw new ExportRefused(name, `the record differs from its deposit entry: ${differs}`);
    if (r["kind"] === "dossier" && r["status"] === "kept" && createHash("sha256").update(String(r["metadata"])).digest("hex") !== r["sha256"]) throw new ExportRefused(name, "its metadata snapshot does not match its fingerprint (altered)");
    if (r["kind"] === "document" && r["status"] === "kept" && !files.has(r["sha256"] as string)) throw new ExportRefused(name, `its file files/${r["sha256"]} is not in the export`);
  }
  const seals = parse("seals.json", JSON.parse) as SealRow[];
  const certificates = parse("certificates.json", JSON.parse) as Array<{ fingerprint: string; pem: string }>;
  const hashes = journal.map((e) => e["hash"] as string);
  const sealCheck = verifySeals(seals, (a, b) => hashes.slice(a - 1, b), (fp) => certificates.find((c) => c.fingerprint === fp)?.pem);
  if (!sealCheck.valid) throw new ExportRefused(`seals.json seal ${sealCheck.firstInvalid!.seal}`, sealCheck.firstInvalid!.reason);
  const dossierJournals = new Map<string, Row[]>();
  for (const d of manifest.tables["dossier"] ?? []) {
    const name = `dossier-journals/${d["reference"]}.jsonl`;
    const rows = parse(name, jsonl);
    let prev = GENESIS;
    rows.forEach((r, i) => {
      if (r["seq"] !== i + 1 || r["prev_hash"] !== prev || dossierEntryHash(prev, r) !== r["hash"]) throw new ExportRefused(`${name} entry ${r["seq"]}`, "its content or link does not match its hash (the entry was altered, removed or reordered)");
      prev = r["hash"] as string;
    });
    dossierJournals.set(d["reference"] as string, rows);
  }
  return { manifest, files, journal, seals, certificates, dossierJournals };
}

const ORDER = ["party", "party_email", "party_phone", "dossier", "dossier_party", "blob", "document", "document_version", "dossier_document", "archive_dossier", "archive_record", "archive_hold", "archive_tombstone"] as const;

/** Imports a verified export into an empty installation: files first, then one transaction. */
export async function importArchive(deps: { db: Database.Database; engine: Engine; domain: Domain; journal: ArchiveJournal }, zipBytes: Uint8Array, actor: string | null): Promise<{ dossiers: string[]; records: number; files: number; journal: number; seals: number }> {
  const { db, engine, domain } = deps;
  const parsed = verifyExport(zipBytes);
  const { manifest } = parsed;
  const busy = (statement(db, `SELECT COUNT(*) AS n FROM archive_journal`).get() as { n: number }).n;
  if (busy > 0) throw new DossierError("INVALID_STATE", `Expected an empty installation (no archive yet) to import into, but this one's archive journal has ${busy} entries: import into a fresh DATA_DIR`);
  for (const d of manifest.tables["dossier"] ?? []) {
    const clash = statement(db, `SELECT reference FROM dossier WHERE id = ? OR reference = ?`).get(d["id"], d["reference"]) as { reference: string } | undefined;
    if (clash) throw new DossierError("INVALID_STATE", `Expected an empty installation, but dossier ${clash.reference} already exists here (id or reference of ${d["reference"]}): import into a fresh DATA_DIR started with DEMO_DATA=false`);
    if (!domain.types.get(String(d["type_id"]))) throw new DossierError("INVALID_STATE", `Expected the dossier type '${d["type_id"]}' of ${d["reference"]} to exist here, but it does not: install it first`);
  }
  for (const p of manifest.tables["party"] ?? []) {
    if (statement(db, `SELECT 1 FROM party WHERE id = ?`).get(p["id"])) throw new DossierError("INVALID_STATE", `Expected an empty installation, but party ${p["id"]} already exists here: import into a fresh DATA_DIR started with DEMO_DATA=false`);
  }
  const store = domain.documents.store;
  for (const [sha, bytes] of parsed.files) {
    const tmp = store.tempPath();
    const { open } = await import("node:fs/promises");
    const h = await open(tmp, "w");
    try {
      await h.writeFile(bytes);
      await h.sync();
    } finally {
      await h.close();
    }
    await store.commit(tmp, sha);
  }
  try {
    return await engine.transaction((tx) => {
      const insert = (table: string, row: Row) => {
        const cols = Object.keys(row);
        statement(db, `INSERT INTO "${table}" (${cols.map((c) => `"${c}"`).join(", ")}) VALUES (${cols.map(() => "?").join(", ")})`).run(...cols.map((c) => row[c]));
      };
      const carried = new Set(parsed.files.keys());
      for (const table of ORDER) {
        for (const row of manifest.tables[table] ?? []) {
          if (table === "blob" && !carried.has(row["sha256"] as string)) continue;
          if (table === "blob" && statement(db, `SELECT 1 FROM blob WHERE sha256 = ?`).get(row["sha256"])) continue;
          insert(table, row);
        }
      }
      for (const rows of parsed.dossierJournals.values()) for (const r of rows) insert("dossier_journal", r);
      for (const r of parsed.journal) insert("archive_journal", r);
      for (const s of parsed.seals) insert("archive_seal", s as unknown as Row);
      for (const c of parsed.certificates) statement(db, `INSERT INTO archive_certificate (fingerprint, pem, added_at) VALUES (?, ?, ?) ON CONFLICT (fingerprint) DO NOTHING`).run(c.fingerprint, c.pem, tx.now);
      statement(db, `DELETE FROM archive_rule`).run();
      for (const r of manifest.tables["archive_rule"] ?? []) insert("archive_rule", r);
      // search: the documents' text and the dossiers' full-text rows
      for (const doc of manifest.tables["document"] ?? []) {
        const v = (manifest.tables["document_version"] ?? []).find((x) => x["document_id"] === doc["id"] && x["version"] === doc["current_version"]);
        const blob = (manifest.tables["blob"] ?? []).find((b) => b["sha256"] === v?.["sha256"]);
        statement(db, `INSERT INTO document_fts (rowid, filename, body) VALUES (?, ?, ?)`).run(doc["id"], doc["filename"], carried.has(String(v?.["sha256"])) ? String(blob?.["text"] ?? "") : "");
      }
      const references: string[] = [];
      for (const d of manifest.tables["dossier"] ?? []) {
        const row = dossierById(db, d["id"] as number)!;
        domain.service.reindex(row, tx.now, true);
        references.push(row.reference);
      }
      deps.journal.append({ at: tx.now, actor, action: "import", details: { scope: manifest["scope"], exportedAt: manifest["exportedAt"], dossiers: references, records: (manifest.tables["archive_record"] ?? []).length } });
      return { dossiers: references, records: (manifest.tables["archive_record"] ?? []).length, files: parsed.files.size, journal: parsed.journal.length, seals: parsed.seals.length };
    });
  } finally {
    for (const sha of parsed.files.keys()) store.unpin(sha);
  }
}
