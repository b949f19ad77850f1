/**
 * The Camunda 8 compatible REST API under /v2: one router per resource, the OpenAPI document of
 * what is served, and the fallback that turns unsupported Camunda operations into 501 problems.
 */
import express, { Router } from "express";
import { allow } from "../auth/guard.js";
import { leanJson } from "../http/lean.js";
import { clusterRoutes } from "./cluster.js";
import type { V2Context } from "./context.js";
import { deploymentRoutes } from "./deployments.js";
import { elementInstanceRoutes } from "./element-instances.js";
import { v2Fallback } from "./fallback.js";
import { groupAndRoleRoutes } from "./groups-roles.js";
import { incidentRoutes } from "./incidents.js";
import { jobRoutes } from "./jobs.js";
import { eventRoutes } from "./events.js";
import { openApiDocument } from "./openapi/document.js";
import { operateRoutes } from "./operate.js";
import { processDefinitionRoutes } from "./process-definitions.js";
import { processInstanceRoutes } from "./process-instances.js";
import { userTaskRoutes } from "./user-tasks.js";
import { userRoutes } from "./users.js";
import { variableRoutes } from "./variables.js";

/** The resource routers, in mounting order (exported for the route-walking tests). */
export function v2ResourceRouters(ctx: V2Context): Router[] {
  return [
    clusterRoutes(ctx), deploymentRoutes(ctx), processDefinitionRoutes(ctx), processInstanceRoutes(ctx), elementInstanceRoutes(ctx),
    variableRoutes(ctx), userTaskRoutes(ctx), jobRoutes(ctx), incidentRoutes(ctx), userRoutes(ctx), groupAndRoleRoutes(ctx), eventRoutes(ctx), operateRoutes(ctx),
  ];
}

export function createV2Router(ctx: V2Context): Router {
  const router = Router();
  router.use(express.json({ limit: "4mb" }), leanJson);
  const resources = v2ResourceRouters(ctx);
  let document: unknown;
  router.get("/openapi.json", allow("public"), (_req, res) => {
    document ??= openApiDocument(resources, ctx.version);
    res.json(document);
  });
  for (const r of resources) router.use(r);
  router.use(v2Fallback);
  return router;
}
