/**
 * Operating one process instance: POST …/modification (activate elements, terminate element
 * instances by key or by element id), POST …/migration (to another version, element by element),
 * GET …/call-hierarchy (the chain of calling instances, root first).
 */
import { Router } from "express";
import { ApiError, notImplemented } from "../errors.js";
import { allow } from "../auth/guard.js";
import type { V2Context } from "./context.js";
import { processName } from "./read/definitions.js";
import { body, keyParam, optObjects as list, optVariables, reqString, toKey, wireKey } from "./wire.js";

export function operateRoutes({ engine }: V2Context): Router {
  const router = Router();

  router.post("/process-instances/:processInstanceKey/modification", allow("instances.operate"), async (req, res) => {
    const key = keyParam(req, "processInstanceKey");
    const b = body(req);
    if (list(b, "moveInstructions").length > 0) throw notImplemented("process-instance-move-instructions", "Expected no 'moveInstructions': use a terminate and an activate instruction instead");
    const live = engine.activeElements(key);
    const terminateInstructions = list(b, "terminateInstructions").flatMap((t) =>
      t["elementInstanceKey"] !== undefined
        ? [{ elementInstanceKey: toKey(t["elementInstanceKey"], "terminateInstructions[].elementInstanceKey") }]
        : live.filter((e) => e.elementId === reqString(t, "elementId")).map((e) => ({ elementInstanceKey: e.key })),
    );
    const activateInstructions = list(b, "activateInstructions").map((a) => ({
      elementId: reqString(a, "elementId"),
      ...(a["ancestorElementInstanceKey"] !== undefined && a["ancestorElementInstanceKey"] !== null ? { ancestorElementInstanceKey: toKey(a["ancestorElementInstanceKey"], "ancestorElementInstanceKey") } : {}),
      variableInstructions: list(a, "variableInstructions").map((v) => ({ variables: optVariables(v) ?? {}, ...(typeof v["scopeId"] === "string" && v["scopeId"] ? { scopeId: v["scopeId"] } : {}) })),
    }));
    await engine.modifyProcessInstance(key, { activateInstructions, terminateInstructions });
    res.status(204).end();
  });

  router.post("/process-instances/:processInstanceKey/migration", allow("instances.operate"), async (req, res) => {
    const b = body(req);
    await engine.migrateProcessInstance(keyParam(req, "processInstanceKey"), {
      targetProcessDefinitionKey: toKey(b["targetProcessDefinitionKey"], "the targetProcessDefinitionKey"),
      mappingInstructions: list(b, "mappingInstructions").map((m) => ({ sourceElementId: reqString(m, "sourceElementId"), targetElementId: reqString(m, "targetElementId") })),
    });
    res.status(204).end();
  });

  router.get("/process-instances/:processInstanceKey/call-hierarchy", allow("instances.read"), (req, res) => {
    const key = keyParam(req, "processInstanceKey");
    const chain = [];
    for (let pi = engine.processInstance(key); pi; pi = pi.parentProcessInstanceKey ? engine.processInstance(pi.parentProcessInstanceKey) : undefined) {
      chain.unshift({ processInstanceKey: wireKey(pi.key), processDefinitionKey: wireKey(pi.processDefinitionKey), processDefinitionName: processName(engine, pi.processDefinitionKey) ?? pi.bpmnProcessId });
      if (chain.length > 100) break;
    }
    if (chain.length === 0) throw new ApiError("NOT_FOUND", `Expected to find a process instance with key '${key}', but none was found`);
    res.json(chain);
  });

  return router;
}
