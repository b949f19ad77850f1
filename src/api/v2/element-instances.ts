/**
 * Element instances: POST /element-instances/search, GET /element-instances/{key}, and the two
 * commands an agent works a case with: PUT /element-instances/{key}/variables (set variables on
 * that scope — a process instance key is a scope too) and POST
 * /element-instances/ad-hoc-activities/{key}/activation (open on-demand activities of a case).
 * Agents work only on cases in which they see a task (instance-access.ts).
 */
import { Router } from "express";
import { ApiError } from "../errors.js";
import { allow, principalOf } from "../auth/guard.js";
import type { V2Context } from "./context.js";
import { checkWorkable } from "./instance-access.js";
import { candidateInstances, elementSearch, elementsOf, elementWire } from "./read/elements.js";
import { numericKey } from "./read/sql.js";
import { exact, parseSearch, runSearch } from "./search/query.js";
import { body, keyParam, optBool, optObjects, optVariables, reqString } from "./wire.js";

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

  // Camunda's SetVariableRequest: `local` merges into that scope only; otherwise each variable is
  // set where it already exists up the scope chain, else at the process instance.
  router.put("/element-instances/:elementInstanceKey/variables", allow("instances.work"), async (req, res) => {
    const key = keyParam(req, "elementInstanceKey");
    checkWorkable(engine, principalOf(res), key);
    const b = body(req);
    const variables = optVariables(b);
    if (!variables) throw new ApiError("INVALID_ARGUMENT", "Expected 'variables' to be a JSON object of variables, but found nothing");
    await engine.setVariables(key, variables, { local: optBool(b, "local") ?? false });
    res.status(204).end();
  });

  router.post("/element-instances/ad-hoc-activities/:adHocSubProcessInstanceKey/activation", allow("instances.work"), async (req, res) => {
    const key = keyParam(req, "adHocSubProcessInstanceKey");
    checkWorkable(engine, principalOf(res), key);
    const b = body(req);
    const elements = optObjects(b, "elements").map((e) => {
      const variables = optVariables(e);
      return { elementId: reqString(e, "elementId"), ...(variables ? { variables } : {}) };
    });
    if (elements.length === 0) throw new ApiError("INVALID_ARGUMENT", "Expected 'elements' to name at least one element to activate, but found none");
    await engine.activateAdHocElements(key, { elements, cancelRemainingInstances: optBool(b, "cancelRemainingInstances") ?? false });
    res.status(204).end();
  });

  return router;
}
