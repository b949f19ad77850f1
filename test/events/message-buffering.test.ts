/**
 * Publish vs correlate. A published message with a time-to-live is buffered until a subscription
 * can take it (each instance at most once), and expires after its TTL; a message id makes publishing
 * idempotent while the first message is buffered. Correlate reaches exactly one waiting subscription
 * now and answers where, or fails with NOT_FOUND, buffering nothing.
 */
import { expect } from "chai";
import { deployFixtures, startTestEngine, visited, type TestEngine } from "../helpers/engine.js";
import { MINUTE, instancesOf, records, rejectionOf, waitingAt } from "./helpers.js";

describe("events: buffered messages (publish with a time-to-live)", () => {
  let t: TestEngine;

  beforeEach(async () => {
    t = await startTestEngine();
    await deployFixtures(t.engine, "events/message-catch.bpmn", "events/message-catch-twice.bpmn");
  });

  afterEach(async () => {
    await t.close();
  });

  it("should buffer a message nobody waits for and let a subscription opened later take it", async () => {
    // given a message published before any instance waits for it
    const published = await t.engine.publishMessage({ name: "payment-received", correlationKey: "A-1", variables: { paid: 50 }, timeToLive: 10 * MINUTE });

    // when
    t.clock.advance(5 * MINUTE);
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "message-catch", variables: { orderId: "A-1" } });

    // then
    expect(published.correlations).to.deep.equal([]);
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
    expect(t.engine.variables(processInstanceKey)).to.deep.equal({ orderId: "A-1", paid: 50 });
    expect(records(t.engine, processInstanceKey, "MESSAGE_CORRELATED")[0]).to.include({ key: published.messageKey, elementId: "Catch_Payment" });
  });

  it("should let a buffered message reach an instance only once, even when it waits for that message again", async () => {
    // given one buffered reminder
    await t.engine.publishMessage({ name: "reminder", correlationKey: "A-1", timeToLive: 10 * MINUTE });

    // when an instance passes the first catch event and waits at the second for the same message
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "message-catch-twice", variables: { orderId: "A-1" } });

    // then
    expect(visited(t.engine, processInstanceKey)).to.deep.equal(["StartEvent_1", "Catch_First"]);
    expect(waitingAt(t.engine, processInstanceKey)).to.deep.equal(["Catch_Second"]);
    expect(records(t.engine, processInstanceKey, "MESSAGE_CORRELATED")).to.have.length(1);
  });

  it("should not hand a message published with a time-to-live again to the instance it reached at once", async () => {
    // given an instance waiting at the first of two catch events for 'reminder'
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "message-catch-twice", variables: { orderId: "A-1" } });

    // when a reminder is published with a time-to-live
    const published = await t.engine.publishMessage({ name: "reminder", correlationKey: "A-1", timeToLive: 10 * MINUTE });

    // then it moved the instance past the first catch event only
    expect(published.correlations).to.deep.equal([{ processInstanceKey, elementId: "Catch_First" }]);
    expect(waitingAt(t.engine, processInstanceKey)).to.deep.equal(["Catch_Second"]);
    expect(records(t.engine, processInstanceKey, "MESSAGE_CORRELATED")).to.have.length(1);
  });

  it("should hand a buffered message to only one instance of a process (Camunda 8 message cardinality)", async () => {
    // given
    await t.engine.publishMessage({ name: "payment-received", correlationKey: "A-1", timeToLive: 10 * MINUTE });

    // when two instances of the same process open a subscription for it
    const { processInstanceKey: first } = await t.engine.createProcessInstance({ bpmnProcessId: "message-catch", variables: { orderId: "A-1" } });
    const { processInstanceKey: second } = await t.engine.createProcessInstance({ bpmnProcessId: "message-catch", variables: { orderId: "A-1" } });

    // then "a message is correlated only once to a process (based on the BPMN process ID), across all versions"
    expect(t.engine.processInstance(first)?.state).to.equal("COMPLETED");
    expect(t.engine.processInstance(second)?.state).to.equal("ACTIVE");
    expect(waitingAt(t.engine, second)).to.deep.equal(["Catch_Payment"]);
  });

  it("should not correlate a buffered message once its time-to-live is over", async () => {
    // given
    await t.engine.publishMessage({ name: "payment-received", correlationKey: "A-1", timeToLive: MINUTE });
    t.clock.advance(MINUTE + 1);
    const expired = await t.engine.expireMessages();

    // when
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "message-catch", variables: { orderId: "A-1" } });

    // then
    expect(expired).to.equal(1);
    expect(waitingAt(t.engine, processInstanceKey)).to.deep.equal(["Catch_Payment"]);
    expect(records(t.engine, processInstanceKey, "MESSAGE_CORRELATED")).to.deep.equal([]);
  });

  it("should refuse a second publish with the same messageId with CONFLICT while the first is buffered", async () => {
    // given
    await t.engine.publishMessage({ name: "reminder", correlationKey: "A-1", messageId: "remind-1", variables: { n: 1 }, timeToLive: 10 * MINUTE });

    // when
    const error = await rejectionOf(t.engine.publishMessage({ name: "reminder", correlationKey: "A-1", messageId: "remind-1", variables: { n: 2 }, timeToLive: 10 * MINUTE }));

    // then only the first message is buffered: an instance waiting for two reminders takes one
    expect(error).to.include({ code: "CONFLICT" });
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "message-catch-twice", variables: { orderId: "A-1" } });
    expect(waitingAt(t.engine, processInstanceKey)).to.deep.equal(["Catch_Second"]);
    expect(t.engine.variables(processInstanceKey)).to.deep.equal({ orderId: "A-1", n: 1 });
  });

  it("should accept the same messageId for another correlation key (ids are unique per name and key)", async () => {
    // given
    await t.engine.publishMessage({ name: "payment-received", correlationKey: "A-1", messageId: "pay-1", timeToLive: 10 * MINUTE });

    // when
    const other = await rejectionOf(t.engine.publishMessage({ name: "payment-received", correlationKey: "B-2", messageId: "pay-1", timeToLive: 10 * MINUTE }));
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "message-catch", variables: { orderId: "B-2" } });

    // then
    expect(other).to.equal(null);
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
  });

  it("should accept a messageId again once the first message has expired", async () => {
    // given
    await t.engine.publishMessage({ name: "payment-received", correlationKey: "A-1", messageId: "pay-1", timeToLive: MINUTE });
    t.clock.advance(2 * MINUTE);
    await t.engine.expireMessages();

    // when
    const again = await t.engine.publishMessage({ name: "payment-received", correlationKey: "A-1", messageId: "pay-1", timeToLive: MINUTE });

    // then
    expect(again.messageKey).to.be.a("number");
  });
});

describe("events: correlateMessage", () => {
  let t: TestEngine;

  beforeEach(async () => {
    t = await startTestEngine();
    await deployFixtures(t.engine, "events/message-catch.bpmn", "events/message-start.bpmn");
  });

  afterEach(async () => {
    await t.close();
  });

  it("should answer with the instance a correlated message reached", async () => {
    // given
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "message-catch", variables: { orderId: "A-1" } });

    // when
    const answer = await t.engine.correlateMessage({ name: "payment-received", correlationKey: "A-1", variables: { paid: 7 } });

    // then
    expect(answer.processInstanceKey).to.equal(processInstanceKey);
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
    expect(t.engine.variables(processInstanceKey)).to.deep.equal({ orderId: "A-1", paid: 7 });
    expect(records(t.engine, processInstanceKey, "MESSAGE_CORRELATED")[0]).to.include({ key: answer.messageKey, elementId: "Catch_Payment" });
  });

  it("should answer with the instance a message start event started", async () => {
    // given a process that starts on 'order-placed'

    // when
    const answer = await t.engine.correlateMessage({ name: "order-placed", variables: { orderId: "B-9" } });

    // then
    expect(instancesOf(t.engine, "message-start")).to.deep.equal([answer.processInstanceKey]);
    expect(t.engine.variables(answer.processInstanceKey)).to.deep.equal({ orderId: "B-9" });
  });

  it("should fail with NOT_FOUND when nothing waits for the message, and buffer nothing", async () => {
    // given nothing waits for key A-1

    // when
    const error = await rejectionOf(t.engine.correlateMessage({ name: "payment-received", correlationKey: "A-1" }));
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "message-catch", variables: { orderId: "A-1" } });

    // then
    expect(error).to.include({ code: "NOT_FOUND" });
    expect(waitingAt(t.engine, processInstanceKey)).to.deep.equal(["Catch_Payment"]);
  });

  it("should reach only one of two instances waiting with the same key", async () => {
    // given
    const { processInstanceKey: first } = await t.engine.createProcessInstance({ bpmnProcessId: "message-catch", variables: { orderId: "A-1" } });
    const { processInstanceKey: second } = await t.engine.createProcessInstance({ bpmnProcessId: "message-catch", variables: { orderId: "A-1" } });

    // when
    const answer = await t.engine.correlateMessage({ name: "payment-received", correlationKey: "A-1" });

    // then
    expect(answer.processInstanceKey).to.equal(first);
    expect(t.engine.processInstance(first)?.state).to.equal("COMPLETED");
    expect(t.engine.processInstance(second)?.state).to.equal("ACTIVE");
  });
});
