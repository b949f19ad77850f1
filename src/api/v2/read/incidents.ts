/** Incidents as the /v2 API shows them, and their search fields. */
import type { SearchSpec } from "../search/query.js";
import { iso, TENANT, wireKey, wireKeyOrNull } from "../wire.js";
import type { Row, Sql } from "./sql.js";

export interface IncidentView {
  key: number;
  state: string;
  errorType: string;
  errorMessage: string;
  processInstanceKey: number;
  processDefinitionKey: number;
  bpmnProcessId: string;
  elementInstanceKey: number;
  elementId: string;
  jobKey: number | null;
  createdAt: number;
}

export const ERROR_TYPES = [
  "AD_HOC_SUB_PROCESS_NO_RETRIES", "CALLED_DECISION_ERROR", "CALLED_ELEMENT_ERROR", "CONDITION_ERROR", "DECISION_EVALUATION_ERROR",
  "EXECUTION_LISTENER_NO_RETRIES", "EXTRACT_VALUE_ERROR", "FORM_NOT_FOUND", "IO_MAPPING_ERROR", "JOB_NO_RETRIES", "MESSAGE_SIZE_EXCEEDED",
  "RESOURCE_NOT_FOUND", "TASK_LISTENER_NO_RETRIES", "UNHANDLED_ERROR_EVENT", "UNKNOWN", "UNSPECIFIED",
] as const;

export function incidentRows(sql: Sql, where: { key?: number; state?: string; process_instance_key?: number }): IncidentView[] {
  return sql.select("incident", where).map((r: Row) => ({
    key: r.key, state: r.state, errorType: (ERROR_TYPES as readonly string[]).includes(r.error_type) ? r.error_type : "UNKNOWN",
    errorMessage: r.error_message, processInstanceKey: r.process_instance_key, processDefinitionKey: r.process_definition_key,
    bpmnProcessId: r.bpmn_process_id, elementInstanceKey: r.element_instance_key, elementId: r.element_id, jobKey: r.job_key, createdAt: r.created_at,
  }));
}

export function incidentWire(i: IncidentView) {
  return {
    incidentKey: wireKey(i.key), state: i.state, errorType: i.errorType, errorMessage: i.errorMessage, processInstanceKey: wireKey(i.processInstanceKey),
    rootProcessInstanceKey: wireKey(i.processInstanceKey), processDefinitionKey: wireKey(i.processDefinitionKey), processDefinitionId: i.bpmnProcessId,
    elementInstanceKey: wireKey(i.elementInstanceKey), elementId: i.elementId, jobKey: wireKeyOrNull(i.jobKey), creationTime: iso(i.createdAt), tenantId: TENANT,
  };
}

export const incidentSearch: SearchSpec<IncidentView> = {
  filter: {
    incidentKey: { kind: "key", get: (i) => i.key },
    state: { kind: "enum", values: ["ACTIVE", "MIGRATED", "PENDING", "RESOLVED", "UNKNOWN"], get: (i) => i.state },
    errorType: { kind: "enum", values: ERROR_TYPES, get: (i) => i.errorType },
    errorMessage: { kind: "string", get: (i) => i.errorMessage },
    elementId: { kind: "string", get: (i) => i.elementId },
    creationTime: { kind: "date", get: (i) => i.createdAt },
    processDefinitionId: { kind: "string", get: (i) => i.bpmnProcessId },
    processDefinitionKey: { kind: "key", get: (i) => i.processDefinitionKey },
    processInstanceKey: { kind: "key", get: (i) => i.processInstanceKey },
    elementInstanceKey: { kind: "key", get: (i) => i.elementInstanceKey },
    jobKey: { kind: "key", get: (i) => i.jobKey },
    tenantId: { kind: "string", get: () => TENANT },
  },
  sort: {
    incidentKey: (i) => i.key, processDefinitionKey: (i) => i.processDefinitionKey, processDefinitionId: (i) => i.bpmnProcessId,
    processInstanceKey: (i) => i.processInstanceKey, errorType: (i) => i.errorType, elementId: (i) => i.elementId,
    elementInstanceKey: (i) => i.elementInstanceKey, creationTime: (i) => i.createdAt, state: (i) => i.state, jobKey: (i) => i.jobKey, tenantId: () => TENANT,
  },
  defaultSort: (i) => i.key,
};
