/**
 * Incidents: search (also per process instance), get, resolution. Resolving a job incident needs
 * retries left first (PATCH /jobs/{key}); /process-instances/{key}/incident-resolution does both.
 */
import { Router } from "express";
import { ApiError } from "../errors.js";
import { allow } from "../auth/guard.js";
import type { V2Context } from "./context.js";
import { incidentRows, incidentSearch, incidentSqlSearch, toIncidentView, incidentWire } from "./read/incidents.js";
import { compileSqlSearch, mapPage } from "./search/sql-search.js";
import { numericKey } from "./read/sql.js";
import { exact, parseSearch, runSearch } from "./search/query.js";
import { keyParam } from "./wire.js";

export function incidentRoutes({ engine, sql, searchLimits }: V2Context): Router {
  const router = Router();

  router.post("/incidents/search", allow("instances.read"), (req, res) => {
    const search = parseSearch(req.body, incidentSearch, searchLimits);
    const compiled = compileSqlSearch(req.body, incidentSqlSearch, searchLimits);
    if (compiled) return void res.json(mapPage(compiled.run(sql), (r) => incidentWire(toIncidentView(r))));
    const state = exact(search.filter, "state");
    const rows = incidentRows(sql, {
      key: numericKey(exact(search.filter, "incidentKey")),
      state: typeof state === "string" ? state : undefined,
      process_instance_key: numericKey(exact(search.filter, "processInstanceKey")),
    });
    res.json(runSearch(rows, search, incidentWire));
  });

  router.post("/process-instances/:processInstanceKey/incidents/search", allow("instances.read"), (req, res) => {
    const key = keyParam(req, "processInstanceKey");
    if (!engine.processInstance(key)) throw new ApiError("NOT_FOUND", `Expected to find a process instance with key '${key}', but none was found`);
    res.json(runSearch(incidentRows(sql, { process_instance_key: key }), parseSearch(req.body, incidentSearch), incidentWire));
  });

  router.get("/incidents/:incidentKey", allow("instances.read"), (req, res) => {
    const key = keyParam(req, "incidentKey");
    const [found] = incidentRows(sql, { key });
    if (!found) throw new ApiError("NOT_FOUND", `Expected to find an incident with key '${key}', but none was found`);
    res.json(incidentWire(found));
  });

  router.post("/incidents/:incidentKey/resolution", allow("instances.operate"), async (req, res) => {
    await engine.resolveIncident(keyParam(req, "incidentKey"));
    res.status(204).end();
  });

  return router;
}
