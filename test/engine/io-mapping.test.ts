/**
 * zeebe:ioMapping and the Camunda 8 propagation rules: inputs become local variables of the element;
 * with outputs, only the mapped values leave it; without outputs, completion variables go to the
 * nearest scope that has them, else to the process. A mapping that cannot be evaluated is an
 * IO_MAPPING_ERROR incident that retries the step when resolved.
 */
import { expect } from "chai";
import { deployFixtures, startTestEngine, type TestEngine } from "../helpers/engine.js";

describe("engine: input/output mappings and variable propagation", () => {
  let t: TestEngine;

  beforeEach(async () => {
    t = await startTestEngine();
    await deployFixtures(t.engine, "engine/io-mapping.bpmn", "engine/io-propagation.bpmn");
  });

  afterEach(async () => {
    await t.close();
  });

  const activate = async (type: string) => {
    const [job] = await t.engine.activateJobs({ type, timeout: 10_000, maxJobsToActivate: 1 });
    expect(job, `a job of type ${type}`).to.not.equal(undefined);
    return job!;
  };

  it("should give the job the input-mapped local variables, including a nested target", async () => {
    // given
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "io-mapping", variables: { amount: 10 } });

    // when
    const job = await activate("calculate");

    // then
    expect(job.variables).to.deep.equal({ amount: 10, localAmount: 10, request: { amount: 10 } });
    const created = t.engine.history(processInstanceKey).filter((r) => r.type === "VARIABLE_CREATED" && r["scopeKey"] === job.elementInstanceKey);
    expect(created.map((r) => r["name"])).to.deep.equal(["localAmount", "request"]);
  });

  it("should not leave input-mapped variables in the process after the element completes", async () => {
    // given
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "io-mapping", variables: { amount: 10 } });
    const job = await activate("calculate");

    // when
    await t.engine.completeJob(job.jobKey, { result: { total: 12 } });

    // then
    const variables = t.engine.variables(processInstanceKey);
    expect(variables).not.to.have.any.keys("localAmount", "request");
  });

  it("should let only the output-mapped values of a job result reach the process, merging a nested target", async () => {
    // given an existing invoice context
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "io-mapping", variables: { amount: 10, invoice: { number: "F-7" } } });
    const job = await activate("calculate");

    // when
    await t.engine.completeJob(job.jobKey, { result: { total: 12 }, debug: "x" });

    // then
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
    expect(t.engine.variables(processInstanceKey)).to.deep.equal({ amount: 10, total: 12, invoice: { number: "F-7", total: 12 } });
  });

  it("should propagate job variables without output mappings to the nearest scope that has them, else to the process", async () => {
    // given a sub-process with a local `status` (input mapping) and a process variable `note`
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "io-propagation", variables: { note: "initial" } });
    const job = await activate("update-status");
    const scopeKey = t.engine.activeElements(processInstanceKey).find((e) => e.elementId === "Sub_Scope")!.key;

    // when
    await t.engine.completeJob(job.jobKey, { status: "done", note: "checked", extra: 1 });

    // then
    const writes = t.engine.history(processInstanceKey)
      .filter((r) => r.type === "VARIABLE_CREATED" || r.type === "VARIABLE_UPDATED")
      .map((r) => [r.type, r["name"], r["scopeKey"] === scopeKey ? "sub-process" : r["scopeKey"] === processInstanceKey ? "process" : r["scopeKey"]]);
    expect(writes).to.deep.equal([
      ["VARIABLE_CREATED", "note", "process"],
      ["VARIABLE_CREATED", "status", "sub-process"],
      ["VARIABLE_UPDATED", "status", "sub-process"],
      ["VARIABLE_UPDATED", "note", "process"],
      ["VARIABLE_CREATED", "extra", "process"],
    ]);
    expect(t.engine.variables(processInstanceKey)).to.deep.equal({ note: "checked", extra: 1 });
  });

  it("should raise an IO_MAPPING_ERROR incident for an input mapping on a missing variable, and go on once it is set and resolved", async () => {
    // given
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "io-mapping" });
    const [incident] = t.engine.incidents({ processInstanceKey });
    expect(incident).to.include({ state: "ACTIVE", errorType: "IO_MAPPING_ERROR", elementId: "Task_Calculate" });
    expect(incident!.errorMessage).to.contain("amount");
    expect(t.engine.jobs({ processInstanceKey })).to.deep.equal([]);

    // when
    await t.engine.setVariables(processInstanceKey, { amount: 3 });
    await t.engine.resolveIncident(incident!.key);

    // then
    expect(t.engine.incidents({ processInstanceKey })[0]?.state).to.equal("RESOLVED");
    const job = await activate("calculate");
    expect(job.variables).to.include({ localAmount: 3 });
  });

  it("should keep the element COMPLETING when an output mapping fails, and finish it once fixed and resolved", async () => {
    // given a job completed without the `result` the output mappings read
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "io-mapping", variables: { amount: 10 } });
    const job = await activate("calculate");
    await t.engine.completeJob(job.jobKey, {});
    const [incident] = t.engine.incidents({ processInstanceKey });
    expect(incident).to.include({ state: "ACTIVE", errorType: "IO_MAPPING_ERROR", elementId: "Task_Calculate" });
    expect(t.engine.activeElements(processInstanceKey)).to.deep.equal([
      { key: job.elementInstanceKey, elementId: "Task_Calculate", elementType: "SERVICE_TASK", state: "COMPLETING", incidentKey: incident!.key },
    ]);

    // when
    await t.engine.setVariables(processInstanceKey, { result: { total: 99 } });
    await t.engine.resolveIncident(incident!.key);

    // then
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
    expect(t.engine.variables(processInstanceKey)).to.include({ total: 99 });
    const completions = t.engine.history(processInstanceKey).filter((r) => r.type === "ELEMENT_COMPLETED" && r.elementId === "Task_Calculate");
    expect(completions).to.have.length(1);
  });
});
