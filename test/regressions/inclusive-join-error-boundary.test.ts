/**
 * Regression: an inclusive (OR) join reached by a boundary event. The join used to ask only whether
 * a live token could reach it by sequence flows; a task whose error boundary leads to the join did
 * not count, so the join fired as soon as the other branch arrived and then fired a second time
 * when the error was thrown. A live activity whose boundary event can reach the join must hold the
 * join back, and the join must fire exactly once.
 */
import { expect } from "chai";
import { deployFixtures, startTestEngine, type TestEngine } from "../helpers/engine.js";
import { records, tokenAt, tokensAt } from "../composition/support.js";

describe("regression: inclusive join reached through an error boundary event", () => {
  let t: TestEngine;

  beforeEach(async () => {
    t = await startTestEngine();
    await deployFixtures(t.engine, "regressions/inclusive-join-error-boundary.bpmn");
  });

  afterEach(async () => {
    await t.close();
  });

  async function start(variables = { needsContract: true, needsCredit: true }) {
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "inclusive-join-error-boundary", variables });
    return processInstanceKey;
  }

  function jobOf(processInstanceKey: number, type: string) {
    const jobs = t.engine.jobs({ processInstanceKey, type, state: "ACTIVATABLE" });
    expect(jobs, `one open '${type}' job`).to.have.length(1);
    return jobs[0]!;
  }

  const joins = (processInstanceKey: number) => records(t.engine, processInstanceKey, "ELEMENT_COMPLETED", "Gateway_Join").length;

  it("should not fire the join while a task whose error boundary leads to it is still running", async () => {
    // given both checks are running
    const processInstanceKey = await start();

    // when the contract check completes
    await t.engine.completeJob(jobOf(processInstanceKey, "check-contract").key);

    // then the join waits for the credit check, which may still throw its way to the join
    expect(joins(processInstanceKey)).to.equal(0);
    expect(t.engine.jobs({ processInstanceKey, type: "prepare-offer" })).to.deep.equal([]);
    expect(tokensAt(t.engine, processInstanceKey, "Task_Prepare_Offer")).to.deep.equal([]);
    tokenAt(t.engine, processInstanceKey, "Task_Check_Credit");
  });

  it("should fire the join exactly once when the error is thrown on that task", async () => {
    // given the contract check has completed
    const processInstanceKey = await start();
    await t.engine.completeJob(jobOf(processInstanceKey, "check-contract").key);

    // when the credit check is refused by a BPMN error
    await t.engine.throwError(jobOf(processInstanceKey, "check-credit").key, { errorCode: "CREDIT_REFUSED" });

    // then
    expect(records(t.engine, processInstanceKey, "ELEMENT_COMPLETED", "Error_Credit_Refused")).to.have.length(1);
    expect(joins(processInstanceKey)).to.equal(1);
    expect(tokensAt(t.engine, processInstanceKey, "Task_Prepare_Offer")).to.have.length(1);
    expect(t.engine.jobs({ processInstanceKey, type: "prepare-offer" })).to.have.length(1);
    expect(t.engine.activeElements(processInstanceKey).map((e) => e.elementId)).to.deep.equal(["Task_Prepare_Offer"]);

    // and the instance completes once the offer is prepared
    await t.engine.completeJob(jobOf(processInstanceKey, "prepare-offer").key);
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
    expect(joins(processInstanceKey)).to.equal(1);
  });

  it("should wait for the other branch when the error is thrown first, then fire once", async () => {
    // given
    const processInstanceKey = await start();

    // when the error comes before the contract check completes
    await t.engine.throwError(jobOf(processInstanceKey, "check-credit").key, { errorCode: "CREDIT_REFUSED" });
    const joinsBeforeContract = joins(processInstanceKey);
    await t.engine.completeJob(jobOf(processInstanceKey, "check-contract").key);

    // then
    expect(joinsBeforeContract).to.equal(0);
    expect(joins(processInstanceKey)).to.equal(1);
    expect(t.engine.jobs({ processInstanceKey, type: "prepare-offer" })).to.have.length(1);
    expect(t.engine.activeElements(processInstanceKey).map((e) => e.elementId)).to.deep.equal(["Task_Prepare_Offer"]);
  });

  it("should fire the join once when the task completes normally and can no longer reach it", async () => {
    // given the contract check has completed
    const processInstanceKey = await start();
    await t.engine.completeJob(jobOf(processInstanceKey, "check-contract").key);

    // when the credit check completes without error (its path ends at End_Credit_Ok)
    await t.engine.completeJob(jobOf(processInstanceKey, "check-credit").key);

    // then
    expect(joins(processInstanceKey)).to.equal(1);
    expect(t.engine.jobs({ processInstanceKey, type: "prepare-offer" })).to.have.length(1);
    expect(t.engine.activeElements(processInstanceKey).map((e) => e.elementId)).to.deep.equal(["Task_Prepare_Offer"]);
  });

  it("should fire the join once from the boundary alone when only the credit branch was taken", async () => {
    // given
    const processInstanceKey = await start({ needsContract: false, needsCredit: true });

    // when
    await t.engine.throwError(jobOf(processInstanceKey, "check-credit").key, { errorCode: "CREDIT_REFUSED" });

    // then
    expect(joins(processInstanceKey)).to.equal(1);
    expect(t.engine.activeElements(processInstanceKey).map((e) => e.elementId)).to.deep.equal(["Task_Prepare_Offer"]);
  });
});
