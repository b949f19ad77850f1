import { expect } from "chai";
import { readdirSync } from "node:fs";
import path from "node:path";
import { startHarness, type Harness } from "./harness.js";
import { pdf } from "./fixtures.js";

describe("documents: concurrent requests", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
    h.dossier("CLI-1");
    h.dossier("CLI-2");
  });
  afterEach(() => h.close());

  it("should store the same bytes uploaded at once by several requests as one file and one blob", async () => {
    const bytes = pdf(["Attestation d'assurance décennale"]);
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => h.upload(i % 2 ? "CLI-1" : "CLI-2", [[`attestation-${i}.pdf`, bytes]])));
    expect(results.map((r) => r.status)).to.deep.equal([201, 201, 201, 201, 201, 201]);
    expect((h.db.prepare(`SELECT COUNT(*) AS n FROM document`).get() as any).n).to.equal(6);
    expect((h.db.prepare(`SELECT COUNT(*) AS n FROM blob`).get() as any).n).to.equal(1);
    const sha = results[0]!.body.items[0].versions[0].sha256 as string;
    expect(readdirSync(path.dirname(h.library.store.pathOf(sha)))).to.deep.equal([sha]);
    expect(readdirSync(h.library.store.tmpDir)).to.deep.equal([]);
    expect(h.library.store.isPinned(sha)).to.equal(false);
    expect(h.journal.verify(1)).to.deep.equal({ valid: true, entries: 3 });
    expect(h.journal.verify(2)).to.deep.equal({ valid: true, entries: 3 });
  });

  it("should apply one of two status changes made from the same revision and refuse the other with 409", async () => {
    const { body } = await h.upload("CLI-1", [["rib.pdf", pdf(["RIB"])]]);
    const id = body.items[0].id;
    const [a, b] = await Promise.all([
      h.call("POST", `/documents/${id}/status`, { json: { status: "accepted", revision: 1 } }),
      h.call("POST", `/documents/${id}/status`, { json: { status: "refused", reason: "IBAN illisible", revision: 1 }, as: "agent" }),
    ]);
    expect([a.status, b.status].sort()).to.deep.equal([200, 409]);
    const final = await h.call("GET", `/documents/${id}`);
    expect(final.body.revision).to.equal(2);
    expect(h.journal.entries(1, { includePrivate: true }).filter((e) => e.action === "document.status.changed")).to.have.length(1);
  });
});
