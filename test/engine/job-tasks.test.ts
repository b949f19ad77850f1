/**
 * Service, send and business-rule tasks wait for a job of the zeebe:taskDefinition type; a script
 * task with zeebe:script is evaluated by the engine itself.
 */
import { expect } from "chai";
import { deployFixtures, startTestEngine, visited, type TestEngine } from "../helpers/engine.js";

describe("engine: job-based tasks and script tasks", () => {
  let t: TestEngine;

  beforeEach(async () => {
    t = await startTestEngine();
  });

  afterEach(async () => {
    await t.close();
  });

  it("should create a job of the static type with the model's retries and custom headers for a service task", async () => {
    // given
    await deployFixtures(t.engine, "engine/job-tasks.bpmn");
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "job-tasks", variables: { orderId: "A-1" } });

    // when
    const [job, ...more] = await t.engine.activateJobs({ type: "send-invoice", worker: "billing", timeout: 30_000, maxJobsToActivate: 5 });

    // then
    expect(more).to.have.length(0);
    expect(job).to.include({ processInstanceKey, elementId: "Task_Invoice", type: "send-invoice", retries: 5, worker: "billing", bpmnProcessId: "job-tasks" });
    expect(job!.customHeaders).to.deep.equal({ template: "invoice-v2", channel: "mail" });
    expect(job!.deadline).to.equal(t.clock.now() + 30_000);
    expect(job!.variables).to.deep.equal({ orderId: "A-1" });
    const created = t.engine.history(processInstanceKey).find((r) => r.type === "JOB_CREATED");
    expect(created).to.include({ key: job!.jobKey, jobType: "send-invoice", retries: 5, elementId: "Task_Invoice" });
  });

  it("should make a job of a send task and of a business rule task, retries defaulting to 3", async () => {
    // given
    await deployFixtures(t.engine, "engine/job-tasks.bpmn");
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "job-tasks" });
    const [invoice] = await t.engine.activateJobs({ type: "send-invoice", timeout: 30_000, maxJobsToActivate: 1 });
    await t.engine.completeJob(invoice!.jobKey);

    // when
    const [notify] = await t.engine.activateJobs({ type: "notify-customer", timeout: 30_000, maxJobsToActivate: 1 });
    await t.engine.completeJob(notify!.jobKey);
    const [score] = await t.engine.activateJobs({ type: "score-risk", timeout: 30_000, maxJobsToActivate: 1 });
    await t.engine.completeJob(score!.jobKey);

    // then
    expect(notify).to.include({ elementId: "Task_Notify", retries: 3 });
    expect(notify!.customHeaders).to.deep.equal({});
    expect(score).to.include({ elementId: "Task_Score", retries: 1 });
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
    const types = t.engine.history(processInstanceKey).filter((r) => r.type === "ELEMENT_COMPLETED").map((r) => r.elementType);
    expect(types).to.deep.equal(["START_EVENT", "SERVICE_TASK", "SEND_TASK", "BUSINESS_RULE_TASK", "END_EVENT", "PROCESS"]);
  });

  it("should evaluate a FEEL job type and FEEL retries when the task is reached", async () => {
    // given
    await deployFixtures(t.engine, "engine/job-type-feel.bpmn");

    // when
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "job-type-feel", variables: { source: "crm", attempts: 7 } });

    // then
    const [job] = t.engine.jobs({ processInstanceKey });
    expect(job).to.include({ type: "fetch-crm", retries: 7, state: "ACTIVATABLE" });
    const activated = await t.engine.activateJobs({ type: "fetch-crm", timeout: 1000, maxJobsToActivate: 1 });
    expect(activated.map((j) => j.jobKey)).to.deep.equal([job!.key]);
  });

  it("should hand a job all variables visible from its task, or only those asked for with fetchVariable", async () => {
    // given
    await deployFixtures(t.engine, "engine/job-simple.bpmn");
    await t.engine.createProcessInstance({ bpmnProcessId: "job-simple", variables: { customer: "ACME", amount: 120, notes: ["a"] } });
    await t.engine.createProcessInstance({ bpmnProcessId: "job-simple", variables: { customer: "Globex", amount: 80, notes: [] } });

    // when
    const [all] = await t.engine.activateJobs({ type: "work", timeout: 1000, maxJobsToActivate: 1 });
    const [some] = await t.engine.activateJobs({ type: "work", timeout: 1000, maxJobsToActivate: 1, fetchVariable: ["amount", "missing"] });

    // then
    expect(all!.variables).to.deep.equal({ customer: "ACME", amount: 120, notes: ["a"] });
    expect(some!.variables).to.deep.equal({ amount: 80 });
  });

  it("should propagate the variables of a job completion to the process", async () => {
    // given
    await deployFixtures(t.engine, "engine/job-simple.bpmn");
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "job-simple", variables: { amount: 1 } });
    const [job] = await t.engine.activateJobs({ type: "work", timeout: 1000, maxJobsToActivate: 1 });

    // when
    await t.engine.completeJob(job!.jobKey, { amount: 2, receipt: { id: "R-9" } });

    // then
    expect(t.engine.variables(processInstanceKey)).to.deep.equal({ amount: 2, receipt: { id: "R-9" } });
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
    const updates = t.engine.history(processInstanceKey).filter((r) => r.type === "VARIABLE_UPDATED" || r.type === "VARIABLE_CREATED").map((r) => [r.type, r["name"]]);
    expect(updates).to.deep.equal([["VARIABLE_CREATED", "amount"], ["VARIABLE_UPDATED", "amount"], ["VARIABLE_CREATED", "receipt"]]);
  });

  it("should evaluate a zeebe:script and store the result in its resultVariable without a job", async () => {
    // given
    await deployFixtures(t.engine, "engine/script-task.bpmn");

    // when
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "script-task", variables: { a: 2, b: 40 } });

    // then
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
    expect(t.engine.variables(processInstanceKey)).to.deep.equal({ a: 2, b: 40, sum: 42 });
    expect(t.engine.jobs({ processInstanceKey })).to.deep.equal([]);
    expect(visited(t.engine, processInstanceKey)).to.include("Task_Sum");
  });

  it("should raise an EXTRACT_VALUE_ERROR incident and keep the script task waiting when its FEEL expression fails", async () => {
    // given
    await deployFixtures(t.engine, "engine/script-task-failure.bpmn");

    // when
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "script-task-failure", variables: { items: [1, 2] } });

    // then
    const [incident] = t.engine.incidents({ processInstanceKey });
    expect(incident).to.include({ state: "ACTIVE", errorType: "EXTRACT_VALUE_ERROR", elementId: "Task_Total" });
    expect(incident!.errorMessage).to.contain("computeTotal");
    expect(t.engine.activeElements(processInstanceKey).map((e) => [e.elementId, e.state])).to.deep.equal([["Task_Total", "ACTIVATING"]]);
    expect(t.engine.variables(processInstanceKey)).not.to.have.property("total");
  });
});
