/**
 * The issue's "Done when", tried as a new user would through the API: a customer file is closed
 * and archived; it is found by a word inside one of its PDFs; its invoice shows a retain-until 10
 * years out; an archivist places a hold; the audit is clean, then names the file altered by hand
 * (and the archivist has it repaired from the replica); the dossier is reactivated for a new
 * contract without touching the archived records; its export re-imports into a fresh DATA_DIR
 * and verifies; a tampered export is refused naming the first bad entry.
 */
import { expect } from "chai";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createPublicKey, verify } from "node:crypto";
import { strFromU8, strToU8, unzipSync, zipSync } from "fflate";
import { verifyProof } from "../../src/archive/merkle.js";
import type { ApiServer } from "../api/v2/server.js";
import { binary, closedCustomerFile, day, simplePdf, startArchiveServer, upload } from "./helpers.js";

async function rejects(p: Promise<unknown>, pattern: RegExp): Promise<void> {
  const error = await p.then(() => undefined, (e: Error) => e);
  expect(error, "refused").to.be.instanceOf(Error);
  expect(error!.message, error!.message).to.match(pattern);
}

async function until<T>(what: string, f: () => T | undefined | Promise<T | undefined>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v !== undefined && v !== null && v !== false) return v as T;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("archive: the walk of the issue (close, archive, find, hold, audit, reactivate, export, import)", function () {
  this.timeout(120_000);
  let api: ApiServer;
  let fresh: ApiServer | undefined;
  const replica = mkdtempSync(path.join(tmpdir(), "archive-replica-"));
  let file: Awaited<ReturnType<typeof closedCustomerFile>>;

  before(async () => {
    api = await startArchiveServer({ ARCHIVE_REPLICA_DIR: replica });
    await api.server.engine.pinClock(day("2024-03-15"));
    file = await closedCustomerFile(api, "chaudronnerie");
  });
  after(async () => {
    await api.stop();
    await fresh?.stop();
    rmSync(replica, { recursive: true, force: true });
  });

  it("should archive the closed customer file: records with fingerprints, the dossier frozen", async () => {
    const archived = await api.call("POST", `/api/archive/dossiers/${file.reference}/archive`, { body: { comment: "Relation terminée" } });
    expect(archived.status, JSON.stringify(archived.body)).to.equal(200);
    expect(archived.body.state).to.equal("archive");
    const view = (await api.call("GET", `/api/archive/dossiers/${file.reference}`)).body;
    expect(view.status).to.equal("archived");
    expect(view.records.map((r: any) => r.kind)).to.deep.equal(["document", "document", "document", "dossier"]);
    for (const r of view.records) expect(r.sha256).to.match(/^[0-9a-f]{64}$/);
    const patch = await api.call("PATCH", `/api/dossiers/${file.reference}`, { body: { title: "Autre titre", version: 99 } });
    expect(patch.status).to.equal(409);
    const refusal = await api.call("PATCH", `/api/dossiers/${file.reference}`, { body: { title: "Autre titre" }, headers: { "if-match": `"${(await api.call("GET", `/api/dossiers/${file.reference}`)).body.version}"` } });
    expect(refusal.status).to.equal(409);
    expect(refusal.body.detail).to.match(/is archived .*read-only records of the archive/);
    const extra = await upload(api, file.reference, [{ name: "x.pdf", bytes: simplePdf("X", ["x"]) }]).catch((e: Error) => e.message);
    expect(String(extra)).to.match(/^upload 409: .*archived/);
    const journal = (await api.call("GET", `/api/dossiers/${file.reference}/journal`)).body;
    expect(JSON.stringify(journal)).to.contain("dossier.archived");
  });

  it("should find the archived file by a word inside one of its PDFs, and show the invoice kept 10 years from the end of its fiscal year", async () => {
    const found = (await api.call("GET", "/api/search?q=chaudronnerie")).body;
    expect(found.documents.map((d: any) => d.filename)).to.include("facture-2024-017.pdf");
    expect(JSON.stringify(found)).to.contain(file.reference);
    const invoice = (await api.call("GET", `/api/archive/dossiers/${file.reference}`)).body.records.find((r: any) => r.documentType === "facture");
    expect(invoice).to.include({ retainFrom: "2024-12-31", retainUntil: "2034-12-31", rule: "factures", finalAction: "destroy" });
    const content = await binary(api, `/api/archive/records/${invoice.id}/content`, "archivist");
    expect(content.status).to.equal(200);
    expect(content.bytes.subarray(0, 5).toString()).to.equal("%PDF-");
    const detail = (await api.call("GET", `/api/archive/records/${invoice.id}`, { as: "archivist" })).body;
    expect(detail.journal.map((e: any) => `${e.action}:${e.actor}`)).to.include.members(["deposit:demo", "download:archivist"]);
    const corrected = await api.call("PATCH", `/api/archive/records/${invoice.id}`, { as: "archivist", body: { metadata: { title: "Facture 2024-017 (travaux)" }, reason: "Titre incomplet au versement" } });
    expect(corrected.status, JSON.stringify(corrected.body)).to.equal(200);
    expect(corrected.body.metadata.title).to.equal("Facture 2024-017 (travaux)");
    expect(corrected.body.sha256, "content and fingerprint unchanged").to.equal(invoice.sha256);
    const wrong = await api.call("PATCH", `/api/archive/records/${invoice.id}`, { as: "archivist", body: { metadata: { sha256: "0" }, reason: "essai" } });
    expect(wrong.status).to.equal(400);
    const shorter = await api.call("POST", `/api/archive/records/${invoice.id}/retention`, { as: "archivist", body: { retainUntil: "2030-01-01", reason: "essai" } });
    expect(shorter.status).to.equal(409);
    expect(shorter.body.detail).to.match(/can only be extended/);
    const after = (await api.call("GET", `/api/archive/records/${invoice.id}`, { as: "archivist" })).body;
    expect(after.journal.find((e: any) => e.action === "metadata.corrected").details).to.deep.include({ before: { title: "facture-2024-017.pdf" }, after: { title: "Facture 2024-017 (travaux)" }, reason: "Titre incomplet au versement" });
  });

  it("should let the archivist place a legal hold that blocks every disposal, the administrator's too", async () => {
    const hold = await api.call("POST", "/api/archive/holds", { as: "archivist", body: { dossier: file.reference, reason: "Litige commercial en cours (assignation du 12/03)" } });
    expect(hold.status, JSON.stringify(hold.body)).to.equal(201);
    await api.server.engine.pinClock(day("2036-01-10")); // every record past its date
    const eligible = (await api.call("GET", "/api/archive/disposals/eligible", { as: "archivist" })).body.items;
    expect(eligible, "nothing on hold is eligible").to.deep.equal([]);
    const ids = (await api.call("GET", `/api/archive/dossiers/${file.reference}`)).body.records.map((r: any) => r.id);
    const refused = await api.call("POST", "/api/archive/disposals", { as: "demo", body: { recordIds: ids } });
    expect(refused.status).to.equal(409);
    expect(refused.body.detail).to.match(/under legal hold \d+ \(Litige commercial/);
    await api.server.engine.pinClock(day("2024-03-16"));
  });

  it("should report a clean audit, then name the file altered by hand, and repair it from the replica once the archivist confirms", async () => {
    const clean = await api.call("POST", "/api/archive/audits", { as: "archivist" });
    expect(clean.status).to.equal(201);
    expect(clean.body).to.include({ status: "clean", files: 3 });
    expect(clean.body.seals.valid).to.equal(true);
    const invoice = (await api.call("GET", `/api/archive/dossiers/${file.reference}`)).body.records.find((r: any) => r.documentType === "facture");
    const stored = path.join(api.server.domain.documents.store.pathOf(invoice.sha256));
    chmodSync(stored, 0o644);
    writeFileSync(stored, simplePdf("Facture 2024-017", ["Montant : 9 999,00 EUR"]));
    const bad = await api.call("POST", "/api/archive/audits", { as: "archivist" });
    expect(bad.body.status).to.equal("mismatch");
    expect(bad.body.problems).to.have.length(1);
    expect(bad.body.problems[0]).to.include({ kind: "altered", recordId: invoice.id, name: `facture-2024-017.pdf (enregistrement ${invoice.id}, ${file.reference})` });
    const incident = (await api.call("GET", "/api/archive/incidents", { as: "archivist" })).body.items[0];
    expect(incident).to.include({ kind: "altered", record_id: invoice.id });
    const task = api.server.engine.store.db.prepare(`SELECT key FROM user_task WHERE process_instance_key = ? AND state = 'CREATED'`).get(incident.process_instance_key) as { key: number };
    expect((await api.call("GET", `/v2/user-tasks/${task.key}`, { as: "archivist" })).body.name).to.equal("Examiner l'anomalie d'intégrité");
    const done = await api.call("POST", `/v2/user-tasks/${task.key}/completion`, { as: "archivist", body: { variables: { repair: true, resolutionNote: "Fichier restauré" } } });
    expect(done.status).to.equal(204);
    await until("the repair", () => (api.server.engine.store.db.prepare(`SELECT resolved_at FROM archive_incident WHERE id = ?`).get(incident.id) as { resolved_at: number | null }).resolved_at);
    const again = await api.call("POST", "/api/archive/audits", { as: "archivist" });
    expect(again.body.status).to.equal("clean");
  });

  it("should reactivate the dossier for a new contract without touching the archived records; the new document is a new record at the next deposit", async () => {
    const before = (await api.call("GET", `/api/archive/dossiers/${file.reference}`)).body.records;
    const noReason = await api.call("POST", `/api/archive/dossiers/${file.reference}/reactivation`, { body: {} });
    expect(noReason.status).to.equal(400);
    const re = await api.call("POST", `/api/archive/dossiers/${file.reference}/reactivation`, { body: { reason: "Nouveau contrat de maintenance 2024" } });
    expect(re.status, JSON.stringify(re.body)).to.equal(200);
    expect(re.body).to.include({ state: "client", period: 2 });
    const added = await upload(api, file.reference, [{ name: "nouveau-contrat.pdf", bytes: simplePdf("Contrat 2", ["Nouveau contrat"]) }], "contrat");
    expect(added).to.have.length(1);
    const after = (await api.call("GET", `/api/archive/dossiers/${file.reference}`)).body;
    expect(after.status).to.equal("active");
    expect(after.records).to.deep.equal(before);
    const journal = JSON.stringify((await api.call("GET", `/api/dossiers/${file.reference}/journal`)).body);
    expect(journal).to.contain("Nouveau contrat de maintenance 2024");
    expect((await api.call("POST", `/api/dossiers/${file.reference}/state`, { body: { to: "clos" } })).status).to.equal(200);
    expect((await api.call("POST", `/api/archive/dossiers/${file.reference}/archive`, { body: {} })).status).to.equal(200);
    const next = (await api.call("GET", `/api/archive/dossiers/${file.reference}`)).body.records;
    expect(next.slice(0, before.length)).to.deep.equal(before);
    expect(next.slice(before.length).map((r: any) => `${r.kind}:${r.filename ?? ""}:${r.period}`)).to.deep.equal(["document:nouveau-contrat.pdf:2", `dossier:${file.reference}-periode-2.json:2`]);
  });

  it("should export the dossier, re-import it into a fresh DATA_DIR where it verifies and is found, and refuse a tampered export naming the first bad entry", async () => {
    await api.call("POST", "/api/archive/seals", { as: "archivist" });
    // the evidence pack of the invoice: file, hashes, journal extract, the seal with the entry's Merkle proof and signature
    const invoice = (await api.call("GET", `/api/archive/dossiers/${file.reference}`)).body.records.find((r: any) => r.documentType === "facture");
    const pack = unzipSync((await binary(api, `/api/archive/records/${invoice.id}/evidence`, "archivist")).bytes);
    expect(Object.keys(pack)).to.include.members(["README.txt", "record.json", "hashes.json", "journal.json", "seals.json", "file/facture-2024-017.pdf"]);
    expect(JSON.parse(strFromU8(pack["hashes.json"]!))).to.include({ matches: true });
    const sealed = JSON.parse(strFromU8(pack["seals.json"]!)).find((s: any) => s.seal);
    expect(verifyProof(sealed.entryHash, sealed.proof, sealed.seal.merkle_root)).to.equal(true);
    const pem = strFromU8(pack[Object.keys(pack).find((n) => n.startsWith("certificates/"))!]!);
    expect(verify("sha256", Buffer.from(sealed.seal.body), createPublicKey(pem), Buffer.from(sealed.seal.signature, "base64"))).to.equal(true);
    const zip = await binary(api, `/api/archive/export?dossier=${file.reference}`);
    expect(zip.status).to.equal(200);
    const entries = unzipSync(zip.bytes);
    expect(Object.keys(entries)).to.include.members(["manifest.json", "archive-journal.jsonl", "seals.json", "certificates.json", `dossier-journals/${file.reference}.jsonl`]);
    fresh = await startArchiveServer();
    // a tampered journal line: refused, naming the entry
    const lines = strFromU8(entries["archive-journal.jsonl"]!).split("\n");
    const victim = JSON.parse(lines[2]!);
    victim.details = victim.details.replace(/"actor"|"demo"/, (m: string) => (m === '"demo"' ? '"mallory"' : m)).replace(/"filename":"[^"]+"/, '"filename":"autre.pdf"');
    lines[2] = JSON.stringify(victim);
    const tampered = zipSync({ ...entries, "archive-journal.jsonl": strToU8(lines.join("\n")) });
    await rejects(fresh.server.capabilities.archive.service.import(tampered, "test"), /archive-journal\.jsonl entry 3 .*does not match its hash/);
    // a tampered file: refused, naming the file
    const name = Object.keys(entries).find((n) => n.startsWith("files/"))!;
    const altered = zipSync({ ...entries, [name]: strToU8("not the invoice") });
    await rejects(fresh.server.capabilities.archive.service.import(altered, "test"), new RegExp(`${name}: expected SHA-256 .*the file was altered`));
    // the real one
    const imported = await fresh.server.capabilities.archive.service.import(zip.bytes, "test");
    expect(imported.dossiers).to.deep.equal([file.reference]);
    const verification = (await fresh.call("GET", "/api/archive/journal/verification")).body;
    expect(verification.journal.valid).to.equal(true);
    expect(verification.seals.valid).to.equal(true);
    const audit = (await fresh.call("POST", "/api/archive/audits")).body;
    expect(audit.status, JSON.stringify(audit.problems)).to.equal("clean");
    const source = (await api.call("GET", `/api/archive/dossiers/${file.reference}`)).body;
    const copy = (await fresh.call("GET", `/api/archive/dossiers/${file.reference}`)).body;
    expect(copy.records).to.deep.equal(source.records);
    expect((await fresh.call("GET", `/api/dossiers/${file.reference}/journal/verification`)).body.valid).to.equal(true);
    const found = (await fresh.call("GET", "/api/search?q=chaudronnerie")).body;
    expect(found.documents.map((d: any) => d.filename)).to.include("facture-2024-017.pdf");
  });
});
