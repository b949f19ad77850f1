/**
 * Process definitions: POST /process-definitions/search, GET /process-definitions/{key},
 * GET …/{key}/xml (text/xml), GET …/{key}/form (204: start forms are not supported yet).
 */
import { Router } from "express";
import { ApiError } from "../errors.js";
import { allow } from "../auth/guard.js";
import type { V2Context } from "./context.js";
import { definitionRows, definitionSearch, definitionWire } from "./read/definitions.js";
import { parseSearch, runSearch } from "./search/query.js";
import { keyParam } from "./wire.js";

export function processDefinitionRoutes({ sql, engine }: V2Context): Router {
  const router = Router();
  const notFound = (key: number) => new ApiError("NOT_FOUND", `Expected to find a process definition with key '${key}', but none was found`);

  router.post("/process-definitions/search", allow("definitions.read"), (req, res) => {
    res.json(runSearch(definitionRows(sql), parseSearch(req.body, definitionSearch), definitionWire));
  });

  router.get("/process-definitions/:processDefinitionKey", allow("definitions.read"), (req, res) => {
    const key = keyParam(req, "processDefinitionKey");
    const found = definitionRows(sql).find((d) => d.key === key);
    if (!found) throw notFound(key);
    res.json(definitionWire(found));
  });

  router.get("/process-definitions/:processDefinitionKey/xml", allow("definitions.read"), (req, res) => {
    const key = keyParam(req, "processDefinitionKey");
    const row = engine.store.processDefinition(key);
    if (!row) throw notFound(key);
    res.type("text/xml").send(row.xml);
  });

  router.get("/process-definitions/:processDefinitionKey/form", allow("definitions.read"), (req, res) => {
    const key = keyParam(req, "processDefinitionKey");
    if (!engine.store.processDefinition(key)) throw notFound(key);
    res.status(204).end();
  });

  return router;
}
