/**
 * BPMN errors: thrown by error end events or by job workers, caught from the thrower outwards — by a
 * boundary event with the exact code (preferred) or a catch-all, by an error event sub-process, and
 * across a call activity. An error nobody catches becomes an UNHANDLED_ERROR_EVENT incident.
 */
import { expect } from "chai";
import { JobError } from "../../src/engine/workers.js";
import { deployFixtures, startTestEngine, visited, type TestEngine } from "../helpers/engine.js";
import { activateOne, openTask, records, until } from "./support.js";

describe("composition: errors", () => {
  let t: TestEngine;

  beforeEach(async () => {
    t = await startTestEngine();
    await deployFixtures(
      t.engine,
      "composition/error-boundary-sub.bpmn",
      "composition/error-event-sub-process.bpmn",
      "composition/error-job-boundary.bpmn",
      "composition/error-uncaught-end.bpmn",
      "composition/error-call-parent.bpmn",
      "composition/error-call-child.bpmn",
    );
  });

  afterEach(async () => {
    await t.close();
  });

  describe("error end event inside a sub-process", () => {
    it("should be caught by the boundary event with its code on the enclosing sub-process", async () => {
      // when the sub-process ends at the 'REJECTED' error end event
      const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "error-boundary-sub", variables: { outcome: "rejected" } });

      // then the sub-process is terminated and the process continues after the boundary event
      expect(records(t.engine, processInstanceKey, "ERROR_THROWN")).to.have.length(1);
      expect(records(t.engine, processInstanceKey, "ERROR_THROWN")[0]).to.include({ elementId: "End_Rejected", code: "REJECTED", caught: true });
      expect(records(t.engine, processInstanceKey, "ERROR_CAUGHT").map((r) => r.elementId)).to.deep.equal(["Boundary_Rejected"]);
      expect(visited(t.engine, processInstanceKey, "ELEMENT_TERMINATED")).to.deep.equal(["End_Rejected", "Sub_Check"]);
      expect(visited(t.engine, processInstanceKey)).to.deep.equal(["StartEvent_1", "Sub_Start", "Gateway_Outcome", "Boundary_Rejected", "Task_Notify_Rejection", "End_Rejection_Notified", "error-boundary-sub"]);
      expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
    });

    it("should be caught by the catch-all boundary event when no boundary event has its code", async () => {
      // when the sub-process ends at the 'UNKNOWN_CUSTOMER' error end event
      const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "error-boundary-sub", variables: { outcome: "unknown" } });

      // then
      expect(records(t.engine, processInstanceKey, "ERROR_THROWN")[0]).to.include({ elementId: "End_Unknown", code: "UNKNOWN_CUSTOMER", caught: true });
      expect(records(t.engine, processInstanceKey, "ERROR_CAUGHT").map((r) => r.elementId)).to.deep.equal(["Boundary_Any_Error"]);
      expect(visited(t.engine, processInstanceKey)).to.include.members(["Task_Investigate", "End_Investigated"]);
      expect(visited(t.engine, processInstanceKey)).to.not.include("Task_Notify_Rejection");
      expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
    });

    it("should prefer the boundary event with the exact code over a catch-all declared before it", async () => {
      // given the catch-all boundary event comes first in the model

      // when
      const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "error-boundary-sub", variables: { outcome: "rejected" } });

      // then only the specific one fired
      const activated = visited(t.engine, processInstanceKey, "ELEMENT_ACTIVATED");
      expect(activated).to.include("Boundary_Rejected");
      expect(activated).to.not.include("Boundary_Any_Error");
    });

    it("should not throw anything when the sub-process ends normally", async () => {
      // when
      const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "error-boundary-sub", variables: { outcome: "ok" } });

      // then
      expect(records(t.engine, processInstanceKey, "ERROR_THROWN")).to.deep.equal([]);
      expect(visited(t.engine, processInstanceKey)).to.deep.equal(["StartEvent_1", "Sub_Start", "Gateway_Outcome", "Sub_End", "Sub_Check", "Task_Ship", "EndEvent_1", "error-boundary-sub"]);
    });
  });

  describe("error event sub-processes", () => {
    it("should run the sub-process's error event sub-process, then complete the sub-process and continue", async () => {
      // given
      const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "error-event-sub-process" });
      const job = await activateOne(t.engine, "do-work");

      // when the worker throws the error the sub-process's event sub-process catches
      await t.engine.throwError(job.jobKey, { errorCode: "INNER_FAILURE", errorMessage: "disk full" });

      // then the task is interrupted, the event sub-process runs, and the sub-process completes after it
      expect(records(t.engine, processInstanceKey, "ERROR_CAUGHT").map((r) => r.elementId)).to.deep.equal(["Start_Inner_Error"]);
      expect(visited(t.engine, processInstanceKey, "ELEMENT_TERMINATED")).to.deep.equal(["Task_Work"]);
      const completed = visited(t.engine, processInstanceKey);
      expect(completed.slice(completed.indexOf("Start_Inner_Error"))).to.deep.equal(["Start_Inner_Error", "Task_Recover", "End_Recovered", "ESP_Inner", "Sub_Work", "Task_After", "EndEvent_1", "error-event-sub-process"]);
      expect(completed).to.not.include("ESP_Fatal");
      expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
    });

    it("should run the process's error event sub-process for an error the sub-process does not catch, and end the process after it", async () => {
      // given
      const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "error-event-sub-process" });
      const job = await activateOne(t.engine, "do-work");

      // when
      await t.engine.throwError(job.jobKey, { errorCode: "FATAL" });

      // then the whole sub-process is terminated; the process ends with its event sub-process
      expect(records(t.engine, processInstanceKey, "ERROR_CAUGHT").map((r) => r.elementId)).to.deep.equal(["Start_Fatal"]);
      expect(visited(t.engine, processInstanceKey, "ELEMENT_TERMINATED")).to.deep.equal(["Task_Work", "Sub_Work"]);
      const completed = visited(t.engine, processInstanceKey);
      expect(completed.slice(-5)).to.deep.equal(["Start_Fatal", "Task_Report", "End_Reported", "ESP_Fatal", "error-event-sub-process"]);
      expect(completed).to.not.include("Task_After");
      expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
    });
  });

  describe("errors thrown by job workers", () => {
    it("should catch the worker's error on the task's error boundary event, with the variables it sent", async () => {
      // given
      const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "error-job-boundary", variables: { amount: 120 } });
      const job = await activateOne(t.engine, "charge-card");

      // when
      await t.engine.throwError(job.jobKey, { errorCode: "CARD_DECLINED", errorMessage: "card expired", variables: { declineReason: "expired" } });

      // then the task is left through the boundary event and its variables are there
      expect(records(t.engine, processInstanceKey, "JOB_ERROR_THROWN")[0]).to.include({ key: job.jobKey, errorCode: "CARD_DECLINED", errorMessage: "card expired" });
      expect(t.engine.jobs({ processInstanceKey, state: "ACTIVATABLE" })).to.deep.equal([]);
      expect(visited(t.engine, processInstanceKey, "ELEMENT_TERMINATED")).to.deep.equal(["Task_Charge"]);
      expect(visited(t.engine, processInstanceKey)).to.include("Boundary_Declined");
      openTask(t.engine, processInstanceKey, "Task_Call_Customer");
      expect(t.engine.variables(processInstanceKey)).to.deep.equal({ amount: 120, declineReason: "expired" });
      expect(t.engine.incidents({ processInstanceKey })).to.deep.equal([]);
    });

    it("should catch an error raised by an in-process worker's handler the same way", async () => {
      // given
      const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "error-job-boundary" });
      const worker = t.engine.createWorker({ type: "charge-card", pollInterval: 20, handler: () => {
        throw new JobError("CARD_DECLINED", "insufficient funds", { declineReason: "funds" });
      } });

      // when
      await until(() => t.engine.userTasks({ processInstanceKey, elementId: "Task_Call_Customer" }).length > 0, "the boundary path");
      await worker.close();

      // then
      expect(records(t.engine, processInstanceKey, "JOB_ERROR_THROWN")[0]).to.include({ errorCode: "CARD_DECLINED", errorMessage: "insufficient funds" });
      expect(t.engine.variables(processInstanceKey)).to.deep.equal({ declineReason: "funds" });
    });

    it("should raise an UNHANDLED_ERROR_EVENT incident for an error code nothing catches", async () => {
      // given
      const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "error-job-boundary" });
      const job = await activateOne(t.engine, "charge-card");

      // when
      await t.engine.throwError(job.jobKey, { errorCode: "GATEWAY_DOWN", errorMessage: "payment gateway down" });

      // then the task keeps its token, with an incident naming the code
      const [incident] = t.engine.incidents({ processInstanceKey });
      expect(incident).to.include({ errorType: "UNHANDLED_ERROR_EVENT", elementId: "Task_Charge", jobKey: job.jobKey, state: "ACTIVE" });
      expect(incident!.errorMessage).to.contain("'GATEWAY_DOWN'");
      expect(records(t.engine, processInstanceKey, "ERROR_THROWN")[0]).to.include({ code: "GATEWAY_DOWN", caught: false });
      expect(t.engine.activeElements(processInstanceKey).find((e) => e.elementId === "Task_Charge")).to.include({ incidentKey: incident!.key });
      expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("ACTIVE");
    });
  });

  it("should raise an UNHANDLED_ERROR_EVENT incident on an error end event nothing catches", async () => {
    // when
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "error-uncaught-end" });

    // then
    const [incident] = t.engine.incidents({ processInstanceKey });
    expect(incident).to.include({ errorType: "UNHANDLED_ERROR_EVENT", elementId: "End_Missing", state: "ACTIVE" });
    expect(incident!.errorMessage).to.contain("'DOCUMENT_MISSING'");
    expect(records(t.engine, processInstanceKey, "ERROR_THROWN")[0]).to.include({ elementId: "End_Missing", code: "DOCUMENT_MISSING", caught: false });
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("ACTIVE");
  });

  it("should catch an error thrown in a called process on the call activity's boundary event in the parent", async () => {
    // given
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "error-call-parent" });
    const [, child] = t.engine.callTree(processInstanceKey);
    const job = await activateOne(t.engine, "score-customer");
    expect(job.processInstanceKey).to.equal(child!.key);

    // when the child's worker throws an error the child does not catch
    await t.engine.throwError(job.jobKey, { errorCode: "SCORING_FAILED", variables: { scoringService: "offline" } });

    // then the child is terminated and the parent leaves the call activity through its boundary event
    expect(t.engine.processInstance(child!.key)?.state).to.equal("TERMINATED");
    expect(records(t.engine, child!.key, "ERROR_THROWN")[0]).to.include({ elementId: "Task_Score", code: "SCORING_FAILED", caught: true });
    expect(records(t.engine, processInstanceKey, "ERROR_CAUGHT").map((r) => r.elementId)).to.deep.equal(["Boundary_Scoring_Failed"]);
    expect(visited(t.engine, processInstanceKey, "ELEMENT_TERMINATED")).to.deep.equal(["Call_Scoring"]);
    openTask(t.engine, processInstanceKey, "Task_Manual_Scoring");
    expect(t.engine.variables(processInstanceKey)).to.deep.equal({ scoringService: "offline" });
    expect(t.engine.incidents({ processInstanceKey: child!.key })).to.deep.equal([]);
  });
});
