/**
 * Row shapes of the engine's runtime state, shared by the store and the interpreter.
 */
import type { ElementType } from "./model/types.js";
import type { LifecycleState } from "./lifecycle.js";

export type ProcessInstanceState = "ACTIVE" | "COMPLETED" | "TERMINATED";

export interface ProcessInstanceRow {
  key: number;
  processDefinitionKey: number;
  bpmnProcessId: string;
  version: number;
  state: ProcessInstanceState;
  startDate: number;
  endDate: number | null;
  parentProcessInstanceKey: number | null;
  parentElementInstanceKey: number | null;
  tenantId: string;
}

export interface ElementInstanceRow {
  key: number;
  processInstanceKey: number;
  flowScopeKey: number;
  elementId: string;
  elementType: ElementType;
  state: LifecycleState;
  incidentKey: number | null;
  /** Behaviour-specific data (job key, user task key …). */
  data: Record<string, unknown> | null;
  createdAt: number;
}

export interface VariableRow {
  key: number;
  processInstanceKey: number;
  scopeKey: number;
  name: string;
  value: string;
}

export interface JoinTokenRow {
  key: number;
  processInstanceKey: number;
  scopeKey: number;
  gatewayId: string;
  flowId: string;
}

export type JobState = "ACTIVATABLE" | "ACTIVATED" | "FAILED" | "ERROR_THROWN" | "COMPLETED" | "CANCELED";

export interface JobRow {
  key: number;
  type: string;
  state: JobState;
  retries: number;
  worker: string | null;
  deadline: number | null;
  retryAt: number | null;
  errorMessage: string | null;
  errorCode: string | null;
  customHeaders: Record<string, string>;
  processInstanceKey: number;
  elementInstanceKey: number;
  elementId: string;
  processDefinitionKey: number;
  bpmnProcessId: string;
  processDefinitionVersion: number;
  createdAt: number;
}

export type UserTaskState = "CREATED" | "COMPLETED" | "CANCELED";

export interface UserTaskRow {
  key: number;
  state: UserTaskState;
  elementInstanceKey: number;
  processInstanceKey: number;
  processDefinitionKey: number;
  bpmnProcessId: string;
  processDefinitionVersion: number;
  elementId: string;
  name: string | null;
  assignee: string | null;
  candidateGroups: string[];
  candidateUsers: string[];
  dueDate: string | null;
  followUpDate: string | null;
  priority: number;
  formKey: number | null;
  externalFormReference: string | null;
  customHeaders: Record<string, string>;
  createdAt: number;
  completedAt: number | null;
}

export type IncidentState = "ACTIVE" | "RESOLVED";

export type IncidentErrorType =
  | "JOB_NO_RETRIES"
  | "UNHANDLED_ERROR_EVENT"
  | "CONDITION_ERROR"
  | "IO_MAPPING_ERROR"
  | "EXTRACT_VALUE_ERROR"
  | "FORM_NOT_FOUND"
  | "CALLED_ELEMENT_ERROR"
  | "UNKNOWN";

export interface IncidentRow {
  key: number;
  state: IncidentState;
  errorType: IncidentErrorType;
  errorMessage: string;
  processInstanceKey: number;
  processDefinitionKey: number;
  bpmnProcessId: string;
  elementInstanceKey: number;
  elementId: string;
  jobKey: number | null;
  createdAt: number;
  resolvedAt: number | null;
}

export interface ProcessDefinitionRow {
  key: number;
  bpmnProcessId: string;
  version: number;
  name: string | null;
  versionTag: string | null;
  resourceName: string;
  checksum: string;
  xml: string;
  deploymentKey: number;
  tenantId: string;
  createdAt: number;
}

export interface FormRow {
  key: number;
  formId: string;
  version: number;
  resourceName: string;
  checksum: string;
  schema: string;
  deploymentKey: number;
  tenantId: string;
  createdAt: number;
}

/** One entry of the audit log. */
export interface HistoryRecord {
  type: string;
  key?: number;
  elementId?: string;
  elementType?: string;
  flowScopeKey?: number;
  [field: string]: unknown;
}

export interface HistoryEntry extends HistoryRecord {
  position: number;
  timestamp: number;
}

export type SubscriptionKind = "TIMER" | "MESSAGE" | "SIGNAL";

export interface SubscriptionRow {
  key: number;
  kind: SubscriptionKind;
  processDefinitionKey: number;
  bpmnProcessId: string;
  /** null for process start events. */
  processInstanceKey: number | null;
  /** The element instance that owns the wait (catch event, activity, scope, gateway); null for start events. */
  elementInstanceKey: number | null;
  /** The catching element (catch event, boundary event, event sub-process start, start event). */
  elementId: string;
  name: string | null;
  correlationKey: string | null;
  dueDate: number | null;
  cycle: string | null;
  /** Remaining repetitions of a cycle, -1 = forever. */
  repetitions: number | null;
  interrupting: boolean;
  createdAt: number;
}

export interface MessageRow {
  key: number;
  name: string;
  correlationKey: string;
  variables: Record<string, unknown>;
  messageId: string | null;
  expiresAt: number;
  createdAt: number;
}
