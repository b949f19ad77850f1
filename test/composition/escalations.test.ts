/**
 * Escalations: an intermediate throw escalation event looks for a catch from its scope outwards —
 * boundary events on the enclosing sub-process (interrupting or not) and escalation event
 * sub-processes. Unlike an error, an escalation nobody catches is no incident: the process goes on.
 */
import { expect } from "chai";
import { deployFixtures, startTestEngine, visited, type TestEngine } from "../helpers/engine.js";
import { openTask, records } from "./support.js";

describe("composition: escalations", () => {
  let t: TestEngine;

  beforeEach(async () => {
    t = await startTestEngine();
    await deployFixtures(
      t.engine,
      "composition/escalation-non-interrupting.bpmn",
      "composition/escalation-interrupting.bpmn",
      "composition/escalation-event-sub-process.bpmn",
      "composition/escalation-uncaught.bpmn",
      "composition/escalation-call-parent.bpmn",
      "composition/escalation-call-child.bpmn",
    );
  });

  afterEach(async () => {
    await t.close();
  });

  it("should continue both paths when a non-interrupting boundary event on the sub-process catches the escalation", async () => {
    // when the sub-process throws 'NEEDS_MANAGER' on its way to the review
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "escalation-non-interrupting" });

    // then the boundary path and the sub-process's own path both run
    expect(records(t.engine, processInstanceKey, "ESCALATION_THROWN")[0]).to.include({ elementId: "Throw_Needs_Manager", code: "NEEDS_MANAGER", caught: true });
    expect(records(t.engine, processInstanceKey, "ESCALATION_CAUGHT").map((r) => r.elementId)).to.deep.equal(["Boundary_Manager"]);
    expect(visited(t.engine, processInstanceKey, "ELEMENT_TERMINATED")).to.deep.equal([]);
    expect(visited(t.engine, processInstanceKey)).to.include.members(["Throw_Needs_Manager", "Boundary_Manager"]);
    openTask(t.engine, processInstanceKey, "Task_Review");
    openTask(t.engine, processInstanceKey, "Task_Inform_Manager");
    expect(t.engine.activeElements(processInstanceKey).map((e) => e.elementId)).to.have.members(["Sub_Review", "Task_Review", "Task_Inform_Manager"]);
  });

  it("should complete the process once both paths after a non-interrupting escalation are done", async () => {
    // given
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "escalation-non-interrupting" });

    // when
    await t.engine.completeUserTask(openTask(t.engine, processInstanceKey, "Task_Inform_Manager").key);
    await t.engine.completeUserTask(openTask(t.engine, processInstanceKey, "Task_Review").key);

    // then
    expect(visited(t.engine, processInstanceKey).slice(-5)).to.deep.equal(["Task_Review", "Sub_End", "Sub_Review", "EndEvent_1", "escalation-non-interrupting"]);
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
  });

  it("should terminate the sub-process when an interrupting boundary event catches the escalation", async () => {
    // when
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "escalation-interrupting" });

    // then the review never starts; the manager decides instead
    expect(records(t.engine, processInstanceKey, "ESCALATION_CAUGHT").map((r) => r.elementId)).to.deep.equal(["Boundary_Manager"]);
    expect(visited(t.engine, processInstanceKey, "ELEMENT_TERMINATED")).to.deep.equal(["Throw_Needs_Manager", "Sub_Review"]);
    expect(t.engine.userTasks({ processInstanceKey, elementId: "Task_Review" })).to.deep.equal([]);
    openTask(t.engine, processInstanceKey, "Task_Manager_Decides");
    expect(t.engine.activeElements(processInstanceKey).map((e) => e.elementId)).to.deep.equal(["Task_Manager_Decides"]);
  });

  it("should start a non-interrupting escalation event sub-process of the process for an escalation thrown in a sub-process", async () => {
    // when
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "escalation-event-sub-process" });

    // then the customer is told while the delivery goes on
    expect(records(t.engine, processInstanceKey, "ESCALATION_CAUGHT").map((r) => r.elementId)).to.deep.equal(["Start_Late"]);
    openTask(t.engine, processInstanceKey, "Task_Deliver");
    openTask(t.engine, processInstanceKey, "Task_Notify_Customer");
    expect(t.engine.activeElements(processInstanceKey).map((e) => e.elementId)).to.have.members(["Sub_Delivery", "Task_Deliver", "ESP_Late", "Task_Notify_Customer"]);

    // and the process completes when both are done
    await t.engine.completeUserTask(openTask(t.engine, processInstanceKey, "Task_Deliver").key);
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("ACTIVE");
    await t.engine.completeUserTask(openTask(t.engine, processInstanceKey, "Task_Notify_Customer").key);
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
  });

  it("should go on without an incident when nothing catches the escalation", async () => {
    // when
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "escalation-uncaught" });

    // then
    expect(records(t.engine, processInstanceKey, "ESCALATION_THROWN")[0]).to.include({ elementId: "Throw_Escalate", code: "NOBODY_LISTENS", caught: false });
    expect(t.engine.incidents({ processInstanceKey })).to.deep.equal([]);
    expect(visited(t.engine, processInstanceKey)).to.deep.equal(["StartEvent_1", "Throw_Escalate"]);
    openTask(t.engine, processInstanceKey, "Task_Continue");
  });

  it("should catch an escalation thrown in a called process on the call activity's non-interrupting boundary event", async () => {
    // when the child escalates a late delivery
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "escalation-call-parent" });

    // then the parent apologises while the child goes on delivering
    const [, child] = t.engine.callTree(processInstanceKey);
    expect(records(t.engine, child!.key, "ESCALATION_THROWN")[0]).to.include({ elementId: "Throw_Late", code: "LATE", caught: true });
    expect(records(t.engine, processInstanceKey, "ESCALATION_CAUGHT").map((r) => r.elementId)).to.deep.equal(["Boundary_Late"]);
    openTask(t.engine, processInstanceKey, "Task_Apologise");
    openTask(t.engine, child!.key, "Task_Deliver");
    expect(t.engine.processInstance(child!.key)?.state).to.equal("ACTIVE");
  });
});
