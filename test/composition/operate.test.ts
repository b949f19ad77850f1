/**
 * Operating running instances: cancel an instance with everything it called; modify it (activate an
 * element with variables, terminate an element instance); migrate it to a newer version with an
 * element mapping. A modification or migration that cannot be honoured is refused as a whole, says
 * why, and changes nothing.
 */
import { expect } from "chai";
import type { Engine } from "../../src/engine/engine.js";
import { deployFixtures, startTestEngine, visited, type TestEngine } from "../helpers/engine.js";
import { activateOne, openTask, records, rejection, tokenAt } from "./support.js";

/** What an unchanged instance looks like from outside. */
function snapshot(engine: Engine, processInstanceKey: number) {
  return {
    instance: engine.processInstance(processInstanceKey),
    history: engine.history(processInstanceKey).length,
    active: engine.activeElements(processInstanceKey),
    variables: engine.variables(processInstanceKey),
    userTasks: engine.userTasks({ processInstanceKey }),
    jobs: engine.jobs({ processInstanceKey }),
  };
}

describe("composition: operating running instances", () => {
  let t: TestEngine;

  beforeEach(async () => {
    t = await startTestEngine();
    await deployFixtures(t.engine, "composition/operate-order.bpmn", "composition/operate-billing.bpmn", "composition/operate-modify.bpmn");
  });

  afterEach(async () => {
    await t.close();
  });

  it("should cancel an instance with its sub-process and its called child, and their user tasks", async () => {
    // given an order packed in a sub-process and billed in a called process
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "operate-order" });
    const [, billing] = t.engine.callTree(processInstanceKey);
    const pack = openTask(t.engine, processInstanceKey, "Task_Pack");
    const invoice = openTask(t.engine, billing!.key, "Task_Invoice");

    // when
    await t.engine.cancelProcessInstance(processInstanceKey);

    // then
    expect(t.engine.callTree(processInstanceKey).map((pi) => [pi.bpmnProcessId, pi.state])).to.deep.equal([["operate-order", "TERMINATED"], ["operate-billing", "TERMINATED"]]);
    expect(visited(t.engine, processInstanceKey, "ELEMENT_TERMINATED")).to.have.members(["Task_Pack", "Sub_Packing", "Call_Billing", "operate-order"]);
    expect(t.engine.userTasks({ processInstanceKey })[0]).to.include({ key: pack.key, state: "CANCELED" });
    expect(t.engine.userTasks({ processInstanceKey: billing!.key })[0]).to.include({ key: invoice.key, state: "CANCELED" });
    expect(t.engine.activeElements(processInstanceKey)).to.deep.equal([]);
    expect(t.engine.activeElements(billing!.key)).to.deep.equal([]);
  });

  describe("modify", () => {
    it("should activate an element with variables beside the existing tokens", async () => {
      // given
      const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "operate-modify" });

      // when
      await t.engine.modifyProcessInstance(processInstanceKey, { activateInstructions: [{ elementId: "Task_Ship", variableInstructions: [{ variables: { carrier: "DHL" } }] }] });

      // then
      expect(records(t.engine, processInstanceKey, "PROCESS_INSTANCE_MODIFIED")[0]).to.deep.include({ activated: ["Task_Ship"], terminated: [] });
      expect(t.engine.activeElements(processInstanceKey).map((e) => e.elementId)).to.have.members(["Task_Check", "Task_Ship"]);
      const job = await activateOne(t.engine, "ship");
      expect(job.variables).to.include({ carrier: "DHL" });
      expect(t.engine.variables(processInstanceKey)).to.deep.equal({ carrier: "DHL" });
    });

    it("should move a token: terminate an element instance and activate another, then run on from there", async () => {
      // given
      const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "operate-modify" });
      const check = tokenAt(t.engine, processInstanceKey, "Task_Check");
      const task = openTask(t.engine, processInstanceKey, "Task_Check");

      // when
      await t.engine.modifyProcessInstance(processInstanceKey, {
        activateInstructions: [{ elementId: "Task_Ship" }],
        terminateInstructions: [{ elementInstanceKey: check.key }],
      });

      // then
      expect(visited(t.engine, processInstanceKey, "ELEMENT_TERMINATED")).to.deep.equal(["Task_Check"]);
      expect(t.engine.userTasks({ processInstanceKey })[0]).to.include({ key: task.key, state: "CANCELED" });
      expect(t.engine.activeElements(processInstanceKey).map((e) => e.elementId)).to.deep.equal(["Task_Ship"]);
      await t.engine.completeJob((await activateOne(t.engine, "ship")).jobKey);
      expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
    });

    it("should activate an element inside a sub-process instance given as ancestor", async () => {
      // given a rework running
      const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "operate-modify", variables: { rework: true } });
      await t.engine.completeUserTask(openTask(t.engine, processInstanceKey, "Task_Check").key);
      const sub = tokenAt(t.engine, processInstanceKey, "Sub_Rework");

      // when a second rework task is added in it
      await t.engine.modifyProcessInstance(processInstanceKey, { activateInstructions: [{ elementId: "Task_Rework", ancestorElementInstanceKey: sub.key }] });

      // then
      const reworks = t.engine.activeElements(processInstanceKey).filter((e) => e.elementId === "Task_Rework");
      expect(reworks).to.have.length(2);
      expect(records(t.engine, processInstanceKey, "ELEMENT_ACTIVATING", "Task_Rework").map((r) => r.flowScopeKey)).to.deep.equal([sub.key, sub.key]);
    });

    it("should refuse an unknown element, saying so, and change nothing", async () => {
      // given
      const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "operate-modify" });
      const before = snapshot(t.engine, processInstanceKey);

      // when
      const error = await rejection(t.engine.modifyProcessInstance(processInstanceKey, { activateInstructions: [{ elementId: "Task_Nope" }] }));

      // then
      expect(error.code).to.equal("INVALID_ARGUMENT");
      expect(error.message).to.contain("'Task_Nope'").and.to.contain("does not exist");
      expect(snapshot(t.engine, processInstanceKey)).to.deep.equal(before);
    });

    it("should refuse an element whose enclosing sub-process is not active, saying so, and change nothing", async () => {
      // given
      const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "operate-modify" });
      const before = snapshot(t.engine, processInstanceKey);

      // when
      const error = await rejection(t.engine.modifyProcessInstance(processInstanceKey, { activateInstructions: [{ elementId: "Task_Rework" }] }));

      // then
      expect(error.code).to.equal("INVALID_ARGUMENT");
      expect(error.message).to.contain("'Sub_Rework'");
      expect(snapshot(t.engine, processInstanceKey)).to.deep.equal(before);
    });

    it("should refuse variables for a scope that is not active, saying so, and change nothing", async () => {
      // given
      const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "operate-modify" });
      const before = snapshot(t.engine, processInstanceKey);

      // when the first instruction is fine and the second names an inactive scope for its variables
      const error = await rejection(t.engine.modifyProcessInstance(processInstanceKey, {
        activateInstructions: [
          { elementId: "Task_Ship", variableInstructions: [{ variables: { carrier: "DHL" } }] },
          { elementId: "Task_Ship", variableInstructions: [{ variables: { reworkNote: "x" }, scopeId: "Sub_Rework" }] },
        ],
      }));

      // then
      expect(error.code).to.equal("INVALID_ARGUMENT");
      expect(error.message).to.contain("'Sub_Rework'");
      expect(snapshot(t.engine, processInstanceKey)).to.deep.equal(before);
    });

    it("should refuse the whole modification when one instruction is invalid", async () => {
      // given
      const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "operate-modify" });
      const before = snapshot(t.engine, processInstanceKey);

      // when the activation is fine but the element instance to terminate does not exist
      const error = await rejection(t.engine.modifyProcessInstance(processInstanceKey, {
        activateInstructions: [{ elementId: "Task_Ship", variableInstructions: [{ variables: { carrier: "DHL" } }] }],
        terminateInstructions: [{ elementInstanceKey: 123456789 }],
      }));

      // then
      expect(error.code).to.equal("INVALID_ARGUMENT");
      expect(error.message).to.contain("123456789");
      expect(snapshot(t.engine, processInstanceKey)).to.deep.equal(before);
    });
  });

  describe("migrate", () => {
    let v2Key: number;

    beforeEach(async () => {
      await deployFixtures(t.engine, "composition/migrate-v1.bpmn");
    });

    const deployV2 = async () => {
      const { processes } = await deployFixtures(t.engine, "composition/migrate-v2.bpmn");
      expect(processes[0]).to.include({ bpmnProcessId: "migrate-order", version: 2 });
      v2Key = processes[0]!.processDefinitionKey;
    };

    const startV1 = async () => (await t.engine.createProcessInstance({ bpmnProcessId: "migrate-order" })).processInstanceKey;

    it("should move the instance to the new version, keeping its user task and job, and continue on the new version's path", async () => {
      // given an instance of version 1 waiting at its review and its packing
      const processInstanceKey = await startV1();
      const review = openTask(t.engine, processInstanceKey, "Task_Review");
      const [packJob] = t.engine.jobs({ processInstanceKey });
      await deployV2();

      // when
      await t.engine.migrateProcessInstance(processInstanceKey, {
        targetProcessDefinitionKey: v2Key,
        mappingInstructions: [{ sourceElementId: "Task_Review", targetElementId: "Task_Approve" }, { sourceElementId: "Task_Pack", targetElementId: "Task_Pack" }],
      });

      // then
      expect(t.engine.processInstance(processInstanceKey)).to.include({ version: 2, processDefinitionKey: v2Key });
      expect(records(t.engine, processInstanceKey, "PROCESS_INSTANCE_MIGRATED")).to.have.length(1);
      expect(t.engine.userTasks({ processInstanceKey })).to.have.length(1);
      expect(t.engine.userTasks({ processInstanceKey })[0]).to.include({ key: review.key, elementId: "Task_Approve", state: "CREATED" });
      expect(t.engine.jobs({ processInstanceKey })[0]).to.include({ key: packJob!.key, elementId: "Task_Pack" });

      // and it runs on along version 2
      await t.engine.completeUserTask(review.key);
      await t.engine.completeJob((await activateOne(t.engine, "pack")).jobKey);
      await t.engine.completeJob((await activateOne(t.engine, "notify-customer")).jobKey);
      expect(visited(t.engine, processInstanceKey).slice(-5)).to.deep.equal(["Task_Pack", "Gateway_Join", "Task_Notify", "EndEvent_1", "migrate-order"]);
      expect(visited(t.engine, processInstanceKey)).to.include("Task_Approve");
      expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
    });

    it("should refuse a mapping that leaves an active element unmapped, saying which, and change nothing", async () => {
      // given
      const processInstanceKey = await startV1();
      await deployV2();
      const before = snapshot(t.engine, processInstanceKey);

      // when
      const error = await rejection(t.engine.migrateProcessInstance(processInstanceKey, {
        targetProcessDefinitionKey: v2Key,
        mappingInstructions: [{ sourceElementId: "Task_Review", targetElementId: "Task_Approve" }],
      }));

      // then
      expect(error.code).to.equal("INVALID_ARGUMENT");
      expect(error.message).to.contain("'Task_Pack' has no mapping");
      expect(snapshot(t.engine, processInstanceKey)).to.deep.equal(before);
    });

    it("should refuse to map an element to one of another type, saying so, and change nothing", async () => {
      // given
      const processInstanceKey = await startV1();
      await deployV2();
      const before = snapshot(t.engine, processInstanceKey);

      // when the user task is mapped to a service task
      const error = await rejection(t.engine.migrateProcessInstance(processInstanceKey, {
        targetProcessDefinitionKey: v2Key,
        mappingInstructions: [{ sourceElementId: "Task_Review", targetElementId: "Task_Notify" }, { sourceElementId: "Task_Pack", targetElementId: "Task_Pack" }],
      }));

      // then
      expect(error.code).to.equal("INVALID_ARGUMENT");
      expect(error.message).to.contain("'Task_Review'").and.to.contain("'Task_Notify'").and.to.contain("types differ");
      expect(snapshot(t.engine, processInstanceKey)).to.deep.equal(before);
    });

    it("should refuse an instance with a token waiting at a join, saying so, and change nothing", async () => {
      // given the packing is done: its token waits at the join for the review
      const processInstanceKey = await startV1();
      await t.engine.completeJob((await activateOne(t.engine, "pack")).jobKey);
      await deployV2();
      const before = snapshot(t.engine, processInstanceKey);

      // when
      const error = await rejection(t.engine.migrateProcessInstance(processInstanceKey, {
        targetProcessDefinitionKey: v2Key,
        mappingInstructions: [{ sourceElementId: "Task_Review", targetElementId: "Task_Approve" }],
      }));

      // then
      expect(error.code).to.equal("INVALID_ARGUMENT");
      expect(error.message).to.contain("Gateway_Join");
      expect(snapshot(t.engine, processInstanceKey)).to.deep.equal(before);

      // and the instance still completes on version 1
      await t.engine.completeUserTask(openTask(t.engine, processInstanceKey, "Task_Review").key);
      expect(t.engine.processInstance(processInstanceKey)).to.include({ state: "COMPLETED", version: 1 });
    });
  });
});
