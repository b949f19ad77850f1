/**
 * Durability: everything an instance needs lives in the database, so a restarted engine (same
 * SQLite file, new process) picks up waiting user tasks and jobs where they were, and never reuses
 * a key.
 */
import { expect } from "chai";
import { deployFixtures, startTestEngine, visited, type TestEngine } from "../helpers/engine.js";

describe("engine: durability across restarts", () => {
  let t: TestEngine;

  beforeEach(async () => {
    t = await startTestEngine();
    await deployFixtures(t.engine, "engine/durability.bpmn");
  });

  afterEach(async () => {
    await t.close();
  });

  it("should complete a waiting user task and a waiting job after a restart, and complete the instance", async () => {
    // given an instance waiting at a user task and a job, then a restart
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "durability", variables: { customer: "ACME" } });
    t = await t.restart();

    // when
    const [task] = t.engine.userTasks({ processInstanceKey, state: "CREATED" });
    const [job] = await t.engine.activateJobs({ type: "archive", timeout: 10_000, maxJobsToActivate: 1 });
    await t.engine.completeUserTask(task!.key, { approved: true });
    await t.engine.completeJob(job!.jobKey, { archived: true });

    // then
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
    expect(t.engine.variables(processInstanceKey)).to.deep.equal({ customer: "ACME", approved: true, archived: true });
    expect(visited(t.engine, processInstanceKey).filter((id) => id === "Gateway_Join")).to.have.length(1);
  });

  it("should cancel the waiting user task and job of an instance cancelled after a restart", async () => {
    // given
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "durability" });
    t = await t.restart();

    // when
    await t.engine.cancelProcessInstance(processInstanceKey);

    // then
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("TERMINATED");
    expect(t.engine.userTasks({ processInstanceKey })[0]?.state).to.equal("CANCELED");
    expect(t.engine.jobs({ processInstanceKey })[0]?.state).to.equal("CANCELED");
    expect(visited(t.engine, processInstanceKey, "ELEMENT_TERMINATED")).to.have.members(["Task_Approve", "Task_Archive", "durability"]);
  });

  it("should keep a join token that arrived before the restart", async () => {
    // given one branch arrived at the join before the restart
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "durability" });
    const [job] = await t.engine.activateJobs({ type: "archive", timeout: 10_000, maxJobsToActivate: 1 });
    await t.engine.completeJob(job!.jobKey);
    t = await t.restart();

    // when the other branch arrives after it
    await t.engine.completeUserTask(t.engine.userTasks({ processInstanceKey })[0]!.key);

    // then
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
  });

  it("should keep a job's lock across a restart", async () => {
    // given
    await t.engine.createProcessInstance({ bpmnProcessId: "durability" });
    const [job] = await t.engine.activateJobs({ type: "archive", worker: "before", timeout: 10_000, maxJobsToActivate: 1 });
    t = await t.restart();

    // when
    const meanwhile = await t.engine.activateJobs({ type: "archive", worker: "after", timeout: 10_000, maxJobsToActivate: 1 });
    t.clock.advance(10_001);
    const later = await t.engine.activateJobs({ type: "archive", worker: "after", timeout: 10_000, maxJobsToActivate: 1 });

    // then
    expect(meanwhile).to.deep.equal([]);
    expect(later.map((j) => j.jobKey)).to.deep.equal([job!.jobKey]);
  });

  it("should resolve an incident raised before a restart once the cause is fixed after it", async () => {
    // given an instance whose job ran out of retries, then a restart
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "durability" });
    const [job] = await t.engine.activateJobs({ type: "archive", timeout: 10_000, maxJobsToActivate: 1 });
    await t.engine.failJob(job!.jobKey, { retries: 0, errorMessage: "archive offline" });
    t = await t.restart();

    // when
    const [incident] = t.engine.incidents({ processInstanceKey, state: "ACTIVE" });
    await t.engine.updateJobRetries(job!.jobKey, 2);
    await t.engine.resolveIncident(incident!.key);
    const [again] = await t.engine.activateJobs({ type: "archive", timeout: 10_000, maxJobsToActivate: 1 });
    await t.engine.completeJob(again!.jobKey);
    await t.engine.completeUserTask(t.engine.userTasks({ processInstanceKey })[0]!.key);

    // then
    expect(incident).to.include({ errorType: "JOB_NO_RETRIES", errorMessage: "archive offline" });
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
  });

  it("should find every acknowledged command in the database when another engine opens it without a clean stop", async () => {
    // given a command that resolved (so it is committed), and no shutdown of this engine
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "durability" });
    await t.engine.completeUserTask(t.engine.userTasks({ processInstanceKey })[0]!.key, { approved: true });

    // when a second engine opens the same file, as after a crash
    const other = await startTestEngine({ dir: t.dir, clock: t.clock });
    try {
      // then
      expect(other.engine.userTasks({ processInstanceKey })[0]?.state).to.equal("COMPLETED");
      expect(other.engine.variables(processInstanceKey)).to.deep.equal({ approved: true });
      expect(other.engine.jobs({ processInstanceKey })[0]?.state).to.equal("ACTIVATABLE");
    } finally {
      await other.close();
    }
  });

  it("should hand out keys after a restart that are higher than every key before it", async () => {
    // given
    const first = await t.engine.createProcessInstance({ bpmnProcessId: "durability" });
    const keysBefore = t.engine.history(first.processInstanceKey).flatMap((r) => (typeof r.key === "number" ? [r.key] : []));
    t = await t.restart();

    // when
    const second = await t.engine.createProcessInstance({ bpmnProcessId: "durability" });

    // then
    const highestBefore = Math.max(first.processInstanceKey, ...keysBefore);
    const keysAfter = t.engine.history(second.processInstanceKey).flatMap((r) => (typeof r.key === "number" ? [r.key] : []));
    expect(second.processInstanceKey).to.be.greaterThan(highestBefore);
    expect(Math.min(...keysAfter)).to.be.greaterThan(highestBefore);
  });

  it("should keep deployed process definitions across a restart", async () => {
    // given
    t = await t.restart();

    // when
    const created = await t.engine.createProcessInstance({ bpmnProcessId: "durability" });

    // then
    expect(created.version).to.equal(1);
    expect(t.engine.userTasks({ processInstanceKey: created.processInstanceKey })).to.have.length(1);
  });
});
