/**
 * Integrity and disposal with the engine's pinned clock: a journal row altered directly in the
 * SQLite file (its trigger dropped, as an attacker would) and a file missing on disk are both
 * named by the audit; disposal eligibility across years; disposal under hold refused; the
 * four-eyes disposal process destroys the content (the blob kept while another live document
 * uses the same bytes), leaves a tombstone and a destruction certificate read with pdftotext.
 */
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, renameSync, writeFileSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import type { ApiServer } from "../api/v2/server.js";
import { entryBody, entryHash, GENESIS } from "../../src/archive/journal.js";
import { OUTPUT } from "../helpers/browser.js";
import { binary, closedCustomerFile, day, simplePdf, startArchiveServer, upload } from "./helpers.js";

async function until<T>(what: string, f: () => T | undefined | null | false, ms = 30_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = f();
    if (v !== undefined && v !== null && v !== false) return v as T;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("archive: integrity audit and disposal", function () {
  this.timeout(120_000);
  let api: ApiServer;
  let file: Awaited<ReturnType<typeof closedCustomerFile>>;
  let records: any[];
  const rec = (type: string) => records.find((r) => r.documentType === type);

  before(async () => {
    api = await startArchiveServer();
    await api.server.engine.pinClock(day("2024-03-15"));
    file = await closedCustomerFile(api, "menuiserie");
    expect((await api.call("POST", `/api/archive/dossiers/${file.reference}/archive`, { body: {} })).status).to.equal(200);
    records = (await api.call("GET", `/api/archive/dossiers/${file.reference}`)).body.records;
  });
  after(() => api.stop());

  it("should name the journal entry altered directly in the SQLite file, and its record", async () => {
    await api.call("POST", "/api/archive/seals", { as: "archivist" });
    expect((await api.call("POST", "/api/archive/audits", { as: "archivist" })).body.status).to.equal("clean");
    const attacker = new Database(api.server.engine.store.db.name);
    try {
      const entry = attacker.prepare(`SELECT seq, details FROM archive_journal WHERE record_id = ? AND action = 'deposit'`).get(rec("facture").id) as { seq: number; details: string };
      attacker.exec(`DROP TRIGGER archive_journal_no_update`);
      attacker.prepare(`UPDATE archive_journal SET details = ? WHERE seq = ?`).run(entry.details.replace('"retainUntil":"2034-12-31"', '"retainUntil":"2025-01-01"'), entry.seq);
      attacker.exec(`CREATE TRIGGER "archive_journal_no_update" BEFORE UPDATE ON "archive_journal" BEGIN SELECT RAISE(ABORT, 'archive_journal is append-only: UPDATE refused'); END`);
      const audit = (await api.call("POST", "/api/archive/audits", { as: "archivist" })).body;
      expect(audit.status).to.equal("mismatch");
      const journal = audit.problems.find((p: any) => p.kind === "journal");
      expect(journal).to.include({ journalSeq: entry.seq, recordId: rec("facture").id });
      expect(journal.name).to.equal(`facture-2024-017.pdf (enregistrement ${rec("facture").id}, ${file.reference})`);
      expect(journal.detail).to.match(new RegExp(`archive journal entry ${entry.seq} \\(record ${rec("facture").id}\\): its content does not match its hash`));
      expect(audit.problems.find((p: any) => p.kind === "seal"), "the stored hashes, which the seals cover, did not change").to.equal(undefined);
      // the attacker puts it back: the next audit is clean again and closes the incidents
      attacker.exec(`DROP TRIGGER archive_journal_no_update`);
      attacker.prepare(`UPDATE archive_journal SET details = ? WHERE seq = ?`).run(entry.details, entry.seq);
      attacker.exec(`CREATE TRIGGER "archive_journal_no_update" BEFORE UPDATE ON "archive_journal" BEGIN SELECT RAISE(ABORT, 'archive_journal is append-only: UPDATE refused'); END`);
    } finally {
      attacker.close();
    }
    expect((await api.call("POST", "/api/archive/audits", { as: "archivist" })).body.status).to.equal("clean");
    expect((await api.call("GET", "/api/archive/incidents", { as: "archivist" })).body.items).to.deep.equal([]);
  });

  it("should keep the honest path append-only and retain-until only extending", () => {
    // the triggers refuse the honest path
    expect(() => api.server.engine.store.db.prepare(`DELETE FROM archive_journal WHERE seq = 1`).run()).to.throw(/append-only: DELETE refused/);
    expect(() => api.server.engine.store.db.prepare(`UPDATE archive_record SET retain_until = '2025-01-01' WHERE id = ?`).run(rec("facture").id)).to.throw(/can only be extended/);
  });

  it("should name a file missing on disk", async () => {
    const stored = api.server.domain.documents.store.pathOf(rec("contrat").sha256);
    renameSync(stored, `${stored}.away`);
    try {
      const audit = (await api.call("POST", "/api/archive/audits", { as: "archivist" })).body;
      expect(audit.problems.map((p: any) => `${p.kind}:${p.recordId}`)).to.deep.equal([`missing:${rec("contrat").id}`]);
      expect(audit.problems[0].name).to.equal(`contrat-signe.pdf (enregistrement ${rec("contrat").id}, ${file.reference})`);
    } finally {
      renameSync(`${stored}.away`, stored);
    }
  });

  it("should list for disposal only records past their retain-until, across years", async () => {
    await api.server.engine.pinClock(day("2025-03-15"));
    expect((await api.call("GET", "/api/archive/disposals/eligible", { as: "archivist" })).body.items).to.deep.equal([]);
    await api.server.engine.pinClock(day("2025-03-16"));
    expect((await api.call("GET", "/api/archive/disposals/eligible", { as: "archivist" })).body.items.map((r: any) => r.id)).to.deep.equal([rec("piece-identite").id]);
    await api.server.engine.pinClock(day("2034-12-31"));
    expect((await api.call("GET", "/api/archive/disposals/eligible", { as: "archivist" })).body.items.map((r: any) => r.documentType)).to.not.include("facture");
    await api.server.engine.pinClock(day("2035-01-01"));
    expect((await api.call("GET", "/api/archive/disposals/eligible", { as: "archivist" })).body.items.map((r: any) => r.documentType)).to.include("facture");
    await api.server.engine.pinClock(day("2026-01-05"));
  });

  it("should refuse a disposal under hold, then destroy with four eyes: tombstone, certificate, the shared bytes kept", async () => {
    // the same ID card is also in a live dossier: its bytes must survive the disposal
    const other = await api.call("POST", "/api/dossiers", { body: { type: "client", title: "Autre client", parties: [{ role: "customer", party: { kind: "person", lastName: "Durand", firstName: "Paul" } }] } });
    await upload(api, other.body.reference, [{ name: "piece-identite.pdf", bytes: simplePdf("Identité", ["Carte d'identité du gérant"]) }], "piece-identite");
    const id = rec("piece-identite");
    const requested = await api.call("POST", "/api/archive/disposals", { as: "archivist", body: { recordIds: [id.id] } });
    expect(requested.status, JSON.stringify(requested.body)).to.equal(201);
    const hold = (await api.call("POST", "/api/archive/holds", { as: "archivist", body: { recordId: id.id, reason: "Demande de la CNIL en cours" } })).body;
    const underHold = await api.call("POST", `/api/archive/disposals/${requested.body.id}/review`, { as: "archivist", body: { approve: true } });
    expect(underHold.status).to.equal(409);
    expect(underHold.body.detail).to.match(/under legal hold .*Demande de la CNIL/);
    const asAdmin = await api.call("POST", `/api/archive/disposals/${requested.body.id}/review`, { as: "demo", body: { approve: true } });
    expect(asAdmin.status, "a hold blocks the administrator too").to.equal(409);
    expect((await api.call("POST", `/api/archive/holds/${hold.id}/release`, { as: "archivist", body: { reason: "Demande close" } })).status).to.equal(200);
    expect((await api.call("POST", `/api/archive/disposals/${requested.body.id}/review`, { as: "archivist", body: { approve: true, comment: "Relation terminée depuis un an" } })).body.status).to.equal("approval");
    expect((await api.call("POST", `/api/archive/disposals/${requested.body.id}/approval`, { as: "agent", body: { approve: true } })).status).to.equal(403);
    expect((await api.call("POST", `/api/archive/disposals/${requested.body.id}/approval`, { as: "manager", body: { approve: true, comment: "OK" } })).body.status).to.equal("approved");
    await until("the disposal", () => (api.server.engine.store.db.prepare(`SELECT status FROM archive_disposal WHERE id = ?`).get(requested.body.id) as { status: string }).status === "done");
    const after = (await api.call("GET", `/api/archive/records/${id.id}`, { as: "archivist" })).body;
    expect(after.status).to.equal("destroyed");
    expect(after.tombstone).to.include({ sha256: id.sha256, disposal_id: requested.body.id });
    expect(JSON.parse(after.tombstone.approvals)).to.include({ reviewedBy: "archivist", approvedBy: "manager" });
    expect((await binary(api, `/api/archive/records/${id.id}/content`, "archivist")).status).to.equal(404);
    expect((await binary(api, `/api/documents/${id.documentId}/content`)).status, "the document route refuses the destroyed version").to.equal(404);
    expect(api.server.domain.documents.store.has(id.sha256), "bytes still used by the other dossier").to.equal(true);
    const pdf = await binary(api, `/api/archive/disposals/${requested.body.id}/certificate`, "archivist");
    expect(pdf.type).to.match(/application\/pdf/);
    const dir = mkdtempSync(path.join(tmpdir(), "cert-"));
    try {
      writeFileSync(path.join(dir, "c.pdf"), pdf.bytes);
      mkdirSync(OUTPUT, { recursive: true });
      writeFileSync(path.join(OUTPUT, "archive-destruction-certificate.pdf"), pdf.bytes);
      const text = execFileSync("pdftotext", ["-layout", path.join(dir, "c.pdf"), "-"], { encoding: "utf8" });
      expect(text).to.contain(`Certificat de destruction n° ${requested.body.id}`);
      expect(text).to.contain("piece-identite.pdf");
      expect(text.replace(/\s+/g, "")).to.contain(id.sha256);
      expect(text).to.match(/archivist/);
      expect(text).to.match(/manager/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect((await api.call("POST", "/api/archive/audits", { as: "archivist" })).body.status).to.equal("clean");
  });

  it("should remove the bytes of a destroyed record once no live document uses them", async () => {
    const contract = rec("contrat");
    expect(existsSync(api.server.domain.documents.store.pathOf(contract.sha256))).to.equal(true);
    await api.server.engine.pinClock(day("2029-03-16"));
    const d = (await api.call("POST", "/api/archive/disposals", { as: "archivist", body: { recordIds: [contract.id], eraseParties: false } })).body;
    await api.call("POST", `/api/archive/disposals/${d.id}/review`, { as: "archivist", body: { approve: true } });
    await api.call("POST", `/api/archive/disposals/${d.id}/approval`, { as: "manager", body: { approve: true } });
    await until("the disposal", () => (api.server.engine.store.db.prepare(`SELECT status FROM archive_disposal WHERE id = ?`).get(d.id) as { status: string }).status === "done");
    await until("the file removed", () => !existsSync(api.server.domain.documents.store.pathOf(contract.sha256)));
    expect((await api.call("POST", "/api/archive/audits", { as: "archivist" })).body.status).to.equal("clean");
  });
  it("should name a record whose retain-until was shortened directly in the SQLite file (to get it destroyed sooner)", async () => {
    const attacker = new Database(api.server.engine.store.db.name);
    const r = rec("facture");
    try {
      attacker.exec(`DROP TRIGGER archive_record_retain_only_extends`);
      attacker.prepare(`UPDATE archive_record SET retain_until = '2025-01-01' WHERE id = ?`).run(r.id);
      const audit = (await api.call("POST", "/api/archive/audits", { as: "archivist" })).body;
      expect(audit.problems.map((p: any) => `${p.kind}:${p.recordId}`)).to.deep.equal([`fingerprint:${r.id}`]);
      expect(audit.problems[0].detail).to.match(/retain-until 2025-01-01 is not the journaled 2034-12-31/);
      attacker.prepare(`UPDATE archive_record SET retain_until = '2034-12-31' WHERE id = ?`).run(r.id);
    } finally {
      attacker.exec(`CREATE TRIGGER "archive_record_retain_only_extends" BEFORE UPDATE OF "retain_until" ON "archive_record" WHEN OLD.retain_until IS NULL AND NEW.retain_until IS NOT NULL OR (NEW.retain_until IS NOT NULL AND NEW.retain_until < OLD.retain_until) BEGIN SELECT RAISE(ABORT, 'archive_record.retain_until can only be extended'); END`);
      attacker.close();
    }
    expect((await api.call("POST", "/api/archive/audits", { as: "archivist" })).body.status).to.equal("clean");
  });

  it("should erase the customer's data with the last disposal of everything kept of theirs (same approvals)", async () => {
    await api.server.engine.pinClock(day("2035-01-02"));
    const left = (await api.call("GET", "/api/archive/disposals/eligible", { as: "archivist" })).body.items.filter((r: any) => r.dossier === file.reference).map((r: any) => r.id);
    expect(left).to.have.length(2); // the invoice and the dossier's metadata (kept as long as the invoice)
    const d = (await api.call("POST", "/api/archive/disposals", { as: "archivist", body: { recordIds: left, eraseParties: true } })).body;
    await api.call("POST", `/api/archive/disposals/${d.id}/review`, { as: "archivist", body: { approve: true } });
    await api.call("POST", `/api/archive/disposals/${d.id}/approval`, { as: "manager", body: { approve: true } });
    await until("the disposal", () => (api.server.engine.store.db.prepare(`SELECT status FROM archive_disposal WHERE id = ?`).get(d.id) as { status: string }).status === "done");
    const party = api.server.engine.store.db.prepare(`SELECT p.name, (SELECT COUNT(*) FROM party_email e WHERE e.party_id = p.id) AS emails FROM party p JOIN dossier_party dp ON dp.party_id = p.id JOIN dossier d ON d.id = dp.dossier_id WHERE d.reference = ?`).get(file.reference) as { name: string; emails: number };
    expect(party.name).to.match(/^Tiers effacé #\d+$/);
    expect(party.emails).to.equal(0);
    const outcome = JSON.parse((api.server.engine.store.db.prepare(`SELECT outcome FROM archive_disposal WHERE id = ?`).get(d.id) as { outcome: string }).outcome);
    expect(outcome.partiesErased).to.have.length(1);
    expect((await api.call("POST", "/api/archive/audits", { as: "archivist" })).body.status).to.equal("clean");
  });

  it("should catch with the signed seal an attacker who rewrites an entry and re-chains every entry after it", async () => {
    const attacker = new Database(api.server.engine.store.db.name);
    const rows = attacker.prepare(`SELECT * FROM archive_journal ORDER BY seq`).all() as Array<Record<string, any>>;
    const target = rows.find((r) => r["record_id"] === rec("facture").id && r["action"] === "deposit")!;
    try {
      attacker.exec(`DROP TRIGGER archive_journal_no_update`);
      let prev = rows[target["seq"] - 2]?.["hash"] ?? GENESIS;
      for (const r of rows.filter((x) => x["seq"] >= target["seq"])) {
        const details = r["seq"] === target["seq"] ? String(r["details"]).replace('"retainUntil":"2034-12-31"', '"retainUntil":"2025-01-01"') : r["details"];
        const hash = entryHash(prev, entryBody({ seq: r["seq"], at: r["at"], actor: r["actor"], action: r["action"], recordId: r["record_id"], dossierId: r["dossier_id"] }, details));
        attacker.prepare(`UPDATE archive_journal SET details = ?, prev_hash = ?, hash = ? WHERE seq = ?`).run(details, prev, hash, r["seq"]);
        prev = hash;
      }
      const audit = (await api.call("POST", "/api/archive/audits", { as: "archivist" })).body;
      expect(audit.journal.valid, "the chain itself looks right").to.equal(true);
      // the invoice is destroyed by now (no kept row to compare): only the signed seal can tell
      expect(audit.problems.map((p: any) => p.kind)).to.deep.equal(["seal"]);
      expect(audit.problems[0].detail).to.match(/seal 1: the Merkle root of journal entries 1–\d+ is not the sealed one/);
    } finally {
      for (const r of rows.filter((x) => x["seq"] >= target["seq"])) attacker.prepare(`UPDATE archive_journal SET details = ?, prev_hash = ?, hash = ? WHERE seq = ?`).run(r["details"], r["prev_hash"], r["hash"], r["seq"]);
      attacker.exec(`CREATE TRIGGER "archive_journal_no_update" BEFORE UPDATE ON "archive_journal" BEGIN SELECT RAISE(ABORT, 'archive_journal is append-only: UPDATE refused'); END`);
      attacker.close();
    }
    // the audit's own entries now chain onto the forged ones: the journal stays broken, as it should
  });

});
