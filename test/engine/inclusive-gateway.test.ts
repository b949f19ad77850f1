/**
 * Inclusive gateway: a fork takes every flow whose condition is true (the default only when none
 * is); a join waits for the tokens that can still arrive, and no longer for branches whose token
 * went elsewhere.
 */
import { expect } from "chai";
import { deployFixtures, startTestEngine, visited, type TestEngine } from "../helpers/engine.js";

describe("engine: inclusive gateway", () => {
  let t: TestEngine;

  beforeEach(async () => {
    t = await startTestEngine();
    await deployFixtures(t.engine, "engine/inclusive-default.bpmn", "engine/inclusive-join.bpmn", "engine/inclusive-join-escape.bpmn");
  });

  afterEach(async () => {
    await t.close();
  });

  const completeJobOf = async (type: string, variables?: Record<string, unknown>) => {
    const [job] = await t.engine.activateJobs({ type, timeout: 10_000, maxJobsToActivate: 1 });
    expect(job, `a job of type ${type}`).to.not.equal(undefined);
    await t.engine.completeJob(job!.jobKey, variables);
  };

  it("should take every outgoing flow whose condition is true", async () => {
    // when
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "inclusive-default", variables: { byMail: true, bySms: true } });

    // then
    expect(visited(t.engine, processInstanceKey, "SEQUENCE_FLOW_TAKEN")).to.include.members(["Flow_Mail", "Flow_Sms"]).and.not.include("Flow_None");
    expect(visited(t.engine, processInstanceKey)).to.include.members(["Task_Mail", "Task_Sms", "End_Mail", "End_Sms"]);
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
  });

  it("should take only the flows that are true, not the default, when some are", async () => {
    // when
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "inclusive-default", variables: { byMail: false, bySms: true } });

    // then
    const taken = visited(t.engine, processInstanceKey, "SEQUENCE_FLOW_TAKEN");
    expect(taken).to.include("Flow_Sms").and.not.include.members(["Flow_Mail", "Flow_None"]);
  });

  it("should take the default flow only when no condition is true", async () => {
    // when
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "inclusive-default", variables: { byMail: false } });

    // then
    const taken = visited(t.engine, processInstanceKey, "SEQUENCE_FLOW_TAKEN");
    expect(taken).to.include("Flow_None").and.not.include.members(["Flow_Mail", "Flow_Sms"]);
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
  });

  it("should raise a CONDITION_ERROR incident when no condition is true and there is no default flow", async () => {
    // when
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "inclusive-join", variables: { a: false, b: false, c: false } });

    // then
    const [incident] = t.engine.incidents({ processInstanceKey });
    expect(incident).to.include({ state: "ACTIVE", errorType: "CONDITION_ERROR", elementId: "Gateway_Split" });
    expect(t.engine.activeElements(processInstanceKey).map((e) => [e.elementId, e.state])).to.deep.equal([["Gateway_Split", "ACTIVATING"]]);
  });

  it("should fire the join once the two branches the fork took have arrived, not waiting for the third", async () => {
    // given the fork takes A and B but not C
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "inclusive-join", variables: { a: true, b: true, c: false } });
    expect(t.engine.activeElements(processInstanceKey).map((e) => e.elementId).sort()).to.deep.equal(["Task_A", "Task_B"]);

    // when A arrives, the join still waits for B
    await completeJobOf("inclusive-a");
    expect(visited(t.engine, processInstanceKey)).not.to.include("Gateway_Join");

    // when B arrives
    await completeJobOf("inclusive-b");

    // then
    const completed = visited(t.engine, processInstanceKey);
    expect(completed.filter((id) => id === "Gateway_Join")).to.have.length(1);
    expect(completed.filter((id) => id === "Task_After")).to.have.length(1);
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
  });

  it("should fire the join at once when the fork took a single branch", async () => {
    // given
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "inclusive-join", variables: { a: false, b: true, c: false } });

    // when
    await completeJobOf("inclusive-b");

    // then
    expect(visited(t.engine, processInstanceKey)).to.include.members(["Gateway_Join", "Task_After", "EndEvent_1"]);
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
  });

  it("should keep the join waiting while a user task upstream of an empty incoming flow is open", async () => {
    // given the fork takes A and the user task C
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "inclusive-join", variables: { a: true, b: false, c: true } });
    const [check] = t.engine.userTasks({ processInstanceKey });

    // when A arrives
    await completeJobOf("inclusive-a");

    // then the join waits for the token at the user task
    expect(visited(t.engine, processInstanceKey)).not.to.include("Gateway_Join");
    expect(t.engine.activeElements(processInstanceKey).map((e) => e.elementId)).to.deep.equal(["Task_C"]);

    // when the user task is completed
    await t.engine.completeUserTask(check!.key);

    // then
    expect(visited(t.engine, processInstanceKey).filter((id) => id === "Gateway_Join")).to.have.length(1);
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
  });

  it("should stop waiting for a branch whose token left through an exclusive gateway to another end", async () => {
    // given both branches taken; A has arrived at the join
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "inclusive-join-escape", variables: { a: true, b: true } });
    await completeJobOf("escape-a");
    expect(visited(t.engine, processInstanceKey)).not.to.include("Gateway_Join");

    // when B's token is routed away from the join
    await completeJobOf("escape-b", { rejoin: false });

    // then the join fires with A's token alone
    const completed = visited(t.engine, processInstanceKey);
    expect(completed).to.include.members(["Gateway_Route", "End_Escaped", "Gateway_Join", "Task_After", "EndEvent_1"]);
    expect(completed.filter((id) => id === "Gateway_Join")).to.have.length(1);
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
  });

  it("should keep the join waiting while a token upstream is stuck in an incident, and fire once it is resolved", async () => {
    // given B's routing fails (a string where a boolean is expected) and A arrives at the join
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "inclusive-join-escape", variables: { a: true, b: true } });
    await completeJobOf("escape-b", { rejoin: "yes" });
    await completeJobOf("escape-a");
    expect(visited(t.engine, processInstanceKey)).not.to.include("Gateway_Join");
    const [incident] = t.engine.incidents({ processInstanceKey, state: "ACTIVE" });
    expect(incident).to.include({ errorType: "CONDITION_ERROR", elementId: "Gateway_Route" });

    // when
    await t.engine.setVariables(processInstanceKey, { rejoin: true });
    await t.engine.resolveIncident(incident!.key);

    // then
    expect(visited(t.engine, processInstanceKey).filter((id) => id === "Gateway_Join")).to.have.length(1);
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
  });

  it("should join both tokens when the exclusive gateway routes B back to the join", async () => {
    // given
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "inclusive-join-escape", variables: { a: true, b: true } });
    await completeJobOf("escape-a");

    // when
    await completeJobOf("escape-b", { rejoin: true });

    // then
    const completed = visited(t.engine, processInstanceKey);
    expect(completed.filter((id) => id === "Gateway_Join")).to.have.length(1);
    expect(completed).not.to.include("End_Escaped");
    expect(visited(t.engine, processInstanceKey, "SEQUENCE_FLOW_TAKEN")).to.include("Flow_Rejoin");
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
  });
});
