/**
 * Signals are broadcasts: every subscription waiting for the name fires (start events, catch events,
 * boundary events), whether the signal comes from the API or from a signal throw or end event of
 * another instance. A signal reaching nobody is not an error.
 */
import { expect } from "chai";
import { deployFixtures, startTestEngine, visited, type TestEngine } from "../helpers/engine.js";
import { completions, instancesOf, records } from "./helpers.js";

describe("events: signals", () => {
  let t: TestEngine;

  beforeEach(async () => {
    t = await startTestEngine();
  });

  afterEach(async () => {
    await t.close();
  });

  async function waitingForAlarm(count: number): Promise<number[]> {
    const keys: number[] = [];
    for (let i = 0; i < count; i++) keys.push((await t.engine.createProcessInstance({ bpmnProcessId: "signal-catch", variables: { i } })).processInstanceKey);
    return keys;
  }

  it("should start an instance of a process with a signal start event, with the signal's variables", async () => {
    // given
    await deployFixtures(t.engine, "events/signal-start.bpmn");

    // when
    const { triggered } = await t.engine.broadcastSignal("alarm", { level: 2 });

    // then
    const [instance, ...more] = instancesOf(t.engine, "signal-start");
    expect(more).to.have.length(0);
    expect(triggered).to.deep.equal([{ processInstanceKey: instance, elementId: "StartEvent_Alarm" }]);
    expect(t.engine.variables(instance!)).to.deep.equal({ level: 2 });
    expect(t.engine.userTasks({ processInstanceKey: instance! })).to.have.length(1);
  });

  it("should continue every instance waiting at a signal catch event, all with the signal's variables", async () => {
    // given three waiting instances
    await deployFixtures(t.engine, "events/signal-catch.bpmn");
    const waiting = await waitingForAlarm(3);

    // when
    const { triggered } = await t.engine.broadcastSignal("alarm", { level: 3 });

    // then
    expect(triggered.map((r) => r.processInstanceKey)).to.have.members(waiting);
    for (const [i, key] of waiting.entries()) {
      expect(t.engine.processInstance(key)?.state).to.equal("COMPLETED");
      expect(t.engine.variables(key)).to.deep.equal({ i, level: 3 });
      expect(visited(t.engine, key)).to.deep.equal(["StartEvent_1", "Catch_Alarm", "EndEvent_1", "signal-catch"]);
      expect(records(t.engine, key, "SIGNAL_TRIGGERED")).to.have.length(1);
    }
  });

  it("should not fire a signal catch event for a signal with another name", async () => {
    // given
    await deployFixtures(t.engine, "events/signal-catch.bpmn");
    const [key] = await waitingForAlarm(1);

    // when
    const { triggered } = await t.engine.broadcastSignal("fire-drill");

    // then
    expect(triggered).to.deep.equal([]);
    expect(t.engine.processInstance(key!)?.state).to.equal("ACTIVE");
    expect(t.engine.subscriptions(key!)).to.have.length(1);
  });

  it("should terminate the task, cancel its user task and take the boundary path on an interrupting signal", async () => {
    // given
    await deployFixtures(t.engine, "events/signal-boundary.bpmn");
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "signal-boundary" });

    // when
    await t.engine.broadcastSignal("shutdown");

    // then
    expect(t.engine.userTasks({ processInstanceKey })[0]?.state).to.equal("CANCELED");
    expect(visited(t.engine, processInstanceKey, "ELEMENT_TERMINATED")).to.deep.equal(["Task_Work"]);
    expect(visited(t.engine, processInstanceKey)).to.deep.equal(["StartEvent_1", "Boundary_Shutdown", "End_Aborted", "signal-boundary"]);
    expect(t.engine.subscriptions(processInstanceKey)).to.deep.equal([]);
  });

  it("should take the boundary path on each non-interrupting signal and keep the task waiting", async () => {
    // given
    await deployFixtures(t.engine, "events/signal-boundary.bpmn");
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "signal-boundary" });

    // when
    await t.engine.broadcastSignal("ping");
    await t.engine.broadcastSignal("ping");

    // then
    expect(completions(t.engine, processInstanceKey, "Boundary_Ping")).to.equal(2);
    expect(completions(t.engine, processInstanceKey, "End_Pinged")).to.equal(2);
    expect(t.engine.userTasks({ processInstanceKey })[0]?.state).to.equal("CREATED");
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("ACTIVE");
    expect(t.engine.subscriptions(processInstanceKey).map((s) => s.elementId)).to.have.members(["Boundary_Shutdown", "Boundary_Ping"]);
  });

  it("should broadcast from an intermediate signal throw event to other instances, with its input mappings as variables, and go on", async () => {
    // given two instances waiting for 'alarm' and a process started by it
    await deployFixtures(t.engine, "events/signal-catch.bpmn", "events/signal-start.bpmn", "events/signal-throw.bpmn");
    const waiting = await waitingForAlarm(2);

    // when
    const { processInstanceKey: thrower } = await t.engine.createProcessInstance({ bpmnProcessId: "signal-throw", variables: { level: 5, secret: "x" } });

    // then
    for (const key of waiting) {
      expect(t.engine.processInstance(key)?.state).to.equal("COMPLETED");
      expect(t.engine.variables(key)).to.have.property("level", 5);
      expect(t.engine.variables(key)).to.not.have.property("secret");
    }
    const [started] = instancesOf(t.engine, "signal-start");
    expect(t.engine.variables(started!)).to.deep.equal({ level: 5 });
    expect(visited(t.engine, thrower)).to.deep.equal(["StartEvent_1", "Throw_Alarm"]);
    expect(t.engine.userTasks({ processInstanceKey: thrower })).to.have.length(1);
  });

  it("should broadcast from a signal end event to other instances and complete the thrower", async () => {
    // given
    await deployFixtures(t.engine, "events/signal-catch.bpmn", "events/signal-end.bpmn");
    const waiting = await waitingForAlarm(2);

    // when
    const { processInstanceKey: thrower } = await t.engine.createProcessInstance({ bpmnProcessId: "signal-end" });

    // then
    for (const key of waiting) expect(t.engine.processInstance(key)?.state).to.equal("COMPLETED");
    expect(t.engine.processInstance(thrower)?.state).to.equal("COMPLETED");
    expect(visited(t.engine, thrower)).to.deep.equal(["StartEvent_1", "End_Alarm", "signal-end"]);
  });

  it("should not fire a catch event that opens after the broadcast", async () => {
    // given
    await deployFixtures(t.engine, "events/signal-catch.bpmn");
    await t.engine.broadcastSignal("alarm");

    // when
    const [key] = await waitingForAlarm(1);

    // then
    expect(t.engine.processInstance(key!)?.state).to.equal("ACTIVE");
    expect(t.engine.subscriptions(key!)[0]).to.include({ kind: "SIGNAL", name: "alarm", elementId: "Catch_Alarm" });
  });
});
