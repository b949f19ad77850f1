/**
 * Commands are checked before they are applied: a stale, repeated or unknown command is rejected
 * with a stable code and changes nothing, even when two arrive in the same tick.
 */
import { expect } from "chai";
import { EngineError } from "../../src/engine/errors.js";
import { deployFixtures, startTestEngine, type TestEngine } from "../helpers/engine.js";

async function rejection(promise: Promise<unknown>): Promise<EngineError> {
  const outcome = await promise.then(() => undefined, (error: unknown) => error);
  expect(outcome, "the command should have been rejected").to.be.instanceOf(EngineError);
  return outcome as EngineError;
}

describe("engine: stale and repeated commands", () => {
  let t: TestEngine;

  beforeEach(async () => {
    t = await startTestEngine();
    await deployFixtures(t.engine, "engine/user-task-default.bpmn", "engine/job-simple.bpmn");
  });

  afterEach(async () => {
    await t.close();
  });

  const waitingTask = async () => {
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "user-task-default" });
    return { processInstanceKey, taskKey: t.engine.userTasks({ processInstanceKey })[0]!.key };
  };

  const countOf = (processInstanceKey: number, type: string) => t.engine.history(processInstanceKey).filter((r) => r.type === type).length;

  it("should reject completing a user task a second time with INVALID_STATE and record one completion", async () => {
    // given
    const { processInstanceKey, taskKey } = await waitingTask();
    await t.engine.completeUserTask(taskKey, { approved: true });
    const before = t.engine.history(processInstanceKey).length;

    // when
    const error = await rejection(t.engine.completeUserTask(taskKey, { approved: false }));

    // then
    expect(error.code).to.equal("INVALID_STATE");
    expect(countOf(processInstanceKey, "USER_TASK_COMPLETED")).to.equal(1);
    expect(t.engine.history(processInstanceKey)).to.have.length(before);
    expect(t.engine.variables(processInstanceKey)).to.deep.equal({ approved: true });
  });

  it("should apply exactly one of two completions of the same user task issued in the same tick", async () => {
    // given
    const { processInstanceKey, taskKey } = await waitingTask();

    // when
    const outcomes = await Promise.allSettled([t.engine.completeUserTask(taskKey, { by: "anna" }), t.engine.completeUserTask(taskKey, { by: "ben" })]);

    // then
    expect(outcomes.filter((o) => o.status === "fulfilled")).to.have.length(1);
    const [rejected] = outcomes.filter((o): o is PromiseRejectedResult => o.status === "rejected");
    expect(rejected!.reason).to.be.instanceOf(EngineError).and.to.include({ code: "INVALID_STATE" });
    expect(countOf(processInstanceKey, "USER_TASK_COMPLETED")).to.equal(1);
    expect(countOf(processInstanceKey, "ELEMENT_COMPLETED")).to.equal(4);
    expect(t.engine.variables(processInstanceKey)).to.deep.equal({ by: "anna" });
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
  });

  it("should reject completing a job a second time with NOT_FOUND", async () => {
    // given
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "job-simple" });
    const [job] = await t.engine.activateJobs({ type: "work", timeout: 10_000, maxJobsToActivate: 1 });
    await t.engine.completeJob(job!.jobKey, { n: 1 });
    const before = t.engine.history(processInstanceKey).length;

    // when
    const error = await rejection(t.engine.completeJob(job!.jobKey, { n: 2 }));

    // then
    expect(error.code).to.equal("NOT_FOUND");
    expect(countOf(processInstanceKey, "JOB_COMPLETED")).to.equal(1);
    expect(t.engine.history(processInstanceKey)).to.have.length(before);
    expect(t.engine.variables(processInstanceKey)).to.deep.equal({ n: 1 });
  });

  it("should apply exactly one of two completions of the same job issued in the same tick", async () => {
    // given
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "job-simple" });
    const [job] = await t.engine.activateJobs({ type: "work", timeout: 10_000, maxJobsToActivate: 1 });

    // when
    const outcomes = await Promise.allSettled([t.engine.completeJob(job!.jobKey), t.engine.completeJob(job!.jobKey)]);

    // then
    expect(outcomes.map((o) => o.status).sort()).to.deep.equal(["fulfilled", "rejected"]);
    expect(countOf(processInstanceKey, "JOB_COMPLETED")).to.equal(1);
    expect(countOf(processInstanceKey, "ELEMENT_COMPLETED")).to.equal(4);
  });

  it("should reject commands on keys that do not exist with NOT_FOUND", async () => {
    // given
    const unknown = 999_999_999;

    // when
    const errors = await Promise.all([
      rejection(t.engine.completeJob(unknown)),
      rejection(t.engine.completeUserTask(unknown)),
      rejection(t.engine.failJob(unknown, { retries: 1 })),
      rejection(t.engine.resolveIncident(unknown)),
      rejection(t.engine.cancelProcessInstance(unknown)),
    ]);

    // then
    expect(errors.map((e) => e.code)).to.deep.equal(["NOT_FOUND", "NOT_FOUND", "NOT_FOUND", "NOT_FOUND", "NOT_FOUND"]);
  });

  it("should reject cancelling a completed process instance with INVALID_STATE and leave it completed", async () => {
    // given
    const { processInstanceKey, taskKey } = await waitingTask();
    await t.engine.completeUserTask(taskKey);
    const before = t.engine.history(processInstanceKey).length;

    // when
    const error = await rejection(t.engine.cancelProcessInstance(processInstanceKey));

    // then
    expect(error.code).to.equal("INVALID_STATE");
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
    expect(t.engine.history(processInstanceKey)).to.have.length(before);
  });

  it("should reject completing the user task of a cancelled instance and change nothing", async () => {
    // given
    const { processInstanceKey, taskKey } = await waitingTask();
    await t.engine.cancelProcessInstance(processInstanceKey);
    const before = t.engine.history(processInstanceKey).length;

    // when
    const error = await rejection(t.engine.completeUserTask(taskKey, { late: true }));

    // then
    expect(error.code).to.equal("INVALID_STATE");
    expect(t.engine.userTasks({ processInstanceKey })[0]?.state).to.equal("CANCELED");
    expect(t.engine.history(processInstanceKey)).to.have.length(before);
    expect(t.engine.variables(processInstanceKey)).to.deep.equal({});
  });

  it("should reject resolving an incident twice with NOT_FOUND", async () => {
    // given
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "job-simple" });
    const [job] = await t.engine.activateJobs({ type: "work", timeout: 10_000, maxJobsToActivate: 1 });
    await t.engine.failJob(job!.jobKey, { retries: 0 });
    await t.engine.updateJobRetries(job!.jobKey, 1);
    const [incident] = t.engine.incidents({ processInstanceKey });
    await t.engine.resolveIncident(incident!.key);
    const before = t.engine.history(processInstanceKey).length;

    // when
    const error = await rejection(t.engine.resolveIncident(incident!.key));

    // then
    expect(error.code).to.equal("NOT_FOUND");
    expect(t.engine.history(processInstanceKey)).to.have.length(before);
  });

  it("should reject malformed keys and variables with INVALID_ARGUMENT", async () => {
    // given
    const { taskKey } = await waitingTask();

    // when
    const errors = await Promise.all([
      rejection(t.engine.completeUserTask("abc")),
      rejection(t.engine.completeJob(-1)),
      rejection(t.engine.completeUserTask(taskKey, [1, 2] as unknown as Record<string, unknown>)),
    ]);

    // then
    expect(errors.map((e) => e.code)).to.deep.equal(["INVALID_ARGUMENT", "INVALID_ARGUMENT", "INVALID_ARGUMENT"]);
    expect(t.engine.userTasks({})[0]?.state).to.equal("CREATED");
  });
});
