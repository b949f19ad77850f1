/**
 * GET /topology (one broker, one partition: the embedded engine), GET /status (204 when up;
 * no sign-in needed, as in Camunda), GET /authentication/me (the signed-in user), and
 * POST /expression/evaluation (FEEL, with the engine clock for now() and today()).
 */
import { Router } from "express";
import { ApiError } from "../errors.js";
import { allow, principalOf } from "../auth/guard.js";
import type { V2Context } from "./context.js";
import { body, checkTenant, optVariables, reqString } from "./wire.js";

export function clusterRoutes({ engine, version }: V2Context): Router {
  const router = Router();

  router.get("/topology", allow("cluster.read"), (req, res) => {
    const port = req.socket.localPort ?? 0;
    res.json({
      brokers: [{ nodeId: 0, host: req.hostname || "localhost", port, version, partitions: [{ partitionId: 1, role: "leader", health: "healthy" }] }],
      clusterId: null, clusterSize: 1, partitionsCount: 1, replicationFactor: 1, gatewayVersion: version, lastCompletedChangeId: "-1",
    });
  });

  router.get("/status", allow("public"), (_req, res) => {
    res.status(204).end();
  });

  router.get("/authentication/me", allow("authenticated"), (_req, res) => {
    const me = principalOf(res);
    res.json({
      username: me.username, displayName: me.name, email: me.email, authorizedComponents: ["*"], tenants: [], groups: me.groups, roles: me.roles,
      salesPlanType: null, c8Links: {}, canLogout: me.via === "session",
    });
  });

  router.post("/expression/evaluation", allow("expressions.evaluate"), (req, res) => {
    const b = body(req);
    checkTenant(b);
    const expression = reqString(b, "expression");
    const outcome = engine.evaluateExpression(expression, optVariables(b) ?? {});
    if (!outcome.ok) throw new ApiError("INVALID_ARGUMENT", `Expected a valid FEEL expression, but ${outcome.message}`);
    res.json({ expression, result: outcome.value, warnings: outcome.missing ? [{ message: `No variable found with name '${outcome.missing}'` }] : [] });
  });

  return router;
}
