/**
 * Call activities: the called process runs as a child instance of its own, started in the same
 * transaction, with the parent's variables (or only the input mappings); when it completes its
 * variables come back (or only through the output mappings). The child belongs to its parent: it is
 * cancelled with it, cannot be cancelled alone, and its incidents are found through the call tree.
 */
import { expect } from "chai";
import { deployFixtures, fixture, startTestEngine, type TestEngine } from "../helpers/engine.js";
import { activateOne, openTask, records, rejection, tokenAt } from "./support.js";

describe("composition: call activities", () => {
  let t: TestEngine;

  beforeEach(async () => {
    t = await startTestEngine();
    await deployFixtures(
      t.engine,
      "composition/call-child.bpmn",
      "composition/call-child-b.bpmn",
      "composition/call-child-job.bpmn",
      "composition/call-parent.bpmn",
      "composition/call-parent-mapped.bpmn",
      "composition/call-parent-dynamic.bpmn",
      "composition/call-missing.bpmn",
    );
  });

  afterEach(async () => {
    await t.close();
  });

  const childOf = (processInstanceKey: number) => {
    const tree = t.engine.callTree(processInstanceKey);
    expect(tree, "the parent and one called child").to.have.length(2);
    return tree[1]!;
  };

  describe("variables", () => {
    it("should start the called process as a child instance with all the parent's variables", async () => {
      // when
      const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "call-parent", variables: { orderId: "A-1", customer: { name: "Ada" } } });

      // then
      const child = childOf(processInstanceKey);
      const callActivity = tokenAt(t.engine, processInstanceKey, "Call_Check");
      expect(child).to.include({ bpmnProcessId: "call-child", state: "ACTIVE", parentProcessInstanceKey: processInstanceKey, parentElementInstanceKey: callActivity.key });
      expect(records(t.engine, processInstanceKey, "CALLED_PROCESS_STARTED")[0]).to.include({ elementId: "Call_Check", processInstanceKey: child.key, bpmnProcessId: "call-child" });
      expect(t.engine.variables(child.key)).to.deep.equal({ orderId: "A-1", customer: { name: "Ada" } });
      openTask(t.engine, child.key, "Task_Child");
    });

    it("should give the child only its input mappings when propagateAllParentVariables is false", async () => {
      // when
      const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "call-parent-mapped", variables: { orderId: "A-1", customer: { name: "Ada" } } });

      // then
      expect(t.engine.variables(childOf(processInstanceKey).key)).to.deep.equal({ customerName: "Ada" });
    });

    it("should bring all the child's variables back when it completes (propagateAllChildVariables by default)", async () => {
      // given
      const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "call-parent", variables: { orderId: "A-1" } });
      const child = childOf(processInstanceKey);

      // when
      await t.engine.completeUserTask(openTask(t.engine, child.key, "Task_Child").key, { decision: "approved", note: "fine" });

      // then
      expect(t.engine.processInstance(child.key)?.state).to.equal("COMPLETED");
      expect(t.engine.variables(processInstanceKey)).to.deep.equal({ orderId: "A-1", decision: "approved", note: "fine" });
      openTask(t.engine, processInstanceKey, "Task_After");
    });

    it("should bring back only the output mappings when propagateAllChildVariables is false", async () => {
      // given
      const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "call-parent-mapped", variables: { customer: { name: "Ada" } } });
      const child = childOf(processInstanceKey);

      // when
      await t.engine.completeUserTask(openTask(t.engine, child.key, "Task_Child").key, { decision: "approved", note: "fine" });

      // then
      expect(t.engine.variables(processInstanceKey)).to.deep.equal({ customer: { name: "Ada" }, childDecision: "approved" });
      openTask(t.engine, processInstanceKey, "Task_After");
    });
  });

  describe("which process is called", () => {
    it("should take the called process id from a FEEL expression", async () => {
      // when
      const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "call-parent-dynamic", variables: { childProcessId: "call-child-b" } });

      // then
      expect(childOf(processInstanceKey)).to.include({ bpmnProcessId: "call-child-b" });
    });

    it("should call the version with the given version tag, not the latest, with bindingType versionTag", async () => {
      // given version 1 (tag v1) and version 2 (tag v2) of the called process
      await deployFixtures(t.engine, "composition/tagged-child-v1.bpmn");
      await deployFixtures(t.engine, "composition/tagged-child-v2.bpmn");
      await deployFixtures(t.engine, "composition/call-parent-tag.bpmn");

      // when
      const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "call-parent-tag" });

      // then
      const child = childOf(processInstanceKey);
      expect(child).to.include({ bpmnProcessId: "tagged-child", version: 1 });
      openTask(t.engine, child.key, "Task_V1");
    });

    it("should raise a CALLED_ELEMENT_ERROR incident when the called process is not deployed, and call it once deployed and resolved", async () => {
      // given
      const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "call-missing" });
      const [incident] = t.engine.incidents({ processInstanceKey });
      expect(incident).to.include({ errorType: "CALLED_ELEMENT_ERROR", elementId: "Call_Check", state: "ACTIVE" });
      expect(incident!.errorMessage).to.contain("'late-child'");
      expect(t.engine.callTree(processInstanceKey)).to.have.length(1);

      // when
      await t.engine.deploy([{ name: "late-child.bpmn", content: fixture("composition/late-child.bpmn") }]);
      await t.engine.resolveIncident(incident!.key);

      // then
      expect(t.engine.incidents({ processInstanceKey })[0]).to.include({ key: incident!.key, state: "RESOLVED" });
      const child = childOf(processInstanceKey);
      expect(child).to.include({ bpmnProcessId: "late-child", state: "ACTIVE" });
      openTask(t.engine, child.key, "Task_Late");
    });
  });

  describe("the child belongs to its parent", () => {
    it("should cancel the child, and its user task, when the parent is cancelled", async () => {
      // given
      const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "call-parent" });
      const child = childOf(processInstanceKey);
      const task = openTask(t.engine, child.key, "Task_Child");

      // when
      await t.engine.cancelProcessInstance(processInstanceKey);

      // then
      expect(t.engine.callTree(processInstanceKey).map((pi) => pi.state)).to.deep.equal(["TERMINATED", "TERMINATED"]);
      expect(t.engine.userTasks({ processInstanceKey: child.key })[0]).to.include({ key: task.key, state: "CANCELED" });
      expect(records(t.engine, child.key, "ELEMENT_TERMINATED").map((r) => r.elementId)).to.deep.equal(["Task_Child", "call-child"]);
      expect(records(t.engine, processInstanceKey, "ELEMENT_TERMINATED").map((r) => r.elementId)).to.deep.equal(["Call_Check", "call-parent"]);
    });

    it("should refuse to cancel the child on its own and change nothing", async () => {
      // given
      const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "call-parent" });
      const child = childOf(processInstanceKey);
      const before = t.engine.history(child.key).length;

      // when
      const error = await rejection(t.engine.cancelProcessInstance(child.key));

      // then
      expect(error.code).to.equal("INVALID_STATE");
      expect(error.message).to.contain(String(processInstanceKey));
      expect(t.engine.processInstance(child.key)?.state).to.equal("ACTIVE");
      expect(t.engine.history(child.key)).to.have.length(before);
      openTask(t.engine, child.key, "Task_Child");
    });

    it("should make the child's incidents visible from the parent through the call tree", async () => {
      // given a child whose job ran out of retries
      const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "call-parent-dynamic", variables: { childProcessId: "call-child-job" } });
      const job = await activateOne(t.engine, "child-work");
      await t.engine.failJob(job.jobKey, { retries: 0, errorMessage: "service down" });

      // when the operator looks at the parent
      const tree = t.engine.callTree(processInstanceKey);
      const incidents = tree.flatMap((pi) => t.engine.incidents({ processInstanceKey: pi.key }));

      // then
      expect(incidents).to.have.length(1);
      expect(incidents[0]).to.include({ errorType: "JOB_NO_RETRIES", elementId: "Task_Child_Work", processInstanceKey: tree[1]!.key, errorMessage: "service down" });
      expect(tree[1]).to.include({ parentProcessInstanceKey: processInstanceKey, bpmnProcessId: "call-child-job" });
    });
  });
});
