/** Process definitions and forms as the /v2 API shows them. */
import type { Engine } from "../../../engine/engine.js";
import type { ProcessDefinitionRow } from "../../../engine/state.js";
import type { SearchSpec } from "../search/query.js";
import { TENANT, wireKey } from "../wire.js";
import type { Row, Sql } from "./sql.js";

export interface DefinitionView {
  key: number;
  bpmnProcessId: string;
  version: number;
  name: string | null;
  versionTag: string | null;
  resourceName: string;
  latest: boolean;
}

export function definitionRows(sql: Sql): DefinitionView[] {
  const rows = sql.all(`SELECT key, bpmn_process_id, version, name, version_tag, resource_name FROM process_definition ORDER BY key`);
  const latest = new Map<string, number>();
  for (const r of rows) latest.set(r.bpmn_process_id, Math.max(latest.get(r.bpmn_process_id) ?? 0, r.version));
  return rows.map((r: Row) => ({
    key: r.key, bpmnProcessId: r.bpmn_process_id, version: r.version, name: r.name, versionTag: r.version_tag,
    resourceName: r.resource_name, latest: latest.get(r.bpmn_process_id) === r.version,
  }));
}

export function definitionWire(d: DefinitionView) {
  return {
    processDefinitionKey: wireKey(d.key), processDefinitionId: d.bpmnProcessId, name: d.name, version: d.version,
    versionTag: d.versionTag, resourceName: d.resourceName, tenantId: TENANT, hasStartForm: false, state: "ACTIVE" as const,
  };
}

export const definitionSearch: SearchSpec<DefinitionView> = {
  filter: {
    processDefinitionKey: { kind: "key", get: (d) => d.key },
    processDefinitionId: { kind: "string", get: (d) => d.bpmnProcessId },
    name: { kind: "string", get: (d) => d.name },
    version: { kind: "int", get: (d) => d.version },
    versionTag: { kind: "string", get: (d) => d.versionTag },
    resourceName: { kind: "string", get: (d) => d.resourceName },
    isLatestVersion: { kind: "bool", get: (d) => d.latest },
    tenantId: { kind: "string", get: () => TENANT },
    hasStartForm: { kind: "bool", get: () => false },
    state: { kind: "enum", values: ["ACTIVE", "DRAINING", "DELETED"], get: () => "ACTIVE" },
  },
  sort: {
    processDefinitionKey: (d) => d.key, name: (d) => d.name, resourceName: (d) => d.resourceName, version: (d) => d.version,
    versionTag: (d) => d.versionTag, processDefinitionId: (d) => d.bpmnProcessId, tenantId: () => TENANT,
  },
  defaultSort: (d) => d.key,
};

export function definitionRow(engine: Engine, key: number): ProcessDefinitionRow | undefined {
  return engine.store.processDefinition(key);
}

/** Name of a flow element of a deployed definition (the id when it has none). */
export function elementName(engine: Engine, definitionKey: number, elementId: string): string {
  return engine.definitions.byKey(definitionKey)?.process.elements.get(elementId)?.name ?? elementId;
}

export function processName(engine: Engine, definitionKey: number): string | null {
  return engine.definitions.byKey(definitionKey)?.process.name ?? null;
}

export function formWire(form: { key: number; formId: string; version: number; schema: string }) {
  return { formKey: wireKey(form.key), formId: form.formId, version: form.version, schema: form.schema, tenantId: TENANT };
}
