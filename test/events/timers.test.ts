/**
 * Timers on start events (a process started on a schedule) and on intermediate catch events:
 * timeDuration, timeDate, timeCycle (R3/PT10M, R/P1D, cron), static or computed by FEEL.
 * The clock only moves when a spec moves it; fireDueTimers() fires what is due at that moment.
 */
import { expect } from "chai";
import { deployFixtures, startTestEngine, visited, type TestEngine } from "../helpers/engine.js";
import { DAY, HOUR, MINUTE, START, instancesOf, records, waitingAt } from "./helpers.js";

describe("events: timer start events", () => {
  let t: TestEngine;

  beforeEach(async () => {
    t = await startTestEngine();
  });

  afterEach(async () => {
    await t.close();
  });

  it("should start an instance when a start timer is due, and not before", async () => {
    // given a process started every 10 minutes, 3 times
    await deployFixtures(t.engine, "events/timer-start-cycle.bpmn");
    t.clock.advance(10 * MINUTE - 1);
    const early = await t.engine.fireDueTimers();

    // when
    t.clock.advance(1);
    const fired = await t.engine.fireDueTimers();

    // then
    expect(early).to.equal(0);
    expect(fired).to.equal(1);
    const [instance, ...more] = instancesOf(t.engine, "timer-start-cycle");
    expect(more).to.have.length(0);
    expect(t.engine.processInstance(instance!)).to.include({ state: "ACTIVE", startDate: START + 10 * MINUTE });
    expect(visited(t.engine, instance!)).to.deep.equal(["StartEvent_Timer"]);
    expect(t.engine.userTasks({ processInstanceKey: instance!, elementId: "Task_Handle" })).to.have.length(1);
  });

  it("should start exactly three instances with an R3/PT10M start timer, then stop", async () => {
    // given
    await deployFixtures(t.engine, "events/timer-start-cycle.bpmn");

    // when the clock passes five intervals
    const fired: number[] = [];
    for (let i = 0; i < 5; i++) {
      t.clock.advance(10 * MINUTE);
      fired.push(await t.engine.fireDueTimers());
    }

    // then
    expect(fired).to.deep.equal([1, 1, 1, 0, 0]);
    const started = instancesOf(t.engine, "timer-start-cycle").map((k) => t.engine.processInstance(k)!.startDate);
    expect(started).to.deep.equal([START + 10 * MINUTE, START + 20 * MINUTE, START + 30 * MINUTE]);
    expect(t.engine.store.events.startSubscriptions("timer-start-cycle")).to.deep.equal([]);
  });

  it("should start one instance at the timeDate of a start timer, and no more", async () => {
    // given a start timer on 2026-01-05T09:00:00Z
    await deployFixtures(t.engine, "events/timer-start-date.bpmn");
    const [subscription] = t.engine.store.events.startSubscriptions("timer-start-date");

    // when the clock passes that date by a week
    t.clock.set(Date.parse("2026-01-05T09:00:00Z"));
    const fired = await t.engine.fireDueTimers();
    t.clock.advance(7 * DAY);
    const later = await t.engine.fireDueTimers();

    // then
    expect(subscription).to.include({ kind: "TIMER", dueDate: Date.parse("2026-01-05T09:00:00Z"), processInstanceKey: null });
    expect([fired, later]).to.deep.equal([1, 0]);
    expect(instancesOf(t.engine, "timer-start-date")).to.have.length(1);
    expect(t.engine.store.events.startSubscriptions("timer-start-date")).to.deep.equal([]);
  });

  it("should start an instance every day with an R/P1D start timer and keep the schedule open", async () => {
    // given
    await deployFixtures(t.engine, "events/timer-start-daily.bpmn");

    // when ten days pass, one at a time
    let fired = 0;
    for (let day = 1; day <= 10; day++) {
      t.clock.advance(DAY);
      fired += await t.engine.fireDueTimers();
    }

    // then
    expect(fired).to.equal(10);
    expect(instancesOf(t.engine, "timer-start-daily")).to.have.length(10);
    const [next, ...others] = t.engine.store.events.startSubscriptions("timer-start-daily");
    expect(others).to.have.length(0);
    expect(next).to.include({ kind: "TIMER", dueDate: START + 11 * DAY, repetitions: -1, cycle: "R/P1D" });
  });

  it("should start an instance at 9:00 on workdays only with the cron start timer 0 0 9 * * MON-FRI", async () => {
    // given (2026-01-01 is a Thursday)
    await deployFixtures(t.engine, "events/timer-start-cron.bpmn");

    // when five days pass, an hour at a time
    for (let hour = 1; hour <= 5 * 24; hour++) {
      t.clock.advance(HOUR);
      await t.engine.fireDueTimers();
    }

    // then Thursday, Friday and Monday, not the weekend
    const started = instancesOf(t.engine, "timer-start-cron").map((k) => new Date(t.engine.processInstance(k)!.startDate).toISOString());
    expect(started).to.deep.equal(["2026-01-01T09:00:00.000Z", "2026-01-02T09:00:00.000Z", "2026-01-05T09:00:00.000Z"]);
    expect(t.engine.store.events.startSubscriptions("timer-start-cron")[0]?.dueDate).to.equal(Date.parse("2026-01-06T09:00:00Z"));
  });

  it("should replace the start timer of the previous version when a new version is deployed", async () => {
    // given version 1 starts every hour, version 2 every two hours
    const [v1] = (await deployFixtures(t.engine, "events/timer-start-versioned-v1.bpmn")).processes;
    const [v2] = (await deployFixtures(t.engine, "events/timer-start-versioned-v2.bpmn")).processes;

    // when the clock passes the old schedule, then the new one
    t.clock.advance(HOUR);
    const afterOneHour = await t.engine.fireDueTimers();
    t.clock.advance(HOUR);
    const afterTwoHours = await t.engine.fireDueTimers();

    // then only version 2 started, on its own schedule
    expect(v2!.version).to.equal(2);
    expect([afterOneHour, afterTwoHours]).to.deep.equal([0, 1]);
    const instances = instancesOf(t.engine, "timer-start-versioned").map((k) => t.engine.processInstance(k)!);
    expect(instances.map((p) => p.processDefinitionKey)).to.deep.equal([v2!.processDefinitionKey]);
    const subscriptions = t.engine.store.events.startSubscriptions("timer-start-versioned");
    expect(subscriptions.map((s) => s.processDefinitionKey)).to.deep.equal([v2!.processDefinitionKey]);
    expect(subscriptions.map((s) => s.processDefinitionKey)).to.not.include(v1!.processDefinitionKey);
  });
});

describe("events: timer catch events", () => {
  let t: TestEngine;

  beforeEach(async () => {
    t = await startTestEngine();
    await deployFixtures(
      t.engine,
      "events/timer-catch-duration.bpmn",
      "events/timer-catch-date.bpmn",
      "events/timer-catch-feel-duration.bpmn",
      "events/timer-catch-feel-string.bpmn",
      "events/timer-catch-feel-date.bpmn",
    );
  });

  afterEach(async () => {
    await t.close();
  });

  it("should wait at a PT1H timer catch event and continue when it is due, not a millisecond before", async () => {
    // given
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "timer-catch-duration" });
    t.clock.advance(HOUR - 1);
    const early = await t.engine.fireDueTimers();

    // when
    t.clock.advance(1);
    const fired = await t.engine.fireDueTimers();

    // then
    expect(early).to.equal(0);
    expect(fired).to.equal(1);
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
    expect(visited(t.engine, processInstanceKey)).to.deep.equal(["StartEvent_1", "Timer_Wait", "EndEvent_1", "timer-catch-duration"]);
    expect(records(t.engine, processInstanceKey, "TIMER_SUBSCRIPTION_OPENED")[0]).to.include({ elementId: "Timer_Wait", dueDate: "2026-01-01T01:00:00.000Z" });
    const triggered = records(t.engine, processInstanceKey, "TIMER_TRIGGERED");
    expect(triggered).to.have.length(1);
    expect(triggered[0]!.timestamp).to.equal(START + HOUR);
    expect(t.engine.subscriptions(processInstanceKey)).to.deep.equal([]);
  });

  it("should wait at a timeDate timer catch event until that date", async () => {
    // given a timer until 2026-01-02T12:00:00Z
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "timer-catch-date" });
    const [subscription] = t.engine.subscriptions(processInstanceKey);

    // when
    t.clock.set(Date.parse("2026-01-02T12:00:00Z"));
    const fired = await t.engine.fireDueTimers();

    // then
    expect(subscription).to.include({ kind: "TIMER", elementId: "Timer_Until", dueDate: Date.parse("2026-01-02T12:00:00Z") });
    expect(fired).to.equal(1);
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
  });

  it("should compute a duration timer with FEEL duration() from a variable", async () => {
    // given
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "timer-catch-feel-duration", variables: { waitFor: "PT15M" } });

    // when
    t.clock.advance(15 * MINUTE);
    const fired = await t.engine.fireDueTimers();

    // then
    expect(t.engine.incidents({ processInstanceKey })).to.deep.equal([]);
    expect(fired).to.equal(1);
    expect(records(t.engine, processInstanceKey, "TIMER_SUBSCRIPTION_OPENED")[0]).to.include({ dueDate: "2026-01-01T00:15:00.000Z" });
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
  });

  it("should compute a duration timer from a FEEL string built with string() from a variable", async () => {
    // given the timer ="PT" + string(minutes) + "M"
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "timer-catch-feel-string", variables: { minutes: 45 } });
    t.clock.advance(45 * MINUTE - 1);
    const early = await t.engine.fireDueTimers();

    // when
    t.clock.advance(1);
    const fired = await t.engine.fireDueTimers();

    // then
    expect([early, fired]).to.deep.equal([0, 1]);
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
  });

  it("should compute a date timer with FEEL date and time() from a variable", async () => {
    // given
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "timer-catch-feel-date", variables: { deadline: "2026-01-03T08:30:00Z" } });

    // when
    t.clock.set(Date.parse("2026-01-03T08:30:00Z"));
    const fired = await t.engine.fireDueTimers();

    // then
    expect(t.engine.incidents({ processInstanceKey })).to.deep.equal([]);
    expect(fired).to.equal(1);
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
  });

  it("should raise an EXTRACT_VALUE_ERROR incident when a FEEL timer evaluates to nonsense, and open no timer", async () => {
    // given / when
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "timer-catch-feel-duration", variables: { waitFor: "soon" } });

    // then
    const [incident, ...more] = t.engine.incidents({ processInstanceKey });
    expect(more).to.have.length(0);
    expect(incident).to.include({ errorType: "EXTRACT_VALUE_ERROR", elementId: "Timer_Wait", state: "ACTIVE" });
    expect(records(t.engine, processInstanceKey, "INCIDENT_CREATED")).to.have.length(1);
    expect(t.engine.subscriptions(processInstanceKey)).to.deep.equal([]);
    expect(waitingAt(t.engine, processInstanceKey)).to.deep.equal(["Timer_Wait"]);
    t.clock.advance(DAY);
    expect(await t.engine.fireDueTimers()).to.equal(0);
  });

  it("should open the timer once the variable is fixed and the incident resolved", async () => {
    // given
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "timer-catch-feel-duration", variables: { waitFor: "soon" } });
    const [incident] = t.engine.incidents({ processInstanceKey });

    // when
    await t.engine.setVariables(processInstanceKey, { waitFor: "PT5M" });
    await t.engine.resolveIncident(incident!.key);
    t.clock.advance(5 * MINUTE);
    const fired = await t.engine.fireDueTimers();

    // then
    expect(fired).to.equal(1);
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
    expect(t.engine.incidents({ processInstanceKey })[0]?.state).to.equal("RESOLVED");
  });
});
