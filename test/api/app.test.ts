import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadConfig } from "../../src/config.js";
import { startServer } from "../../src/main.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

describe("server with the demo models (npm start)", () => {
  let dir: string;
  let server: Awaited<ReturnType<typeof startServer>>;
  let base: string;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "server-"));
    const config = loadConfig({ PORT: "0", DATA_DIR: dir, SQLITE_SYNCHRONOUS: "NORMAL" }, ROOT);
    server = await startServer(config, () => undefined);
    base = `http://127.0.0.1:${server.port}`;
  });

  after(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const auth = { authorization: `Basic ${Buffer.from("demo:demo").toString("base64")}` };
  const json = async (method: string, url: string, body?: unknown) => {
    const res = await fetch(base + url, { method, headers: { "content-type": "application/json", ...auth }, ...(body !== undefined ? { body: JSON.stringify(body) } : {}) });
    const text = await res.text();
    return { status: res.status, type: res.headers.get("content-type") ?? "", body: text ? JSON.parse(text) : undefined };
  };

  it("should deploy the models of processes/ at start", async () => {
    const { status, body } = await json("GET", "/api/process-definitions");
    expect(status).to.equal(200);
    expect(body.map((d: { bpmnProcessId: string }) => d.bpmnProcessId).sort()).to.deep.equal(["archive-disposal", "archive-integrity-incident", "contrat-avenant", "contrat-echeance", "contrat-nouveau", "customer-file-validation", "dossier-client", "factures-revue", "mail-bounce-followup", "mail-triage", "new-request-intake", "recrutement-candidature", "relance-grands-comptes", "relance-mauvais-payeur", "relance-standard"]);
  });

  it("should run the validation circuit of a customer file to 'validated' through the API", async () => {
    // given a new file
    const created = await json("POST", "/api/process-instances", { bpmnProcessId: "customer-file-validation", variables: { customer: "SARL Martin" } });
    expect(created.status).to.equal(201);
    const key = created.body.processInstanceKey as string;
    const complete = async (elementId: string, variables: Record<string, unknown>) => {
      const tasks = (await json("GET", "/api/user-tasks")).body as Array<{ key: string; elementId: string; processInstanceKey: string }>;
      const task = tasks.find((t) => t.elementId === elementId && t.processInstanceKey === key);
      expect(task, `a waiting '${elementId}' task`).to.not.equal(undefined);
      expect((await json("POST", `/api/user-tasks/${task!.key}/completion`, { variables })).status).to.equal(204);
    };
    // when the agent first reports missing documents, then all of them; the reviewer finds it conform
    await complete("CollectDocuments", { kbis: true, rib: false, decisionMakerId: true });
    await complete("CollectDocuments", { kbis: true, rib: true, decisionMakerId: true });
    await complete("ConformityCheck", { conform: true });
    await complete("PrepareContract", {});
    await complete("InformSalesManager", {});
    // then
    const instance = await json("GET", `/api/process-instances/${key}`);
    expect(instance.body.state).to.equal("COMPLETED");
    const history = (await json("GET", `/api/process-instances/${key}/history`)).body as Array<{ type: string; elementId: string }>;
    const ends = history.filter((r) => r.type === "ELEMENT_COMPLETED" && (r.elementId === "Validated" || r.elementId === "Refused"));
    expect(ends.map((r) => r.elementId)).to.deep.equal(["Validated"]);
    expect(history.filter((r) => r.type === "ELEMENT_COMPLETED" && r.elementId === "CollectDocuments")).to.have.length(2);
  });

  it("should answer a repeated completion with a 409 problem and an unknown key with a 404 problem", async () => {
    const created = await json("POST", "/api/process-instances", { bpmnProcessId: "new-request-intake" });
    const tasks = (await json("GET", "/api/user-tasks")).body as Array<{ key: string; processInstanceKey: string }>;
    const task = tasks.find((t) => t.processInstanceKey === created.body.processInstanceKey)!;
    expect((await json("POST", `/api/user-tasks/${task.key}/completion`, { variables: { distanceKm: 45 } })).status).to.equal(204);
    const again = await json("POST", `/api/user-tasks/${task.key}/completion`, {});
    expect(again.status).to.equal(409);
    expect(again.type).to.contain("application/problem+json");
    expect(again.body.detail).to.equal(`Expected to complete user task '${task.key}', but it is already completed`);
    const unknown = await json("POST", "/api/user-tasks/123/completion", {});
    expect(unknown.status).to.equal(404);
    // and the out-of-zone request went to the partner branch
    const waiting = (await json("GET", `/api/process-instances/${created.body.processInstanceKey}`)).body;
    expect(waiting.activeElements.map((e: { elementId: string }) => e.elementId)).to.deep.equal(["ReferToPartner"]);
  });

  it("should refuse malformed input with a problem naming what was expected", async () => {
    const res = await fetch(`${base}/api/process-instances`, { method: "POST", headers: { "content-type": "application/json", ...auth }, body: "{oops" });
    expect(res.status).to.equal(400);
    const problem = (await res.json()) as { detail: string };
    expect(problem.detail).to.match(/^Expected a JSON body, but it does not parse/);
    const missing = await json("POST", "/api/process-instances", { bpmnProcessId: "nope" });
    expect(missing.status).to.equal(404);
    expect(missing.body.detail).to.equal("Expected to find a deployed process with id 'nope', but none was found");
  });

  it("should deploy BPMN posted as XML and list every problem of an invalid model", async () => {
    const res = await fetch(`${base}/api/deployments?name=broken.bpmn`, {
      method: "POST",
      headers: { "content-type": "application/xml", ...auth },
      body: `<?xml version="1.0"?><bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="D" targetNamespace="x"><bpmn:process id="p" isExecutable="true"><bpmn:serviceTask id="work"/></bpmn:process></bpmn:definitions>`,
    });
    expect(res.status).to.equal(400);
    const problem = (await res.json()) as { problems: Array<{ elementId?: string; message: string }> };
    expect(problem.problems.map((p) => p.elementId)).to.have.members(["p", "work"]);
  });
});
