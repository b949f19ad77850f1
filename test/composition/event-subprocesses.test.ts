/**
 * Event sub-processes, at process and at sub-process level. While their scope is active, their start
 * event waits (a subscription owned by the scope). Interrupting ones terminate the scope's other
 * tokens first, and the scope completes after them; non-interrupting ones run beside the rest and
 * can start again and again. Error event sub-processes are in errors.test.ts.
 */
import { expect } from "chai";
import { deployFixtures, startTestEngine, visited, type TestEngine } from "../helpers/engine.js";
import { activateOne, openTask, records } from "./support.js";

const DAY = 24 * 60 * 60 * 1000;

describe("composition: event sub-processes", () => {
  let t: TestEngine;

  beforeEach(async () => {
    t = await startTestEngine();
    await deployFixtures(
      t.engine,
      "composition/esp-message-interrupting.bpmn",
      "composition/esp-message-non-interrupting.bpmn",
      "composition/esp-timer-sub-process.bpmn",
      "composition/esp-timer-cycle-sub-process.bpmn",
    );
  });

  afterEach(async () => {
    await t.close();
  });

  describe("at process level, started by a message", () => {
    it("should open the start event's subscription when the process starts", async () => {
      // when
      const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "esp-message-interrupting", variables: { orderId: "A-1" } });

      // then the process owns it
      const subscriptions = t.engine.subscriptions(processInstanceKey);
      expect(subscriptions).to.have.length(1);
      expect(subscriptions[0]).to.include({ kind: "MESSAGE", elementId: "Start_Cancel", name: "cancel-requested", correlationKey: "A-1", interrupting: true, elementInstanceKey: processInstanceKey });
    });

    it("should terminate every other token when an interrupting one starts, and complete the process after it", async () => {
      // given a process waiting at a user task and a job
      const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "esp-message-interrupting", variables: { orderId: "A-1" } });
      const task = openTask(t.engine, processInstanceKey, "Task_Prepare");
      const [job] = t.engine.jobs({ processInstanceKey });

      // when
      const { correlations } = await t.engine.publishMessage({ name: "cancel-requested", correlationKey: "A-1", variables: { reason: "changed mind" } });

      // then
      expect(correlations).to.deep.equal([{ processInstanceKey, elementId: "Start_Cancel" }]);
      expect(visited(t.engine, processInstanceKey, "ELEMENT_TERMINATED")).to.have.members(["Task_Prepare", "Task_Book"]);
      expect(t.engine.userTasks({ processInstanceKey })[0]).to.include({ key: task.key, state: "CANCELED" });
      expect(t.engine.jobs({ processInstanceKey })[0]).to.include({ key: job!.key, state: "CANCELED" });
      const history = t.engine.history(processInstanceKey);
      const lastTermination = history.findLastIndex((r) => r.type === "ELEMENT_TERMINATED");
      const subProcessStart = history.findIndex((r) => r.type === "ELEMENT_ACTIVATING" && r.elementId === "ESP_Cancel");
      expect(lastTermination).to.be.lessThan(subProcessStart);
      expect(visited(t.engine, processInstanceKey).slice(-5)).to.deep.equal(["Start_Cancel", "Task_Confirm_Cancel", "End_Cancelled", "ESP_Cancel", "esp-message-interrupting"]);
      expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
      expect(t.engine.variables(processInstanceKey)).to.deep.equal({ orderId: "A-1", reason: "changed mind" });
      expect(t.engine.subscriptions(processInstanceKey)).to.deep.equal([]);
    });

    it("should run a non-interrupting one beside the other tokens, as often as the message comes", async () => {
      // given
      const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "esp-message-non-interrupting", variables: { dossierId: "D-7" } });

      // when two notes arrive
      await t.engine.publishMessage({ name: "note-added", correlationKey: "D-7", variables: { note: "first" } });
      await t.engine.publishMessage({ name: "note-added", correlationKey: "D-7", variables: { note: "second" } });

      // then the event sub-process ran twice and the work goes on
      expect(visited(t.engine, processInstanceKey).filter((id) => id === "ESP_Note")).to.have.length(2);
      expect(visited(t.engine, processInstanceKey, "ELEMENT_TERMINATED")).to.deep.equal([]);
      openTask(t.engine, processInstanceKey, "Task_Work");
      expect(t.engine.variables(processInstanceKey)).to.deep.equal({ dossierId: "D-7", note: "second" });
      expect(t.engine.subscriptions(processInstanceKey).map((s) => [s.kind, s.elementId, s.interrupting])).to.deep.equal([["MESSAGE", "Start_Note", false]]);
    });

    it("should withdraw the start event's subscription when the process completes", async () => {
      // given
      const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "esp-message-non-interrupting", variables: { dossierId: "D-7" } });

      // when
      await t.engine.completeUserTask(openTask(t.engine, processInstanceKey, "Task_Work").key);

      // then
      expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
      expect(t.engine.subscriptions(processInstanceKey)).to.deep.equal([]);
      const { correlations } = await t.engine.publishMessage({ name: "note-added", correlationKey: "D-7" });
      expect(correlations).to.deep.equal([]);
    });
  });

  describe("at sub-process level, started by a timer", () => {
    it("should terminate the sub-process's tokens when an interrupting timer fires, then complete the sub-process and go on", async () => {
      // given
      const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "esp-timer-sub-process" });
      const upload = openTask(t.engine, processInstanceKey, "Task_Upload");
      const subKey = t.engine.activeElements(processInstanceKey).find((e) => e.elementId === "Sub_Collect")!.key;
      expect(t.engine.subscriptions(processInstanceKey)).to.have.length(1);
      expect(t.engine.subscriptions(processInstanceKey)[0]).to.include({ kind: "TIMER", elementId: "Start_Deadline", elementInstanceKey: subKey });

      // when three days pass
      t.clock.advance(3 * DAY);
      expect(await t.engine.fireDueTimers()).to.equal(1);

      // then
      expect(records(t.engine, processInstanceKey, "TIMER_TRIGGERED").map((r) => r.elementId)).to.deep.equal(["Start_Deadline"]);
      expect(visited(t.engine, processInstanceKey, "ELEMENT_TERMINATED")).to.deep.equal(["Task_Upload"]);
      expect(t.engine.userTasks({ processInstanceKey, elementId: "Task_Upload" })[0]).to.include({ key: upload.key, state: "CANCELED" });
      const completed = visited(t.engine, processInstanceKey);
      expect(completed.slice(completed.indexOf("Start_Deadline"))).to.deep.equal(["Start_Deadline", "Task_Mark_Incomplete", "End_Deadline", "ESP_Deadline", "Sub_Collect"]);
      openTask(t.engine, processInstanceKey, "Task_Review");
      expect(t.engine.subscriptions(processInstanceKey)).to.deep.equal([]);
    });

    it("should not fire before the timer is due", async () => {
      // given
      const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "esp-timer-sub-process" });

      // when
      t.clock.advance(3 * DAY - 1000);
      const fired = await t.engine.fireDueTimers();

      // then
      expect(fired).to.equal(0);
      openTask(t.engine, processInstanceKey, "Task_Upload");
    });

    it("should start a non-interrupting timer-cycle one at every repetition while the sub-process is active", async () => {
      // given
      const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "esp-timer-cycle-sub-process" });

      // when a day passes, three times (the cycle repeats twice)
      for (let day = 0; day < 3; day++) {
        t.clock.advance(DAY);
        await t.engine.fireDueTimers();
      }

      // then the reminder ran twice and the upload still waits
      expect(visited(t.engine, processInstanceKey).filter((id) => id === "ESP_Reminder")).to.have.length(2);
      expect(records(t.engine, processInstanceKey, "TIMER_TRIGGERED")).to.have.length(2);
      openTask(t.engine, processInstanceKey, "Task_Upload");
      expect(t.engine.subscriptions(processInstanceKey)).to.deep.equal([]);
    });

    it("should withdraw the timer when the sub-process completes before it is due", async () => {
      // given
      const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "esp-timer-cycle-sub-process" });

      // when
      await t.engine.completeUserTask(openTask(t.engine, processInstanceKey, "Task_Upload").key);
      t.clock.advance(DAY);

      // then
      expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
      expect(t.engine.subscriptions(processInstanceKey)).to.deep.equal([]);
      expect(await t.engine.fireDueTimers()).to.equal(0);
      expect(visited(t.engine, processInstanceKey)).to.not.include("ESP_Reminder");
    });
  });

  it("should let the job of a terminated token be refused afterwards", async () => {
    // given the process was cancelled by its interrupting event sub-process while a worker held the job
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "esp-message-interrupting", variables: { orderId: "A-2" } });
    const job = await activateOne(t.engine, "book-shipment");
    await t.engine.publishMessage({ name: "cancel-requested", correlationKey: "A-2" });

    // when the worker reports back
    const outcome = await t.engine.completeJob(job.jobKey).then(() => "completed", (e: { code?: string }) => e.code);

    // then
    expect(outcome).to.equal("NOT_FOUND");
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
  });
});
