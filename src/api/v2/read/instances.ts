/** Process instances as the /v2 API shows them, and their search fields. */
import type { Engine } from "../../../engine/engine.js";
import type { SearchSpec } from "../search/query.js";
import type { SqlSearchSpec } from "../search/sql-search.js";
import { iso, isoOrNull, TENANT, wireKey, wireKeyOrNull } from "../wire.js";
import { processName } from "./definitions.js";
import type { Row, Sql } from "./sql.js";

export interface InstanceView {
  key: number;
  processDefinitionKey: number;
  bpmnProcessId: string;
  version: number;
  state: string;
  startDate: number;
  endDate: number | null;
  parentProcessInstanceKey: number | null;
  parentElementInstanceKey: number | null;
  hasIncident: boolean;
  name: string | null;
  versionTag: string | null;
}

export function instanceRows(sql: Sql, engine: Engine, where: { key?: number; state?: string; bpmn_process_id?: string; process_definition_key?: number }): InstanceView[] {
  const withIncident = new Set(sql.all(`SELECT DISTINCT process_instance_key FROM incident WHERE state = 'ACTIVE'`).map((r) => r.process_instance_key as number));
  return sql.select("process_instance", where).map((r: Row) => toInstanceView(engine, r, withIncident.has(r.key)));
}

export function toInstanceView(engine: Engine, r: Row, hasIncident: boolean): InstanceView {
  return {
    key: r.key, processDefinitionKey: r.process_definition_key, bpmnProcessId: r.bpmn_process_id, version: r.version, state: r.state,
    startDate: r.start_date, endDate: r.end_date, parentProcessInstanceKey: r.parent_process_instance_key,
    parentElementInstanceKey: r.parent_element_instance_key, hasIncident,
    name: processName(engine, r.process_definition_key), versionTag: engine.definitions.byKey(r.process_definition_key)?.versionTag ?? null,
  };
}

export function instanceWire(p: InstanceView) {
  return {
    processInstanceKey: wireKey(p.key), processDefinitionKey: wireKey(p.processDefinitionKey), processDefinitionId: p.bpmnProcessId,
    processDefinitionName: p.name, processDefinitionVersion: p.version, processDefinitionVersionTag: p.versionTag,
    startDate: iso(p.startDate), endDate: isoOrNull(p.endDate), state: p.state, hasIncident: p.hasIncident, tenantId: TENANT,
    parentProcessInstanceKey: wireKeyOrNull(p.parentProcessInstanceKey), parentElementInstanceKey: wireKeyOrNull(p.parentElementInstanceKey),
    rootProcessInstanceKey: wireKey(p.key), tags: [] as string[], businessId: null,
  };
}

const notYet = "it needs data Dossier does not keep yet";

export const instanceSearch: SearchSpec<InstanceView> = {
  filter: {
    processInstanceKey: { kind: "key", get: (p) => p.key },
    processDefinitionKey: { kind: "key", get: (p) => p.processDefinitionKey },
    processDefinitionId: { kind: "string", get: (p) => p.bpmnProcessId },
    processDefinitionName: { kind: "string", get: (p) => p.name },
    processDefinitionVersion: { kind: "int", get: (p) => p.version },
    processDefinitionVersionTag: { kind: "string", get: (p) => p.versionTag },
    state: { kind: "enum", values: ["ACTIVE", "COMPLETED", "TERMINATED"], get: (p) => p.state },
    startDate: { kind: "date", get: (p) => p.startDate },
    endDate: { kind: "date", get: (p) => p.endDate },
    hasIncident: { kind: "bool", get: (p) => p.hasIncident },
    tenantId: { kind: "string", get: () => TENANT },
    parentProcessInstanceKey: { kind: "key", get: (p) => p.parentProcessInstanceKey },
    parentElementInstanceKey: { kind: "key", get: (p) => p.parentElementInstanceKey },
    businessId: { kind: "string", get: () => null },
    variables: { kind: "string", get: () => null, unsupported: `variable filters on process instances are not supported yet; search /v2/variables instead` },
    $or: { kind: "string", get: () => null, unsupported: "'$or' is not supported yet" },
    tags: { kind: "string", get: () => null, unsupported: notYet },
    elementId: { kind: "string", get: () => null, unsupported: "search /v2/element-instances by elementId instead" },
    elementInstanceState: { kind: "string", get: () => null, unsupported: "search /v2/element-instances by state instead" },
    errorMessage: { kind: "string", get: () => null, unsupported: "search /v2/incidents by errorMessage instead" },
  },
  sort: {
    processInstanceKey: (p) => p.key, processDefinitionId: (p) => p.bpmnProcessId, processDefinitionName: (p) => p.name,
    processDefinitionVersion: (p) => p.version, processDefinitionVersionTag: (p) => p.versionTag, processDefinitionKey: (p) => p.processDefinitionKey,
    parentProcessInstanceKey: (p) => p.parentProcessInstanceKey, parentElementInstanceKey: (p) => p.parentElementInstanceKey,
    startDate: (p) => p.startDate, endDate: (p) => p.endDate, state: (p) => p.state, hasIncident: (p) => p.hasIncident,
    tenantId: () => TENANT, businessId: () => null,
  },
  defaultSort: (p) => p.key,
};

const HAS_INCIDENT = "EXISTS (SELECT 1 FROM incident i WHERE i.process_instance_key = p.key AND i.state = 'ACTIVE')";

/**
 * instanceSearch in SQL (sql-search.ts). The definition's name and version tag come from the parsed
 * model: a search on them runs in memory (instanceSearch).
 */
export const instanceSqlSearch: SqlSearchSpec = {
  from: "process_instance p",
  select: `p.*, ${HAS_INCIDENT} AS has_incident`,
  filter: {
    processInstanceKey: { kind: "key", expr: "p.key" },
    processDefinitionKey: { kind: "key", expr: "p.process_definition_key" },
    processDefinitionId: { kind: "string", expr: "p.bpmn_process_id" },
    processDefinitionName: null,
    processDefinitionVersion: { kind: "int", expr: "p.version" },
    processDefinitionVersionTag: null,
    state: { kind: "enum", values: ["ACTIVE", "COMPLETED", "TERMINATED"], expr: "p.state" },
    startDate: { kind: "date", expr: "p.start_date" },
    endDate: { kind: "date", expr: "p.end_date" },
    hasIncident: { kind: "bool", expr: `(${HAS_INCIDENT})` },
    tenantId: { kind: "string", expr: `'${TENANT}'` },
    parentProcessInstanceKey: { kind: "key", expr: "p.parent_process_instance_key" },
    parentElementInstanceKey: { kind: "key", expr: "p.parent_element_instance_key" },
    businessId: { kind: "string", expr: "NULL" },
  },
  sort: {
    processInstanceKey: "p.key", processDefinitionId: "p.bpmn_process_id", processDefinitionVersion: "p.version", processDefinitionKey: "p.process_definition_key",
    parentProcessInstanceKey: "p.parent_process_instance_key", parentElementInstanceKey: "p.parent_element_instance_key", startDate: "p.start_date",
    endDate: "p.end_date", state: "p.state", hasIncident: `(${HAS_INCIDENT})`, tenantId: `'${TENANT}'`, businessId: "NULL",
  },
  key: "p.key",
};
