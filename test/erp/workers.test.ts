/**
 * The Dolibarr job workers in a real process, against the fake Dolibarr over real HTTP: the third
 * party and the project are created as the intake procedure does by hand and their ids stored on
 * the dossier; a retry (the link lost, as after a crash between Dolibarr's answer and our commit)
 * finds them instead of creating twins; Dolibarr's errors end as incidents that say why.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import { startApiServer, type ApiServer } from "../api/v2/server.js";
import { PROCESSES, until } from "../dossiers/support.js";
import { startFakeDolibarr, type FakeDolibarr } from "./fake-dolibarr.js";

const HERE = path.dirname(fileURLToPath(import.meta.url));

describe("erp: dolibarr.thirdparty and dolibarr.project workers", function () {
  this.timeout(30_000);
  let fake: FakeDolibarr;
  let api: ApiServer;

  before(async () => {
    fake = await startFakeDolibarr();
    // Modules read their settings from the process environment (startServer's env).
    Object.assign(process.env, { DOLIBARR_URL: fake.url, DOLIBARR_API_KEY: fake.apiKey, DOLIBARR_PULL_MINUTES: "0", DOLIBARR_TIMEZONE: "UTC", DOLIBARR_RETRY_BACKOFF_MS: "50" });
    try {
      api = await startApiServer({ PROCESSES_DIR: PROCESSES });
    } finally {
      for (const k of ["DOLIBARR_URL", "DOLIBARR_API_KEY", "DOLIBARR_PULL_MINUTES", "DOLIBARR_TIMEZONE", "DOLIBARR_RETRY_BACKOFF_MS"]) delete process.env[k];
    }
    await api.server.engine.deploy([{ name: "erp-intake.bpmn", content: readFileSync(path.join(HERE, "fixtures", "erp-intake.bpmn")) }]);
  });
  after(async () => {
    await api?.stop();
    await fake?.close();
  });

  async function customerFile(title: string, vat: string, email: string) {
    const res = await api.call("POST", "/api/dossiers", {
      as: "manager",
      body: {
        type: "client", title, data: { segment: "professionnel", origine: "telephone" },
        parties: [{ role: "customer", party: { kind: "organisation", name: title, emails: [email], vatNumber: vat, tags: ["Artisan"], phones: [{ number: "04 72 00 11 22", label: "fixe" }, { number: "06 12 34 56 78", label: "mobile" }], address: { street: "rue Garibaldi", number: "12", postcode: "69003", city: "Lyon", country: "FR" } } }],
      },
    });
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return api.server.domain.service.byReference(res.body.reference as string);
  }

  async function run(dossier: ReturnType<ApiServer["server"]["domain"]["service"]["byReference"]>) {
    const { engine, domain } = api.server;
    const key = await engine.transaction((tx) => domain.catalogue.start(tx, dossier, "erp-intake-test", { kind: "action", actionId: null, actor: "test" }));
    return key;
  }

  const db = () => api.server.domain.db;
  const state = (key: number) => (db().prepare(`SELECT state FROM process_instance WHERE key = ?`).get(key) as { state: string }).state;
  const incidents = (key: number) => db().prepare(`SELECT error_message FROM incident WHERE process_instance_key = ? AND state = 'ACTIVE'`).all(key) as Array<{ error_message: string }>;

  it("should create the third party and the project and store their ids on the dossier", async () => {
    const dossier = await customerFile("Menuiserie Rousseau", "FR40303265045", "contact@menuiserie-rousseau.fr");
    const key = await run(dossier);
    await until(() => state(key) === "COMPLETED", "the intake process to complete").catch((e) => {
      console.log(db().prepare(`SELECT * FROM incident`).all(), db().prepare(`SELECT type, state, retries, error_message FROM job WHERE process_instance_key = ?`).all(key), fake.requests.slice(-5), state(key));
      throw e;
    });
    expect(fake.thirdparties).to.have.length(1);
    const tp = fake.thirdparties[0]!;
    expect(tp).to.include({ name: "MENUISERIE ROUSSEAU", client: "1", tva_intra: "FR40303265045", email: "contact@menuiserie-rousseau.fr", address: "12 rue Garibaldi", zip: "69003", town: "Lyon", country_code: "FR" });
    expect(tp["phone"]).to.match(/^\+33472001122$/);
    expect(tp["phone_mobile"]).to.match(/^\+33612345678$/);
    const project = fake.projects[0]!;
    expect(project).to.include({ ref: dossier.reference, title: "Multirisque professionnelle", socid: tp["id"], public: 1, opp_status: 2, opp_amount: 4800.5 });
    const labels = (type: string, id: string) => fake.categoryLinks.filter((l) => l.type === type && String(l.id) === id).map((l) => fake.categories.find((c) => c["id"] === String(l.category))!["label"]).sort();
    expect(labels("customer", tp["id"])).to.deep.equal(["Artisan", "Assurance pro"]);
    expect(labels("project", project["id"])).to.deep.equal(["Multirisque"]);
    const links = db().prepare(`SELECT kind, external_id FROM erp_link WHERE dossier_id = ? ORDER BY kind`).all(dossier.id);
    expect(links).to.deep.equal([{ kind: "project", external_id: project["id"] }, { kind: "thirdparty", external_id: tp["id"] }]);
    const journal = db().prepare(`SELECT action, summary FROM dossier_journal WHERE dossier_id = ? AND action LIKE 'erp.%' ORDER BY seq`).all(dossier.id) as Array<{ action: string; summary: string }>;
    expect(journal.map((j) => j.action)).to.deep.equal(["erp.thirdparty", "erp.project"]);
  });

  it("should not create twins: a linked dossier completes at once, a lost link is found again in Dolibarr", async () => {
    const dossier = api.server.domain.service.byReference((db().prepare(`SELECT d.reference FROM dossier d JOIN erp_link l ON l.dossier_id = d.id LIMIT 1`).get() as { reference: string }).reference);
    const posts = () => [fake.count("POST", /^\/thirdparties$/), fake.count("POST", /^\/projects$/)];
    const before = posts();
    const again = await run(dossier);
    await until(() => state(again) === "COMPLETED", "the second run");
    expect(posts()).to.deep.equal(before);
    db().prepare(`DELETE FROM erp_link WHERE dossier_id = ?`).run(dossier.id); // Dolibarr has them, we lost the ids
    const third = await run(dossier);
    await until(() => state(third) === "COMPLETED", "the run after the lost link");
    expect(posts()).to.deep.equal(before);
    expect(fake.thirdparties).to.have.length(1);
    expect(db().prepare(`SELECT COUNT(*) AS n FROM erp_link WHERE dossier_id = ?`).get(dossier.id)).to.deep.equal({ n: 2 });
  });

  it("should retry a Dolibarr server error and raise an incident naming a refused key", async () => {
    const dossier = await customerFile("Boulangerie Martin", "FR83404833048", "compta@boulangerie-martin.fr");
    fake.failNext("POST", /^\/thirdparties$/, 500, 1, "Error creating thirdparty");
    const key = await run(dossier);
    await until(() => state(key) === "COMPLETED", "the run that met one 500");
    expect(fake.thirdparties.filter((t) => t["name"] === "BOULANGERIE MARTIN")).to.have.length(1);

    const other = await customerFile("Garage Dupuis", "FR23334175221", "garage@dupuis.fr");
    const key2 = await (async () => {
      fake.apiKey = "revoked";
      return run(other);
    })();
    const [incident] = await until(() => incidents(key2).length > 0 && incidents(key2), "an incident");
    expect(incident!.error_message).to.include("dolibarr.thirdparty").and.include("DOLIBARR_API_KEY").and.include("401");
    fake.apiKey = "dolibarr-test-key";
  });

  it("should stop with an incident when the project has no third party yet", async () => {
    const { engine, domain } = api.server;
    const dossier = await customerFile("Plomberie Leroy", "FR32123456789", "leroy@plomberie.fr");
    // A process with only the project task: deploy one on the fly from the fixture.
    const xml = readFileSync(path.join(HERE, "fixtures", "erp-intake.bpmn"), "utf8").replace('id="erp-intake-test"', 'id="erp-project-only"').replace('bpmnElement="erp-intake-test"', 'bpmnElement="erp-project-only"')
      .replace('<bpmn:sequenceFlow id="Flow_1" sourceRef="Start" targetRef="Task_ThirdParty" />', '<bpmn:sequenceFlow id="Flow_1" sourceRef="Start" targetRef="Task_Project" />')
      .replace(/<bpmn:serviceTask id="Task_ThirdParty"[\s\S]*?<\/bpmn:serviceTask>/, "").replace(/<bpmn:sequenceFlow id="Flow_2"[^>]*\/>/, "")
      .replace("<bpmn:incoming>Flow_2</bpmn:incoming>", "<bpmn:incoming>Flow_1</bpmn:incoming>").replace(/<bpmndi:BPMNShape id="Task_ThirdParty_di"[\s\S]*?<\/bpmndi:BPMNShape>/, "").replace(/<bpmndi:BPMNEdge id="Flow_2_di"[\s\S]*?<\/bpmndi:BPMNEdge>/, "");
    await engine.deploy([{ name: "erp-project-only.bpmn", content: Buffer.from(xml) }]);
    const key = await engine.transaction((tx) => domain.catalogue.start(tx, dossier, "erp-project-only", { kind: "action", actionId: null, actor: "test" }));
    const [incident] = await until(() => incidents(key).length > 0 && incidents(key), "an incident");
    expect(incident!.error_message).to.include("dolibarr.project").and.include("third party");
  });
});
