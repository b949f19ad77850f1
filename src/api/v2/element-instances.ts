/** Element instances: POST /element-instances/search, GET /element-instances/{key}. */
import { Router } from "express";
import { ApiError } from "../errors.js";
import { allow } from "../auth/guard.js";
import type { V2Context } from "./context.js";
import { candidateInstances, elementSearch, elementsOf, elementWire } from "./read/elements.js";
import { numericKey } from "./read/sql.js";
import { exact, parseSearch, runSearch } from "./search/query.js";
import { keyParam } from "./wire.js";

export function elementInstanceRoutes({ engine, sql }: V2Context): Router {
  const router = Router();

  router.post("/element-instances/search", allow("instances.read"), (req, res) => {
    const search = parseSearch(req.body, elementSearch);
    const instances = candidateInstances(sql, numericKey(exact(search.filter, "processInstanceKey")), numericKey(exact(search.filter, "elementInstanceKey")));
    res.json(runSearch(instances.flatMap((key) => elementsOf(engine, key)), search, elementWire));
  });

  router.get("/element-instances/:elementInstanceKey", allow("instances.read"), (req, res) => {
    const key = keyParam(req, "elementInstanceKey");
    const live = engine.store.elementInstance(key);
    const instances = live ? [live.processInstanceKey] : candidateInstances(sql, undefined, key);
    const found = instances.flatMap((pi) => elementsOf(engine, pi)).find((e) => e.key === key);
    if (!found) throw new ApiError("NOT_FOUND", `Expected to find an element instance with key '${key}', but none was found`);
    res.json(elementWire(found));
  });

  return router;
}
