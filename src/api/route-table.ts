/**
 * Reads the routes back out of express routers: method, path (Camunda style, `{param}`) and the
 * permission its guard declares. The OpenAPI document and the tests use it, so what is documented
 * and checked is what is actually mounted.
 */
import type { Router } from "express";
import type { RoutePermission } from "./auth/guard.js";

export interface RouteInfo {
  method: string;
  /** e.g. `/user-tasks/{userTaskKey}/completion` */
  path: string;
  /** undefined when the route's first handler is not a guard (a test fails on that). */
  permission: RoutePermission | undefined;
}

interface Layer {
  route?: { path: string; methods: Record<string, boolean>; stack: Array<{ handle: { permission?: RoutePermission } }> };
  handle?: { stack?: Layer[] };
}

export function routesOf(router: Router): RouteInfo[] {
  const out: RouteInfo[] = [];
  const walk = (stack: Layer[]) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const [method, on] of Object.entries(layer.route.methods)) {
          if (!on || method === "_all") continue;
          out.push({ method: method.toUpperCase(), path: layer.route.path.replace(/:(\w+)/g, "{$1}"), permission: layer.route.stack[0]?.handle.permission });
        }
      } else if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  walk((router as unknown as { stack: Layer[] }).stack);
  return out;
}
