import { expect } from "chai";
import Database from "better-sqlite3";
import path from "node:path";
import type { ApiServer } from "../api/v2/server.js";
import { simplePdf } from "../../src/dossiers/simple-pdf.js";
import { demoCandidate, newCustomerFile, startDossierServer, until } from "./support.js";

const basic = (user: string) => `Basic ${Buffer.from(`${user}:${user}`).toString("base64")}`;

describe("dossier journal: append-only and hash-chained", () => {
  let api: ApiServer;
  let dataDir: string;
  before(async () => {
    api = await startDossierServer();
    dataDir = path.dirname(api.server.domain.db.name);
  });
  after(() => api.stop());

  it("should refuse UPDATE and DELETE on the journal in the database itself", () => {
    const db = new Database(path.join(dataDir, "dossier.sqlite"));
    try {
      expect(() => db.prepare(`UPDATE dossier_journal SET summary = 'falsifié' WHERE seq = 1`).run()).to.throw(/append-only: UPDATE refused/);
      expect(() => db.prepare(`DELETE FROM dossier_journal WHERE seq = 1`).run()).to.throw(/append-only: DELETE refused/);
    } finally {
      db.close();
    }
  });

  it("should name the first altered entry when someone rewrites a row in the SQLite file", async () => {
    const { body: created } = await api.call("POST", "/api/dossiers", { as: "agent", body: newCustomerFile("Imprimerie Roux", "contact@imprimerie-roux.fr") });
    const ref = created.reference;
    for (const text of ["Premier échange", "Deuxième échange", "Troisième échange"]) await api.call("POST", `/api/dossiers/${ref}/notes`, { as: "agent", body: { text } });
    const before = await api.call("GET", `/api/dossiers/${ref}/journal/verification`, { as: "agent" });
    expect(before.body).to.deep.equal({ valid: true, entries: 5 });
    const journal = (await api.call("GET", `/api/dossiers/${ref}/journal`, { as: "agent" })).body.items;
    const target = journal.find((e: any) => e.summary === "Deuxième échange");
    // Someone with the file: drops the trigger, rewrites the note, puts the trigger back.
    const db = new Database(path.join(dataDir, "dossier.sqlite"));
    try {
      const trigger = (db.prepare(`SELECT sql FROM sqlite_master WHERE name = 'dossier_journal_no_update'`).get() as { sql: string }).sql;
      db.exec(`DROP TRIGGER dossier_journal_no_update`);
      const id = (db.prepare(`SELECT id FROM dossier WHERE reference = ?`).get(ref) as { id: number }).id;
      db.prepare(`UPDATE dossier_journal SET after = json_set(after, '$.text', 'Rien à signaler') WHERE dossier_id = ? AND seq = ?`).run(id, target.seq);
      db.exec(trigger);
    } finally {
      db.close();
    }
    const after = await api.call("GET", `/api/dossiers/${ref}/journal/verification`, { as: "agent" });
    expect(after.body.valid).to.equal(false);
    expect(after.body.firstInvalid.seq).to.equal(target.seq);
    expect(after.body.firstInvalid.reason).to.contain("altered");
  });

  it("should detect a removed entry", async () => {
    const { body: created } = await api.call("POST", "/api/dossiers", { as: "agent", body: newCustomerFile("Pressing Leroy", "contact@pressing-leroy.fr") });
    const ref = created.reference;
    await api.call("POST", `/api/dossiers/${ref}/notes`, { as: "agent", body: { text: "À supprimer" } });
    await api.call("POST", `/api/dossiers/${ref}/notes`, { as: "agent", body: { text: "Après" } });
    const db = new Database(path.join(dataDir, "dossier.sqlite"));
    try {
      const trigger = (db.prepare(`SELECT sql FROM sqlite_master WHERE name = 'dossier_journal_no_delete'`).get() as { sql: string }).sql;
      db.exec(`DROP TRIGGER dossier_journal_no_delete`);
      const id = (db.prepare(`SELECT id FROM dossier WHERE reference = ?`).get(ref) as { id: number }).id;
      db.prepare(`DELETE FROM dossier_journal WHERE dossier_id = ? AND seq = 3`).run(id);
      db.exec(trigger);
    } finally {
      db.close();
    }
    const after = await api.call("GET", `/api/dossiers/${ref}/journal/verification`, { as: "agent" });
    expect(after.body).to.deep.include({ valid: false });
    expect(after.body.firstInvalid).to.deep.include({ seq: 4 });
    expect(after.body.firstInvalid.reason).to.contain("removed");
  });
});

describe("who sees what: sectors", () => {
  let api: ApiServer;
  let candidate: string;
  let cvId: number;
  before(async () => {
    api = await startDossierServer();
    ({ reference: candidate, cvId } = await demoCandidate(api));
  });
  after(() => api.stop());

  it("should answer 404 to a user of sector A for everything of a dossier of sector B", async () => {
    const asAgent = (method: string, url: string, body?: unknown) => api.call(method, url, { as: "agent", ...(body !== undefined ? { body } : {}) });
    const missing = await asAgent("GET", "/api/dossiers/CAND-2099-9999");
    const attempts = await Promise.all([
      asAgent("GET", `/api/dossiers/${candidate}`),
      asAgent("PATCH", `/api/dossiers/${candidate}`, { version: 1, title: "x" }),
      asAgent("POST", `/api/dossiers/${candidate}/state`, { to: "refuse" }),
      asAgent("POST", `/api/dossiers/${candidate}/notes`, { text: "x" }),
      asAgent("POST", `/api/dossiers/${candidate}/calls`, { direction: "in", contact: "x", outcome: "x" }),
      asAgent("GET", `/api/dossiers/${candidate}/journal`),
      asAgent("GET", `/api/dossiers/${candidate}/journal/verification`),
      asAgent("GET", `/api/dossiers/${candidate}/actions`),
      asAgent("GET", `/api/dossiers/${candidate}/documents`),
      asAgent("GET", `/api/documents/${cvId}`),
      asAgent("GET", `/api/documents/${cvId}/content`),
      asAgent("POST", `/api/documents/${cvId}/status`, { status: "accepted" }),
    ]);
    expect(attempts.map((a) => a.status)).to.deep.equal(attempts.map(() => 404));
    // The same message as for a dossier that does not exist: nothing tells the two apart.
    expect(attempts[0]!.body.detail.replace(candidate, "REF")).to.equal(missing.body.detail.replace("CAND-2099-9999", "REF"));
  });

  it("should leave dossiers of other sectors out of lists, counts, exports and search results", async () => {
    const list = await api.call("GET", "/api/dossiers?pageSize=500", { as: "agent" });
    expect(list.body.items.map((d: any) => d.type)).to.not.include("candidat");
    expect((await api.call("GET", "/api/dossiers?type=candidat", { as: "agent" })).body.total).to.equal(0);
    const search = await api.call("GET", "/api/search?q=couvreur", { as: "agent" });
    expect(search.body.dossiers).to.deep.equal([]);
    expect(search.body.documents).to.deep.equal([]);
    const managerSearch = await api.call("GET", "/api/search?q=couvreur", { as: "manager" });
    expect(managerSearch.body.dossiers.map((d: any) => d.reference)).to.deep.equal([candidate]);
    expect(managerSearch.body.documents.map((d: any) => d.id)).to.deep.equal([cvId]);
    const csv = await fetch(`${api.base}/api/dossiers/export?format=csv`, { headers: { authorization: basic("agent") } });
    expect(await csv.text()).to.not.contain("Thomas Petit");
  });

  it("should let a user see a dossier of another sector while they hold one of its tasks", async () => {
    const { body: created } = await api.call("POST", "/api/dossiers", { as: "agent", body: newCustomerFile("Cave Vidal", "contact@cave-vidal.fr") });
    // The opening task is offered to 'agents'; the designer is in no sector and sees nothing until given the task.
    expect((await api.call("GET", `/api/dossiers/${created.reference}`, { as: "designer" })).status).to.equal(404);
    const task = (await api.call("POST", "/v2/user-tasks/search", { as: "agent", body: { filter: { processInstanceKey: created.processInstanceKey } } })).body.items[0];
    await api.call("POST", `/v2/user-tasks/${task.userTaskKey}/assignment`, { as: "manager", body: { assignee: "designer" } });
    expect((await api.call("GET", `/api/dossiers/${created.reference}`, { as: "designer" })).status).to.equal(200);
    // Private entries stay with the sector: the task holder reads the public ones only.
    await api.call("POST", `/api/dossiers/${created.reference}/notes`, { as: "agent", body: { text: "Client difficile, négocier le délai", public: false } });
    await api.call("POST", `/api/dossiers/${created.reference}/notes`, { as: "agent", body: { text: "Pièces reçues", public: true } });
    const notes = (journal: any) => journal.body.items.filter((e: any) => e.action === "note.added").map((e: any) => e.after.text);
    expect(notes(await api.call("GET", `/api/dossiers/${created.reference}/journal`, { as: "designer" }))).to.deep.equal(["Pièces reçues"]);
    expect(notes(await api.call("GET", `/api/dossiers/${created.reference}/journal`, { as: "agent" }))).to.deep.equal(["Client difficile, négocier le délai", "Pièces reçues"]);
  });

  it("should let a user see a dossier while they are offered a task of a process its process called", async () => {
    const bpmn = (id: string, body: string) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d-${id}" targetNamespace="x">
  <bpmn:process id="${id}" isExecutable="true">
    <bpmn:startEvent id="s"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>${body}
    <bpmn:endEvent id="e"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="a" /><bpmn:sequenceFlow id="f2" sourceRef="a" targetRef="e" />
  </bpmn:process>
</bpmn:definitions>`;
    const form = new FormData();
    form.append("resources", new Blob([bpmn("appel-parent", `<bpmn:callActivity id="a"><bpmn:extensionElements><zeebe:calledElement processId="appel-enfant" /></bpmn:extensionElements><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:callActivity>`)]), "parent.bpmn");
    form.append("resources", new Blob([bpmn("appel-enfant", `<bpmn:userTask id="a"><bpmn:extensionElements><zeebe:userTask /><zeebe:assignmentDefinition candidateUsers="designer" /></bpmn:extensionElements><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>`)]), "enfant.bpmn");
    expect((await fetch(`${api.base}/v2/deployments`, { method: "POST", headers: { authorization: basic("designer") }, body: form })).status).to.equal(200);
    const type = { name: { fr: "Appel", en: "Call" }, referencePattern: "APL-{000}", defaultSector: "agents", fields: [], partyRoles: [], documentTypes: [], childTypes: [],
      states: [{ id: "ouvert", label: { fr: "Ouvert", en: "Open" }, initial: true }], transitions: [], deadlines: [], catalogue: { opening: { processId: "appel-parent" } } };
    expect((await api.call("PUT", "/api/dossier-types/appel", { as: "designer", body: type })).status).to.equal(201);
    const { body: created } = await api.call("POST", "/api/dossiers", { as: "agent", body: { type: "appel", title: "Sous-processus" } });
    const seen = await until(async () => ((await api.call("GET", `/api/dossiers/${created.reference}`, { as: "designer" })).status === 200 ? true : undefined), "the designer seeing the dossier");
    expect(seen).to.equal(true);
    expect((await api.call("GET", `/api/dossiers/${created.reference}`, { as: "auditor" })).status).to.equal(200);
    expect((await api.call("GET", `/api/dossiers/${created.reference}`, { as: "manager" })).status).to.equal(200); // manager is in 'agents'
  });

  it("should refuse to open a dossier in a sector that is not the user's", async () => {
    const { status, body } = await api.call("POST", "/api/dossiers", { as: "agent", body: { ...newCustomerFile("Bijouterie Faure", "contact@bijouterie-faure.fr"), sector: "recrutement" } });
    expect(status).to.equal(400);
    expect(body.problems.map((p: any) => p.field)).to.deep.equal(["sector"]);
  });

  it("should find a dossier by a word inside an uploaded PDF, only for those who see it", async () => {
    const { body: created } = await api.call("POST", "/api/dossiers", { as: "agent", body: newCustomerFile("Librairie Mercier", "contact@librairie-mercier.fr") });
    const form = new FormData();
    form.append("documentType", "kbis");
    form.append("file", new Blob([new Uint8Array(simplePdf("Extrait Kbis", ["LIBRAIRIE MERCIER SAS", "Activité : vente de livres anciens et estampes"]))], { type: "application/pdf" }), "kbis.pdf");
    const up = await fetch(`${api.base}/api/dossiers/${created.reference}/documents`, { method: "POST", headers: { authorization: basic("agent") }, body: form });
    expect(up.status).to.equal(201);
    const hit = await api.call("GET", "/api/search?q=estampe", { as: "agent" });
    expect(hit.body.documents.map((d: any) => d.dossiers[0].reference)).to.deep.equal([created.reference]);
    const other = await api.call("GET", "/api/search?q=estampe", { as: "designer" });
    expect(other.body.documents).to.deep.equal([]);
  });
});
