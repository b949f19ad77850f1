/**
 * Regression: an interrupting event sub-process inside a sub-process that has a timer boundary.
 * Starting the event sub-process used to withdraw every wait owned by the sub-process instance,
 * including its own boundary timer, so the deadline never fired. An interrupting event sub-process
 * interrupts the scope's content and its other event sub-process starts, not the boundary events
 * attached to the scope from outside.
 */
import { expect } from "chai";
import { deployFixtures, startTestEngine, visited, type TestEngine } from "../helpers/engine.js";
import { HOUR, MINUTE } from "../events/helpers.js";
import { records, tokenAt } from "../composition/support.js";

describe("regression: interrupting event sub-process inside a sub-process with a timer boundary", () => {
  let t: TestEngine;

  beforeEach(async () => {
    t = await startTestEngine();
    await deployFixtures(t.engine, "regressions/esp-in-sub-process-timer-boundary.bpmn");
  });

  afterEach(async () => {
    await t.close();
  });

  async function startAndCancel() {
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "esp-in-sub-process-timer-boundary", variables: { caseId: "case-7" } });
    const sub = tokenAt(t.engine, processInstanceKey, "Sub_Handle_Case");
    await t.engine.correlateMessage({ name: "case-cancel-requested", correlationKey: "case-7" });
    return { processInstanceKey, sub };
  }

  it("should keep the sub-process's timer boundary open after the event sub-process interrupted its content", async () => {
    // given a case being worked on, with a 1 hour deadline on the sub-process
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "esp-in-sub-process-timer-boundary", variables: { caseId: "case-7" } });
    const sub = tokenAt(t.engine, processInstanceKey, "Sub_Handle_Case");
    const deadline = t.engine.subscriptions(processInstanceKey).find((s) => s.elementId === "Timer_Deadline");
    expect(deadline, "the deadline timer before the cancellation").to.include({ kind: "TIMER", elementInstanceKey: sub.key });

    // when the cancellation message starts the interrupting event sub-process
    await t.engine.correlateMessage({ name: "case-cancel-requested", correlationKey: "case-7" });

    // then the content was interrupted, the event sub-process runs, the deadline is still open
    expect(visited(t.engine, processInstanceKey, "ELEMENT_TERMINATED")).to.deep.equal(["Task_Work"]);
    expect(t.engine.activeElements(processInstanceKey).map((e) => e.elementId)).to.have.members(["Sub_Handle_Case", "ESP_Cancel", "Task_Handle_Cancel"]);
    expect(t.engine.subscriptions(processInstanceKey).map((s) => `${s.kind}:${s.elementId}`)).to.deep.equal(["TIMER:Timer_Deadline"]);
    expect(t.engine.subscriptions(processInstanceKey)[0]).to.include({ key: deadline!.key, dueDate: deadline!.dueDate });
  });

  it("should fire the sub-process's timer boundary after an hour and leave the sub-process by it", async () => {
    // given the cancellation is being handled inside the sub-process
    const { processInstanceKey, sub } = await startAndCancel();

    // when the deadline passes
    t.clock.advance(HOUR + MINUTE);
    const fired = await t.engine.fireDueTimers();

    // then
    expect(fired).to.equal(1);
    expect(records(t.engine, processInstanceKey, "ELEMENT_TERMINATED").map((r) => r.elementId)).to.have.members(["Task_Work", "Task_Handle_Cancel", "ESP_Cancel", "Sub_Handle_Case"]);
    expect(records(t.engine, processInstanceKey, "ELEMENT_TERMINATED", "Sub_Handle_Case").map((r) => r.key)).to.deep.equal([sub.key]);
    expect(visited(t.engine, processInstanceKey)).to.include.members(["Timer_Deadline", "End_Late"]);
    expect(visited(t.engine, processInstanceKey)).to.not.include("End_Done");
    expect(t.engine.jobs({ processInstanceKey, type: "handle-cancellation" }).map((j) => j.state)).to.deep.equal(["CANCELED"]);
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
    expect(t.engine.subscriptions(processInstanceKey)).to.deep.equal([]);
  });

  it("should still withdraw the deadline when the event sub-process completes the sub-process first", async () => {
    // given
    const { processInstanceKey } = await startAndCancel();
    const [job] = t.engine.jobs({ processInstanceKey, type: "handle-cancellation" });

    // when the cancellation is handled within the hour
    await t.engine.completeJob(job!.key);
    t.clock.advance(2 * HOUR);
    const fired = await t.engine.fireDueTimers();

    // then the sub-process left by its normal flow, and the deadline never fired
    expect(fired).to.equal(0);
    expect(visited(t.engine, processInstanceKey)).to.include.members(["End_Cancelled", "ESP_Cancel", "Sub_Handle_Case", "End_Done"]);
    expect(visited(t.engine, processInstanceKey)).to.not.include("Timer_Deadline");
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
    expect(t.engine.subscriptions(processInstanceKey)).to.deep.equal([]);
  });
});
