/**
 * Regression: a multi-instance task whose input mapping reads the input element (`=item.id`) or the
 * loopCounter. The input mappings used to be evaluated before those were set on the inner instance, so
 * every inner instance raised an IO mapping incident ("no variable found for name 'item'") and no
 * job was created. Each inner instance must see its own element and counter, parallel or sequential.
 */
import { expect } from "chai";
import { deployFixtures, startTestEngine, visited, type TestEngine } from "../helpers/engine.js";
import { activateAll } from "../composition/support.js";

const items = [{ id: "doc-1", kind: "identity" }, { id: "doc-2", kind: "address" }];

describe("regression: multi-instance input mapping over the input element", () => {
  let t: TestEngine;

  beforeEach(async () => {
    t = await startTestEngine();
    await deployFixtures(t.engine, "regressions/mi-input-element-mapping-parallel.bpmn", "regressions/mi-input-element-mapping-sequential.bpmn");
  });

  afterEach(async () => {
    await t.close();
  });

  it("should create one job per item whose variables hold the mapped itemId and position, without incident (parallel)", async () => {
    // when
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "mi-input-element-mapping-parallel", variables: { items } });

    // then
    expect(t.engine.incidents({ processInstanceKey }).map((i) => i.errorMessage)).to.deep.equal([]);
    const jobs = await activateAll(t.engine, "check-item");
    expect(jobs.map((job) => [job.variables.itemId, job.variables.position])).to.have.deep.members([["doc-1", 1], ["doc-2", 2]]);
    for (const job of jobs) expect(job.variables.item).to.deep.equal(items.find((i) => i.id === job.variables.itemId));
  });

  it("should complete once every item's job has completed (parallel)", async () => {
    // given
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "mi-input-element-mapping-parallel", variables: { items } });

    const jobs = await activateAll(t.engine, "check-item");
    expect(jobs).to.have.length(2);

    // when
    for (const job of jobs) await t.engine.completeJob(job.jobKey);

    // then
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
    expect(visited(t.engine, processInstanceKey).filter((id) => id === "Task_Check_Item")).to.have.length(3);
    expect(t.engine.incidents({ processInstanceKey })).to.deep.equal([]);
  });

  it("should map each item in turn, without incident (sequential)", async () => {
    // given
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "mi-input-element-mapping-sequential", variables: { items } });
    expect(t.engine.incidents({ processInstanceKey }).map((i) => i.errorMessage)).to.deep.equal([]);

    // when the jobs are worked one after the other
    const seen: unknown[] = [];
    for (let i = 0; i < items.length; i++) {
      const jobs = await activateAll(t.engine, "check-item");
      expect(jobs, `one job for item #${i + 1}`).to.have.length(1);
      seen.push([jobs[0]!.variables.itemId, jobs[0]!.variables.position]);
      await t.engine.completeJob(jobs[0]!.jobKey);
    }

    // then
    expect(seen).to.deep.equal([["doc-1", 1], ["doc-2", 2]]);
    expect(t.engine.incidents({ processInstanceKey })).to.deep.equal([]);
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
  });
});
