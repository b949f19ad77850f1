/**
 * The inbox's calls: /v2 user tasks (search, claim, unclaim, assign, complete, form, variables)
 * and the two inbox endpoints under /api/ui/inbox (dossier references, a task's context).
 */
import { api } from "../shared/api.js";

export interface Task {
  userTaskKey: string;
  name: string | null;
  state: string;
  assignee: string | null;
  elementId: string;
  candidateGroups: string[];
  candidateUsers: string[];
  processDefinitionId: string;
  processDefinitionVersion: number;
  processName: string | null;
  processInstanceKey: string;
  creationDate: string;
  dueDate: string | null;
  followUpDate: string | null;
  priority: number;
  formKey: string | null;
  externalFormReference: string | null;
}

export interface SearchPage<T> {
  items: T[];
  page: { totalItems: number };
}

export interface SearchRequest {
  filter: Record<string, unknown>;
  sort?: Array<{ field: string; order: "ASC" | "DESC" }>;
  page?: { from?: number; limit: number };
}

export interface Dossier {
  processInstanceKey: string;
  dossierReference: string | null;
  customerName: string | null;
}

export interface Step {
  elementId: string;
  name: string;
  type: string;
  state: "ACTIVE" | "COMPLETED" | "TERMINATED";
  startDate: string;
  endDate: string | null;
  completedBy: string | null;
}

export interface TaskContext extends Omit<Dossier, "processInstanceKey"> {
  processInstanceKey: string;
  processDefinitionId: string;
  processName: string | null;
  processDefinitionVersion: number;
  instanceState: string | null;
  instanceStartDate: string | null;
  steps: Step[];
  incidents: Array<{ incidentKey: string; elementId: string; elementName: string; errorType: string; errorMessage: string; creationTime: string }>;
}

export interface Variable {
  name: string;
  value: string;
}

const path = (key: string) => `/v2/user-tasks/${encodeURIComponent(key)}`;

export const searchTasks = (request: SearchRequest) => api<SearchPage<Task>>("POST", "/v2/user-tasks/search", request);
export const getTask = (key: string) => api<Task>("GET", path(key));
export const claimTask = (key: string, me: string) => api("POST", `${path(key)}/assignment`, { assignee: me, allowOverride: false });
export const assignTask = (key: string, assignee: string) => api("POST", `${path(key)}/assignment`, { assignee, allowOverride: true });
export const unclaimTask = (key: string) => api("DELETE", `${path(key)}/assignee`);
export const completeTask = (key: string, variables: Record<string, unknown>) => api("POST", `${path(key)}/completion`, { variables });

/** The linked form's schema (JSON text), or null when the task has none (204). */
export async function taskForm(key: string): Promise<Record<string, unknown> | null> {
  const form = await api<{ schema: string } | undefined>("GET", `${path(key)}/form`);
  if (!form || typeof form !== "object") return null;
  return JSON.parse(form.schema) as Record<string, unknown>;
}

/** The variables the task sees, parsed from their JSON text. */
export async function taskVariables(key: string): Promise<Record<string, unknown>> {
  const page = await api<SearchPage<Variable>>("POST", `${path(key)}/variables/search`, { page: { limit: 1000 } });
  const out: Record<string, unknown> = {};
  for (const v of page.items) {
    let value: unknown;
    try {
      value = JSON.parse(v.value);
    } catch {
      value = v.value;
    }
    // defineProperty: a variable named __proto__ must stay a variable, not become the prototype
    Object.defineProperty(out, v.name, { value, enumerable: true, writable: true, configurable: true });
  }
  return out;
}

export async function dossiers(processInstanceKeys: string[]): Promise<Map<string, Dossier>> {
  const out = new Map<string, Dossier>();
  if (processInstanceKeys.length === 0) return out;
  const answer = await api<{ items: Dossier[] }>("POST", "/api/ui/inbox/dossiers", { processInstanceKeys });
  for (const d of answer.items) out.set(d.processInstanceKey, d);
  return out;
}

export const taskContext = (key: string) => api<TaskContext>("GET", `/api/ui/inbox/tasks/${encodeURIComponent(key)}/context`);

export interface ProcessOption {
  processDefinitionId: string;
  name: string;
}

/** One entry per process id (latest name), for the process filter. */
export async function processOptions(): Promise<ProcessOption[]> {
  const page = await api<SearchPage<{ processDefinitionId: string; name: string | null; version: number }>>("POST", "/v2/process-definitions/search", {
    sort: [{ field: "version", order: "DESC" }], page: { limit: 1000 },
  });
  const byId = new Map<string, ProcessOption>();
  for (const d of page.items) if (!byId.has(d.processDefinitionId)) byId.set(d.processDefinitionId, { processDefinitionId: d.processDefinitionId, name: d.name ?? d.processDefinitionId });
  return [...byId.values()].sort((a, b) => a.name.localeCompare(b.name));
}

/** Usernames a manager can reassign to (needs identity.read; empty otherwise). */
export async function userNames(): Promise<Array<{ username: string; name: string | null }>> {
  const page = await api<SearchPage<{ username: string; name: string | null }>>("POST", "/v2/users/search", { page: { limit: 1000 } });
  return page.items.map((u) => ({ username: u.username, name: u.name }));
}
