/**
 * What the operate view needs beyond /v2 (mounted at /api/ui/operate):
 *   GET /definitions                         instance counts per process definition (active, with incident, completed, terminated)
 *   GET /definitions/{key}/element-statistics per element of a definition: active element instances, open incidents,
 *                                             completed and terminated ones (the shape of Camunda's element-instance statistics)
 *   GET /instances/{key}/history             an instance's audit log as a timeline, with the sequence flows it took
 * Everything else (search, variables, incidents, cancel, modify) goes through the public /v2 API.
 */
import { Router } from "express";
import type { HistoryEntry } from "../../engine/state.js";
import { allow } from "../auth/guard.js";
import { ApiError } from "../errors.js";
import { elementName, processName } from "../v2/read/definitions.js";
import { Sql } from "../v2/read/sql.js";
import { iso, isoOrNull, keyParam, wireKey } from "../v2/wire.js";
import type { UiDeps } from "./router.js";

/** Record fields shown as the "what" of a timeline entry; long texts are cut. */
const DETAIL_LIMIT = 300;
const STRUCTURAL = new Set(["type", "key", "elementId", "elementType", "flowScopeKey", "position", "timestamp"]);

function details(record: HistoryEntry): Record<string, string | number | boolean | null> {
  const out: Record<string, string | number | boolean | null> = {};
  for (const [name, value] of Object.entries(record)) {
    if (STRUCTURAL.has(name) || value === undefined) continue;
    if (name.endsWith("Key") && typeof value === "number") {
      out[name] = wireKey(value);
      continue;
    }
    const text = typeof value === "string" ? value : typeof value === "number" || typeof value === "boolean" || value === null ? value : JSON.stringify(value);
    out[name] = typeof text === "string" && text.length > DETAIL_LIMIT ? `${text.slice(0, DETAIL_LIMIT)}…` : text;
  }
  return out;
}

interface ElementCounts {
  elementId: string;
  active: number;
  incidents: number;
  completed: number;
  canceled: number;
}

export function operateUiRouter({ engine }: UiDeps): Router {
  const router = Router();
  // Built on first use: building the router must not touch the engine (the route-table test builds it with none).
  let cached: Sql | undefined;
  const sql = () => (cached ??= new Sql(engine.store.db));

  router.get("/definitions", allow("instances.read"), (_req, res) => {
    const counts = new Map<number, { active: number; withIncident: number; completed: number; terminated: number }>();
    const of = (key: number) => {
      let c = counts.get(key);
      if (!c) counts.set(key, (c = { active: 0, withIncident: 0, completed: 0, terminated: 0 }));
      return c;
    };
    for (const r of sql().all(`SELECT process_definition_key AS d, state, COUNT(*) AS n FROM process_instance GROUP BY process_definition_key, state`)) {
      const c = of(r.d as number);
      if (r.state === "ACTIVE") c.active = r.n;
      else if (r.state === "COMPLETED") c.completed = r.n;
      else if (r.state === "TERMINATED") c.terminated = r.n;
    }
    for (const r of sql().all(`SELECT process_definition_key AS d, COUNT(DISTINCT process_instance_key) AS n FROM incident WHERE state = 'ACTIVE' GROUP BY process_definition_key`)) {
      of(r.d as number).withIncident = r.n;
    }
    const definitions = sql().all(`SELECT key, bpmn_process_id, version, name, version_tag FROM process_definition ORDER BY bpmn_process_id, version DESC`);
    res.json({
      items: definitions.map((d) => ({
        processDefinitionKey: wireKey(d.key), processDefinitionId: d.bpmn_process_id, name: d.name, version: d.version, versionTag: d.version_tag,
        ...(counts.get(d.key) ?? { active: 0, withIncident: 0, completed: 0, terminated: 0 }),
      })),
    });
  });

  router.get("/definitions/:processDefinitionKey/element-statistics", allow("instances.read"), (req, res) => {
    const key = keyParam(req, "processDefinitionKey");
    if (!engine.store.processDefinition(key)) throw new ApiError("NOT_FOUND", `Expected to find a process definition with key '${key}', but none was found`);
    const byElement = new Map<string, ElementCounts>();
    const of = (elementId: string) => {
      let c = byElement.get(elementId);
      if (!c) byElement.set(elementId, (c = { elementId, active: 0, incidents: 0, completed: 0, canceled: 0 }));
      return c;
    };
    // Live tokens: rows of element_instance (the process itself has one too; it is not an element of the diagram).
    for (const r of sql().all(
      `SELECT e.element_id AS id, COUNT(*) AS n FROM element_instance e JOIN process_instance p ON p.key = e.process_instance_key
       WHERE p.process_definition_key = ? AND e.element_type <> 'PROCESS' GROUP BY e.element_id`, key)) of(r.id).active = r.n;
    for (const r of sql().all(`SELECT element_id AS id, COUNT(*) AS n FROM incident WHERE state = 'ACTIVE' AND process_definition_key = ? GROUP BY element_id`, key)) {
      of(r.id).incidents = r.n;
    }
    // Finished element instances: the element_statistics projection, kept with the audit log (sqlite-store.ts).
    for (const r of sql().all(`SELECT element_id AS id, completed, terminated FROM element_statistics WHERE process_definition_key = ?`, key)) {
      of(r.id).completed = r.completed;
      of(r.id).canceled = r.terminated;
    }
    res.json({
      processDefinitionKey: wireKey(key),
      items: [...byElement.values()].map((c) => ({ ...c, elementName: elementName(engine, key, c.elementId) })),
    });
  });

  router.get("/instances/:processInstanceKey/history", allow("instances.read"), (req, res) => {
    const key = keyParam(req, "processInstanceKey");
    const pi = engine.processInstance(key);
    if (!pi) throw new ApiError("NOT_FOUND", `Expected to find a process instance with key '${key}', but none was found`);
    const history = engine.history(key);
    const taken = new Map<string, number>();
    // Variable records name their scope by key only: the timeline names it by its element.
    const scopes = new Map<number, { elementId: string; elementType: string }>();
    for (const r of history) {
      if (r.type === "SEQUENCE_FLOW_TAKEN" && r.elementId) taken.set(r.elementId, (taken.get(r.elementId) ?? 0) + 1);
      if (r.type === "ELEMENT_ACTIVATING" && r.key !== undefined && r.elementId) scopes.set(r.key, { elementId: r.elementId, elementType: r.elementType ?? "UNKNOWN" });
    }
    const nameOf = (elementId: string, elementType: string | undefined) =>
      elementType === "PROCESS" ? processName(engine, pi.processDefinitionKey) ?? elementId : elementName(engine, pi.processDefinitionKey, elementId);
    res.json({
      processInstanceKey: wireKey(key), processDefinitionKey: wireKey(pi.processDefinitionKey), processDefinitionId: pi.bpmnProcessId,
      processDefinitionName: processName(engine, pi.processDefinitionKey), state: pi.state, startDate: iso(pi.startDate), endDate: isoOrNull(pi.endDate),
      lastPosition: history.at(-1)?.position ?? 0,
      takenFlows: [...taken].map(([elementId, count]) => ({ elementId, count })),
      entries: history.filter((r) => r.type !== "SEQUENCE_FLOW_TAKEN").map((r) => {
        const scope = !r.elementId && typeof r["scopeKey"] === "number" ? scopes.get(r["scopeKey"]) : undefined;
        const elementId = r.elementId ?? scope?.elementId;
        const elementType = r.elementType ?? scope?.elementType;
        return {
          position: r.position, time: iso(r.timestamp), type: r.type, key: r.key !== undefined ? wireKey(r.key) : null,
          elementId: elementId ?? null, elementType: elementType ?? null, elementName: elementId ? nameOf(elementId, elementType) : null, details: details(r),
        };
      }),
    });
  });

  return router;
}
