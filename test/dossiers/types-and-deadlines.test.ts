import { expect } from "chai";
import type { ApiServer } from "../api/v2/server.js";
import { newCustomerFile, startDossierServer, until } from "./support.js";

const DAY = 86_400_000;
const simpleType = (extra: Record<string, unknown> = {}) => ({
  name: { fr: "Réclamation", en: "Complaint" }, referencePattern: "REC-{YYYY}-{000}", defaultSector: "agents",
  fields: [{ id: "motif", label: { fr: "Motif", en: "Reason" }, type: "text", required: true }],
  partyRoles: [], documentTypes: [{ id: "courrier", label: { fr: "Courrier", en: "Letter" } }], childTypes: [],
  states: [{ id: "ouverte", label: { fr: "Ouverte", en: "Open" }, initial: true }, { id: "close", label: { fr: "Close", en: "Closed" }, final: true }],
  transitions: [{ from: "ouverte", to: "close" }], deadlines: [], catalogue: {}, ...extra,
});

describe("dossier types: configured without code, versioned", () => {
  let api: ApiServer;
  before(async () => {
    api = await startDossierServer();
  });
  after(() => api.stop());

  it("should list every problem of a wrong definition", async () => {
    const { status, body } = await api.call("PUT", "/api/dossier-types/bad", {
      as: "demo",
      body: { name: { en: "x" }, referencePattern: "NOSEQ", fields: [{ id: "a", label: { fr: "A", en: "A" }, type: "colour" }], states: [{ id: "s", label: { fr: "S", en: "S" } }], transitions: [{ from: "s", to: "t" }], catalogue: { actions: [{ id: "x", label: { fr: "X", en: "X" }, processId: "p", condition: "=state = " }] } },
    });
    expect(status).to.equal(400);
    expect(body.problems.map((p: any) => p.field)).to.include.members(["name", "referencePattern", "fields[0].type", "states", "transitions[0].to", "catalogue.actions[0].condition"]);
  });

  it("should add a field in a new version that existing dossiers take at once, and refuse changes that would break them", async () => {
    const v1 = await api.call("PUT", "/api/dossier-types/reclamation", { as: "designer", body: simpleType() });
    expect(v1.status, JSON.stringify(v1.body)).to.equal(201);
    const { body: opened } = await api.call("POST", "/api/dossiers", { as: "agent", body: { type: "reclamation", title: "Retard de livraison", data: { motif: "Livraison en retard" } } });
    expect(opened.reference).to.match(/^REC-\d{4}-001$/);
    const grown = simpleType({ fields: [...simpleType().fields, { id: "gravite", label: { fr: "Gravité", en: "Severity" }, type: "choice", options: [{ value: "haute", label: { fr: "Haute", en: "High" } }, { value: "basse", label: { fr: "Basse", en: "Low" } }] }] });
    const v2 = await api.call("PUT", "/api/dossier-types/reclamation", { as: "designer", body: grown });
    expect(v2.status).to.equal(200);
    expect(v2.body.version).to.equal(2);
    const patched = await api.call("PATCH", `/api/dossiers/${opened.reference}`, { as: "agent", body: { version: 1, data: { gravite: "haute" } } });
    expect(patched.status, JSON.stringify(patched.body)).to.equal(200);
    expect(patched.body).to.include({ typeVersion: 1, currentTypeVersion: 2 });
    const filtered = await api.call("GET", "/api/dossiers?type=reclamation&f.gravite=haute", { as: "agent" });
    expect(filtered.body.items.map((d: any) => d.reference)).to.deep.equal([opened.reference]);
    const dropState = await api.call("PUT", "/api/dossier-types/reclamation", { as: "designer", body: { ...grown, states: [{ id: "nouvelle", label: { fr: "N", en: "N" }, initial: true }, { id: "close", label: { fr: "C", en: "C" }, final: true }], transitions: [] } });
    expect(dropState.status).to.equal(400);
    expect(dropState.body.detail).to.contain("'ouverte'").and.contain("1 dossier");
    const retype = await api.call("PUT", "/api/dossier-types/reclamation", { as: "designer", body: { ...grown, fields: [{ ...grown.fields[0], type: "number" }, grown.fields[1]] } });
    expect(retype.status).to.equal(400);
    const same = await api.call("PUT", "/api/dossier-types/reclamation", { as: "designer", body: grown });
    expect(same.body.version).to.equal(2);
    expect((await api.call("GET", "/api/dossier-types/reclamation?version=1", { as: "agent" })).body.fields).to.have.length(1);
  });

  it("should open the dossier and its opening process both or neither, without using up a reference", async () => {
    await api.call("PUT", "/api/dossier-types/atomique", { as: "demo", body: simpleType({ referencePattern: "ATO-{00000}", catalogue: { opening: { processId: "process-that-is-not-deployed" } } }) });
    const failed = await api.call("POST", "/api/dossiers", { as: "agent", body: { type: "atomique", title: "Essai", data: { motif: "x" } } });
    expect(failed.status).to.equal(404);
    expect(failed.body.detail).to.contain("process-that-is-not-deployed");
    expect((await api.call("GET", "/api/dossiers?type=atomique", { as: "demo" })).body.total).to.equal(0);
    await api.call("PUT", "/api/dossier-types/atomique", { as: "demo", body: simpleType({ referencePattern: "ATO-{00000}", catalogue: {} }) });
    const ok = await api.call("POST", "/api/dossiers", { as: "agent", body: { type: "atomique", title: "Essai", data: { motif: "x" } } });
    expect(ok.body.reference).to.equal("ATO-00001");
  });

  it("should hand out references without gaps or duplicates under concurrency", async () => {
    await api.call("PUT", "/api/dossier-types/rafale", { as: "demo", body: simpleType({ referencePattern: "RAF-{YYYY}-{0000}" }) });
    const results = await Promise.all(Array.from({ length: 60 }, (_, i) => api.call("POST", "/api/dossiers", { as: "agent", body: { type: "rafale", title: `Appel ${i}`, data: { motif: "x" } } })));
    expect(results.every((r) => r.status === 201)).to.equal(true);
    const numbers = results.map((r) => Number(r.body.reference.split("-")[2])).sort((a, b) => a - b);
    expect(numbers).to.deep.equal(Array.from({ length: 60 }, (_, i) => i + 1));
  });
});

describe("deadlines: reminders before a contract ends", () => {
  let api: ApiServer;
  before(async () => {
    api = await startDossierServer();
  });
  after(async () => {
    await api.call("POST", "/v2/clock/reset", { as: "demo", body: {} });
    await api.stop();
  });

  it("should remind N days before the end date, once, and start the renewal decision", async () => {
    const now = Date.now();
    const end = new Date(now + 100 * DAY).toISOString().slice(0, 10);
    const { body: file } = await api.call("POST", "/api/dossiers", { as: "agent", body: newCustomerFile("Opticien Girard", "contact@opticien-girard.fr") });
    const customer = (await api.call("GET", `/api/dossiers/${file.reference}`, { as: "agent" })).body.parties[0].party.id;
    const { body: contract } = await api.call("POST", "/api/dossiers", {
      as: "agent", body: { type: "contrat", title: "RC Pro — Opticien Girard", parent: file.reference, data: { produit: "rc-pro", dateFin: end }, parties: [{ role: "customer", partyId: customer }] },
    });
    const view = await api.call("GET", `/api/dossiers/${contract.reference}`, { as: "agent" });
    expect(view.body.deadlines.find((d: any) => d.id === "fin-contrat")).to.include({ date: end, daysLeft: 100 });
    const { domain } = api.server;
    expect(await domain.deadlines.fireDue()).to.equal(0);
    await api.call("PUT", "/v2/clock", { as: "demo", body: { timestamp: now + 11 * DAY } });
    expect(await domain.deadlines.fireDue()).to.be.greaterThan(0);
    expect(await domain.deadlines.fireDue()).to.equal(0); // once
    const journal = (await api.call("GET", `/api/dossiers/${contract.reference}/journal`, { as: "agent" })).body.items;
    const reminder = journal.find((e: any) => e.action === "deadline.reached");
    expect(reminder.after).to.deep.equal({ deadline: "fin-contrat", dueDate: end, daysBefore: 90 });
    const started = journal.find((e: any) => e.action === "process.started" && e.after.bpmnProcessId === "contrat-echeance");
    expect(started, "the renewal decision process").to.not.equal(undefined);
    const tasks = await until(async () => (await api.call("GET", `/api/dossiers/${contract.reference}`, { as: "agent" })).body.tasks.find((t: any) => t.elementId === "DecideRenewal"), "the renewal task");
    expect(tasks.name).to.equal("Décider du renouvellement");
  });
});
