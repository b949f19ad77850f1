/**
 * Versioning: deploying a changed model of the same process id makes a new version; new instances
 * use the latest, running instances stay on the version they started with.
 */
import { expect } from "chai";
import { deployFixtures, startTestEngine, visited, type TestEngine } from "../helpers/engine.js";

describe("engine: process versions", () => {
  let t: TestEngine;

  beforeEach(async () => {
    t = await startTestEngine();
  });

  afterEach(async () => {
    await t.close();
  });

  it("should keep a running instance on its version after a new version is deployed", async () => {
    // given an instance of version 1 waiting at its user task
    const v1 = await deployFixtures(t.engine, "engine/versioning-v1.bpmn");
    const running = await t.engine.createProcessInstance({ bpmnProcessId: "versioned" });

    // when version 2 is deployed and the waiting task completed
    const v2 = await deployFixtures(t.engine, "engine/versioning-v2.bpmn");
    const [task] = t.engine.userTasks({ processInstanceKey: running.processInstanceKey });
    await t.engine.completeUserTask(task!.key);

    // then it ran to its end on version 1
    expect(v1.processes[0]).to.include({ bpmnProcessId: "versioned", version: 1 });
    expect(v2.processes[0]).to.include({ bpmnProcessId: "versioned", version: 2, duplicate: false });
    expect(task!.elementId).to.equal("Task_Review");
    expect(t.engine.processInstance(running.processInstanceKey)).to.include({ state: "COMPLETED", version: 1, processDefinitionKey: v1.processes[0]!.processDefinitionKey });
    expect(visited(t.engine, running.processInstanceKey)).to.deep.equal(["StartEvent_1", "Task_Review", "EndEvent_1", "versioned"]);
  });

  it("should start new instances on the latest version", async () => {
    // given
    await deployFixtures(t.engine, "engine/versioning-v1.bpmn");
    const v2 = await deployFixtures(t.engine, "engine/versioning-v2.bpmn");

    // when
    const created = await t.engine.createProcessInstance({ bpmnProcessId: "versioned" });

    // then
    expect(created).to.include({ version: 2, processDefinitionKey: v2.processes[0]!.processDefinitionKey });
    expect(t.engine.userTasks({ processInstanceKey: created.processInstanceKey })[0]?.elementId).to.equal("Task_Approve");
  });

  it("should still start an older version when asked for it explicitly", async () => {
    // given
    await deployFixtures(t.engine, "engine/versioning-v1.bpmn");
    await deployFixtures(t.engine, "engine/versioning-v2.bpmn");

    // when
    const created = await t.engine.createProcessInstance({ bpmnProcessId: "versioned", version: 1 });

    // then
    expect(created.version).to.equal(1);
    expect(t.engine.userTasks({ processInstanceKey: created.processInstanceKey })[0]?.elementId).to.equal("Task_Review");
  });

  it("should not make a new version when the same resource is deployed again unchanged", async () => {
    // given
    const first = await deployFixtures(t.engine, "engine/versioning-v1.bpmn");

    // when
    const again = await deployFixtures(t.engine, "engine/versioning-v1.bpmn");

    // then
    expect(again.processes[0]).to.include({ version: 1, duplicate: true, processDefinitionKey: first.processes[0]!.processDefinitionKey });
  });

  it("should keep running instances on their version across a restart", async () => {
    // given
    await deployFixtures(t.engine, "engine/versioning-v1.bpmn");
    const running = await t.engine.createProcessInstance({ bpmnProcessId: "versioned" });
    await deployFixtures(t.engine, "engine/versioning-v2.bpmn");
    t = await t.restart();

    // when
    await t.engine.completeUserTask(t.engine.userTasks({ processInstanceKey: running.processInstanceKey })[0]!.key);

    // then
    expect(t.engine.processInstance(running.processInstanceKey)).to.include({ state: "COMPLETED", version: 1 });
    expect((await t.engine.createProcessInstance({ bpmnProcessId: "versioned" })).version).to.equal(2);
  });
});
