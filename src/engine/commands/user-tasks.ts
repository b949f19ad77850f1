/** User task commands: complete (with variables), assign, unassign. Stale commands are rejected. */
import { EngineError, notFound } from "../errors.js";
import type { Execution } from "../runtime/execution.js";
import type { UserTaskRow } from "../state.js";
import { checkVariables } from "./validate.js";

function openTask(rt: Execution, key: number, action: string): UserTaskRow {
  const task = rt.store.userTask(key);
  if (!task) throw notFound("user task", key);
  if (task.state !== "CREATED") {
    throw new EngineError("INVALID_STATE", `Expected to ${action} user task '${key}', but it is already ${task.state.toLowerCase()}`);
  }
  return task;
}

export function completeUserTask(rt: Execution, key: number, variables?: Record<string, unknown>, action = "complete"): void {
  const vars = checkVariables(variables, "variables", rt.limits);
  const task = openTask(rt, key, "complete");
  const context = rt.instance(task.processInstanceKey);
  const element = context.element(task.elementInstanceKey);
  if (!element || element.state !== "ACTIVATED") {
    throw new EngineError("INVALID_STATE", `Expected the element instance of user task '${key}' to be waiting, but it is ${element?.state ?? "gone"}`);
  }
  task.state = "COMPLETED";
  task.completedAt = rt.now;
  rt.store.updateUserTask(task);
  rt.record(context.pi.key, { type: "USER_TASK_COMPLETED", key, elementId: task.elementId, elementInstanceKey: element.key, action, variables: vars });
  rt.complete(context, element, vars);
  rt.drain();
}

export function assignUserTask(rt: Execution, key: number, assignee: string, allowOverride = true): void {
  if (typeof assignee !== "string" || assignee.trim() === "") throw new EngineError("INVALID_ARGUMENT", `Expected an assignee, but found '${String(assignee)}'`);
  const task = openTask(rt, key, "assign");
  if (!allowOverride && task.assignee && task.assignee !== assignee) {
    throw new EngineError("INVALID_STATE", `Expected user task '${key}' to be unassigned, but it is assigned to '${task.assignee}'`);
  }
  task.assignee = assignee;
  rt.store.updateUserTask(task);
  rt.record(task.processInstanceKey, { type: "USER_TASK_ASSIGNED", key, assignee, elementId: task.elementId });
}

export function unassignUserTask(rt: Execution, key: number): void {
  const task = openTask(rt, key, "unassign");
  task.assignee = null;
  rt.store.updateUserTask(task);
  rt.record(task.processInstanceKey, { type: "USER_TASK_ASSIGNED", key, assignee: null, elementId: task.elementId });
}
