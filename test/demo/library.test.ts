/**
 * Demo content as a whole: `npm start` deploys every .bpmn and .form of processes/ in one deployment
 * (deployFolder in src/main.ts), on an empty database and again on every later start.
 */
import { expect } from "chai";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { deployFolder } from "../../src/main.js";
import { startTestEngine, type TestEngine } from "../helpers/engine.js";

const PROCESSES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "processes");
const formFiles = () => readdirSync(PROCESSES).filter((name) => name.endsWith(".form")).sort();

describe("demo: the model library of processes/", () => {
  let t: TestEngine;

  beforeEach(async () => {
    t = await startTestEngine();
  });

  afterEach(async () => {
    await t.close();
  });

  it("should deploy the processes, the case model and every form on an empty database", async () => {
    // when
    const deployment = await deployFolder(t.engine, PROCESSES);

    // then
    expect(deployment!.processes.map((p) => [p.bpmnProcessId, p.version]).sort()).to.deep.equal([
      ["archive-disposal", 1], ["archive-integrity-incident", 1], ["contrat-avenant", 1], ["contrat-echeance", 1], ["contrat-nouveau", 1], ["customer-file-validation", 1], ["dossier-client", 1], ["factures-revue", 1], ["mail-bounce-followup", 1], ["mail-triage", 1], ["new-request-intake", 1], ["recrutement-candidature", 1], ["relance-grands-comptes", 1], ["relance-mauvais-payeur", 1], ["relance-standard", 1],
    ]);
    expect(deployment!.forms.map((f) => `${f.formId}.form`).sort()).to.deep.equal(formFiles());
    expect(deployment!.forms.map((f) => f.resourceName).sort()).to.deep.equal(formFiles());
  });

  it("should find nothing new to deploy on a later start", async () => {
    // given
    await deployFolder(t.engine, PROCESSES);
    const t2 = await t.restart();
    t = t2;

    // when
    const again = await deployFolder(t.engine, PROCESSES);

    // then
    expect(again!.processes.every((p) => p.duplicate && p.version === 1)).to.equal(true);
    expect(again!.forms.every((f) => f.duplicate && f.version === 1)).to.equal(true);
  });

  it("should keep the document checkboxes the web UI relies on in the collect-documents form", () => {
    // when
    const form = JSON.parse(readFileSync(path.join(PROCESSES, "collect-documents.form"), "utf8")) as { id: string; components: Array<{ type: string; key?: string }> };

    // then
    expect(form.id).to.equal("collect-documents");
    const checkboxes = form.components.filter((c) => c.type === "checkbox").map((c) => c.key);
    expect(checkboxes).to.include.members(["kbis", "rib", "decisionMakerId"]);
  });
});
