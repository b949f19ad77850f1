/**
 * Regression: modifying an instance to activate an element inside a multi-instance sub-process.
 * Without an ancestor key the engine looked for "an active instance of the sub-process" and found
 * the multi-instance body first (it has the same element id), so the new token was put directly
 * under the body, beside the inner instances: no item, no loopCounter, and the body's bookkeeping
 * went wrong when it completed. Without an ancestor the request is ambiguous and must be refused
 * (or the token placed inside an inner instance); with an inner instance as ancestor it must work.
 */
import { expect } from "chai";
import { EngineError } from "../../src/engine/errors.js";
import { deployFixtures, startTestEngine, type TestEngine } from "../helpers/engine.js";
import { records } from "../composition/support.js";

const items = [{ id: "doc-1" }, { id: "doc-2" }];

describe("regression: modifying an instance inside a multi-instance sub-process", () => {
  let t: TestEngine;

  beforeEach(async () => {
    t = await startTestEngine();
    await deployFixtures(t.engine, "regressions/modify-mi-sub-process.bpmn");
  });

  afterEach(async () => {
    await t.close();
  });

  async function start() {
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "modify-mi-sub-process", variables: { items } });
    const scopes = t.engine.activeElements(processInstanceKey).filter((e) => e.elementId === "Sub_Check_Item");
    const body = scopes.find((e) => e.elementType === "MULTI_INSTANCE_BODY")!;
    const inner = scopes.filter((e) => e.elementType === "SUB_PROCESS").sort((a, b) => a.key - b.key);
    expect(body, "the multi-instance body").to.not.equal(undefined);
    expect(inner, "two inner instances").to.have.length(2);
    return { processInstanceKey, body, inner };
  }

  /** The flow scope of each Task_Check instance activated so far, in activation order. */
  const taskScopes = (processInstanceKey: number) =>
    records(t.engine, processInstanceKey, "ELEMENT_ACTIVATING", "Task_Check").map((r) => r.flowScopeKey);

  it("should refuse activating an element inside the multi-instance sub-process without an ancestor, or place it in an inner instance, never under the body", async () => {
    // given
    const { processInstanceKey, body, inner } = await start();
    const before = { active: t.engine.activeElements(processInstanceKey), jobs: t.engine.jobs({ processInstanceKey }) };

    // when
    const outcome = await t.engine
      .modifyProcessInstance(processInstanceKey, { activateInstructions: [{ elementId: "Task_Check" }] })
      .then(() => undefined, (error: unknown) => error);

    // then
    if (outcome !== undefined) {
      // refused as ambiguous, and nothing changed
      expect(outcome, String(outcome)).to.be.instanceOf(EngineError);
      expect((outcome as EngineError).code).to.equal("INVALID_ARGUMENT");
      expect(t.engine.activeElements(processInstanceKey)).to.deep.equal(before.active);
      expect(t.engine.jobs({ processInstanceKey })).to.deep.equal(before.jobs);
      return;
    }
    const scopes = taskScopes(processInstanceKey);
    expect(scopes).to.have.length(3);
    expect(scopes[2], `the new token's flow scope (the body is ${body.key})`).to.be.oneOf(inner.map((i) => i.key));
  });

  it("should refuse the multi-instance body itself as the ancestor", async () => {
    // given
    const { processInstanceKey, body } = await start();
    const before = t.engine.activeElements(processInstanceKey);

    // when
    const outcome = await t.engine
      .modifyProcessInstance(processInstanceKey, { activateInstructions: [{ elementId: "Task_Check", ancestorElementInstanceKey: body.key }] })
      .then(() => undefined, (error: unknown) => error);

    // then
    expect(outcome, "the modification should have been refused").to.be.instanceOf(EngineError);
    expect((outcome as EngineError).code).to.equal("INVALID_ARGUMENT");
    expect(t.engine.activeElements(processInstanceKey)).to.deep.equal(before);
    expect(taskScopes(processInstanceKey)).to.not.include(body.key);
  });

  it("should not put the token under the body when there is a single inner instance and no ancestor", async () => {
    // given one item, so one inner instance
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "modify-mi-sub-process", variables: { items: [items[0]] } });
    const scopes = t.engine.activeElements(processInstanceKey).filter((e) => e.elementId === "Sub_Check_Item");
    const body = scopes.find((e) => e.elementType === "MULTI_INSTANCE_BODY")!;
    const inner = scopes.find((e) => e.elementType === "SUB_PROCESS")!;

    // when
    const outcome = await t.engine
      .modifyProcessInstance(processInstanceKey, { activateInstructions: [{ elementId: "Task_Check" }] })
      .then(() => undefined, (error: unknown) => error);

    // then refused, or placed in the one inner instance
    if (outcome !== undefined) {
      expect(outcome, String(outcome)).to.be.instanceOf(EngineError);
      expect((outcome as EngineError).code).to.equal("INVALID_ARGUMENT");
      return;
    }
    expect(taskScopes(processInstanceKey), `flow scopes (the body is ${body.key})`).to.deep.equal([inner.key, inner.key]);
  });

  it("should activate the element inside the given inner instance, with that instance's item and loopCounter", async () => {
    // given
    const { processInstanceKey, inner } = await start();

    // when
    await t.engine.modifyProcessInstance(processInstanceKey, { activateInstructions: [{ elementId: "Task_Check", ancestorElementInstanceKey: inner[0]!.key }] });

    // then
    expect(taskScopes(processInstanceKey)).to.deep.equal([inner[0]!.key, inner[1]!.key, inner[0]!.key]);
    const jobs = await t.engine.activateJobs({ type: "check-item", timeout: 60_000, maxJobsToActivate: 10 });
    expect(jobs.map((job) => [job.variables.item, job.variables.loopCounter])).to.have.deep.members([[items[0], 1], [items[1], 2], [items[0], 1]]);
  });

  it("should keep the multi-instance bookkeeping correct: the inner instance waits for both tokens, the body completes once, in order", async () => {
    // given a second token in the first inner instance
    const { processInstanceKey, body, inner } = await start();
    await t.engine.modifyProcessInstance(processInstanceKey, { activateInstructions: [{ elementId: "Task_Check", ancestorElementInstanceKey: inner[0]!.key }] });
    const jobs = await t.engine.activateJobs({ type: "check-item", timeout: 60_000, maxJobsToActivate: 10 });
    const firstInner = jobs.filter((job) => job.variables.loopCounter === 1);
    const secondInner = jobs.filter((job) => job.variables.loopCounter === 2);
    expect(firstInner).to.have.length(2);
    expect(secondInner).to.have.length(1);

    // when the first inner instance's original token completes
    await t.engine.completeJob(firstInner[0]!.jobKey, { result: "doc-1 ok" });

    // then it still waits for its second token
    expect(t.engine.activeElements(processInstanceKey).map((e) => e.key)).to.include.members([body.key, inner[0]!.key, inner[1]!.key]);

    // when everything else completes
    await t.engine.completeJob(secondInner[0]!.jobKey, { result: "doc-2 ok" });
    await t.engine.completeJob(firstInner[1]!.jobKey, { result: "doc-1 ok" });

    // then each inner instance and the body completed once, and the output collection is in item order
    const completed = records(t.engine, processInstanceKey, "ELEMENT_COMPLETED", "Sub_Check_Item").map((r) => r.key);
    expect(completed).to.have.members([inner[0]!.key, inner[1]!.key, body.key]);
    expect(completed.at(-1)).to.equal(body.key);
    expect(records(t.engine, processInstanceKey, "ELEMENT_COMPLETED", "EndEvent_1")).to.have.length(1);
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
    expect(t.engine.variables(processInstanceKey)).to.deep.include({ results: ["doc-1 ok", "doc-2 ok"] });
  });
});
