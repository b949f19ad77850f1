import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadConfig } from "../../src/config.js";
import { startServer } from "../../src/main.js";
import { demoApi } from "./inbox-helpers.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

describe("web: inbox endpoints (/api/ui/inbox)", function () {
  this.timeout(30_000);
  let server: Awaited<ReturnType<typeof startServer>>;
  let dir: string;
  let base: string;

  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "dossier-inbox-api-"));
    server = await startServer(loadConfig({ PORT: "0", DATA_DIR: dir, SQLITE_SYNCHRONOUS: "NORMAL" }, ROOT), () => undefined);
    base = `http://127.0.0.1:${server.port}`;
    await demoApi(base).deploy("inbox-call-back.bpmn");
  });

  after(async () => {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("should give an agent the dossier reference of instances where they see a task, and nothing about the others", async () => {
    // given one call-back for the agents and one for the sales team only
    const demo = demoApi(base);
    const theirs = await demo.start("inbox-call-back", { group: "agents", dossierRef: "DOS-A-1", customerName: "Boulangerie Martin" });
    const others = await demo.start("inbox-call-back", { group: "sales", dossierRef: "DOS-S-1" });
    await demo.openTask(theirs, "CallBack");

    // when the agent asks for both dossiers
    const { items } = await demoApi(base, "agent").call("POST", "/api/ui/inbox/dossiers", { processInstanceKeys: [theirs, others] });

    // then only the visible one comes back, with its reference and customer
    expect(items).to.deep.equal([{ processInstanceKey: theirs, dossierReference: "DOS-A-1", customerName: "Boulangerie Martin" }]);
  });

  it("should show a task's process, previous steps with who did them, and open incidents", async () => {
    // given a call-back whose CRM sync failed (an incident) and whose first task was done by the agent
    const demo = demoApi(base);
    const pi = await demo.start("inbox-call-back", { group: "agents", reference: "REF-42" });
    await demo.failJob(pi, "inbox-test-crm-sync", "CRM unreachable");
    const task = await demo.openTask(pi, "CallBack");

    // when the agent reads the task's context
    const context = await demoApi(base, "agent").call("GET", `/api/ui/inbox/tasks/${task.userTaskKey}/context`);

    // then it names the process, the dossier, the steps so far and the incident
    expect(context).to.include({ processInstanceKey: pi, processDefinitionId: "inbox-call-back", processName: "Rappel client (test)", dossierReference: "REF-42", instanceState: "ACTIVE" });
    expect(context.steps.map((s: { elementId: string; state: string }) => `${s.elementId}:${s.state}`)).to.deep.equal(["Start:COMPLETED", "SyncCrm:ACTIVE"]);
    expect(context.incidents).to.have.length(1);
    expect(context.incidents[0]).to.include({ elementId: "SyncCrm", elementName: "Synchroniser le CRM", errorType: "JOB_NO_RETRIES", errorMessage: "CRM unreachable" });
  });

  it("should name who completed the earlier user tasks of a dossier", async () => {
    // given a customer file whose documents the agent collected
    const demo = demoApi(base);
    const agent = demoApi(base, "agent");
    const pi = await demo.start("customer-file-validation", { dossierRef: "DOS-V-1" });
    const collect = await demo.openTask(pi, "CollectDocuments");
    await agent.call("POST", `/v2/user-tasks/${collect.userTaskKey}/assignment`, { assignee: "agent" });
    await agent.call("POST", `/v2/user-tasks/${collect.userTaskKey}/completion`, { variables: { kbis: true, rib: true, decisionMakerId: true } });
    // (the next step is the conformity check today; select it by what is open, the demo model may change)
    const [next] = await demo.nextTasks(pi, collect.userTaskKey);
    expect(next, "an open task after the documents were collected").to.not.equal(undefined);

    // when a manager (who sees every task) opens the next task's context
    const context = await demoApi(base, "manager").call("GET", `/api/ui/inbox/tasks/${next!.userTaskKey}/context`);

    // then the collection step says it was done by the agent
    const step = context.steps.find((s: { elementId: string }) => s.elementId === "CollectDocuments");
    expect(step).to.include({ state: "COMPLETED", completedBy: "agent" });
  });

  it("should answer 404 for the context of a task the caller cannot see", async () => {
    const demo = demoApi(base);
    const pi = await demo.start("inbox-call-back", { group: "sales", dossierRef: "DOS-S-2" });
    const task = await demo.openTask(pi, "CallBack");
    const res = await fetch(`${base}/api/ui/inbox/tasks/${task.userTaskKey}/context`, { headers: { authorization: `Basic ${Buffer.from("agent:agent").toString("base64")}` } });
    expect(res.status).to.equal(404);
  });
});
