/**
 * What the task inbox needs beyond /v2 (mounted at /api/ui/inbox):
 *   POST /dossiers {processInstanceKeys}  → the dossier reference (and customer name) of each
 *        instance, for the list's column, its reference filter and its text search;
 *   GET  /tasks/:userTaskKey/context      → the task's process, dossier, previous steps and open
 *        incidents, shown beside its form.
 * Agents have `tasks.read` but not `instances.read`: both answer only about instances in which the
 * caller can see a task (same rule as /v2/user-tasks), so an agent learns nothing about others.
 */
import { Router } from "express";
import type { Engine } from "../../engine/engine.js";
import { allow, principalOf } from "../auth/guard.js";
import { ApiError } from "../errors.js";
import { elementName, processName } from "../v2/read/definitions.js";
import { elementsOf } from "../v2/read/elements.js";
import { canSee, seesInstance } from "../v2/read/tasks.js";
import { iso, isoOrNull, keyParam, toKey, wireKey } from "../v2/wire.js";
import type { UiDeps } from "./router.js";
import type { Domain } from "../../dossiers/domain.js";
import { dossierOfProcess } from "../../dossiers/task-dossier.js";

/** Process variables that name the dossier, first found wins; without one the UI shows the instance key. */
export const REFERENCE_VARIABLES = ["dossierRef", "dossierReference", "fileReference", "reference", "caseReference", "requestReference", "quoteReference", "businessKey"];
const CUSTOMER_VARIABLES = ["customerName", "customer", "companyName", "company", "clientName", "callerName"];
/** Element types worth showing as steps (gateways and flows are plumbing). */
const STEP_TYPES = /TASK|EVENT|SUB_PROCESS|CALL_ACTIVITY/;
const MAX_KEYS = 1000;

function firstText(variables: Record<string, unknown>, names: string[]): string | null {
  for (const name of names) {
    const v = variables[name];
    if (typeof v === "string" && v.trim() !== "") return v;
    if (typeof v === "number") return String(v);
  }
  return null;
}

/**
 * The task's dossier: the dossier the process was started for (its link row) when there is one,
 * else the best guess among the instance's variables (processes started outside a dossier).
 */
function dossierOf(engine: Engine, domain: Domain | undefined, processInstanceKey: number) {
  const dossier = domain ? dossierOfProcess(domain, processInstanceKey) : null;
  if (dossier) return { dossierReference: dossier.reference, customerName: dossier.customer?.name ?? null, dossier };
  const variables = engine.variables(processInstanceKey);
  return { dossierReference: firstText(variables, REFERENCE_VARIABLES), customerName: firstText(variables, CUSTOMER_VARIABLES), dossier: null };
}

export function inboxRouter({ engine, domain }: UiDeps): Router {
  const router = Router();

  router.post("/dossiers", allow("tasks.read"), (req, res) => {
    const me = principalOf(res);
    const keys = (req.body as { processInstanceKeys?: unknown } | undefined)?.processInstanceKeys;
    if (!Array.isArray(keys) || keys.length > MAX_KEYS) {
      throw new ApiError("INVALID_ARGUMENT", `Expected 'processInstanceKeys' to be a list of at most ${MAX_KEYS} keys, but found ${JSON.stringify(keys)?.slice(0, 80)}`);
    }
    const items = [];
    for (const raw of new Set(keys)) {
      const key = toKey(raw, "a process instance key");
      if (!seesInstance(engine, me, key)) continue;
      const { dossier: _full, ...found } = dossierOf(engine, domain, key);
      items.push({ processInstanceKey: wireKey(key), ...found });
    }
    res.json({ items });
  });

  router.get("/tasks/:userTaskKey/context", allow("tasks.read"), (req, res) => {
    const me = principalOf(res);
    const key = keyParam(req, "userTaskKey");
    const task = engine.store.userTask(key);
    if (!task || !canSee(me, task)) throw new ApiError("NOT_FOUND", `Expected to find a user task with key '${key}', but none was found`);
    const pi = engine.processInstance(task.processInstanceKey);
    const history = engine.history(task.processInstanceKey);
    // Who completed a user task: its assignee at the moment of completion.
    const assignees = new Map<number, string | null>();
    const completedBy = new Map<number, string | null>();
    for (const r of history) {
      if (r.type === "USER_TASK_ASSIGNED" && r.key !== undefined) assignees.set(r.key, (r["assignee"] as string | null) ?? null);
      if (r.type === "USER_TASK_COMPLETED" && r.key !== undefined) completedBy.set(r["elementInstanceKey"] as number, assignees.get(r.key) ?? null);
    }
    const steps = elementsOf(engine, task.processInstanceKey)
      .filter((e) => STEP_TYPES.test(e.type) && e.key !== task.elementInstanceKey)
      // An unnamed event says nothing to an agent; a sub-process still running is the phase the task is in.
      .filter((e) => !(e.type.endsWith("EVENT") && e.name === e.elementId) && !(e.type.includes("SUB_PROCESS") && e.state === "ACTIVE"))
      .map((e) => ({
        elementId: e.elementId, name: e.name, type: e.type, state: e.state, startDate: iso(e.startDate), endDate: isoOrNull(e.endDate),
        completedBy: completedBy.get(e.key) ?? null,
      }));
    const incidents = engine.incidents({ processInstanceKey: task.processInstanceKey, state: "ACTIVE" }).map((i) => ({
      incidentKey: wireKey(i.key), elementId: i.elementId, elementName: elementName(engine, i.processDefinitionKey, i.elementId),
      errorType: i.errorType, errorMessage: i.errorMessage, creationTime: iso(i.createdAt),
    }));
    res.json({
      userTaskKey: wireKey(task.key), processInstanceKey: wireKey(task.processInstanceKey), processDefinitionId: task.bpmnProcessId,
      processName: processName(engine, task.processDefinitionKey), processDefinitionVersion: task.processDefinitionVersion,
      instanceState: pi?.state ?? null, instanceStartDate: pi ? iso(pi.startDate) : null,
      ...dossierOf(engine, domain, task.processInstanceKey), steps, incidents,
    });
  });

  return router;
}
