/**
 * Process instances: creation (optionally waiting for the end), search, get, cancellation and
 * incident resolution (modification, migration, call hierarchy: operate.ts).
 */
import { Router } from "express";
import type { Engine } from "../../engine/engine.js";
import { ApiError, notImplemented } from "../errors.js";
import { allow } from "../auth/guard.js";
import type { V2Context } from "./context.js";
import { instanceRows, instanceSearch, instanceSqlSearch, instanceWire, toInstanceView } from "./read/instances.js";
import { compileSqlSearch, mapPage } from "./search/sql-search.js";
import { numericKey } from "./read/sql.js";
import { exact, parseSearch, runSearch } from "./search/query.js";
import { body, checkTenant, keyParam, optBool, optInt, optString, optStrings, optVariables, TENANT, toKey, wireKey } from "./wire.js";

const DEFAULT_AWAIT_MS = 10_000;
const MAX_AWAIT_MS = 5 * 60_000;

/** Resolves when the instance has ended; registered before creation so the end cannot be missed. */
/**
 * awaitCompletion: one "finished" listener for all waiting requests (a map by instance key) instead
 * of one listener per request, each called for every instance that ends.
 */
function completionWaiter(engine: Engine): (key: number, ms: number) => Promise<boolean> {
  const waiting = new Map<number, (done: boolean) => void>();
  engine.events.on("finished", (key: number) => waiting.get(key)?.(true));
  return (key, ms) =>
    new Promise<boolean>((resolve) => {
      // It may have ended in the very commit that created it, before the key was known here.
      if (engine.processInstance(key)?.state !== "ACTIVE") return resolve(true);
      const timer = setTimeout(() => settle(false), ms);
      const settle = (done: boolean) => {
        clearTimeout(timer);
        waiting.delete(key);
        resolve(done);
      };
      waiting.set(key, settle);
    });
}

export function processInstanceRoutes({ engine, sql, searchLimits }: V2Context): Router {
  const router = Router();
  let awaitEnd: ReturnType<typeof completionWaiter> | undefined; // on first use: building the router must not touch the engine

  router.post("/process-instances", allow("instances.start"), async (req, res) => {
    const b = body(req);
    checkTenant(b);
    for (const field of ["startInstructions", "runtimeInstructions", "tags"] as const) {
      const v = b[field];
      if (Array.isArray(v) && v.length > 0) throw notImplemented(`process-instance-${field}`, `Expected no '${field}': the engine does not support them yet`);
    }
    if (b["businessId"] !== undefined && b["businessId"] !== null) throw notImplemented("business-id", "Expected no 'businessId': the engine does not keep business ids yet");
    const definitionId = optString(b, "processDefinitionId");
    const version = optInt(b, "processDefinitionVersion") ?? -1;
    const variables = optVariables(b);
    const awaitCompletion = optBool(b, "awaitCompletion") ?? false;
    const fetch = optStrings(b, "fetchVariables");
    const requested = optInt(b, "requestTimeout") ?? 0;
    if (definitionId === undefined && b["processDefinitionKey"] === undefined) {
      throw new ApiError("INVALID_ARGUMENT", "Expected a processDefinitionId or a processDefinitionKey, but found neither");
    }
    const request = {
      ...(b["processDefinitionKey"] !== undefined ? { processDefinitionKey: toKey(b["processDefinitionKey"], "the processDefinitionKey") } : { bpmnProcessId: definitionId! }),
      ...(version >= 0 && b["processDefinitionKey"] === undefined ? { version } : {}),
      ...(variables ? { variables } : {}),
    };
    const created = await engine.createProcessInstance(request);
    let out: Record<string, unknown> = {};
    if (awaitCompletion) {
      const ms = Math.min(requested > 0 ? requested : DEFAULT_AWAIT_MS, MAX_AWAIT_MS);
      if (!(await (awaitEnd ??= completionWaiter(engine))(created.processInstanceKey, ms))) {
        throw new ApiError("DEADLINE_EXCEEDED", `Expected process instance '${created.processInstanceKey}' to complete within ${ms} ms, but it is still running`);
      }
      const all = engine.variables(created.processInstanceKey);
      out = fetch && fetch.length ? Object.fromEntries(fetch.filter((n) => Object.hasOwn(all, n)).map((n) => [n, all[n]])) : all;
    }
    res.json({
      processInstanceKey: wireKey(created.processInstanceKey), processDefinitionKey: wireKey(created.processDefinitionKey),
      processDefinitionId: created.bpmnProcessId, processDefinitionVersion: created.version, tenantId: TENANT, variables: out, tags: [], businessId: null,
    });
  });

  router.post("/process-instances/search", allow("instances.read"), (req, res) => {
    const search = parseSearch(req.body, instanceSearch, searchLimits);
    const compiled = compileSqlSearch(req.body, instanceSqlSearch, searchLimits);
    if (compiled) return void res.json(mapPage(compiled.run(sql), (r) => instanceWire(toInstanceView(engine, r, r["has_incident"] === 1))));
    const state = exact(search.filter, "state");
    const rows = instanceRows(sql, engine, {
      key: numericKey(exact(search.filter, "processInstanceKey")),
      state: typeof state === "string" ? state : undefined,
      process_definition_key: numericKey(exact(search.filter, "processDefinitionKey")),
    });
    res.json(runSearch(rows, search, instanceWire));
  });

  router.get("/process-instances/:processInstanceKey", allow("instances.read"), (req, res) => {
    const key = keyParam(req, "processInstanceKey");
    const [found] = instanceRows(sql, engine, { key });
    if (!found) throw new ApiError("NOT_FOUND", `Expected to find a process instance with key '${key}', but none was found`);
    res.json(instanceWire(found));
  });

  router.post("/process-instances/:processInstanceKey/cancellation", allow("instances.operate"), async (req, res) => {
    await engine.cancelProcessInstance(keyParam(req, "processInstanceKey"));
    res.status(204).end();
  });

  router.post("/process-instances/:processInstanceKey/incident-resolution", allow("instances.operate"), async (req, res) => {
    const key = keyParam(req, "processInstanceKey");
    if (!engine.processInstance(key)) throw new ApiError("NOT_FOUND", `Expected to find a process instance with key '${key}', but none was found`);
    for (const incident of engine.incidents({ processInstanceKey: key, state: "ACTIVE" })) {
      // As Operate does: a job out of retries gets one more before its incident is resolved.
      const job = incident.jobKey !== null ? engine.store.job(incident.jobKey) : undefined;
      if (job && job.state === "FAILED" && job.retries <= 0) await engine.updateJobRetries(job.key, 1);
      await engine.resolveIncident(incident.key);
    }
    res.json({ batchOperationKey: wireKey(key), batchOperationType: "RESOLVE_INCIDENT" });
  });

  return router;
}
