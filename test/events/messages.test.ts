/**
 * Messages: a message start event starts instances (one per correlation key while one is active);
 * intermediate catch events and receive tasks wait for a message whose correlation key (FEEL,
 * evaluated on entry) matches theirs, and go on with its variables.
 */
import { expect } from "chai";
import { deployFixtures, startTestEngine, visited, type TestEngine } from "../helpers/engine.js";
import { HOUR, instancesOf, records, waitingAt } from "./helpers.js";

describe("events: message start events", () => {
  let t: TestEngine;

  beforeEach(async () => {
    t = await startTestEngine();
    await deployFixtures(t.engine, "events/message-start.bpmn");
  });

  afterEach(async () => {
    await t.close();
  });

  it("should start an instance with the message's variables when its message is published", async () => {
    // given a process that starts on 'order-placed'

    // when
    const published = await t.engine.publishMessage({ name: "order-placed", variables: { orderId: "A-1", amount: 120 } });

    // then
    const [instance, ...more] = instancesOf(t.engine, "message-start");
    expect(more).to.have.length(0);
    expect(published.correlations).to.deep.equal([{ processInstanceKey: instance, elementId: "StartEvent_Order" }]);
    expect(t.engine.variables(instance!)).to.deep.equal({ orderId: "A-1", amount: 120 });
    expect(visited(t.engine, instance!)).to.deep.equal(["StartEvent_Order"]);
    expect(t.engine.userTasks({ processInstanceKey: instance! })).to.have.length(1);
    expect(records(t.engine, instance!, "MESSAGE_CORRELATED")[0]).to.include({ key: published.messageKey, name: "order-placed", elementId: "StartEvent_Order" });
  });

  it("should not start a second instance for a correlation key while the first one is active", async () => {
    // given an active instance started for key A-1
    await t.engine.publishMessage({ name: "order-placed", correlationKey: "A-1", variables: { n: 1 } });

    // when the same key comes again, and another key
    const again = await t.engine.publishMessage({ name: "order-placed", correlationKey: "A-1", variables: { n: 2 } });
    const other = await t.engine.publishMessage({ name: "order-placed", correlationKey: "B-2", variables: { n: 3 } });

    // then
    expect(again.correlations).to.deep.equal([]);
    expect(other.correlations).to.have.length(1);
    const instances = instancesOf(t.engine, "message-start");
    expect(instances.map((k) => t.engine.variables(k)["n"])).to.deep.equal([1, 3]);
  });

  it("should start a new instance for a correlation key once the previous one has ended", async () => {
    // given the instance for key A-1 has completed
    const first = await t.engine.publishMessage({ name: "order-placed", correlationKey: "A-1" });
    const firstKey = first.correlations[0]!.processInstanceKey;
    await t.engine.completeUserTask(t.engine.userTasks({ processInstanceKey: firstKey })[0]!.key);

    // when
    const second = await t.engine.publishMessage({ name: "order-placed", correlationKey: "A-1" });

    // then
    expect(t.engine.processInstance(firstKey)?.state).to.equal("COMPLETED");
    expect(second.correlations).to.have.length(1);
    expect(second.correlations[0]!.processInstanceKey).to.not.equal(firstKey);
    expect(instancesOf(t.engine, "message-start")).to.have.length(2);
  });

  it("should start the next instance from a message buffered for the key when the active instance ends", async () => {
    // given an active instance for key A-1, and a second message for A-1 buffered meanwhile
    const first = await t.engine.publishMessage({ name: "order-placed", correlationKey: "A-1", variables: { n: 1 } });
    const firstKey = first.correlations[0]!.processInstanceKey;
    const buffered = await t.engine.publishMessage({ name: "order-placed", correlationKey: "A-1", variables: { n: 2 }, timeToLive: HOUR });

    // when the active instance completes
    await t.engine.completeUserTask(t.engine.userTasks({ processInstanceKey: firstKey })[0]!.key);

    // then the buffered message starts the next instance (Camunda 8: "when the active process instance is
    // completed or terminated and a message with the same correlationKey is buffered, it is correlated")
    expect(buffered.correlations).to.deep.equal([]);
    const instances = instancesOf(t.engine, "message-start");
    expect(instances).to.have.length(2);
    expect(t.engine.variables(instances[1]!)).to.deep.equal({ n: 2 });
    expect(t.engine.processInstance(instances[1]!)?.state).to.equal("ACTIVE");
  });

  it("should start a new instance for a correlation key once the previous one was cancelled", async () => {
    // given
    const first = await t.engine.publishMessage({ name: "order-placed", correlationKey: "A-1" });
    await t.engine.cancelProcessInstance(first.correlations[0]!.processInstanceKey);

    // when
    const second = await t.engine.publishMessage({ name: "order-placed", correlationKey: "A-1" });

    // then
    expect(second.correlations).to.have.length(1);
  });
});

describe("events: message catch events and receive tasks", () => {
  let t: TestEngine;

  beforeEach(async () => {
    t = await startTestEngine();
    await deployFixtures(t.engine, "events/message-catch.bpmn", "events/message-receive-task.bpmn");
  });

  afterEach(async () => {
    await t.close();
  });

  it("should open a message subscription with the correlation key evaluated when the catch event is entered", async () => {
    // given / when (correlationKey is =orderId)
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "message-catch", variables: { orderId: 42 } });

    // then
    expect(waitingAt(t.engine, processInstanceKey)).to.deep.equal(["Catch_Payment"]);
    expect(t.engine.subscriptions(processInstanceKey)).to.have.length(1);
    expect(t.engine.subscriptions(processInstanceKey)[0]).to.include({ kind: "MESSAGE", elementId: "Catch_Payment", name: "payment-received", correlationKey: "42" });
    expect(records(t.engine, processInstanceKey, "MESSAGE_SUBSCRIPTION_OPENED")[0]).to.include({ name: "payment-received", correlationKey: "42" });
  });

  it("should continue the instance whose correlation key matches, with the message's variables", async () => {
    // given
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "message-catch", variables: { orderId: "A-1" } });

    // when
    const published = await t.engine.publishMessage({ name: "payment-received", correlationKey: "A-1", variables: { paid: 99.5 } });

    // then
    expect(published.correlations).to.deep.equal([{ processInstanceKey, elementId: "Catch_Payment" }]);
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
    expect(t.engine.variables(processInstanceKey)).to.deep.equal({ orderId: "A-1", paid: 99.5 });
    expect(visited(t.engine, processInstanceKey)).to.deep.equal(["StartEvent_1", "Catch_Payment", "EndEvent_1", "message-catch"]);
    expect(t.engine.subscriptions(processInstanceKey)).to.deep.equal([]);
  });

  it("should leave an instance with another correlation key untouched", async () => {
    // given instances A and B wait for the same message with different keys
    const { processInstanceKey: a } = await t.engine.createProcessInstance({ bpmnProcessId: "message-catch", variables: { orderId: "A-1" } });
    const { processInstanceKey: b } = await t.engine.createProcessInstance({ bpmnProcessId: "message-catch", variables: { orderId: "B-2" } });
    const historyOfB = t.engine.history(b);

    // when
    await t.engine.publishMessage({ name: "payment-received", correlationKey: "A-1", variables: { paid: 10 } });

    // then
    expect(t.engine.processInstance(a)?.state).to.equal("COMPLETED");
    expect(t.engine.processInstance(b)?.state).to.equal("ACTIVE");
    expect(t.engine.history(b)).to.deep.equal(historyOfB);
    expect(t.engine.variables(b)).to.deep.equal({ orderId: "B-2" });
    expect(t.engine.subscriptions(b)).to.have.length(1);
  });

  it("should correlate a published message to only one of two instances of the same process waiting with the same key", async () => {
    // given (Camunda 8 message cardinality: once per BPMN process id, across versions)
    const { processInstanceKey: first } = await t.engine.createProcessInstance({ bpmnProcessId: "message-catch", variables: { orderId: "A-1" } });
    const { processInstanceKey: second } = await t.engine.createProcessInstance({ bpmnProcessId: "message-catch", variables: { orderId: "A-1" } });

    // when
    const published = await t.engine.publishMessage({ name: "payment-received", correlationKey: "A-1" });

    // then
    expect(published.correlations).to.deep.equal([{ processInstanceKey: first, elementId: "Catch_Payment" }]);
    expect(t.engine.processInstance(first)?.state).to.equal("COMPLETED");
    expect(waitingAt(t.engine, second)).to.deep.equal(["Catch_Payment"]);
  });

  it("should not correlate a message without a correlation key to a waiting catch event", async () => {
    // given
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "message-catch", variables: { orderId: "A-1" } });

    // when
    const published = await t.engine.publishMessage({ name: "payment-received" });

    // then
    expect(published.correlations).to.deep.equal([]);
    expect(waitingAt(t.engine, processInstanceKey)).to.deep.equal(["Catch_Payment"]);
  });

  it("should raise an EXTRACT_VALUE_ERROR incident when the correlation key evaluates to a boolean", async () => {
    // given / when
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "message-catch", variables: { orderId: true } });

    // then
    const [incident, ...more] = t.engine.incidents({ processInstanceKey });
    expect(more).to.have.length(0);
    expect(incident).to.include({ errorType: "EXTRACT_VALUE_ERROR", elementId: "Catch_Payment", state: "ACTIVE" });
    expect(incident!.errorMessage).to.contain("correlation key");
    expect(t.engine.subscriptions(processInstanceKey)).to.deep.equal([]);
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("ACTIVE");
  });

  it("should complete a receive task when its message arrives, with the message's variables", async () => {
    // given
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "message-receive-task", variables: { contractId: "C-7" } });
    const waiting = waitingAt(t.engine, processInstanceKey);

    // when
    const published = await t.engine.publishMessage({ name: "contract-signed", correlationKey: "C-7", variables: { signedBy: "anna" } });

    // then
    expect(waiting).to.deep.equal(["Receive_Contract"]);
    expect(published.correlations).to.deep.equal([{ processInstanceKey, elementId: "Receive_Contract" }]);
    expect(visited(t.engine, processInstanceKey)).to.deep.equal(["StartEvent_1", "Receive_Contract", "EndEvent_1", "message-receive-task"]);
    expect(t.engine.variables(processInstanceKey)).to.deep.equal({ contractId: "C-7", signedBy: "anna" });
  });
});
