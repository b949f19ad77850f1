/**
 * Pass-through elements and the end of a process: none start/end events, tasks and manual tasks,
 * intermediate none throw events, and the terminate end event.
 */
import { expect } from "chai";
import { deployFixtures, startTestEngine, visited, type TestEngine } from "../helpers/engine.js";

describe("engine: start, end and pass-through elements", () => {
  let t: TestEngine;

  beforeEach(async () => {
    t = await startTestEngine();
  });

  afterEach(async () => {
    await t.close();
  });

  it("should complete a process going from a none start event straight to a none end event", async () => {
    // given
    await deployFixtures(t.engine, "engine/none-start-end.bpmn");

    // when
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "none-start-end" });

    // then
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
    expect(visited(t.engine, processInstanceKey)).to.deep.equal(["StartEvent_1", "EndEvent_1", "none-start-end"]);
    expect(visited(t.engine, processInstanceKey, "SEQUENCE_FLOW_TAKEN")).to.deep.equal(["Flow_1"]);
    expect(t.engine.activeElements(processInstanceKey)).to.deep.equal([]);
  });

  it("should pass a task, a manual task and an intermediate none throw event without waiting", async () => {
    // given
    await deployFixtures(t.engine, "engine/pass-through.bpmn");

    // when
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "pass-through" });

    // then
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
    expect(visited(t.engine, processInstanceKey)).to.deep.equal(["StartEvent_1", "Task_Note", "Task_Phone", "Event_Reached", "EndEvent_1", "pass-through"]);
    const types = t.engine.history(processInstanceKey).filter((r) => r.type === "ELEMENT_COMPLETED").map((r) => r.elementType);
    expect(types).to.deep.equal(["START_EVENT", "TASK", "MANUAL_TASK", "INTERMEDIATE_THROW_EVENT", "END_EVENT", "PROCESS"]);
  });

  it("should record every element's lifecycle from activating to completed, in order", async () => {
    // given
    await deployFixtures(t.engine, "engine/none-start-end.bpmn");

    // when
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "none-start-end" });

    // then
    const startEvent = t.engine.history(processInstanceKey).filter((r) => r.elementId === "StartEvent_1").map((r) => r.type);
    expect(startEvent).to.deep.equal(["ELEMENT_ACTIVATING", "ELEMENT_ACTIVATED", "ELEMENT_COMPLETING", "ELEMENT_COMPLETED"]);
  });

  it("should terminate the other tokens of its scope at a terminate end event and complete the process", async () => {
    // given a parallel fork: one branch waits at a user task, the other at a job before a terminate end event
    await deployFixtures(t.engine, "engine/terminate-end.bpmn");
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "terminate-end" });
    const [task] = t.engine.userTasks({ processInstanceKey });
    const [job] = await t.engine.activateJobs({ type: "check", timeout: 10_000, maxJobsToActivate: 1 });

    // when the job branch reaches the terminate end event
    await t.engine.completeJob(job!.jobKey);

    // then the user task branch is terminated and the process completes (not terminated)
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
    const history = t.engine.history(processInstanceKey);
    expect(history.filter((r) => r.type === "USER_TASK_CANCELED").map((r) => r.key)).to.deep.equal([task!.key]);
    expect(visited(t.engine, processInstanceKey, "ELEMENT_TERMINATED")).to.deep.equal(["Task_Review"]);
    expect(visited(t.engine, processInstanceKey)).to.include.members(["End_Terminate", "terminate-end"]);
    expect(visited(t.engine, processInstanceKey)).not.to.include("End_Normal");
    expect(t.engine.userTasks({ processInstanceKey })[0]?.state).to.equal("CANCELED");
    expect(t.engine.activeElements(processInstanceKey)).to.deep.equal([]);
  });
});
