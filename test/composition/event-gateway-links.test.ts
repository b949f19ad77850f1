/**
 * Control-flow events: the event-based gateway (the first event wins; the other waits are withdrawn
 * in the same transaction), link events (a throw jumps to the catch of the same name), and the
 * terminate end event inside a sub-process (it ends that sub-process only).
 */
import { expect } from "chai";
import { deployFixtures, startTestEngine, visited, type TestEngine } from "../helpers/engine.js";
import { openTask, records } from "./support.js";

const DAY = 24 * 60 * 60 * 1000;

describe("composition: event-based gateway, link and terminate events", () => {
  let t: TestEngine;

  beforeEach(async () => {
    t = await startTestEngine();
    await deployFixtures(t.engine, "composition/event-gateway.bpmn", "composition/link-events.bpmn", "composition/terminate-sub-process.bpmn");
  });

  afterEach(async () => {
    await t.close();
  });

  describe("event-based gateway", () => {
    it("should wait for every event after it, with subscriptions owned by the gateway", async () => {
      // when
      const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "event-gateway", variables: { orderId: "O-1" } });

      // then
      const gateway = t.engine.activeElements(processInstanceKey).find((e) => e.elementId === "Gateway_Wait")!;
      expect(gateway).to.include({ elementType: "EVENT_BASED_GATEWAY", state: "ACTIVATED" });
      const subscriptions = t.engine.subscriptions(processInstanceKey);
      expect(subscriptions.map((s) => [s.kind, s.elementId, s.elementInstanceKey])).to.have.deep.members([
        ["MESSAGE", "Catch_Payment", gateway.key],
        ["TIMER", "Catch_Timeout", gateway.key],
      ]);
      expect(subscriptions.find((s) => s.kind === "TIMER")!.dueDate).to.equal(t.clock.now() + 7 * DAY);
    });

    it("should follow the message when it comes first and withdraw the timer at once", async () => {
      // given
      const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "event-gateway", variables: { orderId: "O-1" } });

      // when
      await t.engine.publishMessage({ name: "payment-received", correlationKey: "O-1", variables: { paidAmount: 40 } });

      // then
      expect(t.engine.subscriptions(processInstanceKey)).to.deep.equal([]);
      expect(visited(t.engine, processInstanceKey)).to.deep.equal(["StartEvent_1", "Gateway_Wait", "Catch_Payment"]);
      expect(visited(t.engine, processInstanceKey, "ELEMENT_ACTIVATING")).to.not.include("Catch_Timeout");
      openTask(t.engine, processInstanceKey, "Task_Ship");
      expect(t.engine.variables(processInstanceKey)).to.deep.equal({ orderId: "O-1", paidAmount: 40 });

      // and the timer never fires
      t.clock.advance(8 * DAY);
      expect(await t.engine.fireDueTimers()).to.equal(0);
      expect(t.engine.userTasks({ processInstanceKey, elementId: "Task_Remind" })).to.deep.equal([]);
    });

    it("should follow the timer when it fires first and withdraw the message subscription at once", async () => {
      // given
      const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "event-gateway", variables: { orderId: "O-2" } });

      // when
      t.clock.advance(7 * DAY);
      await t.engine.fireDueTimers();

      // then
      expect(t.engine.subscriptions(processInstanceKey)).to.deep.equal([]);
      expect(records(t.engine, processInstanceKey, "TIMER_TRIGGERED").map((r) => r.elementId)).to.deep.equal(["Catch_Timeout"]);
      openTask(t.engine, processInstanceKey, "Task_Remind");

      // and a late payment message reaches nothing
      const { correlations } = await t.engine.publishMessage({ name: "payment-received", correlationKey: "O-2" });
      expect(correlations).to.deep.equal([]);
      expect(t.engine.userTasks({ processInstanceKey, elementId: "Task_Ship" })).to.deep.equal([]);
    });
  });

  it("should jump from a link throw event to the link catch event of the same name", async () => {
    // when
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "link-events" });

    // then
    expect(records(t.engine, processInstanceKey, "LINK_TAKEN")).to.have.length(1);
    expect(records(t.engine, processInstanceKey, "LINK_TAKEN")[0]).to.include({ elementId: "Throw_To_Archive", target: "Catch_From_Intake" });
    expect(visited(t.engine, processInstanceKey)).to.deep.equal(["StartEvent_1", "Task_Intake", "Throw_To_Archive", "Catch_From_Intake", "Task_Archive", "EndEvent_1", "link-events"]);
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
  });

  it("should end only its sub-process at a terminate end event inside it", async () => {
    // when the sub-process reaches its terminate end event while its detailed check waits
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "terminate-sub-process" });

    // then the detailed check is terminated, the sub-process completes and the process goes on
    expect(visited(t.engine, processInstanceKey, "ELEMENT_TERMINATED")).to.deep.equal(["Task_Inner"]);
    expect(t.engine.userTasks({ processInstanceKey, elementId: "Task_Inner" })[0]).to.include({ state: "CANCELED" });
    const completed = visited(t.engine, processInstanceKey);
    expect(completed.slice(completed.indexOf("End_Terminate"))).to.deep.equal(["End_Terminate", "Sub_Check", "Task_After_Check", "End_Check"]);
    openTask(t.engine, processInstanceKey, "Task_Outer");
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("ACTIVE");
  });
});
