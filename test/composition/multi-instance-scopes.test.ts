/**
 * Multi-instance scopes: embedded sub-processes and call activities run once per item (parallel or
 * sequential), each inner instance a scope of its own with its item and `loopCounter`; output
 * elements are collected in item order. A boundary event on a multi-instance activity belongs to
 * the body: it interrupts every inner instance at once.
 */
import { expect } from "chai";
import { deployFixtures, startTestEngine, visited, type TestEngine } from "../helpers/engine.js";
import { activateAll, records } from "./support.js";

const HOUR = 60 * 60 * 1000;

describe("composition: multi-instance sub-processes and call activities", () => {
  let t: TestEngine;

  beforeEach(async () => {
    t = await startTestEngine();
    await deployFixtures(
      t.engine,
      "composition/mi-sub-process-parallel.bpmn",
      "composition/mi-sub-process-sequential.bpmn",
      "composition/mi-child.bpmn",
      "composition/mi-call-activity-parallel.bpmn",
      "composition/mi-call-activity-sequential.bpmn",
      "composition/mi-boundary-timer.bpmn",
      "composition/mi-error-boundary.bpmn",
      "composition/mi-terminate.bpmn",
    );
  });

  afterEach(async () => {
    await t.close();
  });

  const children = (processInstanceKey: number) => t.engine.callTree(processInstanceKey).slice(1);
  const openChildTask = (childKey: number) => t.engine.userTasks({ processInstanceKey: childKey, state: "CREATED" })[0]!;

  describe("on an embedded sub-process", () => {
    it("should run one sub-process per item in parallel, each in its own scope, and collect their outputs in order", async () => {
      // given
      const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "mi-sub-process-parallel", variables: { items: ["chair", "desk", "lamp"] } });
      const subs = t.engine.activeElements(processInstanceKey).filter((e) => e.elementType === "SUB_PROCESS");
      expect(subs).to.have.length(3);

      // when each item's job is scored, last first
      const jobs = await activateAll(t.engine, "score-item");
      expect(jobs.map((job) => [job.variables["item"], job.variables["loopCounter"]])).to.deep.equal([["chair", 1], ["desk", 2], ["lamp", 3]]);
      const scoreOf: Record<string, number> = { chair: 3, desk: 5, lamp: 1 };
      for (const job of [...jobs].reverse()) await t.engine.completeJob(job.jobKey, { score: scoreOf[String(job.variables["item"])] });

      // then
      expect(t.engine.variables(processInstanceKey)).to.deep.equal({ items: ["chair", "desk", "lamp"], scores: [3, 5, 1] });
      expect(visited(t.engine, processInstanceKey).filter((id) => id === "Sub_End")).to.have.length(3);
      expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
    });

    it("should run the sub-processes one after the other when sequential", async () => {
      // given
      const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "mi-sub-process-sequential", variables: { items: ["chair", "desk"] } });
      expect(t.engine.activeElements(processInstanceKey).filter((e) => e.elementType === "SUB_PROCESS")).to.have.length(1);

      // when
      const [first] = await activateAll(t.engine, "score-item");
      expect(first!.variables).to.include({ item: "chair", loopCounter: 1 });
      await t.engine.completeJob(first!.jobKey, { score: 3 });
      const [second] = await activateAll(t.engine, "score-item");
      expect(second!.variables).to.include({ item: "desk", loopCounter: 2 });
      await t.engine.completeJob(second!.jobKey, { score: 5 });

      // then
      expect(t.engine.variables(processInstanceKey)["scores"]).to.deep.equal([3, 5]);
      expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
    });
  });

  describe("on a call activity", () => {
    it("should call one child per item in parallel, each with its item, and collect their outputs in order", async () => {
      // given
      const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "mi-call-activity-parallel", variables: { items: ["chair", "desk", "lamp"] } });
      const called = children(processInstanceKey);
      expect(called.map((c) => c.bpmnProcessId)).to.deep.equal(["mi-child", "mi-child", "mi-child"]);
      expect(called.map((c) => t.engine.variables(c.key)["item"])).to.deep.equal(["chair", "desk", "lamp"]);
      expect(called.map((c) => t.engine.variables(c.key)["loopCounter"])).to.deep.equal([1, 2, 3]);

      // when the children complete in another order
      for (const index of [1, 2, 0]) {
        const child = called[index]!;
        await t.engine.completeUserTask(openChildTask(child.key).key, { approved: t.engine.variables(child.key)["item"] !== "desk" });
      }

      // then
      expect(t.engine.variables(processInstanceKey)["approvals"]).to.deep.equal([true, false, true]);
      expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
    });

    it("should call the children one after the other when sequential", async () => {
      // given
      const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "mi-call-activity-sequential", variables: { items: ["chair", "desk"] } });
      expect(children(processInstanceKey)).to.have.length(1);

      // when
      await t.engine.completeUserTask(openChildTask(children(processInstanceKey)[0]!.key).key, { approved: true });

      // then
      const called = children(processInstanceKey);
      expect(called.map((c) => c.state)).to.deep.equal(["COMPLETED", "ACTIVE"]);
      expect(t.engine.variables(called[1]!.key)).to.include({ item: "desk", loopCounter: 2 });
      await t.engine.completeUserTask(openChildTask(called[1]!.key).key, { approved: false });
      expect(t.engine.variables(processInstanceKey)["approvals"]).to.deep.equal([true, false]);
      expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
    });
  });

  describe("boundary events", () => {
    it("should open one timer for the whole multi-instance activity, not one per inner instance", async () => {
      // when
      const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "mi-boundary-timer", variables: { reviewers: ["anna", "ben", "carla"] } });

      // then
      const body = t.engine.activeElements(processInstanceKey).find((e) => e.elementType === "MULTI_INSTANCE_BODY")!;
      const subscriptions = t.engine.subscriptions(processInstanceKey);
      expect(subscriptions).to.have.length(1);
      expect(subscriptions[0]).to.include({ kind: "TIMER", elementId: "Boundary_Timeout", elementInstanceKey: body.key });
    });

    it("should interrupt every inner instance when the boundary timer fires", async () => {
      // given three reviews, one already done
      const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "mi-boundary-timer", variables: { reviewers: ["anna", "ben", "carla"] } });
      const [done] = t.engine.userTasks({ processInstanceKey });
      await t.engine.completeUserTask(done!.key);

      // when
      t.clock.advance(48 * HOUR);
      await t.engine.fireDueTimers();

      // then
      expect(t.engine.userTasks({ processInstanceKey, elementId: "Task_Review" }).map((task) => task.state)).to.deep.equal(["COMPLETED", "CANCELED", "CANCELED"]);
      const terminated = records(t.engine, processInstanceKey, "ELEMENT_TERMINATED");
      expect(terminated.map((r) => r.elementType)).to.deep.equal(["USER_TASK", "USER_TASK", "MULTI_INSTANCE_BODY"]);
      expect(t.engine.activeElements(processInstanceKey).map((e) => e.elementId)).to.deep.equal(["Task_Escalate"]);
      expect(t.engine.subscriptions(processInstanceKey)).to.deep.equal([]);
    });

    it("should interrupt every iteration when an error thrown in one is caught on the multi-instance activity", async () => {
      // given three items checked in parallel
      const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "mi-error-boundary", variables: { items: ["chair", "desk", "lamp"] } });
      const jobs = await activateAll(t.engine, "check-item");

      // when the second one is missing
      await t.engine.throwError(jobs[1]!.jobKey, { errorCode: "ITEM_MISSING" });

      // then
      expect(records(t.engine, processInstanceKey, "ERROR_CAUGHT").map((r) => r.elementId)).to.deep.equal(["Boundary_Item_Missing"]);
      expect(records(t.engine, processInstanceKey, "ELEMENT_TERMINATED").filter((r) => r.elementId === "Sub_Check_Item").map((r) => r.elementType))
        .to.deep.equal(["SUB_PROCESS", "SUB_PROCESS", "SUB_PROCESS", "MULTI_INSTANCE_BODY"]);
      expect(t.engine.jobs({ processInstanceKey }).map((job) => job.state)).to.not.include.members(["ACTIVATABLE", "ACTIVATED"]);
      expect(t.engine.activeElements(processInstanceKey).map((e) => e.elementId)).to.deep.equal(["Task_Order_Again"]);
    });
  });

  it("should end only its own iteration at a terminate end event inside a multi-instance sub-process", async () => {
    // when the second item is skipped by a terminate end event
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "mi-terminate", variables: { items: ["chair", "skip", "lamp"] } });

    // then only the second iteration's task is terminated, and its iteration completes
    expect(records(t.engine, processInstanceKey, "ELEMENT_TERMINATED").map((r) => r.elementId)).to.deep.equal(["Task_Handle"]);
    expect(t.engine.userTasks({ processInstanceKey }).map((task) => task.state)).to.deep.equal(["CREATED", "CANCELED", "CREATED"]);
    const iterations = t.engine.activeElements(processInstanceKey).filter((e) => e.elementType === "SUB_PROCESS");
    expect(iterations).to.have.length(2);
    expect(records(t.engine, processInstanceKey, "ELEMENT_COMPLETED").filter((r) => r.elementType === "SUB_PROCESS")).to.have.length(1);
  });
});
