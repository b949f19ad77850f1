import { expect } from "chai";
import { deployFixtures, startTestEngine, visited, type TestEngine } from "../helpers/engine.js";

describe("engine: scheduler", () => {
  let t: TestEngine;

  afterEach(() => t.close());

  const waitFor = async (condition: () => boolean, ms = 5000) => {
    const until = Date.now() + ms;
    while (!condition()) {
      if (Date.now() > until) throw new Error("condition not reached in time");
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  it("should write nothing while idle", async () => {
    // given an engine whose scheduler ticks every 20 ms
    t = await startTestEngine({ schedulerInterval: 20 });
    const before = t.engine.laneStats.batches;

    // when it idles for a while
    await new Promise((r) => setTimeout(r, 300));

    // then no transaction was committed (no fsync per tick on an idle server)
    expect(t.engine.laneStats.batches - before).to.equal(0);
  });

  it("should fire, by itself and once, a timer that fell due while the engine was down", async () => {
    // given an instance waiting at a one-hour timer, and the engine stopped
    t = await startTestEngine({ schedulerInterval: 20 });
    await deployFixtures(t.engine, "events/timer-catch-duration.bpmn");
    const bpmnProcessId = t.engine.definitions.all()[0]!.bpmnProcessId;
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId });
    expect(t.engine.subscriptions(processInstanceKey).map((s) => s.kind)).to.deep.equal(["TIMER"]);

    // when the clock moves two hours on while it is down, and it starts again
    t.clock.advance(2 * 3600_000);
    t = await t.restart();

    // then the scheduler fires the timer without being asked, exactly once
    await waitFor(() => t.engine.subscriptions(processInstanceKey).length === 0);
    await new Promise((r) => setTimeout(r, 100));
    expect(t.engine.history(processInstanceKey).filter((r) => r.type === "TIMER_TRIGGERED")).to.have.length(1);
    expect(visited(t.engine, processInstanceKey).length).to.be.greaterThan(0);
  });
});
