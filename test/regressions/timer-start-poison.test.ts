/**
 * Regression: a timer start event whose new instance cannot open its event sub-process's message
 * subscription (correlation key `=customerId` is unset when a timer starts it). The failure used to
 * reject the whole `fireDueTimers` run, every run, before the other due timers were handled: one
 * broken model blocked every timer of the engine. A broken start must become an incident (or, at
 * worst, be skipped) and never keep other timers from firing.
 */
import { expect } from "chai";
import { deployFixtures, startTestEngine, visited, type TestEngine } from "../helpers/engine.js";
import { MINUTE, instancesOf, rejectionOf } from "../events/helpers.js";

describe("regression: a timer start that cannot open its event sub-process subscription", () => {
  let t: TestEngine;

  beforeEach(async () => {
    t = await startTestEngine();
    await deployFixtures(t.engine, "regressions/timer-start-esp-correlation.bpmn", "regressions/timer-catch-two-minutes.bpmn");
  });

  afterEach(async () => {
    await t.close();
  });

  it("should never reject fireDueTimers", async () => {
    // given the broken timer start is due
    t.clock.advance(5 * MINUTE);

    // when the scheduler fires due timers, again and again
    const outcomes: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      outcomes.push(await rejectionOf(t.engine.fireDueTimers()));
      t.clock.advance(MINUTE);
    }

    // then
    expect(outcomes.map((o) => (o === null ? null : String(o)))).to.deep.equal([null, null, null]);
  });

  it("should fire an unrelated instance's timer that is due at the same time", async () => {
    // given an unrelated instance waits two minutes
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "timer-catch-two-minutes" });

    // when five minutes pass
    t.clock.advance(5 * MINUTE);
    await rejectionOf(t.engine.fireDueTimers());

    // then
    expect(visited(t.engine, processInstanceKey)).to.deep.equal(["StartEvent_1", "Timer_Two_Minutes", "EndEvent_1", "timer-catch-two-minutes"]);
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
    expect(t.engine.subscriptions(processInstanceKey)).to.deep.equal([]);
  });

  it("should turn each broken start into an incident, or skip it, and keep firing other timers", async () => {
    // given
    t.clock.advance(5 * MINUTE);

    // when
    await rejectionOf(t.engine.fireDueTimers());
    t.clock.advance(MINUTE);
    await rejectionOf(t.engine.fireDueTimers());

    // then every instance the timer started is in an incident that says what went wrong
    for (const processInstanceKey of instancesOf(t.engine, "timer-start-esp-correlation")) {
      const incidents = t.engine.incidents({ processInstanceKey, state: "ACTIVE" });
      expect(incidents, `an open incident on instance ${processInstanceKey}`).to.have.length.greaterThan(0);
      expect(incidents.map((i) => i.errorMessage).join("\n")).to.contain("correlation key");
    }
    // and an unrelated instance started afterwards still gets its timer fired
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "timer-catch-two-minutes" });
    t.clock.advance(2 * MINUTE);
    expect(await rejectionOf(t.engine.fireDueTimers())).to.equal(null);
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
  });
});
