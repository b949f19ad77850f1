/**
 * Messages that interrupt or accompany work: message boundary events on a user task and message
 * event sub-processes at process level, interrupting and not.
 */
import { expect } from "chai";
import { deployFixtures, startTestEngine, visited, type TestEngine } from "../helpers/engine.js";
import { completions, records } from "./helpers.js";

describe("events: message boundary events", () => {
  let t: TestEngine;

  beforeEach(async () => {
    t = await startTestEngine();
    await deployFixtures(t.engine, "events/message-boundary.bpmn");
  });

  afterEach(async () => {
    await t.close();
  });

  async function start(orderId: string) {
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "message-boundary", variables: { orderId } });
    const [task] = t.engine.userTasks({ processInstanceKey });
    return { processInstanceKey, task: task! };
  }

  it("should open one subscription per message boundary event while the task waits", async () => {
    // given / when
    const { processInstanceKey } = await start("A-1");

    // then
    const subscriptions = t.engine.subscriptions(processInstanceKey).map(({ elementId, name, correlationKey, interrupting }) => ({ elementId, name, correlationKey, interrupting }));
    expect(subscriptions).to.have.deep.members([
      { elementId: "Boundary_Cancelled", name: "order-cancelled", correlationKey: "A-1", interrupting: true },
      { elementId: "Boundary_Called", name: "customer-called", correlationKey: "A-1", interrupting: false },
    ]);
  });

  it("should terminate the task, cancel its user task and take the boundary path on an interrupting message", async () => {
    // given
    const { processInstanceKey, task } = await start("A-1");

    // when
    const published = await t.engine.publishMessage({ name: "order-cancelled", correlationKey: "A-1", variables: { reason: "duplicate" } });

    // then
    expect(published.correlations).to.deep.equal([{ processInstanceKey, elementId: "Boundary_Cancelled" }]);
    expect(t.engine.userTasks({ processInstanceKey })[0]).to.include({ key: task.key, state: "CANCELED" });
    expect(visited(t.engine, processInstanceKey, "ELEMENT_TERMINATED")).to.deep.equal(["Task_Review"]);
    expect(visited(t.engine, processInstanceKey)).to.deep.equal(["StartEvent_1", "Boundary_Cancelled", "End_Cancelled", "message-boundary"]);
    expect(t.engine.variables(processInstanceKey)).to.deep.equal({ orderId: "A-1", reason: "duplicate" });
    expect(t.engine.subscriptions(processInstanceKey)).to.deep.equal([]);
  });

  it("should take the boundary path on each non-interrupting message and keep the task waiting", async () => {
    // given
    const { processInstanceKey, task } = await start("A-1");

    // when the customer calls twice
    await t.engine.publishMessage({ name: "customer-called", correlationKey: "A-1", variables: { calls: 1 } });
    await t.engine.publishMessage({ name: "customer-called", correlationKey: "A-1", variables: { calls: 2 } });

    // then
    expect(completions(t.engine, processInstanceKey, "Boundary_Called")).to.equal(2);
    expect(completions(t.engine, processInstanceKey, "End_Noted")).to.equal(2);
    expect(t.engine.userTasks({ processInstanceKey })[0]).to.include({ key: task.key, state: "CREATED" });
    expect(t.engine.variables(processInstanceKey)).to.deep.equal({ orderId: "A-1", calls: 2 });
    expect(t.engine.subscriptions(processInstanceKey)).to.have.length(2);
  });

  it("should withdraw both boundary subscriptions when the task completes", async () => {
    // given
    const { processInstanceKey, task } = await start("A-1");

    // when
    await t.engine.completeUserTask(task.key);
    const late = await t.engine.publishMessage({ name: "order-cancelled", correlationKey: "A-1" });

    // then
    expect(late.correlations).to.deep.equal([]);
    expect(t.engine.subscriptions(processInstanceKey)).to.deep.equal([]);
    expect(visited(t.engine, processInstanceKey)).to.deep.equal(["StartEvent_1", "Task_Review", "End_Done", "message-boundary"]);
  });
});

describe("events: one message, several processes", () => {
  let t: TestEngine;

  beforeEach(async () => {
    t = await startTestEngine();
    await deployFixtures(t.engine, "events/message-boundary.bpmn", "events/message-event-sub-process.bpmn");
  });

  afterEach(async () => {
    await t.close();
  });

  it("should correlate one published message to a waiting instance of each process that subscribed to it", async () => {
    // given both processes wait for 'order-cancelled' with key A-1
    const { processInstanceKey: boundary } = await t.engine.createProcessInstance({ bpmnProcessId: "message-boundary", variables: { orderId: "A-1" } });
    const { processInstanceKey: eventSub } = await t.engine.createProcessInstance({ bpmnProcessId: "message-event-sub-process", variables: { orderId: "A-1" } });

    // when
    const published = await t.engine.publishMessage({ name: "order-cancelled", correlationKey: "A-1" });

    // then
    expect(published.correlations).to.have.deep.members([
      { processInstanceKey: boundary, elementId: "Boundary_Cancelled" },
      { processInstanceKey: eventSub, elementId: "Start_Cancel" },
    ]);
    expect(t.engine.processInstance(boundary)?.state).to.equal("COMPLETED");
    expect(t.engine.processInstance(eventSub)?.state).to.equal("COMPLETED");
  });

  it("should interrupt a task as soon as it starts with a message buffered before", async () => {
    // given
    await t.engine.publishMessage({ name: "order-cancelled", correlationKey: "B-2", timeToLive: 60_000 });

    // when
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "message-boundary", variables: { orderId: "B-2" } });

    // then
    expect(t.engine.userTasks({ processInstanceKey })[0]?.state).to.equal("CANCELED");
    expect(visited(t.engine, processInstanceKey)).to.deep.equal(["StartEvent_1", "Boundary_Cancelled", "End_Cancelled", "message-boundary"]);
    expect(t.engine.subscriptions(processInstanceKey)).to.deep.equal([]);
  });

  it("should start an interrupting event sub-process as soon as the instance starts with a message buffered before", async () => {
    // given
    await t.engine.publishMessage({ name: "order-cancelled", correlationKey: "B-2", timeToLive: 60_000 });

    // when
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "message-event-sub-process", variables: { orderId: "B-2" } });

    // then
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
    expect(visited(t.engine, processInstanceKey)).to.include.members(["Start_Cancel", "End_Cancelled", "EventSub_Cancel"]);
    expect(visited(t.engine, processInstanceKey)).to.not.include("Task_Work");
    expect(t.engine.userTasks({ processInstanceKey }).filter((u) => u.state === "CREATED")).to.deep.equal([]);
    expect(t.engine.subscriptions(processInstanceKey)).to.deep.equal([]);
    expect(t.engine.activeElements(processInstanceKey)).to.deep.equal([]);
  });
});

describe("events: message event sub-processes", () => {
  let t: TestEngine;

  beforeEach(async () => {
    t = await startTestEngine();
    await deployFixtures(t.engine, "events/message-event-sub-process.bpmn");
  });

  afterEach(async () => {
    await t.close();
  });

  async function start(orderId: string) {
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "message-event-sub-process", variables: { orderId } });
    const [task] = t.engine.userTasks({ processInstanceKey });
    return { processInstanceKey, task: task! };
  }

  it("should subscribe to the start messages of its event sub-processes when the instance starts", async () => {
    // given / when
    const { processInstanceKey } = await start("A-1");

    // then
    const subscriptions = t.engine.subscriptions(processInstanceKey).map(({ elementId, correlationKey, interrupting }) => ({ elementId, correlationKey, interrupting }));
    expect(subscriptions).to.have.deep.members([
      { elementId: "Start_Cancel", correlationKey: "A-1", interrupting: true },
      { elementId: "Start_Address", correlationKey: "A-1", interrupting: false },
    ]);
  });

  it("should terminate the running work and complete the instance through an interrupting message event sub-process", async () => {
    // given
    const { processInstanceKey, task } = await start("A-1");

    // when
    const published = await t.engine.publishMessage({ name: "order-cancelled", correlationKey: "A-1", variables: { reason: "customer" } });

    // then
    expect(published.correlations).to.deep.equal([{ processInstanceKey, elementId: "Start_Cancel" }]);
    expect(t.engine.userTasks({ processInstanceKey })[0]).to.include({ key: task.key, state: "CANCELED" });
    expect(visited(t.engine, processInstanceKey, "ELEMENT_TERMINATED")).to.deep.equal(["Task_Work"]);
    expect(visited(t.engine, processInstanceKey)).to.deep.equal(["StartEvent_1", "Start_Cancel", "End_Cancelled", "EventSub_Cancel", "message-event-sub-process"]);
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
    expect(t.engine.variables(processInstanceKey)).to.deep.equal({ orderId: "A-1", reason: "customer" });
    expect(t.engine.subscriptions(processInstanceKey)).to.deep.equal([]);
  });

  it("should run a non-interrupting message event sub-process beside the waiting task, as often as the message comes", async () => {
    // given
    const { processInstanceKey, task } = await start("A-1");

    // when
    await t.engine.publishMessage({ name: "address-changed", correlationKey: "A-1", variables: { city: "Lyon" } });
    await t.engine.publishMessage({ name: "address-changed", correlationKey: "A-1", variables: { city: "Nantes" } });

    // then
    expect(completions(t.engine, processInstanceKey, "EventSub_Address")).to.equal(2);
    expect(t.engine.userTasks({ processInstanceKey })[0]).to.include({ key: task.key, state: "CREATED" });
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("ACTIVE");
    expect(t.engine.variables(processInstanceKey)).to.deep.equal({ orderId: "A-1", city: "Nantes" });
    expect(records(t.engine, processInstanceKey, "ELEMENT_TERMINATED")).to.deep.equal([]);
  });

  it("should withdraw the event sub-process subscriptions when the instance completes", async () => {
    // given
    const { processInstanceKey, task } = await start("A-1");

    // when
    await t.engine.completeUserTask(task.key);
    const late = await t.engine.publishMessage({ name: "order-cancelled", correlationKey: "A-1" });

    // then
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
    expect(late.correlations).to.deep.equal([]);
    expect(t.engine.subscriptions(processInstanceKey)).to.deep.equal([]);
  });
});
