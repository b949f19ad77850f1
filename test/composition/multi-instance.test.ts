/**
 * Multi-instance tasks: the body (MULTI_INSTANCE_BODY) evaluates the input collection and creates one
 * inner instance per item — all at once (parallel) or one after the other (sequential) — each with
 * its item and `loopCounter` as locals. Output elements are collected in item order; a completion
 * condition ends the body early and terminates what still runs. Sub-processes and call activities:
 * multi-instance-scopes.test.ts.
 */
import { expect } from "chai";
import { deployFixtures, startTestEngine, visited, type TestEngine } from "../helpers/engine.js";
import { activateAll, activateOne, records } from "./support.js";

describe("composition: multi-instance tasks", () => {
  let t: TestEngine;

  beforeEach(async () => {
    t = await startTestEngine();
    await deployFixtures(
      t.engine,
      "composition/mi-user-task-parallel.bpmn",
      "composition/mi-user-task-sequential.bpmn",
      "composition/mi-service-task-parallel.bpmn",
      "composition/mi-service-task-sequential.bpmn",
      "composition/mi-condition-not-boolean.bpmn",
    );
  });

  afterEach(async () => {
    await t.close();
  });

  const openTasks = (processInstanceKey: number) => t.engine.userTasks({ processInstanceKey, state: "CREATED" });
  const innerInstances = (processInstanceKey: number, elementId: string) =>
    t.engine.activeElements(processInstanceKey).filter((e) => e.elementId === elementId && e.elementType !== "MULTI_INSTANCE_BODY");
  /** The local variable `name` of each inner instance, from the history. */
  const locals = (processInstanceKey: number, name: string, scopes: number[]) =>
    scopes.map((scopeKey) => records(t.engine, processInstanceKey, "VARIABLE_CREATED").find((r) => r["name"] === name && r["scopeKey"] === scopeKey)?.["value"]);

  describe("on a user task", () => {
    it("should create one user task per item at once when parallel, each with its item and loop counter", async () => {
      // when
      const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "mi-user-task-parallel", variables: { reviewers: ["anna", "ben", "carla"] } });

      // then
      const body = t.engine.activeElements(processInstanceKey).find((e) => e.elementType === "MULTI_INSTANCE_BODY")!;
      expect(body).to.include({ elementId: "Task_Review", state: "ACTIVATED" });
      const inner = innerInstances(processInstanceKey, "Task_Review");
      expect(inner).to.have.length(3);
      expect(locals(processInstanceKey, "reviewer", inner.map((e) => e.key))).to.deep.equal(["anna", "ben", "carla"]);
      expect(locals(processInstanceKey, "loopCounter", inner.map((e) => e.key))).to.deep.equal([1, 2, 3]);
      expect(openTasks(processInstanceKey).map((task) => task.assignee)).to.deep.equal(["anna", "ben", "carla"]);
    });

    it("should collect the output elements in item order, whatever the completion order, and then complete", async () => {
      // given
      const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "mi-user-task-parallel", variables: { reviewers: ["anna", "ben", "carla"] } });
      const [anna, ben, carla] = openTasks(processInstanceKey);

      // when they answer in reverse order
      await t.engine.completeUserTask(carla!.key, { verdict: "no" });
      await t.engine.completeUserTask(ben!.key, { verdict: "maybe" });
      expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("ACTIVE");
      await t.engine.completeUserTask(anna!.key, { verdict: "yes" });

      // then
      expect(t.engine.variables(processInstanceKey)["verdicts"]).to.deep.equal(["yes", "maybe", "no"]);
      expect(visited(t.engine, processInstanceKey).filter((id) => id === "Task_Review")).to.have.length(4); // 3 inner + the body
      expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
    });

    it("should create the user tasks one after the other when sequential", async () => {
      // given
      const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "mi-user-task-sequential", variables: { reviewers: ["anna", "ben"] } });
      expect(openTasks(processInstanceKey).map((task) => task.assignee)).to.deep.equal(["anna"]);

      // when
      await t.engine.completeUserTask(openTasks(processInstanceKey)[0]!.key, { verdict: "yes" });

      // then the second one starts, with the next loop counter
      const [second] = openTasks(processInstanceKey);
      expect(second).to.include({ assignee: "ben" });
      expect(locals(processInstanceKey, "loopCounter", [second!.elementInstanceKey])).to.deep.equal([2]);

      await t.engine.completeUserTask(second!.key, { verdict: "no" });
      expect(t.engine.variables(processInstanceKey)["verdicts"]).to.deep.equal(["yes", "no"]);
      expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
    });

    it("should complete at once for an empty collection, with an empty output collection", async () => {
      // when
      const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "mi-user-task-parallel", variables: { reviewers: [] } });

      // then
      expect(t.engine.userTasks({ processInstanceKey })).to.deep.equal([]);
      expect(t.engine.variables(processInstanceKey)["verdicts"]).to.deep.equal([]);
      expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
    });

    it("should raise an incident when the input collection is not a list, and go on once it is fixed", async () => {
      // given
      const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "mi-user-task-parallel", variables: { reviewers: "anna" } });

      // then
      const [incident] = t.engine.incidents({ processInstanceKey });
      expect(incident).to.include({ errorType: "EXTRACT_VALUE_ERROR", elementId: "Task_Review", state: "ACTIVE" });
      expect(incident!.errorMessage).to.contain("list");
      expect(t.engine.userTasks({ processInstanceKey })).to.deep.equal([]);

      // when
      await t.engine.setVariables(processInstanceKey, { reviewers: ["anna"] });
      await t.engine.resolveIncident(incident!.key);

      // then
      expect(openTasks(processInstanceKey).map((task) => task.assignee)).to.deep.equal(["anna"]);
    });
  });

  describe("on a service task", () => {
    it("should create one job per item when parallel, each seeing its item and loop counter", async () => {
      // given
      await t.engine.createProcessInstance({ bpmnProcessId: "mi-service-task-parallel", variables: { insurers: ["AXA", "Allianz", "Generali", "MAIF"] } });

      // when
      const jobs = await activateAll(t.engine, "ask-quote");

      // then
      expect(jobs.map((job) => [job.variables["insurer"], job.variables["loopCounter"]])).to.deep.equal([["AXA", 1], ["Allianz", 2], ["Generali", 3], ["MAIF", 4]]);
    });

    it("should terminate the remaining instances when the completion condition holds", async () => {
      // given four quotes asked; two are enough
      const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "mi-service-task-parallel", variables: { insurers: ["AXA", "Allianz", "Generali", "MAIF"] } });
      const jobs = await activateAll(t.engine, "ask-quote");

      // when
      await t.engine.completeJob(jobs[2]!.jobKey, { price: 310 });
      expect(innerInstances(processInstanceKey, "Task_Quote")).to.have.length(3);
      await t.engine.completeJob(jobs[0]!.jobKey, { price: 290 });

      // then
      expect(visited(t.engine, processInstanceKey, "ELEMENT_TERMINATED")).to.deep.equal(["Task_Quote", "Task_Quote"]);
      expect(t.engine.jobs({ processInstanceKey }).map((job) => job.state)).to.deep.equal(["COMPLETED", "CANCELED", "COMPLETED", "CANCELED"]);
      expect(t.engine.variables(processInstanceKey)["quotes"]).to.deep.equal([290, null, 310, null]);
      expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
    });

    it("should raise an incident when the completion condition does not evaluate to a boolean", async () => {
      // given a completion condition on a variable 'quorum' that is not there: it evaluates to null
      const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "mi-condition-not-boolean", variables: { voters: ["anna", "ben"] } });
      const [first] = await activateAll(t.engine, "collect-vote");

      // when
      await t.engine.completeJob(first!.jobKey);

      // then the operator sees it instead of the condition silently counting as false
      const incidents = t.engine.incidents({ processInstanceKey });
      expect(incidents, "an incident for the completion condition").to.have.length(1);
      expect(incidents[0]).to.include({ elementId: "Task_Vote", state: "ACTIVE" });
      expect(["EXTRACT_VALUE_ERROR", "CONDITION_ERROR"]).to.include(incidents[0]!.errorType);
    });

    it("should create the jobs one after the other when sequential, collecting the results in order", async () => {
      // given
      const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "mi-service-task-sequential", variables: { recipients: ["ada@example.org", "bob@example.org"] } });

      // when
      const first = await activateAll(t.engine, "send-letter");
      expect(first.map((job) => [job.variables["recipient"], job.variables["loopCounter"]])).to.deep.equal([["ada@example.org", 1]]);
      await t.engine.completeJob(first[0]!.jobKey, { receipt: "R-1" });
      const second = await activateAll(t.engine, "send-letter");
      expect(second.map((job) => [job.variables["recipient"], job.variables["loopCounter"]])).to.deep.equal([["bob@example.org", 2]]);
      await t.engine.completeJob(second[0]!.jobKey, { receipt: "R-2" });

      // then
      expect(t.engine.variables(processInstanceKey)["receipts"]).to.deep.equal(["R-1", "R-2"]);
      expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
    });

    it("should not let the inner instances' loop variables leak into the process", async () => {
      // given
      const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "mi-service-task-sequential", variables: { recipients: ["ada@example.org"] } });

      // when
      await t.engine.completeJob((await activateOne(t.engine, "send-letter")).jobKey, { receipt: "R-1" });

      // then
      expect(t.engine.variables(processInstanceKey)).to.not.have.any.keys("recipient", "loopCounter");
    });
  });
});
