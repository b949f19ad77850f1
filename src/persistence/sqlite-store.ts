/**
 * The engine's state on SQLite through prepared statements on the TypeORM-owned better-sqlite3
 * connection. All methods are synchronous and must run inside the write lane (writes) or anywhere
 * (reads: WAL readers never wait on the writer). SQL stays portable: plain tables, no SQLite-only
 * syntax beyond `LIMIT`.
 */
import type Database from "better-sqlite3";
import type {
  ElementInstanceRow, FormRow, HistoryEntry, HistoryRecord, IncidentRow, JobRow, JoinTokenRow,
  ProcessDefinitionRow, ProcessInstanceRow, UserTaskRow, VariableRow,
} from "../engine/state.js";

import { SubscriptionStore } from "./subscription-store.js";

type Row = Record<string, any>;

const json = (value: unknown) => JSON.stringify(value);

/** Epoch ms of an ISO date-time as the engine keeps it (possibly with a `[zone]` suffix), or null. */
function epochMs(text: string | null): number | null {
  if (!text) return null;
  const t = Date.parse(text.endsWith("]") ? text.replace(/\[.*\]$/, "") : text);
  return Number.isNaN(t) ? null : t;
}

/** Maps a raw row to its engine shape (also used by the API read side). */
export function toProcessInstance(r: Row): ProcessInstanceRow {
  return {
    key: r.key, processDefinitionKey: r.process_definition_key, bpmnProcessId: r.bpmn_process_id, version: r.version,
    state: r.state, startDate: r.start_date, endDate: r.end_date, parentProcessInstanceKey: r.parent_process_instance_key,
    parentElementInstanceKey: r.parent_element_instance_key, tenantId: r.tenant_id,
  };
}

/** Maps a raw row to its engine shape (also used by the API read side). */
export function toElementInstance(r: Row): ElementInstanceRow {
  return {
    key: r.key, processInstanceKey: r.process_instance_key, flowScopeKey: r.flow_scope_key, elementId: r.element_id,
    elementType: r.element_type, state: r.state, incidentKey: r.incident_key, data: r.data ? JSON.parse(r.data) : null,
    createdAt: r.created_at,
  };
}

/** Maps a raw row to its engine shape (also used by the API read side). */
export function toJob(r: Row): JobRow {
  return {
    key: r.key, type: r.type, state: r.state, retries: r.retries, worker: r.worker, deadline: r.deadline, retryAt: r.retry_at,
    errorMessage: r.error_message, errorCode: r.error_code, customHeaders: JSON.parse(r.custom_headers),
    processInstanceKey: r.process_instance_key, elementInstanceKey: r.element_instance_key, elementId: r.element_id,
    processDefinitionKey: r.process_definition_key, bpmnProcessId: r.bpmn_process_id,
    processDefinitionVersion: r.process_definition_version, createdAt: r.created_at,
  };
}

/** Maps a raw row to its engine shape (also used by the API read side). */
export function toUserTask(r: Row): UserTaskRow {
  return {
    key: r.key, state: r.state, elementInstanceKey: r.element_instance_key, processInstanceKey: r.process_instance_key,
    processDefinitionKey: r.process_definition_key, bpmnProcessId: r.bpmn_process_id,
    processDefinitionVersion: r.process_definition_version, elementId: r.element_id, name: r.name, assignee: r.assignee,
    candidateGroups: JSON.parse(r.candidate_groups), candidateUsers: JSON.parse(r.candidate_users), dueDate: r.due_date,
    followUpDate: r.follow_up_date, priority: r.priority, formKey: r.form_key, externalFormReference: r.external_form_reference,
    customHeaders: JSON.parse(r.custom_headers), createdAt: r.created_at, completedAt: r.completed_at,
  };
}

/** Maps a raw row to its engine shape (also used by the API read side). */
export function toIncident(r: Row): IncidentRow {
  return {
    key: r.key, state: r.state, errorType: r.error_type, errorMessage: r.error_message, processInstanceKey: r.process_instance_key,
    processDefinitionKey: r.process_definition_key, bpmnProcessId: r.bpmn_process_id, elementInstanceKey: r.element_instance_key,
    elementId: r.element_id, jobKey: r.job_key, createdAt: r.created_at, resolvedAt: r.resolved_at,
  };
}

/** Maps a raw row to its engine shape (also used by the API read side). */
export function toDefinition(r: Row): ProcessDefinitionRow {
  return {
    key: r.key, bpmnProcessId: r.bpmn_process_id, version: r.version, name: r.name, versionTag: r.version_tag,
    resourceName: r.resource_name, checksum: r.checksum, xml: r.xml, deploymentKey: r.deployment_key, tenantId: r.tenant_id,
    createdAt: r.created_at,
  };
}

/** Maps a raw row to its engine shape (also used by the API read side). */
export function toForm(r: Row): FormRow {
  return {
    key: r.key, formId: r.form_id, version: r.version, resourceName: r.resource_name, checksum: r.checksum, schema: r.schema,
    deploymentKey: r.deployment_key, tenantId: r.tenant_id, createdAt: r.created_at,
  };
}

interface ElementCount {
  definitionKey: number;
  elementId: string;
  completed: number;
  terminated: number;
}

export class SqliteStore {
  private readonly cache = new Map<string, Database.Statement>();
  /** element_statistics increments of the running command and of the transaction (see appendHistory). */
  private readonly commandStatistics = new Map<string, ElementCount>();
  private readonly batchStatistics = new Map<string, ElementCount>();
  /** Timers, message and signal subscriptions, buffered messages. */
  readonly events: SubscriptionStore;

  constructor(readonly db: Database.Database) {
    this.events = new SubscriptionStore(db);
  }

  private stmt(sql: string): Database.Statement {
    let s = this.cache.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.cache.set(sql, s);
    }
    return s;
  }

  private get<T = Row>(sql: string, ...params: unknown[]): T | undefined {
    return this.stmt(sql).get(...params) as T | undefined;
  }

  private all<T = Row>(sql: string, ...params: unknown[]): T[] {
    return this.stmt(sql).all(...params) as T[];
  }

  private run(sql: string, ...params: unknown[]): number {
    return this.stmt(sql).run(...params).changes;
  }

  // ── meta ──────────────────────────────────────────────────────────────────────────────────────
  getMeta(name: string): number | undefined {
    return this.get<{ value: number }>(`SELECT value FROM engine_meta WHERE name = ?`, name)?.value;
  }
  setMeta(name: string, value: number): void {
    if (this.run(`UPDATE engine_meta SET value = ? WHERE name = ?`, value, name) === 0) {
      this.run(`INSERT INTO engine_meta (name, value) VALUES (?, ?)`, name, value);
    }
  }

  // ── deployments ───────────────────────────────────────────────────────────────────────────────
  insertDeployment(key: number, createdAt: number): void {
    this.run(`INSERT INTO deployment (key, created_at) VALUES (?, ?)`, key, createdAt);
  }
  insertProcessDefinition(d: ProcessDefinitionRow): void {
    this.run(
      `INSERT INTO process_definition (key, bpmn_process_id, version, name, version_tag, resource_name, checksum, xml, deployment_key, tenant_id, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      d.key, d.bpmnProcessId, d.version, d.name, d.versionTag, d.resourceName, d.checksum, d.xml, d.deploymentKey, d.tenantId, d.createdAt,
    );
  }
  latestProcessDefinition(bpmnProcessId: string): ProcessDefinitionRow | undefined {
    const r = this.get(`SELECT * FROM process_definition WHERE bpmn_process_id = ? ORDER BY version DESC LIMIT 1`, bpmnProcessId);
    return r && toDefinition(r);
  }
  processDefinition(key: number): ProcessDefinitionRow | undefined {
    const r = this.get(`SELECT * FROM process_definition WHERE key = ?`, key);
    return r && toDefinition(r);
  }
  allProcessDefinitions(): ProcessDefinitionRow[] {
    return this.all(`SELECT * FROM process_definition ORDER BY bpmn_process_id, version`).map(toDefinition);
  }
  insertForm(f: FormRow): void {
    this.run(
      `INSERT INTO form (key, form_id, version, resource_name, checksum, schema, deployment_key, tenant_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      f.key, f.formId, f.version, f.resourceName, f.checksum, f.schema, f.deploymentKey, f.tenantId, f.createdAt,
    );
  }
  latestForm(formId: string): FormRow | undefined {
    const r = this.get(`SELECT * FROM form WHERE form_id = ? ORDER BY version DESC LIMIT 1`, formId);
    return r && toForm(r);
  }
  form(key: number): FormRow | undefined {
    const r = this.get(`SELECT * FROM form WHERE key = ?`, key);
    return r && toForm(r);
  }

  // ── process instances ─────────────────────────────────────────────────────────────────────────
  insertProcessInstance(p: ProcessInstanceRow): void {
    this.run(
      `INSERT INTO process_instance (key, process_definition_key, bpmn_process_id, version, state, start_date, end_date, parent_process_instance_key, parent_element_instance_key, tenant_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      p.key, p.processDefinitionKey, p.bpmnProcessId, p.version, p.state, p.startDate, p.endDate, p.parentProcessInstanceKey,
      p.parentElementInstanceKey, p.tenantId,
    );
  }
  updateProcessInstance(p: ProcessInstanceRow): void {
    this.run(`UPDATE process_instance SET state = ?, end_date = ? WHERE key = ?`, p.state, p.endDate, p.key);
  }
  /** Migration: the instance, its jobs and user tasks now belong to another version. */
  migrateProcessInstance(key: number, processDefinitionKey: number, version: number, elementIds: Map<number, string>): void {
    this.run(`UPDATE process_instance SET process_definition_key = ?, version = ? WHERE key = ?`, processDefinitionKey, version, key);
    for (const [elementInstanceKey, elementId] of elementIds) {
      this.run(`UPDATE job SET element_id = ?, process_definition_key = ?, process_definition_version = ? WHERE element_instance_key = ?`, elementId, processDefinitionKey, version, elementInstanceKey);
      this.run(`UPDATE user_task SET element_id = ?, process_definition_key = ?, process_definition_version = ? WHERE element_instance_key = ?`, elementId, processDefinitionKey, version, elementInstanceKey);
      this.run(`UPDATE incident SET element_id = ?, process_definition_key = ? WHERE element_instance_key = ? AND state = 'ACTIVE'`, elementId, processDefinitionKey, elementInstanceKey);
    }
  }

  /** The instance and every instance it called, directly or not (call hierarchy downwards). */
  instanceTree(rootKey: number): number[] {
    return this.all<{ key: number }>(
      `WITH RECURSIVE tree(key) AS (SELECT ? UNION ALL SELECT p.key FROM process_instance p JOIN tree t ON p.parent_process_instance_key = t.key) SELECT key FROM tree`,
      rootKey,
    ).map((r) => r.key);
  }

  processInstance(key: number): ProcessInstanceRow | undefined {
    const r = this.get(`SELECT * FROM process_instance WHERE key = ?`, key);
    return r && toProcessInstance(r);
  }
  processInstances(filter: { state?: string; bpmnProcessId?: string } = {}, limit = 1000): ProcessInstanceRow[] {
    return this.all(
      `SELECT * FROM process_instance WHERE (? IS NULL OR state = ?) AND (? IS NULL OR bpmn_process_id = ?) ORDER BY key LIMIT ?`,
      filter.state ?? null, filter.state ?? null, filter.bpmnProcessId ?? null, filter.bpmnProcessId ?? null, limit,
    ).map(toProcessInstance);
  }

  // ── element instances ─────────────────────────────────────────────────────────────────────────
  elementInstances(processInstanceKey: number): ElementInstanceRow[] {
    return this.all(`SELECT * FROM element_instance WHERE process_instance_key = ? ORDER BY key`, processInstanceKey).map(toElementInstance);
  }
  elementInstance(key: number): ElementInstanceRow | undefined {
    const r = this.get(`SELECT * FROM element_instance WHERE key = ?`, key);
    return r && toElementInstance(r);
  }
  insertElementInstance(e: ElementInstanceRow): void {
    this.run(
      `INSERT INTO element_instance (key, process_instance_key, flow_scope_key, element_id, element_type, state, incident_key, data, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      e.key, e.processInstanceKey, e.flowScopeKey, e.elementId, e.elementType, e.state, e.incidentKey, e.data ? json(e.data) : null, e.createdAt,
    );
  }
  updateElementInstance(e: ElementInstanceRow): void {
    this.run(`UPDATE element_instance SET state = ?, incident_key = ?, data = ?, element_id = ? WHERE key = ?`, e.state, e.incidentKey, e.data ? json(e.data) : null, e.elementId, e.key);
  }
  deleteElementInstance(key: number): void {
    this.run(`DELETE FROM element_instance WHERE key = ?`, key);
  }

  // ── variables ─────────────────────────────────────────────────────────────────────────────────
  variables(processInstanceKey: number): VariableRow[] {
    return this.all(
      `SELECT key, process_instance_key AS processInstanceKey, scope_key AS scopeKey, name, value FROM variable WHERE process_instance_key = ? ORDER BY key`,
      processInstanceKey,
    );
  }
  insertVariable(v: VariableRow): void {
    this.run(`INSERT INTO variable (key, process_instance_key, scope_key, name, value) VALUES (?, ?, ?, ?, ?)`, v.key, v.processInstanceKey, v.scopeKey, v.name, v.value);
  }
  updateVariable(key: number, value: string): void {
    this.run(`UPDATE variable SET value = ? WHERE key = ?`, value, key);
  }
  deleteVariablesOfScope(scopeKey: number): void {
    this.run(`DELETE FROM variable WHERE scope_key = ?`, scopeKey);
  }

  // ── join tokens ───────────────────────────────────────────────────────────────────────────────
  joinTokens(processInstanceKey: number): JoinTokenRow[] {
    return this.all(
      `SELECT key, process_instance_key AS processInstanceKey, scope_key AS scopeKey, gateway_id AS gatewayId, flow_id AS flowId FROM join_token WHERE process_instance_key = ? ORDER BY key`,
      processInstanceKey,
    );
  }
  insertJoinToken(t: JoinTokenRow): void {
    this.run(`INSERT INTO join_token (key, process_instance_key, scope_key, gateway_id, flow_id) VALUES (?, ?, ?, ?, ?)`, t.key, t.processInstanceKey, t.scopeKey, t.gatewayId, t.flowId);
  }
  deleteJoinToken(key: number): void {
    this.run(`DELETE FROM join_token WHERE key = ?`, key);
  }

  // ── jobs ──────────────────────────────────────────────────────────────────────────────────────
  insertJob(j: JobRow): void {
    this.run(
      `INSERT INTO job (key, type, state, retries, worker, deadline, retry_at, error_message, error_code, custom_headers, process_instance_key, element_instance_key, element_id, process_definition_key, bpmn_process_id, process_definition_version, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      j.key, j.type, j.state, j.retries, j.worker, j.deadline, j.retryAt, j.errorMessage, j.errorCode, json(j.customHeaders),
      j.processInstanceKey, j.elementInstanceKey, j.elementId, j.processDefinitionKey, j.bpmnProcessId, j.processDefinitionVersion, j.createdAt,
    );
  }
  job(key: number): JobRow | undefined {
    const r = this.get(`SELECT * FROM job WHERE key = ?`, key);
    return r && toJob(r);
  }
  updateJob(j: JobRow): void {
    this.run(
      `UPDATE job SET state = ?, retries = ?, worker = ?, deadline = ?, retry_at = ?, error_message = ?, error_code = ? WHERE key = ?`,
      j.state, j.retries, j.worker, j.deadline, j.retryAt, j.errorMessage, j.errorCode, j.key,
    );
  }
  /** Jobs a worker may take now: activatable and past any back-off, or activated with an expired lock. */
  activatableJobs(type: string, now: number, limit: number): JobRow[] {
    return this.all(
      `SELECT * FROM job WHERE type = ? AND ((state = 'ACTIVATABLE' AND (retry_at IS NULL OR retry_at <= ?)) OR (state = 'ACTIVATED' AND deadline <= ?)) ORDER BY key LIMIT ?`,
      type, now, now, limit,
    ).map(toJob);
  }
  expiredJobs(now: number, limit: number): JobRow[] {
    return this.all(`SELECT * FROM job WHERE state = 'ACTIVATED' AND deadline <= ? ORDER BY deadline LIMIT ?`, now, limit).map(toJob);
  }
  jobs(filter: { processInstanceKey?: number; state?: string; type?: string } = {}, limit = 1000): JobRow[] {
    return this.all(
      `SELECT * FROM job WHERE (? IS NULL OR process_instance_key = ?) AND (? IS NULL OR state = ?) AND (? IS NULL OR type = ?) ORDER BY key LIMIT ?`,
      filter.processInstanceKey ?? null, filter.processInstanceKey ?? null, filter.state ?? null, filter.state ?? null,
      filter.type ?? null, filter.type ?? null, limit,
    ).map(toJob);
  }

  // ── user tasks ────────────────────────────────────────────────────────────────────────────────
  insertUserTask(t: UserTaskRow): void {
    const dueAt = epochMs(t.dueDate);
    this.run(
      `INSERT INTO user_task (key, state, element_instance_key, process_instance_key, process_definition_key, bpmn_process_id, process_definition_version, element_id, name, assignee, candidate_groups, candidate_users, due_date, follow_up_date, priority, form_key, external_form_reference, custom_headers, created_at, completed_at, due_at, follow_up_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      t.key, t.state, t.elementInstanceKey, t.processInstanceKey, t.processDefinitionKey, t.bpmnProcessId, t.processDefinitionVersion,
      t.elementId, t.name, t.assignee, json(t.candidateGroups), json(t.candidateUsers), t.dueDate, t.followUpDate, t.priority,
      t.formKey, t.externalFormReference, json(t.customHeaders), t.createdAt, t.completedAt, dueAt, epochMs(t.followUpDate),
    );
    // Search projection (user_task_candidate): the inbox's "offered to my groups" is an index range.
    for (const [kind, names] of [["G", t.candidateGroups], ["U", t.candidateUsers]] as const) {
      for (let i = 0; i < names.length; i++) {
        if (names.indexOf(names[i]!) !== i) continue;
        this.run(
          `INSERT INTO user_task_candidate (task_key, kind, name, state, assignee, due_at, priority, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
          t.key, kind, names[i], t.state, t.assignee, dueAt, t.priority, t.createdAt,
        );
      }
    }
  }
  userTask(key: number): UserTaskRow | undefined {
    const r = this.get(`SELECT * FROM user_task WHERE key = ?`, key);
    return r && toUserTask(r);
  }
  updateUserTask(t: UserTaskRow): void {
    this.run(`UPDATE user_task SET state = ?, assignee = ?, completed_at = ? WHERE key = ?`, t.state, t.assignee, t.completedAt, t.key);
    if (t.candidateGroups.length > 0 || t.candidateUsers.length > 0) {
      this.run(`UPDATE user_task_candidate SET state = ?, assignee = ? WHERE task_key = ?`, t.state, t.assignee, t.key);
    }
  }
  userTasks(filter: { processInstanceKey?: number; state?: string; assignee?: string; elementId?: string } = {}, limit = 1000): UserTaskRow[] {
    return this.all(
      `SELECT * FROM user_task WHERE (? IS NULL OR process_instance_key = ?) AND (? IS NULL OR state = ?) AND (? IS NULL OR assignee = ?) AND (? IS NULL OR element_id = ?) ORDER BY key LIMIT ?`,
      filter.processInstanceKey ?? null, filter.processInstanceKey ?? null, filter.state ?? null, filter.state ?? null,
      filter.assignee ?? null, filter.assignee ?? null, filter.elementId ?? null, filter.elementId ?? null, limit,
    ).map(toUserTask);
  }

  // ── incidents ─────────────────────────────────────────────────────────────────────────────────
  insertIncident(i: IncidentRow): void {
    this.run(
      `INSERT INTO incident (key, state, error_type, error_message, process_instance_key, process_definition_key, bpmn_process_id, element_instance_key, element_id, job_key, created_at, resolved_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      i.key, i.state, i.errorType, i.errorMessage, i.processInstanceKey, i.processDefinitionKey, i.bpmnProcessId,
      i.elementInstanceKey, i.elementId, i.jobKey, i.createdAt, i.resolvedAt,
    );
  }
  incident(key: number): IncidentRow | undefined {
    const r = this.get(`SELECT * FROM incident WHERE key = ?`, key);
    return r && toIncident(r);
  }
  resolveIncident(key: number, at: number): void {
    this.run(`UPDATE incident SET state = 'RESOLVED', resolved_at = ? WHERE key = ?`, at, key);
  }
  incidents(filter: { processInstanceKey?: number; state?: string } = {}, limit = 1000): IncidentRow[] {
    return this.all(
      `SELECT * FROM incident WHERE (? IS NULL OR process_instance_key = ?) AND (? IS NULL OR state = ?) ORDER BY key LIMIT ?`,
      filter.processInstanceKey ?? null, filter.processInstanceKey ?? null, filter.state ?? null, filter.state ?? null, limit,
    ).map(toIncident);
  }

  // ── history ───────────────────────────────────────────────────────────────────────────────────
  appendHistory(processInstanceKey: number, createdAt: number, records: HistoryRecord[]): void {
    this.run(`INSERT INTO history (process_instance_key, created_at, records) VALUES (?, ?, ?)`, processInstanceKey, createdAt, json(records));
    // Search projection (element_statistics): finished element instances per definition and element,
    // counted here per command and written once per transaction (flushStatistics, before COMMIT).
    let definitionKey: number | undefined;
    for (const r of records) {
      if ((r.type !== "ELEMENT_COMPLETED" && r.type !== "ELEMENT_TERMINATED") || r.elementType === "PROCESS" || !r.elementId) continue;
      definitionKey ??= this.get<{ d: number }>(`SELECT process_definition_key AS d FROM process_instance WHERE key = ?`, processInstanceKey)?.d;
      if (definitionKey === undefined) return;
      const id = `${definitionKey}\u0000${r.elementId}`;
      const c = this.commandStatistics.get(id) ?? { definitionKey, elementId: r.elementId, completed: 0, terminated: 0 };
      if (r.type === "ELEMENT_COMPLETED") c.completed++;
      else c.terminated++;
      this.commandStatistics.set(id, c);
    }
  }

  /** The write lane's command ended: its counts join the transaction's, or are dropped with its SAVEPOINT. */
  endCommand(kept: boolean): void {
    if (this.commandStatistics.size === 0) return;
    if (kept) {
      for (const [id, c] of this.commandStatistics) {
        const b = this.batchStatistics.get(id);
        if (b) (b.completed += c.completed), (b.terminated += c.terminated);
        else this.batchStatistics.set(id, c);
      }
    }
    this.commandStatistics.clear();
  }

  /** Writes the transaction's element counts (one upsert per definition and element), inside it, before COMMIT. */
  flushStatistics(): void {
    this.endCommand(true); // commands run outside the write lane's savepoints (none today) count too
    for (const c of this.batchStatistics.values()) {
      this.run(
        `INSERT INTO element_statistics (process_definition_key, element_id, completed, terminated) VALUES (?, ?, ?, ?)
         ON CONFLICT (process_definition_key, element_id) DO UPDATE SET completed = completed + excluded.completed, terminated = terminated + excluded.terminated`,
        c.definitionKey, c.elementId, c.completed, c.terminated,
      );
    }
    this.batchStatistics.clear();
  }

  /** The transaction was rolled back as a whole: its counts with it. */
  dropStatistics(): void {
    this.commandStatistics.clear();
    this.batchStatistics.clear();
  }

  history(processInstanceKey: number): HistoryEntry[] {
    const rows = this.all<{ position: number; created_at: number; records: string }>(
      `SELECT position, created_at, records FROM history WHERE process_instance_key = ? ORDER BY position`,
      processInstanceKey,
    );
    const out: HistoryEntry[] = [];
    let position = 0;
    for (const row of rows) {
      for (const record of JSON.parse(row.records) as HistoryRecord[]) {
        out.push({ ...record, position: ++position, timestamp: row.created_at });
      }
    }
    return out;
  }
}
