/**
 * Races between triggers that arrive together: exactly one outcome, every time, and nothing left
 * behind (no open subscription, no live token). Each scenario runs many times on fresh instances,
 * submitting the two commands in both orders.
 */
import { expect } from "chai";
import { deployFixtures, startTestEngine, visited, type TestEngine } from "../helpers/engine.js";
import { HOUR, records } from "./helpers.js";

const ROUNDS = 20;

describe("events: races", () => {
  let t: TestEngine;

  beforeEach(async () => {
    t = await startTestEngine();
    await deployFixtures(t.engine, "events/event-gateway.bpmn", "events/timer-boundary-interrupting.bpmn");
  });

  afterEach(async () => {
    await t.close();
  });

  it("should take exactly one branch of an event-based gateway when its message and its timer arrive together", async () => {
    const outcomes = new Set<string>();
    for (let round = 0; round < ROUNDS; round++) {
      // given an instance waiting at the gateway, its timer due
      const requestId = `R-${round}`;
      const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "event-gateway", variables: { requestId } });
      t.clock.advance(HOUR);

      // when the reply and the timer arrive together
      const publish = () => t.engine.publishMessage({ name: "reply", correlationKey: requestId, variables: { answer: round } });
      const fire = () => t.engine.fireDueTimers();
      const [published, fired] = round % 2 === 0
        ? await Promise.all([publish(), fire()])
        : await Promise.all([fire(), publish()]).then(([f, p]) => [p, f] as const);

      // then
      const ends = visited(t.engine, processInstanceKey).filter((id) => id === "End_Replied" || id === "End_TimedOut");
      expect(ends, `round ${round}`).to.have.length(1);
      const replied = ends[0] === "End_Replied";
      outcomes.add(ends[0]!);
      expect(published.correlations.length, `round ${round}`).to.equal(replied ? 1 : 0);
      expect(fired, `round ${round}`).to.equal(replied ? 0 : 1);
      expect(records(t.engine, processInstanceKey, "MESSAGE_CORRELATED").length + records(t.engine, processInstanceKey, "TIMER_TRIGGERED").length).to.equal(1);
      expect(visited(t.engine, processInstanceKey, "SEQUENCE_FLOW_TAKEN").filter((f) => f === "Flow_2" || f === "Flow_3")).to.have.length(1);
      expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
      expect(t.engine.subscriptions(processInstanceKey), `round ${round}`).to.deep.equal([]);
      expect(t.engine.activeElements(processInstanceKey)).to.deep.equal([]);
    }
    // both orders were really tried: each trigger won some rounds
    expect([...outcomes].sort()).to.deep.equal(["End_Replied", "End_TimedOut"]);
  });

  it("should either complete the task or take the interrupting timer path when both happen at once, never both", async () => {
    const outcomes = new Set<string>();
    for (let round = 0; round < ROUNDS; round++) {
      // given a review whose escalation timer is due
      const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "timer-boundary-interrupting" });
      const [task] = t.engine.userTasks({ processInstanceKey });
      t.clock.advance(2 * HOUR);

      // when the task is completed while the timer fires
      const complete = () => t.engine.completeUserTask(task!.key, { decision: "ok" });
      const fire = () => t.engine.fireDueTimers();
      const [completed, fired] = round % 2 === 0
        ? await Promise.allSettled([complete(), fire()])
        : await Promise.allSettled([fire(), complete()]).then(([f, c]) => [c, f] as const);

      // then
      const ends = visited(t.engine, processInstanceKey).filter((id) => id === "End_Done" || id === "End_Escalated");
      expect(ends, `round ${round}`).to.have.length(1);
      outcomes.add(ends[0]!);
      expect(fired.status).to.equal("fulfilled");
      if (ends[0] === "End_Done") {
        expect(completed.status, `round ${round}`).to.equal("fulfilled");
        expect(fired).to.deep.include({ value: 0 });
        expect(t.engine.userTasks({ processInstanceKey })[0]?.state).to.equal("COMPLETED");
        expect(t.engine.variables(processInstanceKey)).to.deep.equal({ decision: "ok" });
        expect(records(t.engine, processInstanceKey, "TIMER_TRIGGERED")).to.deep.equal([]);
      } else {
        expect(completed.status, `round ${round}`).to.equal("rejected");
        expect((completed as PromiseRejectedResult).reason).to.include({ code: "INVALID_STATE" });
        expect(fired).to.deep.include({ value: 1 });
        expect(t.engine.userTasks({ processInstanceKey })[0]?.state).to.equal("CANCELED");
        expect(t.engine.variables(processInstanceKey)).to.deep.equal({});
        expect(records(t.engine, processInstanceKey, "USER_TASK_COMPLETED")).to.deep.equal([]);
      }
      expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
      expect(t.engine.subscriptions(processInstanceKey), `round ${round}`).to.deep.equal([]);
      expect(t.engine.activeElements(processInstanceKey)).to.deep.equal([]);
    }
    expect([...outcomes].sort()).to.deep.equal(["End_Done", "End_Escalated"]);
  });
});
