/**
 * Regression: a receive task with an interrupting timer boundary. Opening the receive task's own
 * message subscription used to replace the boundary's timer subscription (the history said both
 * were opened, but only the message one was left), so the timer never fired and the token stayed
 * in the receive task forever. Both waits must be open, and whichever comes first wins.
 */
import { expect } from "chai";
import { deployFixtures, startTestEngine, visited, type TestEngine } from "../helpers/engine.js";
import { HOUR, records } from "../events/helpers.js";

describe("regression: receive task with a timer boundary event", () => {
  let t: TestEngine;

  beforeEach(async () => {
    t = await startTestEngine();
    await deployFixtures(t.engine, "regressions/receive-task-timer-boundary.bpmn");
  });

  afterEach(async () => {
    await t.close();
  });

  async function start() {
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "receive-task-timer-boundary", variables: { orderId: "order-1" } });
    return processInstanceKey;
  }

  it("should keep both the message subscription of the receive task and the timer subscription of its boundary open", async () => {
    // when an order waits for its payment, with a 1 hour deadline
    const processInstanceKey = await start();

    // then
    const subscriptions = t.engine.subscriptions(processInstanceKey);
    expect(subscriptions.map((s) => `${s.kind}:${s.elementId}`)).to.have.members(["MESSAGE:Task_Await_Payment", "TIMER:Timer_Payment_Overdue"]);
    expect(subscriptions.find((s) => s.kind === "MESSAGE")).to.include({ name: "payment-received", correlationKey: "order-1" });
    expect(subscriptions.find((s) => s.kind === "TIMER")).to.include({ interrupting: true });
    // and what the history says was opened is what is open
    const opened = [...records(t.engine, processInstanceKey, "TIMER_SUBSCRIPTION_OPENED"), ...records(t.engine, processInstanceKey, "MESSAGE_SUBSCRIPTION_OPENED")];
    expect(opened.map((r) => r.key)).to.have.members(subscriptions.map((s) => s.key));
  });

  it("should fire the timer boundary when it is due and leave the receive task by the boundary path", async () => {
    // given
    const processInstanceKey = await start();

    // when no payment arrives within two hours
    t.clock.advance(2 * HOUR);
    const fired = await t.engine.fireDueTimers();

    // then
    expect(fired).to.equal(1);
    expect(visited(t.engine, processInstanceKey, "ELEMENT_TERMINATED")).to.deep.equal(["Task_Await_Payment"]);
    expect(visited(t.engine, processInstanceKey)).to.deep.equal(["StartEvent_1", "Timer_Payment_Overdue", "End_Overdue", "receive-task-timer-boundary"]);
    expect(t.engine.activeElements(processInstanceKey)).to.deep.equal([]);
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
    expect(t.engine.subscriptions(processInstanceKey)).to.deep.equal([]);
  });

  it("should complete the receive task when the message comes first, and withdraw the timer", async () => {
    // given
    const processInstanceKey = await start();

    // when
    await t.engine.correlateMessage({ name: "payment-received", correlationKey: "order-1" });
    t.clock.advance(2 * HOUR);
    const fired = await t.engine.fireDueTimers();

    // then
    expect(fired).to.equal(0);
    expect(visited(t.engine, processInstanceKey)).to.deep.equal(["StartEvent_1", "Task_Await_Payment", "End_Paid", "receive-task-timer-boundary"]);
    expect(records(t.engine, processInstanceKey, "TIMER_TRIGGERED")).to.deep.equal([]);
    expect(t.engine.subscriptions(processInstanceKey)).to.deep.equal([]);
  });
});
