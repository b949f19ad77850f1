/**
 * Timer boundary events on a waiting user task: an interrupting one terminates the task (its user
 * task is CANCELED) and leaves by the boundary path; a non-interrupting cycle fires while the task
 * waits, R times at most, and stops when the task completes.
 */
import { expect } from "chai";
import { deployFixtures, startTestEngine, visited, type TestEngine } from "../helpers/engine.js";
import { HOUR, MINUTE, completions, records } from "./helpers.js";

describe("events: timer boundary events", () => {
  let t: TestEngine;

  beforeEach(async () => {
    t = await startTestEngine();
    await deployFixtures(t.engine, "events/timer-boundary-interrupting.bpmn", "events/timer-boundary-cycle.bpmn", "events/timer-boundary-cron.bpmn");
  });

  afterEach(async () => {
    await t.close();
  });

  async function start(bpmnProcessId: string) {
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId });
    const [task] = t.engine.userTasks({ processInstanceKey });
    return { processInstanceKey, task: task! };
  }

  it("should terminate the task, cancel its user task and take the boundary path when an interrupting timer fires", async () => {
    // given a review with a 2 hour escalation timer
    const { processInstanceKey, task } = await start("timer-boundary-interrupting");

    // when
    t.clock.advance(2 * HOUR);
    const fired = await t.engine.fireDueTimers();

    // then
    expect(fired).to.equal(1);
    expect(t.engine.userTasks({ processInstanceKey })).to.have.length(1);
    expect(t.engine.userTasks({ processInstanceKey })[0]).to.include({ key: task.key, state: "CANCELED" });
    expect(records(t.engine, processInstanceKey, "USER_TASK_CANCELED").map((r) => r.key)).to.deep.equal([task.key]);
    expect(visited(t.engine, processInstanceKey, "ELEMENT_TERMINATED")).to.deep.equal(["Task_Review"]);
    expect(visited(t.engine, processInstanceKey)).to.deep.equal(["StartEvent_1", "Timer_Escalate", "End_Escalated", "timer-boundary-interrupting"]);
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
    expect(t.engine.subscriptions(processInstanceKey)).to.deep.equal([]);
  });

  it("should withdraw an interrupting timer when the task completes first", async () => {
    // given
    const { processInstanceKey, task } = await start("timer-boundary-interrupting");

    // when
    await t.engine.completeUserTask(task.key);
    t.clock.advance(3 * HOUR);
    const fired = await t.engine.fireDueTimers();

    // then
    expect(fired).to.equal(0);
    expect(t.engine.subscriptions(processInstanceKey)).to.deep.equal([]);
    expect(visited(t.engine, processInstanceKey)).to.deep.equal(["StartEvent_1", "Task_Review", "End_Done", "timer-boundary-interrupting"]);
    expect(records(t.engine, processInstanceKey, "TIMER_TRIGGERED")).to.deep.equal([]);
  });

  it("should fire a non-interrupting R3/PT10M timer three times while the task waits, and then no more", async () => {
    // given
    const { processInstanceKey, task } = await start("timer-boundary-cycle");

    // when the clock passes five intervals
    const fired: number[] = [];
    for (let i = 0; i < 5; i++) {
      t.clock.advance(10 * MINUTE);
      fired.push(await t.engine.fireDueTimers());
    }

    // then
    expect(fired).to.deep.equal([1, 1, 1, 0, 0]);
    expect(completions(t.engine, processInstanceKey, "Timer_Remind")).to.equal(3);
    expect(completions(t.engine, processInstanceKey, "End_Reminded")).to.equal(3);
    expect(t.engine.userTasks({ processInstanceKey })[0]).to.include({ key: task.key, state: "CREATED" });
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("ACTIVE");
    expect(t.engine.subscriptions(processInstanceKey)).to.deep.equal([]);
  });

  it("should count down the repetitions of a non-interrupting cycle in its subscription", async () => {
    // given
    const { processInstanceKey } = await start("timer-boundary-cycle");
    const before = t.engine.subscriptions(processInstanceKey)[0];

    // when
    t.clock.advance(10 * MINUTE);
    await t.engine.fireDueTimers();

    // then
    expect(before).to.include({ kind: "TIMER", elementId: "Timer_Remind", interrupting: false, repetitions: 3, cycle: "R3/PT10M" });
    expect(t.engine.subscriptions(processInstanceKey)[0]).to.include({ key: before!.key, repetitions: 2, dueDate: before!.dueDate! + 10 * MINUTE });
  });

  it("should fire a non-interrupting cron timer at 9:00 on workdays while the task waits", async () => {
    // given a complaint handled from Thursday 2026-01-01
    const { processInstanceKey } = await start("timer-boundary-cron");

    // when a week passes, an hour at a time
    const firedAt: string[] = [];
    for (let hour = 1; hour <= 7 * 24; hour++) {
      t.clock.advance(HOUR);
      if ((await t.engine.fireDueTimers()) > 0) firedAt.push(new Date(t.clock.now()).toISOString());
    }

    // then Thursday, Friday, Monday to Wednesday; not the weekend
    expect(firedAt).to.deep.equal([
      "2026-01-01T09:00:00.000Z", "2026-01-02T09:00:00.000Z", "2026-01-05T09:00:00.000Z", "2026-01-06T09:00:00.000Z", "2026-01-07T09:00:00.000Z",
    ]);
    expect(completions(t.engine, processInstanceKey, "Timer_Remind")).to.equal(5);
    expect(t.engine.userTasks({ processInstanceKey })[0]?.state).to.equal("CREATED");
    expect(t.engine.subscriptions(processInstanceKey)[0]).to.include({ dueDate: Date.parse("2026-01-08T09:00:00Z"), repetitions: -1 });
  });

  it("should stop a non-interrupting cycle when the task completes", async () => {
    // given one reminder has fired
    const { processInstanceKey, task } = await start("timer-boundary-cycle");
    t.clock.advance(10 * MINUTE);
    await t.engine.fireDueTimers();

    // when
    await t.engine.completeUserTask(task.key);
    t.clock.advance(HOUR);
    const fired = await t.engine.fireDueTimers();

    // then
    expect(fired).to.equal(0);
    expect(completions(t.engine, processInstanceKey, "Timer_Remind")).to.equal(1);
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
    expect(t.engine.subscriptions(processInstanceKey)).to.deep.equal([]);
    expect(t.engine.activeElements(processInstanceKey)).to.deep.equal([]);
  });
});
