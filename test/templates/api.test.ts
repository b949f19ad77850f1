/**
 * The /templates API: preview (HTML and PDF) against a dossier the caller sees, saving an edit as a
 * revision (refused with its line when it does not compile), history and revert, the
 * organisation's details on documents, and mail merge (one letter per dossier, one combined PDF).
 */
import { expect } from "chai";
import type { ApiServer } from "../api/v2/server.js";
import { startDossierServer } from "../dossiers/support.js";
import { download, pdfPages, pdfText } from "./support.js";

describe("templates API", function () {
  this.timeout(90_000);
  let api: ApiServer;
  const martin = "CLI-2026-00001";
  let references: string[];

  before(async () => {
    api = await startDossierServer();
    references = ((await api.call("GET", "/api/dossiers?type=client", { as: "agent" })).body.items as Array<{ reference: string }>).map((d) => d.reference);
  });
  after(() => api.stop());

  it("should list the shipped templates, partials and styles", async () => {
    const { status, body } = await api.call("GET", "/api/templates", { as: "designer" });
    expect(status).to.equal(200);
    const names = body.items.map((t: any) => t.name);
    expect(names).to.include.members(["contracts/contrat-assurance", "contracts/avenant", "letters/courrier-simple", "partials/entete", "partials/pied-de-page", "styles/base"]);
    expect(body.items.filter((t: any) => t.error)).to.deep.equal([]);
  });

  it("should preview a template against a dossier in HTML and in PDF", async () => {
    const html = await api.call("POST", "/api/templates/preview", { as: "demo", body: { name: "letters/courrier-simple", dossier: martin, variables: { objet: "Votre attestation", corps: "Bonjour <script>x</script>\n\nSecond paragraphe" } } });
    expect(html.status, JSON.stringify(html.body)).to.equal(200);
    expect(html.body.html).to.contain("BOULANGERIE MARTIN SARL").and.contain("Objet&nbsp;: Votre attestation").and.contain("Bonjour &lt;script&gt;x&lt;/script&gt;");
    expect(html.body.html).to.contain("Horizon Assurances");
    expect(html.body.template.version).to.match(/^[0-9a-f]{12}$/);
    const res = await fetch(`${api.base}/api/templates/preview.pdf`, { method: "POST", headers: { authorization: `Basic ${Buffer.from("demo:demo").toString("base64")}`, "content-type": "application/json" }, body: JSON.stringify({ name: "contracts/contrat-assurance", dossier: martin }) });
    expect(res.status).to.equal(200);
    expect(res.headers.get("content-type")).to.contain("application/pdf");
    const pdf = Buffer.from(await res.arrayBuffer());
    expect(pdfPages(pdf)).to.equal(3);
    expect(pdfText(pdf)).to.contain("BOULANGERIE MARTIN SARL");
  });

  it("should preview an unsaved edit, and answer its error with the line", async () => {
    const ok = await api.call("POST", "/api/templates/preview", { as: "demo", body: { name: "letters/courrier-simple", source: "<p>{{upper dossier.title}}</p>", dossier: martin } });
    expect(ok.body.html).to.equal("<p>BOULANGERIE MARTIN</p>");
    const bad = await api.call("POST", "/api/templates/preview", { as: "demo", body: { name: "letters/courrier-simple", source: "<p>\n{{dossier.nothing}}</p>", dossier: martin } });
    expect(bad.status).to.equal(400);
    expect(bad.body.line).to.equal(2);
    expect(bad.body.detail).to.contain("line 2");
    const unknown = await api.call("POST", "/api/templates/preview", { as: "demo", body: { name: "letters/courrier-simple", dossier: "CLI-2099-99999" } });
    expect(unknown.status).to.equal(404);
  });

  it("should not preview a dossier the caller may not see, and preview a fictional one without a dossier", async () => {
    // the designer is in no sector: the demo customer file is not theirs to see
    const seen = await api.call("POST", "/api/templates/preview", { as: "designer", body: { name: "letters/courrier-simple", dossier: martin } });
    expect(seen.status).to.equal(404);
    const sample = await api.call("POST", "/api/templates/preview", { as: "designer", body: { name: "contracts/contrat-assurance" } });
    expect(sample.status, JSON.stringify(sample.body)).to.equal(200);
    expect(sample.body.html).to.contain("FROMAGERIE EXEMPLE SARL").and.contain("Camille Exemple");
  });

  it("should save an edit as a new revision used at once, refuse one that does not compile, keep the history and revert", async () => {
    const before = (await api.call("GET", "/api/templates/source?name=letters/courrier-simple", { as: "designer" })).body;
    expect(before.origin).to.equal("file");
    const refused = await api.call("PUT", "/api/templates/source?name=letters/courrier-simple", { as: "designer", body: { source: "a\nb\n{{#if x}}c" } });
    expect(refused.status).to.equal(400);
    expect(refused.body.template).to.equal("letters/courrier-simple");
    expect(refused.body.line).to.be.a("number");
    const saved = await api.call("PUT", "/api/templates/source?name=letters/courrier-simple", { as: "designer", body: { source: `${before.source}\n<!-- v2 -->`, comment: "essai", revision: 0 } });
    expect(saved.status, JSON.stringify(saved.body)).to.equal(200);
    expect(saved.body.origin).to.equal("database");
    expect(saved.body.revision).to.equal(1);
    expect(saved.body.version).not.to.equal(before.version);
    const stale = await api.call("PUT", "/api/templates/source?name=letters/courrier-simple", { as: "designer", body: { source: before.source, revision: 0 } });
    expect(stale.status).to.equal(409);
    const used = await api.call("POST", "/api/templates/preview", { as: "designer", body: { name: "letters/courrier-simple" } });
    expect(used.body.html).to.contain("<!-- v2 -->");
    // a partial saved reaches every template using it
    await api.call("PUT", "/api/templates/source?name=partials/pied-de-page", { as: "designer", body: { source: "<div class=\"legal\">PIED MODIFIÉ {{@root.organisation.name}}</div>" } });
    expect((await api.call("POST", "/api/templates/preview", { as: "designer", body: { name: "contracts/avenant" } })).body.html).to.contain("PIED MODIFIÉ Horizon Assurances");
    await api.call("POST", "/api/templates/revert?name=partials/pied-de-page", { as: "designer", body: { revision: null } });
    const reverted = await api.call("POST", "/api/templates/revert?name=letters/courrier-simple", { as: "designer", body: { revision: null } });
    expect(reverted.body.origin).to.equal("file");
    expect(reverted.body.version).to.equal(before.version);
    expect(reverted.body.history.map((h: any) => h.revision)).to.deep.equal([2, 1]);
    const again = await api.call("POST", "/api/templates/revert?name=letters/courrier-simple", { as: "designer", body: { revision: 1 } });
    expect(again.body.source).to.contain("<!-- v2 -->");
    await api.call("POST", "/api/templates/revert?name=letters/courrier-simple", { as: "designer", body: { revision: null } });
  });

  it("should print the organisation's details from the settings, checked", async () => {
    const wrong = await api.call("PUT", "/api/templates/settings", { as: "designer", body: { iban: "FR76 3000 4000 0312 3456 7890 144", name: "" } });
    expect(wrong.status).to.equal(400);
    expect(wrong.body.problems.map((p: any) => p.field)).to.have.members(["iban", "name"]);
    const saved = await api.call("PUT", "/api/templates/settings", { as: "designer", body: { name: "Mutuelle du Rhône", vatNumber: "fr 40 303265045", logo: "data:image/png;base64,iVBORw0KGgo=" } });
    expect(saved.status).to.equal(200);
    expect(saved.body.name).to.equal("Mutuelle du Rhône");
    expect(saved.body.vatNumber).to.equal("FR40303265045");
    expect(saved.body.defaults.name).to.equal("Horizon Assurances");
    const html = (await api.call("POST", "/api/templates/preview", { as: "designer", body: { name: "letters/courrier-simple" } })).body.html;
    expect(html).to.contain("Mutuelle du Rhône").and.contain('src="data:image/png;base64,iVBORw0KGgo'); // "=" is escaped as &#x3D;, the same in an attribute
    await api.call("PUT", "/api/templates/settings", { as: "designer", body: { name: "Horizon Assurances", vatNumber: "FR25493827166", logo: saved.body.defaults.logo } });
  });

  it("should merge a letter into each dossier of a list, with one combined PDF for printing", async () => {
    const three = references.slice(0, 3);
    const merged = await api.call("POST", "/api/templates/merges", { as: "agent", body: { template: "letters/courrier-simple", references: three, documentType: "courrier", variables: { objet: "Changement d'adresse de nos bureaux" } } });
    expect(merged.status, JSON.stringify(merged.body)).to.equal(201);
    expect(merged.body.items.map((i: any) => i.reference)).to.deep.equal(three);
    expect(merged.body.combined.pages).to.equal(3);
    const combined = await download(api, merged.body.combined.url, "agent");
    expect(combined.status).to.equal(200);
    expect(pdfPages(combined.bytes)).to.equal(3);
    expect(pdfText(combined.bytes)).to.contain("Changement d'adresse de nos bureaux");
    expect((await download(api, merged.body.combined.url, "manager")).status).to.equal(404); // only for whoever made it
    for (const item of merged.body.items) {
      const docs = (await api.call("GET", `/api/dossiers/${item.reference}/documents`, { as: "agent" })).body.items;
      expect(docs.some((d: any) => d.id === item.documentId && d.documentType === "courrier")).to.equal(true);
    }
    // the same letter again: new versions of the same documents
    const again = await api.call("POST", "/api/templates/merges", { as: "agent", body: { template: "letters/courrier-simple", query: "type=client&pageSize=3", documentType: "courrier" } });
    expect(again.status).to.equal(201);
    expect(again.body.items.length).to.be.at.least(3);
    const repeated = again.body.items.filter((i: any) => three.includes(i.reference));
    expect(repeated.every((i: any) => i.version === 2)).to.equal(true);
    expect(pdfPages((await download(api, again.body.combined.url, "agent")).bytes)).to.equal(again.body.items.length);
  });

  it("should merge the dossiers of a saved list view", async () => {
    const view = await api.call("POST", "/api/dossier-views", { as: "agent", body: { name: "Prospects", type: "client", filters: { state: "prospect" } } });
    expect(view.status, JSON.stringify(view.body)).to.be.oneOf([200, 201]);
    const prospects = (await api.call("GET", "/api/dossiers?type=client&state=prospect", { as: "agent" })).body.items.map((d: any) => d.reference);
    const merged = await api.call("POST", "/api/templates/merges", { as: "agent", body: { template: "letters/courrier-simple", view: view.body.id, variables: { objet: "Votre devis" } } });
    expect(merged.status, JSON.stringify(merged.body)).to.equal(201);
    expect(merged.body.items.map((i: any) => i.reference).sort()).to.deep.equal([...prospects].sort());
    expect((await api.call("POST", "/api/templates/merges", { as: "manager", body: { template: "letters/courrier-simple", view: view.body.id } })).status).to.equal(404); // another's view
  });

  it("should store nothing when one letter of a merge fails or one dossier is unknown", async () => {
    const before = (await api.call("GET", `/api/dossiers/${martin}/documents`, { as: "agent" })).body.items.length;
    const unknown = await api.call("POST", "/api/templates/merges", { as: "agent", body: { template: "letters/courrier-simple", references: [martin, "CLI-2099-00042"] } });
    expect(unknown.status).to.equal(404);
    const empty = await api.call("POST", "/api/templates/merges", { as: "agent", body: { template: "letters/courrier-simple", references: [] } });
    expect(empty.status).to.equal(400);
    expect((await api.call("GET", `/api/dossiers/${martin}/documents`, { as: "agent" })).body.items.length).to.equal(before);
  });
});
