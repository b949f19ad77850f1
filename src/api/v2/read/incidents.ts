/** Incidents as the /v2 API shows them, and their search fields. */
import type { SearchSpec } from "../search/query.js";
import type { SqlSearchSpec } from "../search/sql-search.js";
import { iso, TENANT, wireKey, wireKeyOrNull } from "../wire.js";
import type { Row, Sql } from "./sql.js";
import type { IncidentRow } from "../../../engine/state.js";
import { toIncident } from "../../../persistence/sqlite-store.js";

/** An incident as the store maps it. */
export type IncidentView = IncidentRow;

export const ERROR_TYPES = [
  "AD_HOC_SUB_PROCESS_NO_RETRIES", "CALLED_DECISION_ERROR", "CALLED_ELEMENT_ERROR", "CONDITION_ERROR", "DECISION_EVALUATION_ERROR",
  "EXECUTION_LISTENER_NO_RETRIES", "EXTRACT_VALUE_ERROR", "FORM_NOT_FOUND", "IO_MAPPING_ERROR", "JOB_NO_RETRIES", "MESSAGE_SIZE_EXCEEDED",
  "RESOURCE_NOT_FOUND", "TASK_LISTENER_NO_RETRIES", "UNHANDLED_ERROR_EVENT", "UNKNOWN", "UNSPECIFIED",
] as const;

export function incidentRows(sql: Sql, where: { key?: number; state?: string; process_instance_key?: number }): IncidentView[] {
  return sql.select("incident", where).map(toIncidentView);
}

export function toIncidentView(r: Row): IncidentView {
  const incident = toIncident(r);
  return (ERROR_TYPES as readonly string[]).includes(incident.errorType) ? incident : { ...incident, errorType: "UNKNOWN" };
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

const ERROR_TYPE = `(CASE WHEN i.error_type IN (${ERROR_TYPES.map((t) => `'${t}'`).join(", ")}) THEN i.error_type ELSE 'UNKNOWN' END)`;

/** incidentSearch in SQL (sql-search.ts). */
export const incidentSqlSearch: SqlSearchSpec = {
  from: "incident i",
  select: "i.*",
  filter: {
    incidentKey: { kind: "key", expr: "i.key" },
    state: { kind: "enum", values: ["ACTIVE", "MIGRATED", "PENDING", "RESOLVED", "UNKNOWN"], expr: "i.state" },
    errorType: { kind: "enum", values: ERROR_TYPES, expr: ERROR_TYPE },
    errorMessage: { kind: "string", expr: "i.error_message" },
    elementId: { kind: "string", expr: "i.element_id" },
    creationTime: { kind: "date", expr: "i.created_at" },
    processDefinitionId: { kind: "string", expr: "i.bpmn_process_id" },
    processDefinitionKey: { kind: "key", expr: "i.process_definition_key" },
    processInstanceKey: { kind: "key", expr: "i.process_instance_key" },
    elementInstanceKey: { kind: "key", expr: "i.element_instance_key" },
    jobKey: { kind: "key", expr: "i.job_key" },
    tenantId: { kind: "string", expr: `'${TENANT}'` },
  },
  sort: {
    incidentKey: "i.key", processDefinitionKey: "i.process_definition_key", processDefinitionId: "i.bpmn_process_id", processInstanceKey: "i.process_instance_key",
    errorType: ERROR_TYPE, elementId: "i.element_id", elementInstanceKey: "i.element_instance_key", creationTime: "i.created_at", state: "i.state", jobKey: "i.job_key",
    tenantId: `'${TENANT}'`,
  },
  key: "i.key",
};
