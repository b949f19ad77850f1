/**
 * Jobs as workers see them: activation locks a job until a deadline; failing with retries left makes
 * it available again (after the back-off); failing with none, or throwing an uncaught BPMN error, is
 * an incident that an operator resolves (after raising the retries, for a failed job).
 */
import { expect } from "chai";
import { EngineError } from "../../src/engine/errors.js";
import { JobError } from "../../src/engine/workers.js";
import { deployFixtures, startTestEngine, visited, type TestEngine } from "../helpers/engine.js";

async function rejection(promise: Promise<unknown>): Promise<EngineError> {
  const outcome = await promise.then(() => undefined, (error: unknown) => error);
  expect(outcome, "the command should have been rejected").to.be.instanceOf(EngineError);
  return outcome as EngineError;
}

async function until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe("engine: jobs", () => {
  let t: TestEngine;
  let processInstanceKey: number;

  beforeEach(async () => {
    t = await startTestEngine();
    await deployFixtures(t.engine, "engine/job-simple.bpmn");
    ({ processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "job-simple" }));
  });

  afterEach(async () => {
    await t.close();
  });

  const activate = (worker = "worker-1", timeout = 10_000) => t.engine.activateJobs({ type: "work", worker, timeout, maxJobsToActivate: 1 });

  it("should not hand a locked job to a second worker before its lock expires", async () => {
    // given
    await activate("worker-1", 1000);

    // when
    t.clock.advance(1000 - 1);
    const second = await activate("worker-2");

    // then
    expect(second).to.deep.equal([]);
  });

  it("should never hand the same job to two workers activating in the same tick", async () => {
    // when
    const [first, second] = await Promise.all([activate("worker-1"), activate("worker-2")]);

    // then
    expect([...first!, ...second!]).to.have.length(1);
    expect(t.engine.history(processInstanceKey).filter((r) => r.type === "JOB_ACTIVATED")).to.have.length(1);
  });

  it("should hand a job whose lock expired to another worker and record the time-out", async () => {
    // given
    const [first] = await activate("worker-1", 1000);

    // when
    t.clock.advance(1001);
    const [second] = await activate("worker-2");

    // then
    expect(second).to.include({ jobKey: first!.jobKey, worker: "worker-2" });
    const history = t.engine.history(processInstanceKey);
    expect(history.filter((r) => r.type === "JOB_TIMED_OUT")).to.have.length(1);
    expect(history.filter((r) => r.type === "JOB_TIMED_OUT")[0]).to.include({ key: first!.jobKey, worker: "worker-1" });
    expect(history.filter((r) => r.type === "JOB_ACTIVATED").map((r) => r["worker"])).to.deep.equal(["worker-1", "worker-2"]);
  });

  it("should make a job with an expired lock activatable again through the time-out sweep", async () => {
    // given
    const [job] = await activate("worker-1", 1000);
    t.clock.advance(1001);

    // when
    const count = await t.engine.timeOutJobs();

    // then
    expect(count).to.equal(1);
    expect(t.engine.jobs({ processInstanceKey })[0]).to.include({ key: job!.jobKey, state: "ACTIVATABLE" });
  });

  it("should keep a failed job with retries left out of reach until its back-off has passed", async () => {
    // given
    const [job] = await activate();

    // when
    await t.engine.failJob(job!.jobKey, { retries: 2, errorMessage: "CRM unreachable", retryBackOff: 5000 });

    // then
    expect(t.engine.jobs({ processInstanceKey })[0]).to.include({ state: "ACTIVATABLE", retries: 2, retryAt: t.clock.now() + 5000 });
    t.clock.advance(4999);
    expect(await activate("worker-2")).to.deep.equal([]);
    t.clock.advance(1);
    const [again] = await activate("worker-2");
    expect(again).to.include({ jobKey: job!.jobKey, retries: 2 });
    expect(t.engine.incidents({ processInstanceKey })).to.deep.equal([]);
  });

  it("should raise a JOB_NO_RETRIES incident when a job fails with no retries left", async () => {
    // given
    const [job] = await activate();

    // when
    await t.engine.failJob(job!.jobKey, { retries: 0, errorMessage: "CRM unreachable" });

    // then
    const [incident] = t.engine.incidents({ processInstanceKey });
    expect(incident).to.include({ state: "ACTIVE", errorType: "JOB_NO_RETRIES", errorMessage: "CRM unreachable", jobKey: job!.jobKey, elementId: "Task_Work" });
    expect(t.engine.jobs({ processInstanceKey })[0]).to.include({ state: "FAILED", retries: 0 });
    expect(await activate("worker-2")).to.deep.equal([]);
  });

  it("should refuse to resolve a JOB_NO_RETRIES incident before the retries were raised", async () => {
    // given
    const [job] = await activate();
    await t.engine.failJob(job!.jobKey, { retries: 0 });
    const [incident] = t.engine.incidents({ processInstanceKey });
    const before = t.engine.history(processInstanceKey).length;

    // when
    const error = await rejection(t.engine.resolveIncident(incident!.key));

    // then
    expect(error.code).to.equal("INVALID_STATE");
    expect(t.engine.incidents({ processInstanceKey })[0]?.state).to.equal("ACTIVE");
    expect(t.engine.history(processInstanceKey)).to.have.length(before);
  });

  it("should make the job activatable again after its retries are raised and the incident resolved", async () => {
    // given
    const [job] = await activate();
    await t.engine.failJob(job!.jobKey, { retries: 0 });
    const [incident] = t.engine.incidents({ processInstanceKey });

    // when
    await t.engine.updateJobRetries(job!.jobKey, 1);
    await t.engine.resolveIncident(incident!.key);

    // then
    const [again] = await activate("worker-2");
    expect(again).to.include({ jobKey: job!.jobKey, retries: 1 });
    await t.engine.completeJob(again!.jobKey, { done: true });
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
    expect(visited(t.engine, processInstanceKey, "INCIDENT_RESOLVED")).to.deep.equal(["Task_Work"]);
    expect(visited(t.engine, processInstanceKey, "JOB_RETRIES_UPDATED")).to.deep.equal(["Task_Work"]);
  });

  it("should raise an UNHANDLED_ERROR_EVENT incident when a worker throws a BPMN error nothing catches", async () => {
    // given
    const [job] = await activate();

    // when
    await t.engine.throwError(job!.jobKey, { errorCode: "CUSTOMER_BLOCKED", errorMessage: "blocked" });

    // then
    const [incident] = t.engine.incidents({ processInstanceKey });
    expect(incident).to.include({ state: "ACTIVE", errorType: "UNHANDLED_ERROR_EVENT", jobKey: job!.jobKey, elementId: "Task_Work" });
    expect(incident!.errorMessage).to.contain("CUSTOMER_BLOCKED");
    expect(t.engine.jobs({ processInstanceKey })[0]?.state).to.equal("ERROR_THROWN");
    expect(t.engine.history(processInstanceKey).find((r) => r.type === "JOB_ERROR_THROWN")).to.include({ key: job!.jobKey, errorCode: "CUSTOMER_BLOCKED" });
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("ACTIVE");
  });

  it("should make the job available again when its unhandled-error incident is resolved", async () => {
    // given
    const [job] = await activate();
    await t.engine.throwError(job!.jobKey, { errorCode: "CUSTOMER_BLOCKED" });
    const [incident] = t.engine.incidents({ processInstanceKey });

    // when
    await t.engine.resolveIncident(incident!.key);

    // then
    const [again] = await activate("worker-2");
    expect(again).to.include({ jobKey: job!.jobKey });
    await t.engine.completeJob(again!.jobKey);
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
  });

  it("should resolve the open incident and cancel the job when the instance is cancelled", async () => {
    // given
    const [job] = await activate();
    await t.engine.failJob(job!.jobKey, { retries: 0 });

    // when
    await t.engine.cancelProcessInstance(processInstanceKey);

    // then
    expect(t.engine.incidents({ processInstanceKey })[0]?.state).to.equal("RESOLVED");
    expect(t.engine.jobs({ processInstanceKey })[0]?.state).to.equal("CANCELED");
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("TERMINATED");
  });

  it("should let an in-process worker complete jobs with the variables its handler returns", async () => {
    // given
    const seen: number[] = [];
    const worker = t.engine.createWorker({ type: "work", pollInterval: 20, handler: (job) => {
      seen.push(job.jobKey);
      return { handledBy: "in-process" };
    } });

    // when
    await until(() => t.engine.processInstance(processInstanceKey)?.state === "COMPLETED", "the instance to complete");
    await worker.close();

    // then
    expect(seen).to.have.length(1);
    expect(t.engine.variables(processInstanceKey)).to.deep.equal({ handledBy: "in-process" });
  });

  it("should fail the job with one retry less when an in-process worker's handler throws", async () => {
    // given a back-off long enough (on the controlled clock) that the job is not retried during the test
    const worker = t.engine.createWorker({ type: "work", pollInterval: 20, retryBackOff: 60_000, handler: () => {
      throw new Error("mail server down");
    } });

    // when
    await until(() => t.engine.history(processInstanceKey).some((r) => r.type === "JOB_FAILED"), "the job to fail");
    await worker.close();

    // then
    expect(t.engine.jobs({ processInstanceKey })[0]).to.include({ state: "ACTIVATABLE", retries: 2, errorMessage: "mail server down" });
    expect(t.engine.history(processInstanceKey).find((r) => r.type === "JOB_FAILED")).to.include({ retries: 2, errorMessage: "mail server down", retryBackOff: 60_000 });
  });

  it("should turn a JobError thrown by an in-process handler into a BPMN error", async () => {
    // given
    const worker = t.engine.createWorker({ type: "work", pollInterval: 20, handler: () => {
      throw new JobError("NOT_ELIGIBLE", "customer not eligible");
    } });

    // when
    await until(() => t.engine.incidents({ processInstanceKey }).length > 0, "an incident");
    await worker.close();

    // then
    expect(t.engine.incidents({ processInstanceKey })[0]).to.include({ errorType: "UNHANDLED_ERROR_EVENT" });
    expect(t.engine.jobs({ processInstanceKey })[0]).to.include({ state: "ERROR_THROWN", errorCode: "NOT_ELIGIBLE" });
  });
});
