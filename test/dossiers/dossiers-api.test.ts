import { expect } from "chai";
import type { ApiServer } from "../api/v2/server.js";
import { newCustomerFile, startDossierServer, until } from "./support.js";

describe("dossiers API: open, edit, move, act", () => {
  let api: ApiServer;
  before(async () => {
    api = await startDossierServer();
  });
  after(() => api.stop());

  it("should list the demo dossiers a new agent finds after npm start", async () => {
    const { status, body } = await api.call("GET", "/api/dossiers?type=client", { as: "agent" });
    expect(status).to.equal(200);
    expect(body.items.map((d: any) => d.title)).to.include.members(["Boulangerie Martin", "Garage Dupuis & Fils", "Sophie Lefèvre"]);
    expect(body.items.every((d: any) => /^CLI-\d{4}-\d{5}$/.test(d.reference))).to.equal(true);
    expect(body.total).to.equal(body.items.length);
  });

  it("should open a dossier for a new caller with the party created on the fly and start its opening process", async () => {
    const created = await api.call("POST", "/api/dossiers", { as: "agent", body: newCustomerFile() });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    expect(created.body.reference).to.match(/^CLI-\d{4}-\d{5}$/);
    expect(created.body.processInstanceKey).to.be.a("string");
    const view = await api.call("GET", `/api/dossiers/${created.body.reference}`, { as: "agent" });
    expect(view.headers.get("etag")).to.equal('"1"');
    expect(view.body.state).to.equal("prospect");
    expect(view.body.parties[0].party.name).to.equal("MENUISERIE ROUSSEAU");
    expect(view.body.customer.name).to.equal("MENUISERIE ROUSSEAU");
    expect(view.body.tasks.map((t: any) => t.elementId)).to.deep.equal(["CollectDocuments"]);
    expect(view.body.processes[0]).to.include({ bpmnProcessId: "customer-file-validation", kind: "opening", state: "ACTIVE" });
    const task = await api.call("POST", "/v2/user-tasks/search", { as: "agent", body: { filter: { processInstanceKey: created.body.processInstanceKey } } });
    expect(task.body.items).to.have.length(1);
    const vars = await api.call("POST", `/v2/user-tasks/${task.body.items[0].userTaskKey}/variables/search`, { as: "agent", body: {} });
    const byName = Object.fromEntries(vars.body.items.map((v: any) => [v.name, JSON.parse(v.value)]));
    expect(byName["dossierRef"]).to.equal(created.body.reference);
    expect(byName["dossier"]).to.deep.include({ reference: created.body.reference, type: "client", state: "prospect" });
    expect(byName["dossier"].customer.name).to.equal("MENUISERIE ROUSSEAU");
    const context = await api.call("GET", `/api/ui/inbox/tasks/${task.body.items[0].userTaskKey}/context`, { as: "agent" });
    expect(context.body.dossier).to.include({ reference: created.body.reference, title: "Menuiserie Rousseau", state: "prospect" });
  });

  it("should open one dossier for a creation repeated with the same Idempotency-Key (retry, double click)", async () => {
    const body = newCustomerFile("Cordonnerie Lucas", "contact@cordonnerie-lucas.fr");
    const headers = { "idempotency-key": "appel-2026-12-07-0915" };
    const [a, b] = await Promise.all([api.call("POST", "/api/dossiers", { as: "agent", body, headers }), api.call("POST", "/api/dossiers", { as: "agent", body, headers })]);
    expect([a.status, b.status].sort()).to.deep.equal([200, 201]);
    expect(a.body.reference).to.equal(b.body.reference);
    expect(a.body.processInstanceKey).to.equal(b.body.processInstanceKey);
    const later = await api.call("POST", "/api/dossiers", { as: "agent", body, headers });
    expect(later.status).to.equal(200);
    expect(later.body.reference).to.equal(a.body.reference);
    const found = await api.call("GET", "/api/dossiers?q=cordonnerie", { as: "agent" });
    expect(found.body.total).to.equal(1);
    // Another user's key space is their own.
    const other = await api.call("POST", "/api/dossiers", { as: "manager", body, headers });
    expect(other.status).to.equal(201);
    expect(other.body.reference).to.not.equal(a.body.reference);
  });

  it("should refuse every wrong field at once and create nothing", async () => {
    const before = (await api.call("GET", "/api/dossiers?type=client", { as: "agent" })).body.total;
    const { status, body } = await api.call("POST", "/api/dossiers", {
      as: "agent",
      body: { type: "client", title: "", data: { segment: "marsien", chiffreAffaires: "beaucoup", inconnu: 1 }, parties: [{ role: "customer", party: { kind: "organisation", name: "X", emails: ["pas-un-mail"] } }] },
    });
    expect(status).to.equal(400);
    expect(body.title).to.equal("VALIDATION_FAILED");
    expect(body.problems.map((p: any) => p.field)).to.include.members(["title", "data.segment", "data.chiffreAffaires", "data.inconnu"]);
    expect((await api.call("GET", "/api/dossiers?type=client", { as: "agent" })).body.total).to.equal(before);
  });

  it("should answer 400 naming the known types for an unknown type", async () => {
    const { status, body } = await api.call("POST", "/api/dossiers", { as: "agent", body: { type: "vaisseau", title: "x" } });
    expect(status).to.equal(400);
    expect(body.detail).to.contain("client").and.contain("vaisseau");
  });

  it("should refuse a change based on an older version with 409 and the current version, and without a version with 428", async () => {
    const { body: created } = await api.call("POST", "/api/dossiers", { as: "agent", body: newCustomerFile("Serrurerie Blanc", "contact@serrurerie-blanc.fr") });
    const ref = created.reference;
    const first = await api.call("PATCH", `/api/dossiers/${ref}`, { as: "agent", headers: { "if-match": '"1"' }, body: { data: { activite: "Serrurerie" } } });
    expect(first.status).to.equal(200);
    expect(first.body.version).to.equal(2);
    const stale = await api.call("PATCH", `/api/dossiers/${ref}`, { as: "manager", headers: { "if-match": '"1"' }, body: { data: { activite: "Métallerie" } } });
    expect(stale.status).to.equal(409);
    expect(stale.body).to.include({ title: "VERSION_CONFLICT", currentVersion: 2 });
    expect((await api.call("PATCH", `/api/dossiers/${ref}`, { as: "agent", body: { title: "x" } })).status).to.equal(428);
    const view = await api.call("GET", `/api/dossiers/${ref}`, { as: "agent" });
    expect(view.body.data.activite).to.equal("Serrurerie");
  });

  it("should move along allowed transitions only, with the fields required in the target state", async () => {
    const { body: created } = await api.call("POST", "/api/dossiers", { as: "agent", body: newCustomerFile("Traiteur Garnier", "contact@traiteur-garnier.fr") });
    const ref = created.reference;
    const unknown = await api.call("POST", `/api/dossiers/${ref}/state`, { as: "agent", body: { to: "lune" } });
    expect(unknown.status).to.equal(400);
    const none = await api.call("POST", `/api/dossiers/${ref}/state`, { as: "agent", body: { to: "archive" } });
    expect(none.status).to.equal(409);
    const missing = await api.call("POST", `/api/dossiers/${ref}/state`, { as: "agent", body: { to: "client" } });
    expect(missing.status).to.equal(400);
    expect(missing.body.problems.map((p: any) => p.field)).to.deep.equal(["data.dateEntree"]);
    await api.call("PATCH", `/api/dossiers/${ref}`, { as: "agent", body: { version: 1, data: { dateEntree: "2026-12-01" } } });
    const moved = await api.call("POST", `/api/dossiers/${ref}/state`, { as: "agent", body: { to: "client", comment: "Contrat signé" } });
    expect(moved.status, JSON.stringify(moved.body)).to.equal(200);
    expect(moved.body.state).to.equal("client");
    const closing = await api.call("POST", `/api/dossiers/${ref}/state`, { as: "agent", body: { to: "clos" } });
    expect(closing.status).to.equal(403);
    expect(closing.body.detail).to.contain("manager");
    const journal = await api.call("GET", `/api/dossiers/${ref}/journal`, { as: "agent" });
    const change = journal.body.items.find((e: any) => e.action === "state.changed");
    expect(change.before).to.deep.equal({ state: "prospect" });
    expect(change.after).to.deep.equal({ state: "client", comment: "Contrat signé" });
  });

  it("should start an amendment from the catalogue once, journal it, and say why a second is not available", async () => {
    const ref = "CLI-2026-00001";
    const actions = await api.call("GET", `/api/dossiers/${ref}/actions`, { as: "agent" });
    expect(actions.body.items.find((a: any) => a.id === "avenant")).to.include({ available: true });
    expect(actions.body.items.find((a: any) => a.id === "cloture")).to.include({ available: false });
    const started = await api.call("POST", `/api/dossiers/${ref}/actions/avenant`, { as: "agent", body: {} });
    expect(started.status, JSON.stringify(started.body)).to.equal(201);
    const tasks = await api.call("GET", `/api/dossiers/${ref}`, { as: "agent" });
    expect(tasks.body.tasks.map((t: any) => t.elementId)).to.include("Amendment");
    const again = await api.call("POST", `/api/dossiers/${ref}/actions/avenant`, { as: "agent", body: {} });
    expect(again.status).to.equal(409);
    expect(again.body.detail).to.contain("Already in progress");
    const after = await api.call("GET", `/api/dossiers/${ref}/actions`, { as: "agent" });
    expect(after.body.items.find((a: any) => a.id === "avenant")).to.include({ available: false, reason: "Déjà en cours" });
  });

  it("should let a process create a child contract through dossier.update", async () => {
    const ref = "CLI-2026-00001";
    const started = await api.call("POST", `/api/dossiers/${ref}/actions/nouveau-contrat`, { as: "agent", body: { variables: { produit: "rc-pro" } } });
    expect(started.status).to.equal(201);
    const child = await until(async () => {
      const view = await api.call("GET", `/api/dossiers/${ref}`, { as: "agent" });
      return view.body.children.find((c: any) => c.data.produit === "rc-pro");
    }, "the child contract");
    expect(child).to.include({ type: "contrat", state: "brouillon" });
    expect(child.title).to.equal("Contrat Boulangerie Martin");
    const childView = await api.call("GET", `/api/dossiers/${child.reference}`, { as: "agent" });
    expect(childView.body.parent.reference).to.equal(ref);
  });

  it("should journal the completion of a task by its assignee, from the engine's history", async () => {
    const { body: created } = await api.call("POST", "/api/dossiers", { as: "agent", body: newCustomerFile("Fromagerie Petit", "contact@fromagerie-petit.fr") });
    const task = (await api.call("POST", "/v2/user-tasks/search", { as: "agent", body: { filter: { processInstanceKey: created.processInstanceKey } } })).body.items[0];
    await api.call("POST", `/v2/user-tasks/${task.userTaskKey}/assignment`, { as: "agent", body: { assignee: "agent" } });
    const done = await api.call("POST", `/v2/user-tasks/${task.userTaskKey}/completion`, { as: "agent", body: { variables: { kbis: true, rib: true, decisionMakerId: true } } });
    expect(done.status).to.equal(204);
    const entry = await until(async () => (await api.call("GET", `/api/dossiers/${created.reference}/journal`, { as: "agent" })).body.items.find((e: any) => e.action === "task.completed"), "the journal entry");
    expect(entry.actor).to.equal("agent");
    expect(entry.summary).to.contain("Collecter les pièces justificatives");
    expect(entry.after.outcome).to.deep.equal({ kbis: true, rib: true, decisionMakerId: true });
    const verification = await api.call("GET", `/api/dossiers/${created.reference}/journal/verification`, { as: "agent" });
    expect(verification.body.valid).to.equal(true);
  });

  it("should keep notes and logged calls in the exchanges timeline, private ones hidden outside the sector", async () => {
    const ref = "CLI-2026-00003";
    expect((await api.call("POST", `/api/dossiers/${ref}/notes`, { as: "agent", body: { text: "Rappeler après 18 h", public: false } })).status).to.equal(201);
    expect((await api.call("POST", `/api/dossiers/${ref}/notes`, { as: "agent", body: { text: "Votre dossier est complet", public: true } })).status).to.equal(201);
    const call = await api.call("POST", `/api/dossiers/${ref}/calls`, {
      as: "agent", body: { direction: "in", contact: "Sophie Lefèvre", outcome: "Devis habitation à envoyer", summary: "Déménagement prévu en mars", script: { greet: true, identify: true, search: true, listen: true, rephrase: true, propose: true, recap: true, close: true } },
    });
    expect(call.status).to.equal(201);
    const bad = await api.call("POST", `/api/dossiers/${ref}/calls`, { as: "agent", body: { direction: "sideways" } });
    expect(bad.status).to.equal(400);
    expect(bad.body.problems.map((p: any) => p.field)).to.include.members(["direction", "contact", "outcome"]);
    const timeline = await api.call("GET", `/api/dossiers/${ref}/journal?kind=exchanges`, { as: "agent" });
    expect(timeline.body.items.map((e: any) => e.action)).to.deep.equal(["note.added", "note.added", "call.logged"]);
    expect(timeline.body.items[2].after.scriptCompleted).to.equal(8);
    // The auditor sees every dossier, and private entries too; nobody else outside the sector sees the dossier at all.
    const audited = await api.call("GET", `/api/dossiers/${ref}/journal?kind=exchanges`, { as: "auditor" });
    expect(audited.body.items).to.have.length(3);
  });

  it("should export the list the user sees as CSV and XLSX", async () => {
    const csv = await fetch(`${api.base}/api/dossiers/export?type=client&format=csv&columns=reference,title,state,data.segment`, { headers: { authorization: `Basic ${Buffer.from("agent:agent").toString("base64")}` } });
    expect(csv.status).to.equal(200);
    const raw = Buffer.from(await csv.arrayBuffer());
    expect([...raw.subarray(0, 3)]).to.deep.equal([0xef, 0xbb, 0xbf]); // UTF-8 BOM: French Excel reads the accents
    const lines = raw.subarray(3).toString("utf8").trim().split(/\r?\n/);
    expect(lines[0]).to.equal("reference;title;state;Segment");
    expect(lines.some((l) => l.includes("Boulangerie Martin;Client;Professionnel"))).to.equal(true);
    const xlsx = await fetch(`${api.base}/api/dossiers/export?type=client&format=xlsx`, { headers: { authorization: `Basic ${Buffer.from("agent:agent").toString("base64")}` } });
    const bytes = Buffer.from(await xlsx.arrayBuffer());
    expect(bytes.subarray(0, 2).toString()).to.equal("PK");
    const ExcelJS = (await import("exceljs")).default;
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(bytes as any);
    const titles = book.getWorksheet("Dossiers")!.getColumn(3).values.slice(2);
    expect(titles).to.include("Boulangerie Martin");
  });

  it("should filter and sort on any field of the type, in SQL", async () => {
    const pro = await api.call("GET", "/api/dossiers?type=client&f.segment=particulier", { as: "agent" });
    expect(pro.body.items.map((d: any) => d.title)).to.deep.equal(["Sophie Lefèvre"]);
    const amount = await api.call("GET", "/api/dossiers?type=demande-intervention&f.montant.gte=10000", { as: "agent" });
    expect(amount.body.items.map((d: any) => d.title)).to.deep.equal(["Panneaux solaires — M. Bernard"]);
    const sorted = await api.call("GET", "/api/dossiers?type=demande-intervention&sort=-data.montant", { as: "agent" });
    expect(sorted.body.items[0].title).to.equal("Panneaux solaires — M. Bernard");
    const bad = await api.call("GET", "/api/dossiers?type=client&f.couleur=bleu", { as: "agent" });
    expect(bad.status).to.equal(400);
    const page = await api.call("GET", "/api/dossiers?pageSize=2&page=2&sort=reference", { as: "agent" });
    expect(page.body.items).to.have.length(2);
    expect(page.body.page).to.equal(2);
  });

  it("should save list views per user and share them only from a manager", async () => {
    const mine = await api.call("POST", "/api/dossier-views", { as: "agent", body: { name: "Mes prospects", type: "client", filters: { state: "prospect" }, columns: ["reference", "title"], sort: "-updatedAt" } });
    expect(mine.status).to.equal(201);
    expect((await api.call("POST", "/api/dossier-views", { as: "agent", body: { name: "Pour tous", shared: true } })).status).to.equal(400);
    const shared = await api.call("POST", "/api/dossier-views", { as: "manager", body: { name: "Sinistres", type: "contrat", shared: true } });
    expect(shared.status).to.equal(201);
    const seen = await api.call("GET", "/api/dossier-views", { as: "agent" });
    expect(seen.body.items.map((v: any) => v.name)).to.include.members(["Mes prospects", "Sinistres"]);
    expect((await api.call("GET", "/api/dossier-views", { as: "manager" })).body.items.map((v: any) => v.name)).to.not.include("Mes prospects");
    expect((await api.call("DELETE", `/api/dossier-views/${mine.body.id}`, { as: "manager" })).status).to.equal(404);
    expect((await api.call("DELETE", `/api/dossier-views/${mine.body.id}`, { as: "agent" })).status).to.equal(204);
  });
});
