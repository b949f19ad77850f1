/**
 * Job commands. Activation locks jobs for a worker until a deadline; an expired lock makes the job
 * available again. Completion, failure and error each check the job's state first: a stale or
 * repeated command is rejected and changes nothing.
 */
import { EngineError, invalidState, notFound } from "../errors.js";
import type { Execution } from "../runtime/execution.js";
import type { JobRow } from "../state.js";
import { checkCount, checkVariables } from "./validate.js";
import { setOwn } from "../shared/own.js";
import { throwEvent } from "../shared/throw.js";

export interface ActivateJobsRequest {
  type: string;
  worker?: string;
  /** Lock duration in ms. */
  timeout: number;
  maxJobsToActivate: number;
  /** Only these variables; all visible variables when omitted. */
  fetchVariable?: string[];
}

export interface ActivatedJob {
  jobKey: number;
  type: string;
  processInstanceKey: number;
  processDefinitionKey: number;
  processDefinitionVersion: number;
  bpmnProcessId: string;
  elementId: string;
  elementInstanceKey: number;
  customHeaders: Record<string, string>;
  worker: string;
  retries: number;
  deadline: number;
  variables: Record<string, unknown>;
  tenantId: string;
}

export function activateJobs(rt: Execution, request: ActivateJobsRequest): ActivatedJob[] {
  if (!request.type) throw new EngineError("INVALID_ARGUMENT", "Expected a job type to activate, but found none");
  const timeout = checkCount(request.timeout, "the job timeout (ms)", 1);
  const max = checkCount(request.maxJobsToActivate, "maxJobsToActivate", 1);
  const worker = request.worker ?? "default";
  // "Up to" maxJobsToActivate: one activation hands out at most MAX_COLLECTION_ITEMS jobs (workers ask again).
  const jobs = rt.store.activatableJobs(request.type, rt.now, Math.min(max, rt.limits.maxCollectionItems));
  const out: ActivatedJob[] = [];
  for (const job of jobs) {
    const timedOut = job.state === "ACTIVATED";
    if (timedOut) rt.record(job.processInstanceKey, { type: "JOB_TIMED_OUT", key: job.key, worker: job.worker, elementId: job.elementId });
    job.state = "ACTIVATED";
    job.worker = worker;
    job.deadline = rt.now + timeout;
    job.retryAt = null;
    rt.store.updateJob(job);
    rt.record(job.processInstanceKey, { type: "JOB_ACTIVATED", key: job.key, worker, deadline: job.deadline, elementId: job.elementId });
    out.push({
      jobKey: job.key, type: job.type, processInstanceKey: job.processInstanceKey, processDefinitionKey: job.processDefinitionKey,
      processDefinitionVersion: job.processDefinitionVersion, bpmnProcessId: job.bpmnProcessId, elementId: job.elementId,
      elementInstanceKey: job.elementInstanceKey, customHeaders: job.customHeaders, worker, retries: job.retries, deadline: job.deadline,
      variables: jobVariables(rt, job, request.fetchVariable), tenantId: "<default>",
    });
  }
  return out;
}

function jobVariables(rt: Execution, job: JobRow, names?: string[]): Record<string, unknown> {
  const context = rt.instance(job.processInstanceKey);
  const element = context.element(job.elementInstanceKey);
  if (!element) return {};
  const all = context.context(element);
  if (!names || names.length === 0) return all;
  const out: Record<string, unknown> = {};
  for (const name of names) if (Object.hasOwn(all, name)) setOwn(out, name, all[name]);
  return out;
}

/** Loads a job that a worker may still act on, or explains why not. */
function openJob(rt: Execution, jobKey: number, action: string, allowed: JobRow["state"][]): JobRow {
  const job = rt.store.job(jobKey);
  if (!job) throw notFound("job", jobKey);
  if (job.state === "COMPLETED" || job.state === "CANCELED") {
    throw new EngineError("NOT_FOUND", `Expected to ${action} job with key '${jobKey}', but it is already ${job.state.toLowerCase()}`);
  }
  if (!allowed.includes(job.state)) throw invalidState("job", jobKey, allowed.join(" or "), job.state);
  return job;
}

export function completeJob(rt: Execution, jobKey: number, variables?: Record<string, unknown>): void {
  const vars = checkVariables(variables, "variables", rt.limits);
  const job = openJob(rt, jobKey, "complete", ["ACTIVATED", "ACTIVATABLE"]);
  const context = rt.instance(job.processInstanceKey);
  const element = context.element(job.elementInstanceKey);
  if (!element || element.state !== "ACTIVATED") {
    throw new EngineError("INVALID_STATE", `Expected the element instance '${job.elementInstanceKey}' of job '${jobKey}' to be waiting, but it is ${element?.state ?? "gone"}`);
  }
  job.state = "COMPLETED";
  rt.store.updateJob(job);
  rt.record(context.pi.key, { type: "JOB_COMPLETED", key: job.key, elementId: job.elementId, elementInstanceKey: element.key, variables: vars });
  rt.complete(context, element, vars);
  rt.drain();
}

export interface FailJobRequest {
  retries: number;
  errorMessage?: string;
  /** Back-off before the job can be activated again, in ms. */
  retryBackOff?: number;
  /** Set as local variables of the job's element instance. */
  variables?: Record<string, unknown>;
}

export function failJob(rt: Execution, jobKey: number, request: FailJobRequest): void {
  const retries = checkCount(request.retries, "retries", 0);
  const backOff = request.retryBackOff === undefined ? 0 : checkCount(request.retryBackOff, "retryBackOff (ms)", 0);
  const vars = checkVariables(request.variables, "variables", rt.limits);
  const job = openJob(rt, jobKey, "fail", ["ACTIVATED"]);
  const context = rt.instance(job.processInstanceKey);
  const element = context.element(job.elementInstanceKey)!;
  for (const [name, value] of Object.entries(vars)) context.variables.setLocal(element.key, name, value);
  job.retries = retries;
  job.errorMessage = request.errorMessage ?? null;
  job.worker = null;
  job.deadline = null;
  rt.record(context.pi.key, { type: "JOB_FAILED", key: job.key, retries, errorMessage: job.errorMessage, retryBackOff: backOff, elementId: job.elementId });
  if (retries > 0) {
    job.state = "ACTIVATABLE";
    job.retryAt = backOff > 0 ? rt.now + backOff : null;
    if (backOff === 0) rt.effects.jobTypes.add(job.type);
  } else {
    job.state = "FAILED";
    rt.raiseIncident(context, element, "JOB_NO_RETRIES", job.errorMessage || "No more retries left.", job.key);
  }
  rt.store.updateJob(job);
  rt.drain();
}

export interface ThrowErrorRequest {
  errorCode: string;
  errorMessage?: string;
  variables?: Record<string, unknown>;
}

/**
 * A worker reports a business error: the catch is looked up from the job's element upwards (boundary
 * events, event sub-processes, across call activities). Uncaught, it is an incident (as in Camunda);
 * resolving that incident makes the job available again.
 */
export function throwJobError(rt: Execution, jobKey: number, request: ThrowErrorRequest): void {
  if (!request.errorCode) throw new EngineError("INVALID_ARGUMENT", "Expected an errorCode, but found none");
  const vars = checkVariables(request.variables, "variables", rt.limits);
  const job = openJob(rt, jobKey, "throw an error for", ["ACTIVATED", "ACTIVATABLE"]);
  const context = rt.instance(job.processInstanceKey);
  const element = context.element(job.elementInstanceKey)!;
  job.state = "ERROR_THROWN";
  job.errorCode = request.errorCode;
  job.errorMessage = request.errorMessage ?? null;
  job.worker = null;
  job.deadline = null;
  rt.store.updateJob(job);
  rt.record(context.pi.key, { type: "JOB_ERROR_THROWN", key: job.key, errorCode: request.errorCode, errorMessage: job.errorMessage, elementId: job.elementId });
  if (!throwEvent(rt, context, element, "error", request.errorCode, vars)) {
    rt.raiseIncident(
      context, element, "UNHANDLED_ERROR_EVENT",
      `Expected to throw an error event with the code '${request.errorCode}'${request.errorMessage ? ` and message '${request.errorMessage}'` : ""}, but it was not caught. No error events are available in the scope.`,
      job.key,
    );
  }
  rt.drain();
}

export function updateJobRetries(rt: Execution, jobKey: number, retries: number): void {
  checkCount(retries, "retries", 1);
  const job = openJob(rt, jobKey, "update the retries of", ["ACTIVATABLE", "ACTIVATED", "FAILED", "ERROR_THROWN"]);
  job.retries = retries;
  rt.store.updateJob(job);
  rt.record(job.processInstanceKey, { type: "JOB_RETRIES_UPDATED", key: job.key, retries, elementId: job.elementId });
}

/** Makes jobs whose lock expired available again (the scheduler runs this). */
export function timeOutJobs(rt: Execution, limit = 1000): number {
  const expired = rt.store.expiredJobs(rt.now, limit);
  for (const job of expired) {
    rt.record(job.processInstanceKey, { type: "JOB_TIMED_OUT", key: job.key, worker: job.worker, elementId: job.elementId });
    job.state = "ACTIVATABLE";
    job.worker = null;
    job.deadline = null;
    rt.store.updateJob(job);
    rt.effects.jobTypes.add(job.type);
  }
  return expired.length;
}
