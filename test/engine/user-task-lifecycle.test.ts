/**
 * What people do with user tasks: claim (assign), hand back (unassign), complete with variables;
 * and the legacy job-based user task (no zeebe:userTask), which is a job for a tasklist worker.
 */
import { expect } from "chai";
import { deployFixtures, startTestEngine, visited, type TestEngine } from "../helpers/engine.js";

describe("engine: user task lifecycle", () => {
  let t: TestEngine;

  beforeEach(async () => {
    t = await startTestEngine();
    await deployFixtures(t.engine, "engine/user-task-default.bpmn", "engine/user-task-legacy.bpmn");
  });

  afterEach(async () => {
    await t.close();
  });

  async function waitingTask() {
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "user-task-default", variables: { customer: "ACME" } });
    const [task] = t.engine.userTasks({ processInstanceKey });
    return { processInstanceKey, task: task! };
  }

  it("should assign a user task and record who it was assigned to", async () => {
    // given
    const { processInstanceKey, task } = await waitingTask();

    // when
    await t.engine.assignUserTask(task.key, "anna");

    // then
    expect(t.engine.userTasks({ processInstanceKey })[0]?.assignee).to.equal("anna");
    expect(t.engine.userTasks({ assignee: "anna" }).map((u) => u.key)).to.deep.equal([task.key]);
    const assigned = t.engine.history(processInstanceKey).filter((r) => r.type === "USER_TASK_ASSIGNED");
    expect(assigned).to.have.length(1);
    expect(assigned[0]).to.include({ key: task.key, assignee: "anna" });
  });

  it("should unassign a user task, leaving it open for anyone", async () => {
    // given
    const { processInstanceKey, task } = await waitingTask();
    await t.engine.assignUserTask(task.key, "anna");

    // when
    await t.engine.unassignUserTask(task.key);

    // then
    expect(t.engine.userTasks({ processInstanceKey })[0]).to.include({ assignee: null, state: "CREATED" });
    const assignees = t.engine.history(processInstanceKey).filter((r) => r.type === "USER_TASK_ASSIGNED").map((r) => r["assignee"]);
    expect(assignees).to.deep.equal(["anna", null]);
  });

  it("should refuse to reassign a task assigned to someone else when overriding is not allowed", async () => {
    // given
    const { processInstanceKey, task } = await waitingTask();
    await t.engine.assignUserTask(task.key, "anna");

    // when
    const error = await t.engine.assignUserTask(task.key, "ben", { allowOverride: false }).then(() => null, (e: unknown) => e);

    // then
    expect(error).to.include({ code: "INVALID_STATE" });
    expect(t.engine.userTasks({ processInstanceKey })[0]?.assignee).to.equal("anna");
  });

  it("should complete a user task with variables that reach the process and move the token on", async () => {
    // given
    const { processInstanceKey, task } = await waitingTask();

    // when
    await t.engine.completeUserTask(task.key, { approved: true, comment: "fine" });

    // then
    expect(t.engine.userTasks({ processInstanceKey })[0]?.state).to.equal("COMPLETED");
    expect(t.engine.variables(processInstanceKey)).to.deep.equal({ customer: "ACME", approved: true, comment: "fine" });
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
    expect(visited(t.engine, processInstanceKey)).to.deep.equal(["StartEvent_1", "Task_Review", "EndEvent_1", "user-task-default"]);
    const types = t.engine.history(processInstanceKey).map((r) => r.type);
    expect(types.indexOf("USER_TASK_COMPLETED")).to.be.lessThan(types.lastIndexOf("ELEMENT_COMPLETED"));
  });

  it("should turn a user task without zeebe:userTask into a job of type io.camunda.zeebe:userTask carrying the assignment in headers", async () => {
    // given
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "user-task-legacy" });

    // when
    const [job, ...more] = await t.engine.activateJobs({ type: "io.camunda.zeebe:userTask", worker: "tasklist", timeout: 60_000, maxJobsToActivate: 10 });

    // then
    expect(more).to.have.length(0);
    expect(t.engine.userTasks({ processInstanceKey })).to.deep.equal([]);
    expect(job).to.include({ processInstanceKey, elementId: "Task_Review", type: "io.camunda.zeebe:userTask" });
    expect(job!.customHeaders).to.deep.equal({
      channel: "web",
      "io.camunda.zeebe:assignee": "anna",
      "io.camunda.zeebe:candidateGroups": JSON.stringify(["sales", "legal"]),
      "io.camunda.zeebe:dueDate": "2026-02-01T10:00:00Z",
    });
  });

  it("should complete a legacy job-based user task by completing its job", async () => {
    // given
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "user-task-legacy" });
    const [job] = await t.engine.activateJobs({ type: "io.camunda.zeebe:userTask", timeout: 60_000, maxJobsToActivate: 1 });

    // when
    await t.engine.completeJob(job!.jobKey, { approved: false });

    // then
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
    expect(t.engine.variables(processInstanceKey)).to.deep.equal({ approved: false });
    expect(t.engine.jobs({ processInstanceKey })[0]?.state).to.equal("COMPLETED");
  });
});
