import { expect } from "chai";
import { ProcessDefinitionId } from "@camunda8/orchestration-cluster-api";
import { fixtureFile, startApiServer, type ApiServer } from "./server.js";

/** The official Camunda 8 client (BASIC auth, strict response validation) against a real server. */
describe("/v2 with the official client: deploy, start, work, complete", () => {
  let api: ApiServer;
  const now = { consistency: { waitUpToMs: 0 } };

  before(async () => {
    api = await startApiServer();
    await api.client("designer").createDeployment({ resources: [fixtureFile("order-approval.bpmn"), fixtureFile("approve-order.form")] });
  });
  after(() => api.stop());

  it("should deploy a model and a form in one deployment and report both", async () => {
    // when the same resources are deployed again
    const result = await api.client("designer").createDeployment({ resources: [fixtureFile("order-approval.bpmn"), fixtureFile("approve-order.form")] });
    // then both come back at their first version (unchanged resources are not versioned again)
    expect(result.processes.map((p) => [p.processDefinitionId, p.processDefinitionVersion])).to.deep.equal([["order-approval", 1]]);
    expect(result.forms.map((f) => [f.formId, f.version])).to.deep.equal([["approve-order", 1]]);
  });

  it("should find the deployed definition and serve its XML", async () => {
    const client = api.client();
    const found = await client.searchProcessDefinitions({ filter: { processDefinitionId: "order-approval", isLatestVersion: true } }, now);
    expect(found.items).to.have.length(1);
    expect(found.items[0]).to.include({ name: "Order approval", version: 1, resourceName: "order-approval.bpmn" });
    const xml = await client.getProcessDefinitionXml({ processDefinitionKey: found.items[0]!.processDefinitionKey }, now);
    expect(String(xml)).to.contain('<bpmn:process id="order-approval"');
  });

  it("should run an instance through a job worker and a user task to its end", async () => {
    const client = api.client("demo");
    // given a job worker for the service task
    const worker = client.createJobWorker({
      jobType: "check-stock", jobTimeoutMs: 10_000, maxParallelJobs: 5, pollIntervalMs: 50,
      jobHandler: (job) => job.complete({ inStock: (job.variables as { amount: number }).amount < 100 }),
    });
    try {
      // when an order is started
      const created = await client.createProcessInstance({ processDefinitionId: ProcessDefinitionId.assumeExists("order-approval"), variables: { amount: 42 } });
      // then the worker completes the job and the approval waits for the agents
      const agent = api.client("agent");
      const tasks = await agent.searchUserTasks(
        { filter: { processInstanceKey: created.processInstanceKey, state: "CREATED" } },
        { consistency: { waitUpToMs: 5000, pollIntervalMs: 50, predicate: (r) => r.items.length > 0 } },
      );
      const [task] = tasks.items;
      expect(task).to.include({ elementId: "ApproveOrder", name: "Approve order", assignee: null });
      expect(task!.candidateGroups).to.deep.equal(["agents"]);
      // and its form is the deployed one
      const form = await agent.getUserTaskForm({ userTaskKey: task!.userTaskKey }, now);
      expect(form && JSON.parse(form.schema).id).to.equal("approve-order");
      // when the agent claims and completes it
      await agent.assignUserTask({ userTaskKey: task!.userTaskKey, assignee: "agent" });
      await agent.completeUserTask({ userTaskKey: task!.userTaskKey, variables: { approved: true } });
      // then the instance is completed with the worker's and the agent's variables
      const instance = await client.getProcessInstance({ processInstanceKey: created.processInstanceKey }, now);
      expect(instance.state).to.equal("COMPLETED");
      const variables = await client.searchVariables({ filter: { processInstanceKey: created.processInstanceKey } }, now);
      expect(Object.fromEntries(variables.items.map((v) => [v.name, JSON.parse(v.value)]))).to.deep.equal({ amount: 42, inStock: true, approved: true });
      // and every element passed, in order
      const elements = await client.searchElementInstances({ filter: { processInstanceKey: created.processInstanceKey }, sort: [{ field: "elementInstanceKey" }] }, now);
      expect(elements.items.map((e) => `${e.elementId}:${e.state}`)).to.deep.equal(["OrderReceived:COMPLETED", "CheckStock:COMPLETED", "ApproveOrder:COMPLETED", "OrderDone:COMPLETED"]);
    } finally {
      await worker.stop();
    }
  });

  it("should wait for the end of an instance when asked to (awaitCompletion) and return its variables", async () => {
    // given a worker and an agent who approves at once
    const client = api.client();
    const worker = client.createJobWorker({ jobType: "check-stock", jobTimeoutMs: 10_000, maxParallelJobs: 5, pollIntervalMs: 50, jobHandler: (job) => job.complete({ inStock: true }) });
    const approving = (async () => {
      // up to 20 s: on a loaded machine the worker may take a few seconds to reach the approval task
      for (let i = 0; i < 400; i++) {
        const open = await api.client("agent").searchUserTasks({ filter: { state: "CREATED", processDefinitionId: ProcessDefinitionId.assumeExists("order-approval") } }, now);
        for (const t of open.items) await api.client("agent").completeUserTask({ userTaskKey: t.userTaskKey, variables: { approved: false } });
        if (open.items.length) return;
        await new Promise((r) => setTimeout(r, 50));
      }
    })();
    try {
      // when
      const result = await client.createProcessInstance({
        processDefinitionId: ProcessDefinitionId.assumeExists("order-approval"), variables: { amount: 7 }, awaitCompletion: true, requestTimeout: 25_000,
        fetchVariables: ["approved", "inStock"],
      });
      // then
      expect(result.variables).to.deep.equal({ approved: false, inStock: true });
    } finally {
      await approving;
      await worker.stop();
    }
  });
});
