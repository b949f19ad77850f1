/**
 * User tasks as the /v2 API shows them, their search fields, and who may see them: the assignee,
 * the candidate users, members of a candidate group, and roles with `tasks.all`.
 */
import type { Engine } from "../../../engine/engine.js";
import type { Principal } from "../../../identity/identity.js";
import type { SearchSpec } from "../search/query.js";
import type { SqlSearchSpec } from "../search/sql-search.js";
import { iso, isoOrNull, TENANT, wireKey, wireKeyOrNull } from "../wire.js";
import { processName } from "./definitions.js";
import type { Row, Sql } from "./sql.js";

export interface TaskView {
  key: number;
  state: string;
  elementInstanceKey: number;
  processInstanceKey: number;
  processDefinitionKey: number;
  bpmnProcessId: string;
  version: number;
  elementId: string;
  name: string | null;
  assignee: string | null;
  candidateGroups: string[];
  candidateUsers: string[];
  /** Epoch ms (the engine keeps the ISO text as modelled, possibly with an offset). */
  dueDate: number | null;
  followUpDate: number | null;
  priority: number;
  formKey: number | null;
  externalFormReference: string | null;
  customHeaders: Record<string, string>;
  createdAt: number;
  completedAt: number | null;
}

const ms = (text: string | null): number | null => {
  if (!text) return null;
  const t = Date.parse(text.replace(/\[.*\]$/, ""));
  return Number.isNaN(t) ? null : t;
};

export function taskRows(sql: Sql, where: { key?: number; state?: string; assignee?: string; process_instance_key?: number; element_instance_key?: number }): TaskView[] {
  return sql.select("user_task", where).map(toTaskView);
}

/** A user_task row as the API reads it. */
export function toTaskView(r: Row): TaskView {
  return {
    key: r.key, state: r.state, elementInstanceKey: r.element_instance_key, processInstanceKey: r.process_instance_key,
    processDefinitionKey: r.process_definition_key, bpmnProcessId: r.bpmn_process_id, version: r.process_definition_version,
    elementId: r.element_id, name: r.name, assignee: r.assignee, candidateGroups: JSON.parse(r.candidate_groups),
    candidateUsers: JSON.parse(r.candidate_users), dueDate: ms(r.due_date), followUpDate: ms(r.follow_up_date), priority: r.priority,
    formKey: r.form_key, externalFormReference: r.external_form_reference, customHeaders: JSON.parse(r.custom_headers),
    createdAt: r.created_at, completedAt: r.completed_at,
  };
}

export function canSee(principal: Principal, task: Pick<TaskView, "assignee" | "candidateGroups" | "candidateUsers">): boolean {
  return (
    principal.permissions.has("tasks.all") ||
    task.assignee === principal.username ||
    task.candidateUsers.includes(principal.username) ||
    task.candidateGroups.some((g) => principal.groups.includes(g))
  );
}

/**
 * True when the caller sees a user task of the process instance: what an agent, who cannot read
 * instances, may know of (and work on) an instance at all.
 */
export function seesInstance(engine: Engine, principal: Principal, processInstanceKey: number): boolean {
  return engine.userTasks({ processInstanceKey }).some((t) => canSee(principal, t));
}

export function taskWire(engine: Engine) {
  return (t: TaskView) => ({
    userTaskKey: wireKey(t.key), name: t.name, state: t.state, assignee: t.assignee, elementId: t.elementId,
    elementInstanceKey: wireKey(t.elementInstanceKey), candidateGroups: t.candidateGroups, candidateUsers: t.candidateUsers,
    processDefinitionId: t.bpmnProcessId, processDefinitionKey: wireKey(t.processDefinitionKey), processDefinitionVersion: t.version,
    processName: processName(engine, t.processDefinitionKey), processInstanceKey: wireKey(t.processInstanceKey),
    rootProcessInstanceKey: wireKey(t.processInstanceKey), creationDate: iso(t.createdAt), completionDate: isoOrNull(t.completedAt),
    dueDate: isoOrNull(t.dueDate), followUpDate: isoOrNull(t.followUpDate), priority: t.priority, formKey: wireKeyOrNull(t.formKey),
    externalFormReference: t.externalFormReference, customHeaders: t.customHeaders, tenantId: TENANT, tags: [] as string[],
  });
}

const STATES = ["CREATING", "CREATED", "ASSIGNING", "UPDATING", "COMPLETING", "COMPLETED", "CANCELING", "CANCELED", "FAILED"];

export const taskSearch: SearchSpec<TaskView> = {
  filter: {
    userTaskKey: { kind: "key", get: (t) => t.key },
    state: { kind: "enum", values: STATES, get: (t) => t.state },
    assignee: { kind: "string", get: (t) => t.assignee },
    candidateGroup: { kind: "string", get: () => null, getAll: (t) => t.candidateGroups },
    candidateUser: { kind: "string", get: () => null, getAll: (t) => t.candidateUsers },
    priority: { kind: "int", get: (t) => t.priority },
    elementId: { kind: "string", get: (t) => t.elementId },
    name: { kind: "string", get: (t) => t.name },
    processDefinitionId: { kind: "string", get: (t) => t.bpmnProcessId },
    processDefinitionKey: { kind: "key", get: (t) => t.processDefinitionKey },
    processInstanceKey: { kind: "key", get: (t) => t.processInstanceKey },
    elementInstanceKey: { kind: "key", get: (t) => t.elementInstanceKey },
    creationDate: { kind: "date", get: (t) => t.createdAt },
    completionDate: { kind: "date", get: (t) => t.completedAt },
    dueDate: { kind: "date", get: (t) => t.dueDate },
    followUpDate: { kind: "date", get: (t) => t.followUpDate },
    tenantId: { kind: "string", get: () => TENANT },
    processInstanceVariables: { kind: "string", get: () => null, unsupported: "variable filters on user tasks are not supported yet" },
    localVariables: { kind: "string", get: () => null, unsupported: "variable filters on user tasks are not supported yet" },
    tags: { kind: "string", get: () => null, unsupported: "Dossier does not keep task tags yet" },
  },
  sort: {
    creationDate: (t) => t.createdAt, completionDate: (t) => t.completedAt, followUpDate: (t) => t.followUpDate,
    dueDate: (t) => t.dueDate, priority: (t) => t.priority, name: (t) => t.name,
  },
  defaultSort: (t) => t.key,
};

/** A candidate list (G groups, U users) of the task `t`, as SQL (user_task_candidate, see its entity). */
const candidates = (kind: "G" | "U") => ({
  kind: "string" as const,
  list: (nameCondition: string) => `t.key IN (SELECT task_key FROM user_task_candidate WHERE kind = '${kind}' AND ${nameCondition})`,
  listExists: `EXISTS (SELECT 1 FROM user_task_candidate c WHERE c.task_key = t.key AND c.kind = '${kind}')`,
});

/** taskSearch in SQL (sql-search.ts): the same fields, on user_task `t` and its candidate projection. */
export const taskSqlSearch: SqlSearchSpec = {
  from: "user_task t",
  select: "t.*",
  filter: {
    userTaskKey: { kind: "key", expr: "t.key" },
    state: { kind: "enum", values: STATES, expr: "t.state" },
    assignee: { kind: "string", expr: "t.assignee" },
    candidateGroup: candidates("G"),
    candidateUser: candidates("U"),
    priority: { kind: "int", expr: "t.priority" },
    elementId: { kind: "string", expr: "t.element_id" },
    name: { kind: "string", expr: "t.name" },
    processDefinitionId: { kind: "string", expr: "t.bpmn_process_id" },
    processDefinitionKey: { kind: "key", expr: "t.process_definition_key" },
    processInstanceKey: { kind: "key", expr: "t.process_instance_key" },
    elementInstanceKey: { kind: "key", expr: "t.element_instance_key" },
    creationDate: { kind: "date", expr: "t.created_at" },
    completionDate: { kind: "date", expr: "t.completed_at" },
    dueDate: { kind: "date", expr: "t.due_at" },
    followUpDate: { kind: "date", expr: "t.follow_up_at" },
    tenantId: { kind: "string", expr: `'${TENANT}'` },
  },
  sort: {
    creationDate: "t.created_at", completionDate: "t.completed_at", followUpDate: "t.follow_up_at", dueDate: "t.due_at", priority: "t.priority", name: "t.name",
  },
  key: "t.key",
};

/**
 * What a caller may see, as SQL on `t` (the same rule as canSee); undefined for `tasks.all`. With the
 * state the search asks for, the candidate ranges are narrowed to it.
 */
export function visibleSql(principal: Principal, state?: string): { where: string; params: unknown[] } | undefined {
  if (principal.permissions.has("tasks.all")) return undefined;
  const onState = state !== undefined ? " AND state = ?" : "";
  const st = state !== undefined ? [state] : [];
  const groups = principal.groups;
  const terms = ["t.assignee = ?", `t.key IN (SELECT task_key FROM user_task_candidate WHERE kind = 'U' AND name = ?${onState})`];
  const params: unknown[] = [principal.username, principal.username, ...st];
  if (groups.length > 0) {
    terms.push(`t.key IN (SELECT task_key FROM user_task_candidate WHERE kind = 'G' AND name IN (${groups.map(() => "?").join(", ")})${onState})`);
    params.push(...groups, ...st);
  }
  return { where: `(${terms.join(" OR ")})`, params };
}

/**
 * The searches the inbox makes, answered from the covering index of user_task_candidate alone (no
 * task row read but those of the page): filters and sorts on these fields only, over `v`, a source
 * of (key, state, assignee, due_at, priority, created_at) rows that taskProjectionSource builds.
 */
export const taskProjectionSqlSearch: SqlSearchSpec = {
  from: "(SELECT NULL AS key, NULL AS state, NULL AS assignee, NULL AS due_at, NULL AS priority, NULL AS created_at) v",
  select: "v.key",
  filter: {
    state: { kind: "enum", values: STATES, expr: "v.state" },
    assignee: { kind: "string", expr: "v.assignee" },
    priority: { kind: "int", expr: "v.priority" },
    creationDate: { kind: "date", expr: "v.created_at" },
    dueDate: { kind: "date", expr: "v.due_at" },
    tenantId: { kind: "string", expr: `'${TENANT}'` },
  },
  sort: { creationDate: "v.created_at", dueDate: "v.due_at", priority: "v.priority" },
  key: "v.key",
};

const PROJECTED = "task_key AS key, state, assignee, due_at, priority, created_at";

/**
 * The rows a search may read from the projection: for a caller without `tasks.all`, the tasks
 * offered to them or their groups and those assigned to them (in `state`); with `tasks.all` and a
 * candidate-group filter of plain names, the tasks offered to those groups. Undefined otherwise
 * (the search then runs on user_task).
 */
export function taskProjectionSource(principal: Principal, filter: Record<string, unknown>, state: string | undefined): { from: string; fromParams: unknown[] } | undefined {
  const marks = (n: number) => Array.from({ length: n }, () => "?").join(", ");
  if (filter["candidateUser"] !== undefined) return undefined;
  const group = filter["candidateGroup"];
  if (!principal.permissions.has("tasks.all")) {
    if (group !== undefined || state === undefined) return undefined;
    const arms = [`SELECT ${PROJECTED} FROM user_task_candidate WHERE kind = 'U' AND name = ? AND state = ?`, `SELECT key, state, assignee, due_at, priority, created_at FROM user_task WHERE state = ? AND assignee = ?`];
    const fromParams: unknown[] = [principal.username, state, state, principal.username];
    if (principal.groups.length > 0) {
      arms.unshift(`SELECT ${PROJECTED} FROM user_task_candidate WHERE kind = 'G' AND name IN (${marks(principal.groups.length)}) AND state = ?`);
      fromParams.unshift(...principal.groups, state);
    }
    return { from: `(${arms.join(" UNION ")}) v`, fromParams };
  }
  const names = typeof group === "string" ? [group] : group && typeof group === "object" && !Array.isArray(group) ? plainNames(group as Record<string, unknown>) : undefined;
  if (!names || names.length === 0 || names.length > 1000) return undefined; // a long list: the general search refuses it
  const onState = state !== undefined ? " AND state = ?" : "";
  return {
    from: `(SELECT ${names.length > 1 ? "DISTINCT " : ""}${PROJECTED} FROM user_task_candidate WHERE kind = 'G' AND name IN (${marks(names.length)})${onState}) v`,
    fromParams: [...names, ...(state !== undefined ? [state] : [])],
  };
}

/** The names of a `{ $eq }` or `{ $in }` condition, if it is only that. */
function plainNames(ops: Record<string, unknown>): string[] | undefined {
  const keys = Object.keys(ops).filter((k) => ops[k] !== undefined);
  if (keys.length !== 1) return undefined;
  const v = ops[keys[0]!];
  if (keys[0] === "$eq" && typeof v === "string") return [v];
  if (keys[0] === "$in" && Array.isArray(v) && v.every((x) => typeof x === "string")) return v as string[];
  return undefined;
}
