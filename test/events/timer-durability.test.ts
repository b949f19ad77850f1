/**
 * Timers are database rows: they survive a restart and fire exactly once when due (also after
 * downtime), a clock stepping back fires nothing twice, and a timer becomes visible to
 * fireDueTimers() only once the command that created it committed.
 */
import { expect } from "chai";
import { deployFixtures, startTestEngine, type TestEngine } from "../helpers/engine.js";
import { DAY, HOUR, MINUTE, START, completions, instancesOf, records, waitingAt } from "./helpers.js";

describe("events: timer durability", () => {
  let t: TestEngine;

  beforeEach(async () => {
    t = await startTestEngine();
    await deployFixtures(t.engine, "events/timer-catch-duration.bpmn", "events/timer-boundary-cycle.bpmn", "events/timer-catch-feel-duration.bpmn");
  });

  afterEach(async () => {
    await t.close();
  });

  it("should keep a waiting timer across a restart and fire it at its due time", async () => {
    // given
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "timer-catch-duration" });
    t = await t.restart();
    const early = await t.engine.fireDueTimers();

    // when
    t.clock.advance(HOUR);
    const fired = await t.engine.fireDueTimers();

    // then
    expect([early, fired]).to.deep.equal([0, 1]);
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
  });

  it("should fire each timer that fell due during downtime exactly once after a restart", async () => {
    // given three one-hour timers and a 10-minute reminder cycle, then a day of downtime
    const waiting: number[] = [];
    for (let i = 0; i < 3; i++) waiting.push((await t.engine.createProcessInstance({ bpmnProcessId: "timer-catch-duration" })).processInstanceKey);
    const { processInstanceKey: reminded } = await t.engine.createProcessInstance({ bpmnProcessId: "timer-boundary-cycle" });
    t = await t.restart();
    t.clock.advance(DAY);

    // when
    const first = await t.engine.fireDueTimers();
    const second = await t.engine.fireDueTimers();

    // then
    expect([first, second]).to.deep.equal([4, 0]);
    for (const key of waiting) {
      expect(t.engine.processInstance(key)?.state).to.equal("COMPLETED");
      expect(records(t.engine, key, "TIMER_TRIGGERED")).to.have.length(1);
    }
    expect(completions(t.engine, reminded, "Timer_Remind")).to.equal(1);
    const [cycle] = t.engine.subscriptions(reminded);
    expect(cycle).to.include({ repetitions: 2 });
    expect(cycle!.dueDate).to.be.greaterThan(t.clock.now());
  });

  it("should start a scheduled instance once after a restart that slept through several of its start times", async () => {
    // given a start timer every 10 minutes, 3 times, and 25 minutes of downtime
    await deployFixtures(t.engine, "events/timer-start-cycle.bpmn");
    t = await t.restart();
    t.clock.advance(25 * MINUTE);

    // when
    const first = await t.engine.fireDueTimers();
    const second = await t.engine.fireDueTimers();

    // then one instance for the missed start times, the next one still scheduled
    expect([first, second]).to.deep.equal([1, 0]);
    expect(instancesOf(t.engine, "timer-start-cycle")).to.have.length(1);
    expect(t.engine.store.events.startSubscriptions("timer-start-cycle")[0]).to.include({ dueDate: START + 30 * MINUTE, repetitions: 2 });
  });

  it("should not fire a timer again when the clock steps back and forward again", async () => {
    // given a timer that fired at +1h
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "timer-catch-duration" });
    t.clock.advance(HOUR);
    await t.engine.fireDueTimers();

    // when the clock steps back half an hour, then forward past the due time again
    t.clock.advance(-30 * MINUTE);
    const back = await t.engine.fireDueTimers();
    t.clock.advance(HOUR);
    const forward = await t.engine.fireDueTimers();

    // then
    expect([back, forward]).to.deep.equal([0, 0]);
    expect(records(t.engine, processInstanceKey, "TIMER_TRIGGERED")).to.have.length(1);
    expect(completions(t.engine, processInstanceKey, "EndEvent_1")).to.equal(1);
  });

  it("should not repeat a cycle firing when the clock steps back, and keep its schedule", async () => {
    // given a reminder that fired at +10 min
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "timer-boundary-cycle" });
    t.clock.advance(10 * MINUTE);
    await t.engine.fireDueTimers();

    // when the clock steps back to +5 min, returns to +10 min, then reaches +20 min
    const fired: number[] = [];
    for (const at of [5, 10, 20]) {
      t.clock.set(START + at * MINUTE);
      fired.push(await t.engine.fireDueTimers());
    }

    // then
    expect(fired).to.deep.equal([0, 0, 1]);
    expect(completions(t.engine, processInstanceKey, "Timer_Remind")).to.equal(2);
  });

  it("should not let fireDueTimers see a timer before the command that created it committed", async () => {
    // given a timer that is due the moment it is created (waitFor = PT0S)
    const creating = t.engine.createProcessInstance({ bpmnProcessId: "timer-catch-feel-duration", variables: { waitFor: "PT0S" } });

    // when timers are fired while the instance is being created
    const [{ processInstanceKey }, firedMeanwhile] = await Promise.all([creating, t.engine.fireDueTimers()]);
    const stillWaiting = waitingAt(t.engine, processInstanceKey);
    const firedNext = await t.engine.fireDueTimers();

    // then only the next fireDueTimers, after the commit, fired it
    expect(firedMeanwhile).to.equal(0);
    expect(stillWaiting).to.deep.equal(["Timer_Wait"]);
    expect(firedNext).to.equal(1);
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
    const types = t.engine.history(processInstanceKey).map((r) => r.type);
    expect(types.indexOf("TIMER_SUBSCRIPTION_OPENED")).to.be.lessThan(types.indexOf("TIMER_TRIGGERED"));
  });
});
