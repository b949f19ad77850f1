/**
 * Embedded sub-process: a scope of its own for tokens and variables. It starts at its none start
 * event, completes when its last inner token is gone, and is terminated with what it holds.
 */
import { expect } from "chai";
import { deployFixtures, startTestEngine, visited, type TestEngine } from "../helpers/engine.js";

describe("engine: embedded sub-process", () => {
  let t: TestEngine;

  beforeEach(async () => {
    t = await startTestEngine();
    await deployFixtures(t.engine, "engine/sub-process.bpmn", "engine/sub-process-mappings.bpmn", "engine/sub-process-cancel.bpmn");
  });

  afterEach(async () => {
    await t.close();
  });

  const activate = async (type: string) => {
    const [job] = await t.engine.activateJobs({ type, timeout: 10_000, maxJobsToActivate: 1 });
    expect(job, `a job of type ${type}`).to.not.equal(undefined);
    return job!;
  };

  it("should run the inner elements in the sub-process's own scope", async () => {
    // when
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "sub-process" });

    // then the inner start event and task live in the scope of the sub-process, which lives in the process
    const history = t.engine.history(processInstanceKey);
    const sub = history.find((r) => r.type === "ELEMENT_ACTIVATED" && r.elementId === "Sub_Handle")!;
    expect(sub).to.include({ elementType: "SUB_PROCESS", flowScopeKey: processInstanceKey });
    const inner = history.filter((r) => r.type === "ELEMENT_ACTIVATED" && (r.elementId === "Sub_Start" || r.elementId === "Task_Inner"));
    expect(inner.map((r) => r.flowScopeKey)).to.deep.equal([sub.key, sub.key]);
    const active = t.engine.activeElements(processInstanceKey).map((e) => [e.elementId, e.state]);
    expect(active).to.have.deep.members([["Sub_Handle", "ACTIVATED"], ["Task_Inner", "ACTIVATED"]]);
  });

  it("should complete the sub-process at its inner end event and continue after it", async () => {
    // given
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "sub-process" });
    const job = await activate("inner-work");

    // when
    await t.engine.completeJob(job.jobKey);

    // then
    expect(visited(t.engine, processInstanceKey)).to.deep.equal(["StartEvent_1", "Sub_Start", "Task_Inner", "Sub_End", "Sub_Handle", "Task_After", "EndEvent_1", "sub-process"]);
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
  });

  it("should propagate variables created inside the sub-process to the process", async () => {
    // given
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "sub-process" });
    const job = await activate("inner-work");

    // when
    await t.engine.completeJob(job.jobKey, { checked: true });

    // then
    const created = t.engine.history(processInstanceKey).find((r) => r.type === "VARIABLE_CREATED" && r["name"] === "checked");
    expect(created).to.include({ scopeKey: processInstanceKey, value: true });
    expect(t.engine.variables(processInstanceKey)).to.deep.equal({ checked: true });
  });

  it("should update a variable local to the sub-process where it is, without creating it in the process", async () => {
    // given the input mapping gives the sub-process a local variable `localOrder`
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "sub-process-mappings", variables: { orderId: "A-1" } });
    const job = await activate("inner-mapped");
    const subKey = t.engine.activeElements(processInstanceKey).find((e) => e.elementId === "Sub_Handle")!.key;
    expect(job.variables).to.deep.equal({ orderId: "A-1", localOrder: "A-1" });

    // when
    await t.engine.completeJob(job.jobKey, { localOrder: "A-1-checked", summary: "ok" });

    // then
    const updated = t.engine.history(processInstanceKey).filter((r) => r.type === "VARIABLE_UPDATED" && r["name"] === "localOrder");
    expect(updated.map((r) => r["scopeKey"])).to.deep.equal([subKey]);
    expect(t.engine.variables(processInstanceKey)).not.to.have.property("localOrder");
  });

  it("should drop the input-mapped local variables when it ends and apply its output mappings", async () => {
    // given
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "sub-process-mappings", variables: { orderId: "A-1" } });
    const job = await activate("inner-mapped");

    // when
    await t.engine.completeJob(job.jobKey, { summary: "ok" });

    // then
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
    expect(t.engine.variables(processInstanceKey)).to.deep.equal({ orderId: "A-1", summary: "ok", result: "ok" });
  });

  it("should terminate the inner tokens and cancel their job and user task when the process is cancelled", async () => {
    // given a sub-process waiting at a user task and a job
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "sub-process-cancel" });
    const [task] = t.engine.userTasks({ processInstanceKey });
    const [job] = t.engine.jobs({ processInstanceKey });

    // when
    await t.engine.cancelProcessInstance(processInstanceKey);

    // then
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("TERMINATED");
    expect(visited(t.engine, processInstanceKey, "ELEMENT_TERMINATED")).to.have.members(["Task_Approve", "Task_Archive", "Sub_Work", "sub-process-cancel"]);
    const terminated = visited(t.engine, processInstanceKey, "ELEMENT_TERMINATED");
    expect(terminated.indexOf("Sub_Work")).to.be.greaterThan(Math.max(terminated.indexOf("Task_Approve"), terminated.indexOf("Task_Archive")));
    expect(terminated.at(-1)).to.equal("sub-process-cancel");
    expect(t.engine.userTasks({ processInstanceKey })[0]).to.include({ key: task!.key, state: "CANCELED" });
    expect(t.engine.jobs({ processInstanceKey })[0]).to.include({ key: job!.key, state: "CANCELED" });
    const history = t.engine.history(processInstanceKey);
    expect(history.filter((r) => r.type === "USER_TASK_CANCELED").map((r) => r.key)).to.deep.equal([task!.key]);
    expect(history.filter((r) => r.type === "JOB_CANCELED").map((r) => r.key)).to.deep.equal([job!.key]);
    expect(t.engine.activeElements(processInstanceKey)).to.deep.equal([]);
    expect(await t.engine.activateJobs({ type: "archive", timeout: 1000, maxJobsToActivate: 1 })).to.deep.equal([]);
  });
});
