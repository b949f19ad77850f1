/**
 * Regression: incidents of an ad-hoc sub-process whose completion condition (`=done`) is undefined.
 * Each inner completion re-evaluates the condition; the failures used to pile up as several open
 * incidents on the one element, and resolving the first one resolved the last one instead (the
 * element's current incident), leaving the first one open on an element that was gone. Resolving
 * that one again then crashed with a plain Error instead of an EngineError with a code.
 *
 * Expected: every open incident is a CONDITION_ERROR on the ad-hoc sub-process (the engine may keep
 * one per failed evaluation or one per element); resolving an incident resolves that incident; once
 * the element has ended none stays open; and the engine only ever answers with an EngineError.
 */
import { expect } from "chai";
import { EngineError } from "../../src/engine/errors.js";
import { deployFixtures, startTestEngine, type TestEngine } from "../helpers/engine.js";
import { records, tokenAt } from "../composition/support.js";

/** What a command answered: undefined when it was accepted, the error otherwise. */
async function outcomeOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(() => undefined, (error: unknown) => error);
}

function expectNoPlainError(outcome: unknown, what: string): void {
  if (outcome === undefined) return;
  expect(outcome, `${what}: ${String(outcome)}`).to.be.instanceOf(EngineError);
  expect((outcome as EngineError).code, what).to.be.a("string").and.not.equal("");
}

describe("regression: incidents of an ad-hoc sub-process with an undefined completion condition", () => {
  let t: TestEngine;

  beforeEach(async () => {
    t = await startTestEngine();
    await deployFixtures(t.engine, "regressions/ad-hoc-undefined-completion-condition.bpmn");
  });

  afterEach(async () => {
    await t.close();
  });

  /** Starts a dossier, activates both actions and completes them while `done` is undefined. */
  async function twoCompletionsWithoutDone() {
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "ad-hoc-undefined-completion-condition" });
    const adHoc = tokenAt(t.engine, processInstanceKey, "AdHoc_Dossier");
    await t.engine.activateAdHocElements(adHoc.key, { elements: [{ elementId: "Task_Request_Documents" }, { elementId: "Task_Call_Customer" }] });
    const jobs = t.engine.jobs({ processInstanceKey, state: "ACTIVATABLE" });
    expect(jobs.map((j) => j.type)).to.have.members(["request-documents", "call-customer"]);
    for (const job of jobs) await t.engine.completeJob(job.key);
    return { processInstanceKey, adHoc };
  }

  it("should raise CONDITION_ERROR incidents on the ad-hoc sub-process and keep it waiting", async () => {
    // when both actions complete while the completion condition cannot be evaluated
    const { processInstanceKey, adHoc } = await twoCompletionsWithoutDone();

    // then
    const incidents = t.engine.incidents({ processInstanceKey, state: "ACTIVE" });
    expect(incidents).to.have.length.within(1, 2);
    for (const incident of incidents) expect(incident).to.include({ errorType: "CONDITION_ERROR", elementId: "AdHoc_Dossier", elementInstanceKey: adHoc.key });
    expect(tokenAt(t.engine, processInstanceKey, "AdHoc_Dossier").key).to.equal(adHoc.key);
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("ACTIVE");
  });

  it("should resolve the incident it is asked to resolve, complete the ad-hoc sub-process and leave no incident open", async () => {
    // given
    const { processInstanceKey } = await twoCompletionsWithoutDone();
    const [first] = t.engine.incidents({ processInstanceKey, state: "ACTIVE" });

    // when the variable is set and the first incident is resolved
    await t.engine.setVariables(processInstanceKey, { done: true });
    await t.engine.resolveIncident(first!.key);

    // then that very incident is resolved (not another one), and the instance moved on
    expect(t.engine.incidents({ processInstanceKey }).find((i) => i.key === first!.key)?.state).to.equal("RESOLVED");
    expect(records(t.engine, processInstanceKey, "INCIDENT_RESOLVED")[0]?.key).to.equal(first!.key);
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
    expect(t.engine.incidents({ processInstanceKey, state: "ACTIVE" })).to.deep.equal([]);
  });

  it("should answer an EngineError, never a plain Error, when asked to resolve an incident whose element is gone", async () => {
    // given the ad-hoc sub-process completed after the first incident was resolved
    const { processInstanceKey } = await twoCompletionsWithoutDone();
    const incidents = t.engine.incidents({ processInstanceKey });
    await t.engine.setVariables(processInstanceKey, { done: true });
    await t.engine.resolveIncident(incidents[0]!.key);
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");

    // when every incident is resolved (again)
    const outcomes = [];
    for (const incident of incidents) outcomes.push(await outcomeOf(t.engine.resolveIncident(incident.key)));

    // then
    outcomes.forEach((outcome, i) => expectNoPlainError(outcome, `resolving incident #${i + 1}`));
    expect(t.engine.incidents({ processInstanceKey, state: "ACTIVE" })).to.deep.equal([]);
  });

  it("should answer an EngineError, never a plain Error, when the incident's element was terminated with its instance", async () => {
    // given the instance is canceled while the ad-hoc sub-process has open incidents
    const { processInstanceKey } = await twoCompletionsWithoutDone();
    const incidents = t.engine.incidents({ processInstanceKey, state: "ACTIVE" });
    await t.engine.cancelProcessInstance(processInstanceKey);

    // when
    const outcomes = [];
    for (const incident of incidents) outcomes.push(await outcomeOf(t.engine.resolveIncident(incident.key)));

    // then
    outcomes.forEach((outcome, i) => expectNoPlainError(outcome, `resolving incident #${i + 1}`));
    expect(t.engine.incidents({ processInstanceKey, state: "ACTIVE" })).to.deep.equal([]);
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("TERMINATED");
  });
});
