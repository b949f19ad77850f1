/**
 * The archive from processes: `archive.deposit` (the element template's inputs) deposits some
 * documents of the process's dossier and, with archiveDossier, archives the closed dossier; a
 * state's closing behaviour 'cancel' cancels the dossier's running processes in the state change's
 * transaction, 'keep' lets them run.
 */
import { expect } from "chai";
import type { ApiServer } from "../api/v2/server.js";
import { day, simplePdf, startArchiveServer, upload } from "./helpers.js";

const bpmn = (id: string, body: string) => `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d_${id}" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="${id}" isExecutable="true">${body}</bpmn:process>
</bpmn:definitions>`;

const DEPOSIT = bpmn("deposit-test", `
    <bpmn:startEvent id="s"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:serviceTask id="deposit" name="Verser aux archives">
      <bpmn:extensionElements>
        <zeebe:taskDefinition type="archive.deposit" retries="1" />
        <zeebe:ioMapping><zeebe:input source="=docs" target="documents" /><zeebe:input source="=whole" target="archiveDossier" /></zeebe:ioMapping>
      </bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing>
    </bpmn:serviceTask>
    <bpmn:endEvent id="e"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="deposit" /><bpmn:sequenceFlow id="f2" sourceRef="deposit" targetRef="e" />`);

const WAITING = bpmn("waiting-test", `
    <bpmn:startEvent id="s"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="wait" name="Attendre"><bpmn:extensionElements><zeebe:userTask /></bpmn:extensionElements><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>
    <bpmn:endEvent id="e"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="wait" /><bpmn:sequenceFlow id="f2" sourceRef="wait" targetRef="e" />`);

const TYPE = {
  name: { fr: "Dossier test archive", en: "Archive test file" }, referencePattern: "ARC-{0000}",
  fields: [{ id: "dateFin", label: { fr: "Fin" }, type: "date" }],
  partyRoles: [], documentTypes: [{ id: "facture", label: { fr: "Facture" } }, { id: "contrat", label: { fr: "Contrat" } }], childTypes: [],
  states: [
    { id: "ouvert", label: { fr: "Ouvert" }, initial: true },
    { id: "suspendu", label: { fr: "Suspendu" }, final: true, processes: "keep" },
    { id: "clos", label: { fr: "Clos" }, final: true, processes: "cancel" },
    { id: "archive", label: { fr: "Archivé" }, final: true, archive: true },
  ],
  transitions: [{ from: "ouvert", to: "clos" }, { from: "ouvert", to: "suspendu" }, { from: "suspendu", to: "ouvert" }, { from: "clos", to: "archive" }, { from: "clos", to: "ouvert" }],
  deadlines: [],
  catalogue: { opening: { processId: "waiting-test" }, actions: [{ id: "verser", label: { fr: "Verser" }, processId: "deposit-test", variables: { docs: [], whole: false }, concurrent: true }] },
};

describe("archive from processes: archive.deposit and the closing behaviour of states", function () {
  this.timeout(90_000);
  let api: ApiServer;
  const state = (key: string) => (api.server.engine.store.db.prepare(`SELECT state FROM process_instance WHERE key = ?`).get(key) as { state: string }).state;
  const opening = (ref: string) => String((api.server.engine.store.db.prepare(`SELECT dp.process_instance_key AS k FROM dossier_process dp JOIN dossier d ON d.id = dp.dossier_id WHERE d.reference = ? AND dp.kind = 'opening'`).get(ref) as { k: number }).k);

  before(async () => {
    api = await startArchiveServer();
    await api.server.engine.pinClock(day("2024-06-01"));
    await api.server.engine.deploy([{ name: "deposit-test.bpmn", content: DEPOSIT }, { name: "waiting-test.bpmn", content: WAITING }]);
    const saved = await api.call("PUT", "/api/dossier-types/archive-test", { as: "designer", body: TYPE });
    expect(saved.status, JSON.stringify(saved.body)).to.equal(201);
  });
  after(() => api.stop());

  it("should refuse a closing behaviour the type editor does not know, and an archiving state that is not final", async () => {
    const bad = await api.call("PUT", "/api/dossier-types/archive-bad", { as: "designer", body: { ...TYPE, states: [{ id: "a", label: { fr: "A" }, initial: true, processes: "stop" }, { id: "b", label: { fr: "B" }, archive: true }] } });
    expect(bad.status).to.equal(400);
    expect(bad.body.detail).to.match(/states\[0\]\.processes: expected 'cancel' or 'keep'.*states\[1\]\.archive: expected an archiving state to be final/);
  });

  it("should deposit some documents from a process, in the job's transaction, without freezing the dossier", async () => {
    const ref = (await api.call("POST", "/api/dossiers", { body: { type: "archive-test", title: "Versement partiel" } })).body.reference;
    const [invoice] = await upload(api, ref, [{ name: "facture.pdf", bytes: simplePdf("Facture", ["Facture 12"]) }], "facture");
    await upload(api, ref, [{ name: "autre.pdf", bytes: simplePdf("Autre", ["Autre"]) }], "contrat");
    const started = await api.call("POST", `/api/dossiers/${ref}/actions/verser`, { body: { variables: { docs: [invoice!.id] } } });
    expect(started.status, JSON.stringify(started.body)).to.equal(201);
    for (let i = 0; i < 100 && state(started.body.processInstanceKey) === "ACTIVE"; i++) await new Promise((r) => setTimeout(r, 100));
    expect(state(started.body.processInstanceKey)).to.equal("COMPLETED");
    const view = (await api.call("GET", `/api/archive/dossiers/${ref}`)).body;
    expect(view.status).to.equal("active");
    expect(view.records.map((r: any) => r.filename)).to.deep.equal(["facture.pdf"]);
    expect(view.records[0]).to.include({ retainUntil: "2034-12-31", depositedBy: "process" });
  });

  it("should cancel the dossier's running processes on entering a 'cancel' state, and keep them on a 'keep' state", async () => {
    const kept = (await api.call("POST", "/api/dossiers", { body: { type: "archive-test", title: "Suspendu" } })).body.reference;
    expect(state(opening(kept))).to.equal("ACTIVE");
    await api.call("POST", `/api/dossiers/${kept}/state`, { body: { to: "suspendu" } });
    expect(state(opening(kept))).to.equal("ACTIVE");
    const closed = (await api.call("POST", "/api/dossiers", { body: { type: "archive-test", title: "Clos" } })).body.reference;
    expect((await api.call("POST", `/api/dossiers/${closed}/state`, { body: { to: "clos" } })).status).to.equal(200);
    expect(state(opening(closed))).to.equal("TERMINATED");
  });

  it("should archive the closed dossier from a process (archiveDossier), which freezes it", async () => {
    const ref = (await api.call("POST", "/api/dossiers", { body: { type: "archive-test", title: "Archivage par processus" } })).body.reference;
    await upload(api, ref, [{ name: "contrat.pdf", bytes: simplePdf("Contrat", ["Contrat"]) }], "contrat");
    await api.call("POST", `/api/dossiers/${ref}/state`, { body: { to: "clos" } });
    const dossierId = (api.server.engine.store.db.prepare(`SELECT id FROM dossier WHERE reference = ?`).get(ref) as { id: number }).id;
    const key = await api.server.engine.transaction((tx) => {
      const created = tx.createInstance({ bpmnProcessId: "deposit-test", variables: { docs: [], whole: true } });
      api.server.engine.store.db.prepare(`INSERT INTO dossier_process (process_instance_key, dossier_id, kind, action_id, bpmn_process_id, started_at, started_by) VALUES (?, ?, 'action', NULL, 'deposit-test', ?, 'test')`).run(created.processInstanceKey, dossierId, tx.now);
      return String(created.processInstanceKey);
    });
    for (let i = 0; i < 100 && state(key) === "ACTIVE"; i++) await new Promise((r) => setTimeout(r, 100));
    expect(state(key)).to.equal("COMPLETED");
    const view = (await api.call("GET", `/api/archive/dossiers/${ref}`)).body;
    expect(view.status).to.equal("archived");
    expect(view.records.map((r: any) => r.kind)).to.deep.equal(["document", "dossier"]);
    expect((await api.call("GET", `/api/dossiers/${ref}`)).body.state).to.equal("archive");
  });
});
