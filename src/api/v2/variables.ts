/** Variables: POST /variables/search, GET /variables/{variableKey}. */
import { Router } from "express";
import { ApiError } from "../errors.js";
import { allow } from "../auth/guard.js";
import type { V2Context } from "./context.js";
import { numericKey } from "./read/sql.js";
import { toVariableView, variableRows, variableSearch, variableSearchWire, variableSqlSearch, variableWire } from "./read/variables.js";
import { compileSqlSearch, mapPage } from "./search/sql-search.js";
import { exact, parseSearch, runSearch } from "./search/query.js";
import { keyParam } from "./wire.js";

export function variableRoutes({ sql, searchLimits }: V2Context): Router {
  const router = Router();

  router.post("/variables/search", allow("instances.read"), (req, res) => {
    const search = parseSearch(req.body, variableSearch, searchLimits);
    const compiled = compileSqlSearch(req.body, variableSqlSearch, searchLimits);
    if (compiled) return void res.json(mapPage(compiled.run(sql), (r) => variableSearchWire(toVariableView(r))));
    const name = exact(search.filter, "name");
    const rows = variableRows(sql, {
      key: numericKey(exact(search.filter, "variableKey")),
      process_instance_key: numericKey(exact(search.filter, "processInstanceKey")),
      scope_key: numericKey(exact(search.filter, "scopeKey")),
      name: typeof name === "string" ? name : undefined,
    });
    res.json(runSearch(rows, search, variableSearchWire));
  });

  router.get("/variables/:variableKey", allow("instances.read"), (req, res) => {
    const key = keyParam(req, "variableKey");
    const [found] = variableRows(sql, { key });
    if (!found) throw new ApiError("NOT_FOUND", `Expected to find a variable with key '${key}', but none was found`);
    res.json(variableWire(found));
  });

  return router;
}
