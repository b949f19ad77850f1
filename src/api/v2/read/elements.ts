/**
 * Element instances, rebuilt from the audit log: an element instance is born with its
 * ELEMENT_ACTIVATING record and ends with ELEMENT_COMPLETED or ELEMENT_TERMINATED; incidents
 * point at it by `elementInstanceKey`. (Live tokens are also rows of element_instance, but only
 * the log knows finished ones.) The process itself is not listed, as in Camunda.
 */
import type { Engine } from "../../../engine/engine.js";
import type { HistoryEntry } from "../../../engine/state.js";
import type { SearchSpec } from "../search/query.js";
import { iso, isoOrNull, TENANT, wireKey, wireKeyOrNull } from "../wire.js";
import { elementName } from "./definitions.js";
import type { Sql } from "./sql.js";

export const ELEMENT_TYPES = [
  "UNSPECIFIED", "PROCESS", "SUB_PROCESS", "EVENT_SUB_PROCESS", "AD_HOC_SUB_PROCESS", "AD_HOC_SUB_PROCESS_INNER_INSTANCE", "START_EVENT",
  "INTERMEDIATE_CATCH_EVENT", "INTERMEDIATE_THROW_EVENT", "BOUNDARY_EVENT", "END_EVENT", "SERVICE_TASK", "RECEIVE_TASK", "USER_TASK",
  "MANUAL_TASK", "TASK", "EXCLUSIVE_GATEWAY", "INCLUSIVE_GATEWAY", "PARALLEL_GATEWAY", "EVENT_BASED_GATEWAY", "SEQUENCE_FLOW",
  "MULTI_INSTANCE_BODY", "CALL_ACTIVITY", "BUSINESS_RULE_TASK", "SCRIPT_TASK", "SEND_TASK", "UNKNOWN",
] as const;

export interface ElementView {
  key: number;
  processInstanceKey: number;
  processDefinitionKey: number;
  bpmnProcessId: string;
  elementId: string;
  name: string;
  type: string;
  flowScopeKey: number;
  state: "ACTIVE" | "COMPLETED" | "TERMINATED";
  startDate: number;
  endDate: number | null;
  incidentKey: number | null;
}

/** Every element instance of one process instance, in order of activation. */
export function elementsOf(engine: Engine, processInstanceKey: number): ElementView[] {
  const pi = engine.processInstance(processInstanceKey);
  if (!pi) return [];
  return fromHistory(engine, pi.key, pi.processDefinitionKey, pi.bpmnProcessId, engine.history(pi.key));
}

function fromHistory(engine: Engine, piKey: number, definitionKey: number, bpmnProcessId: string, history: HistoryEntry[]): ElementView[] {
  const byKey = new Map<number, ElementView>();
  for (const r of history) {
    if (r.type === "ELEMENT_ACTIVATING" && r.key !== undefined && r.elementType !== "PROCESS" && !byKey.has(r.key)) {
      const type = (ELEMENT_TYPES as readonly string[]).includes(r.elementType ?? "") ? r.elementType! : "UNKNOWN";
      byKey.set(r.key, {
        key: r.key, processInstanceKey: piKey, processDefinitionKey: definitionKey, bpmnProcessId, elementId: r.elementId ?? "",
        name: elementName(engine, definitionKey, r.elementId ?? ""), type, flowScopeKey: r.flowScopeKey ?? piKey,
        state: "ACTIVE", startDate: r.timestamp, endDate: null, incidentKey: null,
      });
      continue;
    }
    const target = typeof r["elementInstanceKey"] === "number" ? byKey.get(r["elementInstanceKey"] as number) : r.key !== undefined ? byKey.get(r.key) : undefined;
    if (!target) continue;
    if (r.type === "ELEMENT_COMPLETED" && r.key === target.key) Object.assign(target, { state: "COMPLETED", endDate: r.timestamp });
    else if (r.type === "ELEMENT_TERMINATED" && r.key === target.key) Object.assign(target, { state: "TERMINATED", endDate: r.timestamp });
    else if (r.type === "INCIDENT_CREATED") target.incidentKey = r.key ?? null;
    else if (r.type === "INCIDENT_RESOLVED") target.incidentKey = null;
  }
  return [...byKey.values()];
}

/**
 * Process instances whose elements a search must rebuild: the one named in the filter, or those
 * whose log mentions the element instance key, or (no narrowing filter) all of them.
 */
export function candidateInstances(sql: Sql, processInstanceKey?: number, elementInstanceKey?: number): number[] {
  if (processInstanceKey !== undefined) return [processInstanceKey];
  if (elementInstanceKey !== undefined) {
    return sql.all(`SELECT DISTINCT process_instance_key FROM history WHERE records LIKE ? ORDER BY process_instance_key`, `%"key":${elementInstanceKey},%`).map((r) => r.process_instance_key as number);
  }
  return sql.all(`SELECT key FROM process_instance ORDER BY key`).map((r) => r.key as number);
}

export function elementWire(e: ElementView) {
  return {
    elementInstanceKey: wireKey(e.key), processInstanceKey: wireKey(e.processInstanceKey), rootProcessInstanceKey: wireKey(e.processInstanceKey),
    processDefinitionKey: wireKey(e.processDefinitionKey), processDefinitionId: e.bpmnProcessId, elementId: e.elementId, elementName: e.name,
    type: e.type, state: e.state, startDate: iso(e.startDate), endDate: isoOrNull(e.endDate), hasIncident: e.incidentKey !== null,
    incidentKey: wireKeyOrNull(e.incidentKey), tenantId: TENANT,
  };
}

export const elementSearch: SearchSpec<ElementView> = {
  filter: {
    elementInstanceKey: { kind: "key", get: (e) => e.key },
    processInstanceKey: { kind: "key", get: (e) => e.processInstanceKey },
    processDefinitionKey: { kind: "key", get: (e) => e.processDefinitionKey },
    processDefinitionId: { kind: "string", get: (e) => e.bpmnProcessId },
    elementId: { kind: "string", get: (e) => e.elementId },
    elementName: { kind: "string", get: (e) => e.name },
    type: { kind: "enum", values: ELEMENT_TYPES, get: (e) => e.type },
    state: { kind: "enum", values: ["ACTIVE", "COMPLETED", "TERMINATED"], get: (e) => e.state },
    hasIncident: { kind: "bool", get: (e) => e.incidentKey !== null },
    incidentKey: { kind: "key", get: (e) => e.incidentKey },
    tenantId: { kind: "string", get: () => TENANT },
    startDate: { kind: "date", get: (e) => e.startDate },
    endDate: { kind: "date", get: (e) => e.endDate },
    elementInstanceScopeKey: { kind: "key", get: (e) => e.flowScopeKey },
  },
  sort: {
    elementInstanceKey: (e) => e.key, processInstanceKey: (e) => e.processInstanceKey, processDefinitionKey: (e) => e.processDefinitionKey,
    processDefinitionId: (e) => e.bpmnProcessId, startDate: (e) => e.startDate, endDate: (e) => e.endDate, elementId: (e) => e.elementId,
    elementName: (e) => e.name, type: (e) => e.type, state: (e) => e.state, incidentKey: (e) => e.incidentKey, tenantId: () => TENANT,
  },
  defaultSort: (e) => e.key,
};
