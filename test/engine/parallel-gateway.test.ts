/**
 * Parallel gateway: a fork takes every outgoing flow; a join waits for a token on each incoming
 * flow and then fires exactly once.
 */
import { expect } from "chai";
import { deployFixtures, startTestEngine, visited, type TestEngine } from "../helpers/engine.js";

describe("engine: parallel gateway", () => {
  let t: TestEngine;

  beforeEach(async () => {
    t = await startTestEngine();
    await deployFixtures(t.engine, "engine/parallel-gateway.bpmn", "engine/parallel-three.bpmn");
  });

  afterEach(async () => {
    await t.close();
  });

  const completeJobOf = async (type: string) => {
    const [job] = await t.engine.activateJobs({ type, timeout: 10_000, maxJobsToActivate: 1 });
    await t.engine.completeJob(job!.jobKey);
  };

  it("should fork into one token per outgoing flow", async () => {
    // when
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "parallel-gateway" });

    // then
    expect(t.engine.activeElements(processInstanceKey).map((e) => e.elementId).sort()).to.deep.equal(["Task_A", "Task_B"]);
    expect(t.engine.jobs({ processInstanceKey }).map((j) => j.type).sort()).to.deep.equal(["branch-a", "branch-b"]);
  });

  it("should not fire the join while one branch is still running", async () => {
    // given
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "parallel-gateway" });

    // when
    await completeJobOf("branch-a");

    // then
    expect(visited(t.engine, processInstanceKey, "ELEMENT_ACTIVATING")).not.to.include("Gateway_Join");
    expect(t.engine.activeElements(processInstanceKey).map((e) => e.elementId)).to.deep.equal(["Task_B"]);
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("ACTIVE");
  });

  it("should fire the join exactly once after both branches arrived, and run what follows once", async () => {
    // given
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "parallel-gateway" });
    await completeJobOf("branch-a");

    // when
    await completeJobOf("branch-b");

    // then
    const completed = visited(t.engine, processInstanceKey);
    expect(completed.filter((id) => id === "Gateway_Join")).to.have.length(1);
    expect(completed.filter((id) => id === "Task_After")).to.have.length(1);
    expect(completed.filter((id) => id === "EndEvent_1")).to.have.length(1);
    expect(completed.indexOf("Gateway_Join")).to.be.greaterThan(completed.indexOf("Task_B"));
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
  });

  it("should fire the join exactly once when both branches complete in the same tick", async () => {
    // given
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "parallel-gateway" });
    const [a] = await t.engine.activateJobs({ type: "branch-a", timeout: 10_000, maxJobsToActivate: 1 });
    const [b] = await t.engine.activateJobs({ type: "branch-b", timeout: 10_000, maxJobsToActivate: 1 });

    // when
    await Promise.all([t.engine.completeJob(a!.jobKey), t.engine.completeJob(b!.jobKey)]);

    // then
    expect(visited(t.engine, processInstanceKey).filter((id) => id === "Task_After")).to.have.length(1);
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
  });

  for (const order of [["Task_A", "Task_B", "Task_C"], ["Task_C", "Task_A", "Task_B"], ["Task_B", "Task_C", "Task_A"]]) {
    it(`should join three branches completed in the order ${order.join(", ")}`, async () => {
      // given
      const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "parallel-three" });
      const jobs = await t.engine.activateJobs({ type: "review", timeout: 10_000, maxJobsToActivate: 3 });
      expect(jobs).to.have.length(3);

      // when
      for (const [i, elementId] of order.entries()) {
        expect(visited(t.engine, processInstanceKey)).not.to.include("Gateway_Join");
        await t.engine.completeJob(jobs.find((j) => j.elementId === elementId)!.jobKey);
        expect(t.engine.activeElements(processInstanceKey)).to.have.length(2 - i);
      }

      // then
      const completed = visited(t.engine, processInstanceKey);
      expect(completed).to.deep.equal(["StartEvent_1", "Gateway_Fork", ...order, "Gateway_Join", "EndEvent_1", "parallel-three"]);
      expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
    });
  }
});
