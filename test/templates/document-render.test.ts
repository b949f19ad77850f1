/**
 * document.render in a real process started from a real dossier: the PDF stored in the dossier
 * (text checked with pdftotext), the template and its version journaled, a render again of the same
 * template and file name = a new version of the same document; a template error = an incident
 * naming the template and line, with no retries spent.
 */
import { expect } from "chai";
import type { ApiServer } from "../api/v2/server.js";
import { startDossierServer, until } from "../dossiers/support.js";
import { mkdirSync } from "node:fs";
import path from "node:path";
import { OUTPUT } from "../helpers/browser.js";
import { addActions, deploy, download, pdfPages, pdfText, pdfToPng } from "./support.js";

describe("document.render", function () {
  this.timeout(90_000);
  let api: ApiServer;
  const reference = "CLI-2026-00001"; // the demo's Boulangerie Martin

  before(async () => {
    api = await startDossierServer();
    await deploy(api, "render-twice.bpmn");
    await deploy(api, "render-broken.bpmn");
    await addActions(api, ["render-twice", "render-broken"]);
  });
  after(() => api.stop());

  it("should store the contract in the dossier, journal its template and version, and store a render again as a new version", async () => {
    const started = await api.call("POST", `/api/dossiers/${reference}/actions/render-twice`, { as: "agent", body: {} });
    expect(started.status, JSON.stringify(started.body)).to.equal(201);
    const key = started.body.processInstanceKey;
    const done = await until(async () => {
      const r = await api.call("GET", `/v2/process-instances/${key}`, { as: "demo" });
      return r.body.state === "COMPLETED" && r.body;
    }, "the process to complete", 60_000);
    expect(done.state).to.equal("COMPLETED");
    const vars = (await api.call("POST", "/v2/variables/search", { as: "demo", body: { filter: { processInstanceKey: key } } })).body.items as Array<{ name: string; value: string }>;
    const first = JSON.parse(vars.find((v) => v.name === "first")!.value);
    const second = JSON.parse(vars.find((v) => v.name === "second")!.value);
    expect(first.fileName).to.equal(`Contrat ${reference}.pdf`);
    expect(first.sha256).to.match(/^[0-9a-f]{64}$/);
    expect(first.version).to.equal(1);
    expect(second.documentId).to.equal(first.documentId);
    expect(second.version).to.equal(2);
    expect(second.template.name).to.equal("contracts/contrat-assurance");

    const documents = (await api.call("GET", `/api/dossiers/${reference}/documents`, { as: "agent" })).body.items as Array<any>;
    const doc = documents.find((d) => d.id === first.documentId);
    expect(doc.documentType).to.equal("contrat");
    expect(doc.currentVersion ?? doc.version).to.be.at.least(2);

    const v1 = await download(api, `/api/documents/${first.documentId}/content?version=1`);
    expect(v1.type).to.contain("application/pdf");
    const text = pdfText(v1.bytes).replace(/-[ \t]*\n[ \t]*/g, "-").replace(/[ \t]*\n[ \t]*/g, " ").replace(/ {2,}/g, " ");
    expect(text).to.contain("Contrat d'assurance multirisque professionnelle");
    expect(text).to.contain("BOULANGERIE MARTIN SARL");
    expect(text).to.contain("Julie Martin");
    expect(text).to.contain(`MRP-TEST-${reference}`);
    expect(text).to.contain("Incendie <b>total</b>"); // escaped, printed as text
    expect(text).to.contain("1 234,56 €"); // 900,00 + 334,56
    expect(text, text.slice(text.indexOf("Article 4"), text.indexOf("Article 4") + 400)).to.contain("mille deux cent trente-quatre euros et cinquante-six centimes");
    expect(text).to.contain("Page 1 / 3");
    expect(pdfPages(v1.bytes)).to.equal(3);
    mkdirSync(OUTPUT, { recursive: true });
    pdfToPng(v1.bytes, path.join(OUTPUT, "templates-contract")); // test-output/templates-contract-1.png … -3.png, to look at
    const v2 = pdfText((await download(api, `/api/documents/${first.documentId}/content`)).bytes);
    expect(v2).to.contain(`MRP-TEST-2-${reference}`);
    expect(v2).to.contain("1 840,00 €"); // no guarantees given: the standard table

    const journal = (await api.call("GET", `/api/dossiers/${reference}/journal?pageSize=100`, { as: "agent" })).body.items as Array<any>;
    const rendered = journal.filter((e) => e.action === "document.rendered");
    expect(rendered).to.have.length(2);
    for (const e of rendered) {
      expect(e.after.template).to.equal("contracts/contrat-assurance");
      expect(e.after.templateVersion).to.match(/^[0-9a-f]{12}$/);
      expect(e.summary).to.contain("contracts/contrat-assurance");
    }
    expect(journal.some((e) => e.action === "document.version.added")).to.equal(true);
  });

  it("should raise an incident naming the template and the line when the template fails, with no retries spent", async () => {
    const saved = await api.call("PUT", "/api/templates/source?name=letters/test-casse", { as: "designer", body: { source: "<p>Bonjour {{dossier.title}}</p>\n<p>Référence {{dossier.reference}}</p>\n<p>{{dossier.champInconnu}}</p>\n" } });
    expect(saved.status, JSON.stringify(saved.body)).to.equal(200);
    const started = await api.call("POST", `/api/dossiers/${reference}/actions/render-broken`, { as: "agent", body: {} });
    expect(started.status).to.equal(201);
    const incident = await until(async () => (await api.call("POST", "/v2/incidents/search", { as: "demo", body: { filter: { processInstanceKey: started.body.processInstanceKey } } })).body.items[0], "the incident", 30_000);
    expect(incident.errorMessage).to.contain("letters/test-casse").and.contain("line 3").and.contain("champInconnu");
    const jobs = (await api.call("POST", "/v2/jobs/search", { as: "demo", body: { filter: { processInstanceKey: started.body.processInstanceKey } } })).body.items as Array<any>;
    if (jobs.length) expect(jobs[0].retries).to.equal(0);
  });
});
