import { expect } from "chai";
import { startHarness, type Harness } from "./harness.js";
import { pdf, png } from "./fixtures.js";

describe("documents: versions, status, sharing, access and journal", () => {
  let h: Harness;
  let cli: number;
  let ctr: number;
  beforeEach(async () => {
    h = await startHarness();
    cli = h.dossier("CLI-1", { title: "Boulangerie Martin" });
    ctr = h.dossier("CTR-1", { type: "contrat", title: "Contrat four", sector: "agents" });
    h.dossier("CLI-9", { title: "Garage Dupont", sector: "sales" });
  });
  afterEach(() => h.close());

  const uploadOne = async (reference = "CLI-1", name = "identite.pdf", bytes = pdf(["Carte d'identité", "Jeanne Martin"]), documentType = "identite") => {
    const res = await h.upload(reference, [[name, bytes]], { documentType });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return res.body.items[0];
  };

  it("should add a new version and keep the old ones, each downloadable", async () => {
    // given a RIB
    const v1 = pdf(["RIB ancien", "FR76 1111"]);
    const doc = await uploadOne("CLI-1", "rib.pdf", v1, "rib");
    // when a new version is uploaded
    const v2 = pdf(["RIB nouveau", "FR76 2222"]);
    const form = new FormData();
    form.append("file", new Blob([new Uint8Array(v2)]), "rib-2026.pdf");
    const res = await h.call("POST", `/documents/${doc.id}/versions`, { form });
    // then version 2 is current and version 1 is kept
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(res.body).to.include({ version: 2, filename: "rib-2026.pdf", status: "received", revision: 2 });
    expect(res.body.versions.map((v: any) => [v.version, v.filename])).to.deep.equal([[2, "rib-2026.pdf"], [1, "rib.pdf"]]);
    expect((await h.call("GET", `/documents/${doc.id}/content`)).bytes.equals(v2)).to.equal(true);
    expect((await h.call("GET", `/documents/${doc.id}/content?version=1`)).bytes.equals(v1)).to.equal(true);
    expect((await h.call("GET", `/documents/${doc.id}/content?version=3`)).status).to.equal(404);
    expect((await h.call("GET", `/documents/${doc.id}/content?version=x`)).status).to.equal(400);
    // the search sees the current version's text only
    expect(h.library.searchText({ sql: "1 = 1", params: [] }, "nouveau", 10).map((d) => d.id)).to.deep.equal([doc.id]);
    expect(h.library.searchText({ sql: "1 = 1", params: [] }, "ancien", 10)).to.deep.equal([]);
  });

  it("should refuse a refused status without a reason, and record accepted/refused with the reason", async () => {
    const doc = await uploadOne();
    const noReason = await h.call("POST", `/documents/${doc.id}/status`, { json: { status: "refused" } });
    expect(noReason.status).to.equal(400);
    expect(noReason.body.problems).to.deep.equal([{ field: "reason", message: "expected the reason why the document is refused, but found none" }]);
    const bad = await h.call("POST", `/documents/${doc.id}/status`, { json: { status: "lost" } });
    expect(bad.status).to.equal(400);
    const refused = await h.call("POST", `/documents/${doc.id}/status`, { json: { status: "refused", reason: "Illisible, merci de renvoyer un scan", revision: 1 } });
    expect(refused.status).to.equal(200);
    expect(refused.body).to.include({ status: "refused", statusReason: "Illisible, merci de renvoyer un scan", revision: 2 });
    const accepted = await h.call("POST", `/documents/${doc.id}/status`, { json: { status: "accepted" }, headers: { "if-match": '"2"' } });
    expect(accepted.body).to.include({ status: "accepted", statusReason: null, revision: 3 });
  });

  it("should answer 409 with the current revision on a stale status change", async () => {
    const doc = await uploadOne();
    await h.call("POST", `/documents/${doc.id}/status`, { json: { status: "accepted", revision: 1 } });
    const stale = await h.call("POST", `/documents/${doc.id}/status`, { json: { status: "refused", reason: "faux", revision: 1 } });
    expect(stale.status).to.equal(409);
    expect(stale.body).to.include({ title: "VERSION_CONFLICT", currentRevision: 2 });
    expect((await h.call("GET", `/documents/${doc.id}`)).body.status).to.equal("accepted");
  });

  it("should show one document in two dossiers without copying it", async () => {
    // given the customer's ID card in the customer file
    const doc = await uploadOne();
    // when it is linked to the contract file
    const link = await h.call("POST", `/dossiers/CTR-1/documents/${doc.id}/link`);
    expect(link.status, JSON.stringify(link.body)).to.equal(201);
    expect(link.body.dossiers).to.deep.equal([{ reference: "CLI-1", title: "Boulangerie Martin" }, { reference: "CTR-1", title: "Contrat four" }]);
    // then both dossiers list the same document, stored once
    const inContract = await h.call("GET", "/dossiers/CTR-1/documents");
    expect(inContract.body.items.map((d: any) => [d.id, d.documentTypeLabel])).to.deep.equal([[doc.id, "Pièce d'identité"]]);
    expect(h.library.countFor(ctr)).to.equal(1);
    expect(h.library.countFor(cli)).to.equal(1);
    expect((h.db.prepare(`SELECT COUNT(*) AS n FROM document`).get() as any).n).to.equal(1);
    // linking again changes nothing
    const again = await h.call("POST", `/dossiers/CTR-1/documents/${doc.id}/link`);
    expect(again.status).to.equal(200);
    // a status change shows in both journals
    await h.call("POST", `/documents/${doc.id}/status`, { json: { status: "accepted" } });
    expect(h.journal.entries(cli, { includePrivate: true }).map((e) => e.action)).to.deep.equal(["document.added", "document.status.changed"]);
    expect(h.journal.entries(ctr, { includePrivate: true }).map((e) => e.action)).to.deep.equal(["document.linked", "document.status.changed"]);
  });

  it("should answer 404 to a user who does not see the dossier, everywhere", async () => {
    const doc = await uploadOne();
    const asSales = (method: string, url: string, extra: object = {}) => h.call(method, url, { as: "sales", ...extra });
    expect((await asSales("GET", "/dossiers/CLI-1/documents")).status).to.equal(404);
    expect((await asSales("GET", `/documents/${doc.id}`)).status).to.equal(404);
    expect((await asSales("GET", `/documents/${doc.id}/content`)).status).to.equal(404);
    expect((await asSales("POST", `/documents/${doc.id}/status`, { json: { status: "accepted" } })).status).to.equal(404);
    const form = new FormData();
    form.append("file", new Blob([new Uint8Array(png())]), "x.png");
    expect((await asSales("POST", `/documents/${doc.id}/versions`, { form })).status).to.equal(404);
    expect((await h.upload("CLI-1", [["y.png", png()]], { as: "sales" })).status).to.equal(404);
    // nor can they pull it into a dossier of their own
    const steal = await asSales("POST", `/dossiers/CLI-9/documents/${doc.id}/link`);
    expect(steal.status).to.equal(404);
    expect(steal.body.detail).to.equal(`Expected to find a document '${doc.id}', but none was found`);
    expect((await asSales("GET", "/documents/999999")).body.detail).to.equal("Expected to find a document '999999', but none was found");
    // the search does not find it for them, and finds it for the agent
    expect(await asSales("GET", "/dossiers/CLI-9/documents").then((r) => r.body.items)).to.deep.equal([]);
    expect(h.library.searchText({ sql: "d.sector = ?", params: ["sales"] }, "identité", 10)).to.deep.equal([]);
    expect((await h.call("GET", `/documents/${doc.id}`, { as: "auditor" })).status).to.equal(200);
  });

  it("should not reveal, in a shared document, a dossier the caller does not see", async () => {
    const doc = await uploadOne();
    // the auditor links it into the sales dossier (they see everything)
    h.db.prepare(`INSERT INTO dossier_document (dossier_id, document_id, added_at, added_by) VALUES ((SELECT id FROM dossier WHERE reference = 'CLI-9'), ?, ?, 'auditor')`).run(doc.id, Date.now());
    const seen = await h.call("GET", `/documents/${doc.id}`);
    expect(seen.body.dossiers.map((d: any) => d.reference)).to.deep.equal(["CLI-1"]);
    const all = await h.call("GET", `/documents/${doc.id}`, { as: "auditor" });
    expect(all.body.dossiers.map((d: any) => d.reference)).to.deep.equal(["CLI-1", "CLI-9"]);
  });

  it("should journal every change in a valid chain and emit document.received in the same transaction", async () => {
    const doc = await uploadOne("CLI-1", "kbis.pdf", pdf(["Kbis"]), "kbis");
    await h.upload("CLI-1", [["a.png", png(1, 1, 1)], ["b.png", png(1, 1, 2)]]);
    const form = new FormData();
    form.append("file", new Blob([new Uint8Array(pdf(["Kbis 2026"]))]), "kbis-2026.pdf");
    await h.call("POST", `/documents/${doc.id}/versions`, { form });
    await h.call("POST", `/documents/${doc.id}/status`, { json: { status: "refused", reason: "Plus de trois mois" } });
    await h.call("POST", `/dossiers/CTR-1/documents/${doc.id}/link`);
    const entries = h.journal.entries(cli, { includePrivate: true });
    expect(entries.map((e) => [e.action, e.actor])).to.deep.equal([
      ["document.added", "agent"], ["document.added", "agent"], ["document.added", "agent"], ["document.version.added", "agent"], ["document.status.changed", "agent"],
    ]);
    expect(entries[0]!.summary).to.equal("kbis.pdf (Extrait Kbis)");
    expect(entries[0]!.after).to.include({ documentId: doc.id, documentType: "kbis", filename: "kbis.pdf", version: 1 });
    expect(entries[4]!.before).to.deep.equal({ documentId: doc.id, status: "received", reason: null });
    expect(entries[4]!.after).to.deep.equal({ documentId: doc.id, status: "refused", reason: "Plus de trois mois" });
    expect(h.journal.verify(cli)).to.deep.equal({ valid: true, entries: 5 });
    expect(h.journal.verify(ctr)).to.deep.equal({ valid: true, entries: 1 });
    expect(h.received.map((e) => e.type === "document.received" && [e.dossier.reference, e.documentType, e.actor])).to.deep.equal([
      ["CLI-1", "kbis", "agent"], ["CLI-1", null, "agent"], ["CLI-1", null, "agent"],
      ["CLI-1", "kbis", "agent"], // the new version: a KBIS received again
    ]);
  });

  it("should roll everything back when a listener of document.received throws", async () => {
    h.events.on((e) => {
      if (e.type === "document.received" && e.documentType === "facture") throw new Error("reaction failed");
    });
    const res = await h.upload("CLI-1", [["facture.pdf", pdf(["Facture 12"])]], { documentType: "facture" });
    expect(res.status).to.equal(500);
    for (const table of ["document", "document_version", "dossier_document", "blob", "document_fts", "dossier_journal"]) {
      expect((h.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as any).n, table).to.equal(0);
    }
  });
});
