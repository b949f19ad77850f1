/**
 * USER_TASK — with zeebe:userTask, a Camunda user task row (assignee, candidate groups and users,
 * due and follow-up dates, priority, linked form; all FEEL-able) that waits in ACTIVATED until it is
 * completed through the engine. Without it, the legacy job-based form: a job of type
 * `io.camunda.zeebe:userTask` whose headers carry the assignment. Terminating cancels either.
 */
import { cancelJob, writeJob } from "../shared/jobs.js";
import { evaluateUserTask } from "../shared/user-tasks.js";
import type { ElementBehavior } from "./behavior.js";

export const userTaskBehavior: ElementBehavior = {
  activate(rt, context, element) {
    const props = evaluateUserTask(rt, context, element);
    if (!props) return;
    const definition = element.node.userTask!;
    if (!definition.native) {
      const headers: Record<string, string> = { ...definition.headers };
      if (props.assignee) headers["io.camunda.zeebe:assignee"] = props.assignee;
      if (props.candidateGroups.length) headers["io.camunda.zeebe:candidateGroups"] = JSON.stringify(props.candidateGroups);
      if (props.candidateUsers.length) headers["io.camunda.zeebe:candidateUsers"] = JSON.stringify(props.candidateUsers);
      if (props.dueDate) headers["io.camunda.zeebe:dueDate"] = props.dueDate;
      if (props.followUpDate) headers["io.camunda.zeebe:followUpDate"] = props.followUpDate;
      if (definition.formKey) headers["io.camunda.zeebe:formKey"] = definition.formKey;
      writeJob(rt, context, element, "io.camunda.zeebe:userTask", 1, headers);
      return;
    }
    const key = rt.nextKey();
    rt.store.insertUserTask({
      key, state: "CREATED", elementInstanceKey: element.key, processInstanceKey: context.pi.key,
      processDefinitionKey: context.pi.processDefinitionKey, bpmnProcessId: context.pi.bpmnProcessId,
      processDefinitionVersion: context.pi.version, elementId: element.elementId, name: element.node.name ?? null,
      assignee: props.assignee, candidateGroups: props.candidateGroups, candidateUsers: props.candidateUsers,
      dueDate: props.dueDate, followUpDate: props.followUpDate, priority: props.priority, formKey: props.formKey,
      externalFormReference: props.externalFormReference, customHeaders: definition.headers, createdAt: rt.now, completedAt: null,
    });
    element.data = { ...element.data, userTaskKey: key };
    rt.record(context.pi.key, { type: "USER_TASK_CREATED", key, elementId: element.elementId, elementInstanceKey: element.key, assignee: props.assignee, candidateGroups: props.candidateGroups });
    rt.effects.userTasks.push(key);
    rt.transition(context, element, "ACTIVATED");
  },
  terminate(rt, context, element) {
    cancelJob(rt, context, element);
    const key = element.data?.["userTaskKey"];
    if (typeof key !== "number") return;
    const task = rt.store.userTask(key);
    if (!task || task.state !== "CREATED") return;
    task.state = "CANCELED";
    rt.store.updateUserTask(task);
    rt.record(context.pi.key, { type: "USER_TASK_CANCELED", key, elementId: element.elementId, elementInstanceKey: element.key });
  },
};
