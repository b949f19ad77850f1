/**
 * Camunda user tasks (zeebe:userTask): assignment, scheduling, priority and linked forms, static or
 * FEEL, evaluated when the task is created; what does not evaluate to the expected kind of value is
 * an incident on the task.
 */
import { expect } from "chai";
import { deployFixtures, startTestEngine, visited, type TestEngine } from "../helpers/engine.js";

const reviewForm = JSON.stringify({
  components: [{ label: "Approved", type: "checkbox", id: "Field_approved", key: "approved" }],
  type: "default",
  id: "review-form",
  executionPlatform: "Camunda Cloud",
  executionPlatformVersion: "8.7.0",
  exporter: { name: "Camunda Modeler", version: "5.31.0" },
  schemaVersion: 18,
});

describe("engine: user task properties", () => {
  let t: TestEngine;

  beforeEach(async () => {
    t = await startTestEngine();
  });

  afterEach(async () => {
    await t.close();
  });

  it("should create a waiting user task with the static assignee, candidates, dates and priority of the model", async () => {
    // given
    await deployFixtures(t.engine, "engine/user-task-static.bpmn");

    // when
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "user-task-static" });

    // then
    const [task, ...others] = t.engine.userTasks({ processInstanceKey });
    expect(others).to.have.length(0);
    expect(task).to.include({ state: "CREATED", elementId: "Task_Review", assignee: "anna", priority: 80 });
    expect(task!.candidateGroups).to.deep.equal(["sales", "legal"]);
    expect(task!.candidateUsers).to.deep.equal(["ben", "carla"]);
    expect(Date.parse(task!.dueDate!)).to.equal(Date.parse("2026-02-01T09:00:00Z"));
    expect(Date.parse(task!.followUpDate!)).to.equal(Date.parse("2026-01-25T07:00:00Z"));
    expect(t.engine.activeElements(processInstanceKey)).to.deep.include({ key: task!.elementInstanceKey, elementId: "Task_Review", elementType: "USER_TASK", state: "ACTIVATED", incidentKey: null });
    const created = t.engine.history(processInstanceKey).find((r) => r.type === "USER_TASK_CREATED");
    expect(created).to.include({ key: task!.key, elementId: "Task_Review", assignee: "anna" });
  });

  it("should evaluate FEEL assignee, candidate lists, dates and priority against the instance variables", async () => {
    // given
    await deployFixtures(t.engine, "engine/user-task-feel.bpmn");

    // when
    const { processInstanceKey } = await t.engine.createProcessInstance({
      bpmnProcessId: "user-task-feel",
      variables: { owner: "dora", groups: ["claims", "audit"], dueAt: "2026-03-01T12:00:00Z", urgency: 9 },
    });

    // then
    const [task] = t.engine.userTasks({ processInstanceKey });
    expect(task).to.include({ assignee: "dora", priority: 90, dueDate: "2026-03-01T12:00:00Z" });
    expect(task!.candidateGroups).to.deep.equal(["claims", "audit"]);
    expect(task!.candidateUsers).to.deep.equal(["ben", "carla"]);
    // the follow-up date `now() + duration("P1D")` follows the engine clock (2026-01-01 in tests)
    expect(Date.parse(task!.followUpDate!)).to.equal(Date.parse("2026-01-02T00:00:00Z"));
  });

  it("should give a user task without properties no assignee, no candidates, no dates and priority 50", async () => {
    // given
    await deployFixtures(t.engine, "engine/user-task-default.bpmn");

    // when
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "user-task-default" });

    // then
    const [task] = t.engine.userTasks({ processInstanceKey });
    expect(task).to.include({ assignee: null, dueDate: null, followUpDate: null, priority: 50, formKey: null });
    expect(task!.candidateGroups).to.deep.equal([]);
    expect(task!.candidateUsers).to.deep.equal([]);
  });

  it("should raise an EXTRACT_VALUE_ERROR incident when a FEEL assignee evaluates to a number", async () => {
    // given
    await deployFixtures(t.engine, "engine/user-task-feel.bpmn");

    // when
    const { processInstanceKey } = await t.engine.createProcessInstance({
      bpmnProcessId: "user-task-feel",
      variables: { owner: 42, groups: [], dueAt: "2026-03-01T12:00:00Z", urgency: 1 },
    });

    // then no task is created and the element waits with an incident naming the assignee
    expect(t.engine.userTasks({ processInstanceKey })).to.deep.equal([]);
    const [incident] = t.engine.incidents({ processInstanceKey });
    expect(incident).to.include({ state: "ACTIVE", errorType: "EXTRACT_VALUE_ERROR", elementId: "Task_Review" });
    expect(incident!.errorMessage).to.contain("assignee").and.contain("42");
    expect(t.engine.activeElements(processInstanceKey)).to.deep.include({
      key: incident!.elementInstanceKey, elementId: "Task_Review", elementType: "USER_TASK", state: "ACTIVATING", incidentKey: incident!.key,
    });
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("ACTIVE");
  });

  it("should create the user task once a wrong assignee is fixed and the incident resolved", async () => {
    // given
    await deployFixtures(t.engine, "engine/user-task-feel.bpmn");
    const { processInstanceKey } = await t.engine.createProcessInstance({
      bpmnProcessId: "user-task-feel",
      variables: { owner: 42, groups: [], dueAt: "2026-03-01T12:00:00Z", urgency: 1 },
    });
    const [incident] = t.engine.incidents({ processInstanceKey });

    // when
    await t.engine.setVariables(processInstanceKey, { owner: "dora" });
    await t.engine.resolveIncident(incident!.key);

    // then
    expect(t.engine.userTasks({ processInstanceKey })[0]).to.include({ state: "CREATED", assignee: "dora" });
    expect(t.engine.incidents({ processInstanceKey, state: "ACTIVE" })).to.deep.equal([]);
  });

  it("should link a deployed form by its id and set the form key of the user task", async () => {
    // given
    const deployment = await t.engine.deploy([{ name: "review.form", content: reviewForm }]);
    await deployFixtures(t.engine, "engine/user-task-form.bpmn");

    // when
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "user-task-form" });

    // then
    const [form] = deployment.forms;
    expect(form).to.include({ formId: "review-form", version: 1 });
    const [task] = t.engine.userTasks({ processInstanceKey });
    expect(task!.formKey).to.equal(form!.formKey);
  });

  it("should link the latest deployed version of the form", async () => {
    // given two versions of the form
    await t.engine.deploy([{ name: "review.form", content: reviewForm }]);
    const changed = JSON.stringify({ ...JSON.parse(reviewForm), components: [] });
    const { forms } = await t.engine.deploy([{ name: "review.form", content: changed }]);
    await deployFixtures(t.engine, "engine/user-task-form.bpmn");

    // when
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "user-task-form" });

    // then
    expect(forms[0]).to.include({ formId: "review-form", version: 2 });
    expect(t.engine.userTasks({ processInstanceKey })[0]?.formKey).to.equal(forms[0]!.formKey);
  });

  it("should raise FORM_NOT_FOUND when the linked form is not deployed, and create the task once it is deployed and the incident resolved", async () => {
    // given an instance stuck on a user task whose form is missing
    await deployFixtures(t.engine, "engine/user-task-form.bpmn");
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "user-task-form" });
    const [incident] = t.engine.incidents({ processInstanceKey });
    expect(incident).to.include({ state: "ACTIVE", errorType: "FORM_NOT_FOUND", elementId: "Task_Review" });
    expect(incident!.errorMessage).to.contain("review-form");
    expect(t.engine.userTasks({ processInstanceKey })).to.deep.equal([]);

    // when the form is deployed and the incident resolved
    const { forms } = await t.engine.deploy([{ name: "review.form", content: reviewForm }]);
    await t.engine.resolveIncident(incident!.key);

    // then
    expect(t.engine.incidents({ processInstanceKey })[0]?.state).to.equal("RESOLVED");
    const [task] = t.engine.userTasks({ processInstanceKey });
    expect(task).to.include({ state: "CREATED", formKey: forms[0]!.formKey });
    expect(visited(t.engine, processInstanceKey, "INCIDENT_RESOLVED")).to.deep.equal(["Task_Review"]);
    await t.engine.completeUserTask(task!.key, { approved: true });
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
  });
});
