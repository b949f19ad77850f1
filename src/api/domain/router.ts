/**
 * The customer-file API under /api: dossier types, dossiers, parties, documents, saved views,
 * exports and the global search, plus `GET /api/openapi.json` describing every operation with the
 * permission it needs (read back from the mounted routes, so the document is what is served).
 */
import { Router } from "express";
import { allow } from "../auth/guard.js";
import { routesOf } from "../route-table.js";
import type { Domain } from "../../dossiers/domain.js";
import { documentsRouter } from "./documents.js";
import { dossiersRouter } from "./dossiers.js";
import { exportsRouter } from "./exports.js";
import { partiesRouter } from "./parties.js";
import { viewsRouter } from "./views.js";
import { depthOf } from "../../engine/limits.js";
import { DossierError } from "../../dossiers/errors.js";

/** Deepest JSON body /api takes (a dossier's field values, a type definition). */
const MAX_BODY_DEPTH = 32;

export interface DomainApiDeps {
  domain: Domain;
  uploadLimits?: { maxFileBytes?: number; maxFiles?: number };
  /** The capability modules' /api routers (mail, portal, signature, archive, receivables; src/modules.ts). */
  moduleRouters?: Router[];
}

/** The routers of /api in mounting order (the export route before `/dossiers/:reference`). */
export function domainRouters({ domain, uploadLimits, moduleRouters = [] }: DomainApiDeps): Router[] {
  return [
    exportsRouter(domain),
    dossiersRouter(domain),
    viewsRouter(domain),
    partiesRouter({ engine: domain.engine, parties: domain.parties }),
    documentsRouter({ db: domain.db, engine: domain.engine, documents: domain.documents, uploadLimits: { ...domain.documents.limits, ...(uploadLimits ?? {}) } }),
    ...moduleRouters,
  ];
}

export function domainRouter(deps: DomainApiDeps): Router {
  const router = Router();
  const routers = domainRouters(deps);
  // Customer data is private and changes without its version moving (tasks, processes, children):
  // never cached by a browser or a proxy. Routes with their own cache rules (document content) set them.
  router.use((req, res, next) => {
    res.set("Cache-Control", "no-store");
    // JSON nested deeper than any customer-file document needs is refused before anything recurses on it.
    if (req.body !== null && typeof req.body === "object" && depthOf(req.body, MAX_BODY_DEPTH) > MAX_BODY_DEPTH) {
      return next(new DossierError("INVALID_ARGUMENT", `Expected a JSON body nested at most ${MAX_BODY_DEPTH} levels deep, but found a deeper one`));
    }
    next();
  });
  router.get("/openapi.json", allow("public"), (_req, res) => {
    const paths: Record<string, Record<string, unknown>> = {};
    for (const r of routers.flatMap(routesOf)) {
      (paths[`/api${r.path}`] ??= {})[r.method.toLowerCase()] = {
        operationId: `${r.method.toLowerCase()}${r.path.replace(/\{(\w+)\}/g, "By_$1").replace(/[^A-Za-z0-9]+(\w)?/g, (_m, c: string | undefined) => (c ?? "").toUpperCase())}`,
        "x-dossier-permission": r.permission,
        responses: { default: { description: "See docs/api-dossiers.md; errors are application/problem+json" } },
      };
    }
    res.json({ openapi: "3.1.0", info: { title: "Dossier — customer files", version: "1.0.0", description: "The customer-file API (docs/api-dossiers.md)" }, paths });
  });
  for (const r of routers) router.use(r);
  return router;
}
