/** Jobs as the /v2 API shows them (activation results and search results). */
import type { ActivatedJob } from "../../../engine/commands/jobs.js";
import type { JobRow } from "../../../engine/state.js";
import type { SearchSpec } from "../search/query.js";
import type { SqlSearchSpec } from "../search/sql-search.js";
import { iso, isoOrNull, TENANT, wireKey } from "../wire.js";
import type { Row, Sql } from "./sql.js";
import { toJob } from "../../../persistence/sqlite-store.js";

export function activatedJobWire(j: ActivatedJob) {
  return {
    jobKey: wireKey(j.jobKey), type: j.type, processInstanceKey: wireKey(j.processInstanceKey), rootProcessInstanceKey: wireKey(j.processInstanceKey),
    processDefinitionKey: wireKey(j.processDefinitionKey), processDefinitionId: j.bpmnProcessId, processDefinitionVersion: j.processDefinitionVersion,
    elementId: j.elementId, elementInstanceKey: wireKey(j.elementInstanceKey), customHeaders: j.customHeaders, worker: j.worker,
    retries: j.retries, deadline: j.deadline, variables: j.variables, tenantId: TENANT, kind: "BPMN_ELEMENT", listenerEventType: "UNSPECIFIED",
    userTask: null, tags: [] as string[],
  };
}

/** The engine's job states in Camunda's words (an activatable or activated job is CREATED). */
const STATE: Record<JobRow["state"], string> = {
  ACTIVATABLE: "CREATED", ACTIVATED: "CREATED", FAILED: "FAILED", ERROR_THROWN: "ERROR_THROWN", COMPLETED: "COMPLETED", CANCELED: "CANCELED",
};

/** A job as the store maps it, with its state in Camunda's words. */
export type JobView = Omit<JobRow, "state"> & { state: string };

export function jobRows(sql: Sql, where: { key?: number; type?: string; process_instance_key?: number }): JobView[] {
  return sql.select("job", where).map(toJobView);
}

export function toJobView(r: Row): JobView {
  const job = toJob(r);
  return { ...job, state: STATE[job.state] ?? job.state };
}

export function jobWire(j: JobView) {
  return {
    jobKey: wireKey(j.key), type: j.type, state: j.state, kind: "BPMN_ELEMENT", listenerEventType: "UNSPECIFIED", retries: j.retries,
    worker: j.worker ?? "", deadline: isoOrNull(j.deadline), errorMessage: j.errorMessage, errorCode: j.errorCode, customHeaders: j.customHeaders,
    hasFailedWithRetriesLeft: j.state === "CREATED" && j.errorMessage !== null, isDenied: null, deniedReason: null, endTime: null,
    processInstanceKey: wireKey(j.processInstanceKey), rootProcessInstanceKey: wireKey(j.processInstanceKey), elementInstanceKey: wireKey(j.elementInstanceKey),
    elementId: j.elementId, processDefinitionKey: wireKey(j.processDefinitionKey), processDefinitionId: j.bpmnProcessId, tenantId: TENANT,
    creationTime: iso(j.createdAt), lastUpdateTime: null,
  };
}

export const jobSearch: SearchSpec<JobView> = {
  filter: {
    jobKey: { kind: "key", get: (j) => j.key },
    type: { kind: "string", get: (j) => j.type },
    state: { kind: "enum", values: ["CANCELED", "COMPLETED", "CREATED", "ERROR_THROWN", "FAILED", "MIGRATED", "RETRIES_UPDATED", "TIMED_OUT"], get: (j) => j.state },
    retries: { kind: "int", get: (j) => j.retries },
    worker: { kind: "string", get: (j) => j.worker },
    errorCode: { kind: "string", get: (j) => j.errorCode },
    errorMessage: { kind: "string", get: (j) => j.errorMessage },
    elementId: { kind: "string", get: (j) => j.elementId },
    elementInstanceKey: { kind: "key", get: (j) => j.elementInstanceKey },
    processInstanceKey: { kind: "key", get: (j) => j.processInstanceKey },
    processDefinitionKey: { kind: "key", get: (j) => j.processDefinitionKey },
    processDefinitionId: { kind: "string", get: (j) => j.bpmnProcessId },
    deadline: { kind: "date", get: (j) => j.deadline },
    creationTime: { kind: "date", get: (j) => j.createdAt },
    kind: { kind: "enum", values: ["BPMN_ELEMENT", "EXECUTION_LISTENER", "TASK_LISTENER", "AD_HOC_SUB_PROCESS"], get: () => "BPMN_ELEMENT" },
    tenantId: { kind: "string", get: () => TENANT },
  },
  sort: {
    jobKey: (j) => j.key, type: (j) => j.type, state: (j) => j.state, retries: (j) => j.retries, worker: (j) => j.worker,
    deadline: (j) => j.deadline, errorCode: (j) => j.errorCode, errorMessage: (j) => j.errorMessage, elementId: (j) => j.elementId,
    elementInstanceKey: (j) => j.elementInstanceKey, processInstanceKey: (j) => j.processInstanceKey,
    processDefinitionKey: (j) => j.processDefinitionKey, processDefinitionId: (j) => j.bpmnProcessId, tenantId: () => TENANT,
  },
  defaultSort: (j) => j.key,
};

const JOB_STATE = `(CASE j.state WHEN 'ACTIVATABLE' THEN 'CREATED' WHEN 'ACTIVATED' THEN 'CREATED' ELSE j.state END)`;

/** jobSearch in SQL (sql-search.ts). */
export const jobSqlSearch: SqlSearchSpec = {
  from: "job j",
  select: "j.*",
  filter: {
    jobKey: { kind: "key", expr: "j.key" },
    type: { kind: "string", expr: "j.type" },
    state: { kind: "enum", values: ["CANCELED", "COMPLETED", "CREATED", "ERROR_THROWN", "FAILED", "MIGRATED", "RETRIES_UPDATED", "TIMED_OUT"], expr: JOB_STATE },
    retries: { kind: "int", expr: "j.retries" },
    worker: { kind: "string", expr: "j.worker" },
    errorCode: { kind: "string", expr: "j.error_code" },
    errorMessage: { kind: "string", expr: "j.error_message" },
    elementId: { kind: "string", expr: "j.element_id" },
    elementInstanceKey: { kind: "key", expr: "j.element_instance_key" },
    processInstanceKey: { kind: "key", expr: "j.process_instance_key" },
    processDefinitionKey: { kind: "key", expr: "j.process_definition_key" },
    processDefinitionId: { kind: "string", expr: "j.bpmn_process_id" },
    deadline: { kind: "date", expr: "j.deadline" },
    creationTime: { kind: "date", expr: "j.created_at" },
    kind: { kind: "enum", values: ["BPMN_ELEMENT", "EXECUTION_LISTENER", "TASK_LISTENER", "AD_HOC_SUB_PROCESS"], expr: "'BPMN_ELEMENT'" },
    tenantId: { kind: "string", expr: `'${TENANT}'` },
  },
  sort: {
    jobKey: "j.key", type: "j.type", state: JOB_STATE, retries: "j.retries", worker: "j.worker", deadline: "j.deadline", errorCode: "j.error_code",
    errorMessage: "j.error_message", elementId: "j.element_id", elementInstanceKey: "j.element_instance_key", processInstanceKey: "j.process_instance_key",
    processDefinitionKey: "j.process_definition_key", processDefinitionId: "j.bpmn_process_id", tenantId: `'${TENANT}'`,
  },
  key: "j.key",
};
