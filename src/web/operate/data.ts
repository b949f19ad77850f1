/**
 * What the operate view reads and does, as calls to the public /v2 API (Camunda 8 shapes) and the
 * few /api/ui/operate endpoints for what /v2 lacks (history timeline, counts per element).
 */
import { api } from "../shared/api.js";

export interface Page<T> {
  items: T[];
  page: { totalItems: number };
}

export interface Instance {
  processInstanceKey: string;
  processDefinitionKey: string;
  processDefinitionId: string;
  processDefinitionName: string | null;
  processDefinitionVersion: number;
  startDate: string;
  endDate: string | null;
  state: "ACTIVE" | "COMPLETED" | "TERMINATED";
  hasIncident: boolean;
}

export interface ElementInstance {
  elementInstanceKey: string;
  elementId: string;
  elementName: string;
  type: string;
  state: "ACTIVE" | "COMPLETED" | "TERMINATED";
  startDate: string;
  endDate: string | null;
  hasIncident: boolean;
  incidentKey: string | null;
}

export interface Incident {
  incidentKey: string;
  state: string;
  errorType: string;
  errorMessage: string;
  elementId: string;
  elementInstanceKey: string;
  jobKey: string | null;
  creationTime: string;
}

export interface Variable {
  variableKey: string;
  name: string;
  value: string;
  scopeKey: string;
  processInstanceKey: string;
  isTruncated?: boolean;
}

export interface Definition {
  processDefinitionKey: string;
  processDefinitionId: string;
  name: string | null;
  version: number;
  versionTag: string | null;
}

export interface DefinitionCounts extends Definition {
  active: number;
  withIncident: number;
  completed: number;
  terminated: number;
}

export interface ElementCounts {
  elementId: string;
  elementName: string;
  active: number;
  incidents: number;
  completed: number;
  canceled: number;
}

export interface TimelineEntry {
  position: number;
  time: string;
  type: string;
  key: string | null;
  elementId: string | null;
  elementType: string | null;
  elementName: string | null;
  details: Record<string, string | number | boolean | null>;
}

export interface InstanceHistory {
  state: Instance["state"];
  lastPosition: number;
  takenFlows: Array<{ elementId: string; count: number }>;
  entries: TimelineEntry[];
}

const ALL = { limit: 10_000 };

export const getInstance = (key: string) => api<Instance>("GET", `/v2/process-instances/${key}`);
export const getHistory = (key: string) => api<InstanceHistory>("GET", `/api/ui/operate/instances/${key}/history`);
export const getXml = (definitionKey: string) => api<string>("GET", `/v2/process-definitions/${definitionKey}/xml`);
export const getDefinitionCounts = () => api<{ items: DefinitionCounts[] }>("GET", "/api/ui/operate/definitions").then((r) => r.items);
export const getElementCounts = (definitionKey: string) =>
  api<{ items: ElementCounts[] }>("GET", `/api/ui/operate/definitions/${definitionKey}/element-statistics`).then((r) => r.items);

export const searchInstances = (body: unknown) => api<Page<Instance>>("POST", "/v2/process-instances/search", body);
export const searchDefinitions = () =>
  api<Page<Definition>>("POST", "/v2/process-definitions/search", { sort: [{ field: "processDefinitionId" }, { field: "version", order: "DESC" }], page: ALL }).then((r) => r.items);
export const searchVariables = (filter: Record<string, unknown>) =>
  api<Page<Variable>>("POST", "/v2/variables/search", { filter, sort: [{ field: "name" }], page: ALL }).then((r) => r.items);
export const getVariable = (key: string) => api<Variable>("GET", `/v2/variables/${key}`);

export const elementInstancesOf = (processInstanceKey: string) =>
  api<Page<ElementInstance>>("POST", "/v2/element-instances/search", { filter: { processInstanceKey }, page: ALL }).then((r) => r.items);
export const incidentsOf = (processInstanceKey: string) =>
  api<Page<Incident>>("POST", "/v2/incidents/search", { filter: { processInstanceKey }, sort: [{ field: "creationTime", order: "DESC" }], page: ALL }).then((r) => r.items);

/** Sets one variable exactly in the given scope (an element instance, or the process instance). */
export const setVariable = (scopeKey: string, name: string, value: unknown) =>
  api("PUT", `/v2/element-instances/${scopeKey}/variables`, { variables: { [name]: value }, local: true });

/**
 * Retries an incident as Operate does: a job out of retries gets one more first, then the incident
 * is resolved (the element is re-evaluated with the current variables).
 */
export async function retryIncident(incident: Incident): Promise<void> {
  if (incident.jobKey) {
    const jobs = await api<Page<{ jobKey: string; state: string; retries: number }>>("POST", "/v2/jobs/search", { filter: { jobKey: incident.jobKey } });
    const job = jobs.items[0];
    if (job && job.state === "FAILED" && job.retries <= 0) await api("PATCH", `/v2/jobs/${incident.jobKey}`, { changeset: { retries: 1 } });
  }
  await api("POST", `/v2/incidents/${incident.incidentKey}/resolution`, {});
}

export const cancelInstance = (key: string) => api("POST", `/v2/process-instances/${key}/cancellation`, {});

export const modifyInstance = (key: string, body: { activateInstructions?: Array<{ elementId: string }>; terminateInstructions?: Array<{ elementInstanceKey: string }> }) =>
  api("POST", `/v2/process-instances/${key}/modification`, body);
