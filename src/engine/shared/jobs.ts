/**
 * Jobs: the outbox between the engine and workers. A job is written in the same transaction as the
 * token that waits for it; workers see it only after that commit.
 */
import { describeValue } from "../feel.js";
import type { JobDefinition } from "../model/types.js";
import type { Execution } from "../runtime/execution.js";
import type { InstanceContext, RuntimeElement } from "../runtime/instance.js";

/** Evaluates the job type and retries, writes the job and leaves the element waiting for it. */
export function createJob(rt: Execution, context: InstanceContext, element: RuntimeElement, definition: JobDefinition, extraHeaders: Record<string, string> = {}): boolean {
  const type = rt.evaluate(context, element, definition.type);
  if (!type.ok || typeof type.value !== "string" || type.value === "") {
    const found = type.ok ? describeValue(type.value) : type.message;
    rt.raiseIncident(context, element, "EXTRACT_VALUE_ERROR", `Expected the job type of '${element.elementId}' to be a non-empty string, but found ${found}`);
    return false;
  }
  const retries = rt.evaluate(context, element, definition.retries);
  const count = retries.ok && (typeof retries.value === "number" || (typeof retries.value === "string" && /^\d+$/.test(retries.value))) ? Number(retries.value) : NaN;
  if (!Number.isInteger(count) || count < 0) {
    const found = retries.ok ? describeValue(retries.value) : retries.message;
    rt.raiseIncident(context, element, "EXTRACT_VALUE_ERROR", `Expected the job retries of '${element.elementId}' to be a whole number, but found ${found}`);
    return false;
  }
  return writeJob(rt, context, element, type.value, count, { ...definition.headers, ...extraHeaders });
}

export function writeJob(rt: Execution, context: InstanceContext, element: RuntimeElement, type: string, retries: number, customHeaders: Record<string, string>): boolean {
  const key = rt.nextKey();
  rt.store.insertJob({
    key, type, state: "ACTIVATABLE", retries, worker: null, deadline: null, retryAt: null, errorMessage: null, errorCode: null,
    customHeaders, processInstanceKey: context.pi.key, elementInstanceKey: element.key, elementId: element.elementId,
    processDefinitionKey: context.pi.processDefinitionKey, bpmnProcessId: context.pi.bpmnProcessId,
    processDefinitionVersion: context.pi.version, createdAt: rt.now,
  });
  element.data = { ...element.data, jobKey: key };
  rt.record(context.pi.key, { type: "JOB_CREATED", key, jobType: type, retries, elementId: element.elementId, elementInstanceKey: element.key });
  rt.effects.jobTypes.add(type);
  rt.transition(context, element, "ACTIVATED");
  return true;
}

/** Cancels the open job of a terminated element. */
export function cancelJob(rt: Execution, context: InstanceContext, element: RuntimeElement): void {
  const jobKey = element.data?.["jobKey"];
  if (typeof jobKey !== "number") return;
  const job = rt.store.job(jobKey);
  if (!job || job.state === "COMPLETED" || job.state === "CANCELED") return;
  job.state = "CANCELED";
  rt.store.updateJob(job);
  rt.record(context.pi.key, { type: "JOB_CANCELED", key: job.key, elementId: element.elementId, elementInstanceKey: element.key });
}

/** Behaviour shared by the task kinds that become jobs (service, send, business rule, job-based script). */
export const jobTaskBehavior = {
  activate(rt: Execution, context: InstanceContext, element: RuntimeElement): void {
    createJob(rt, context, element, element.node.job!);
  },
  terminate(rt: Execution, context: InstanceContext, element: RuntimeElement): void {
    cancelJob(rt, context, element);
  },
};
