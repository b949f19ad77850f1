/**
 * Everything the web app needs beyond the public /v2 API: the page shells and, per area, a few
 * UI-specific endpoints under /api/ui/<area>. Each area router lives in its own file.
 */
import { Router } from "express";
import type { Engine } from "../../engine/engine.js";
import type { Identity } from "../../identity/identity.js";
import type { Domain } from "../../dossiers/domain.js";
import { inboxRouter } from "./inbox.js";
import { designerRouter } from "./designer.js";
import { operateUiRouter } from "./operate.js";
import { pagesRouter } from "./pages.js";

export interface UiDeps {
  engine: Engine;
  identity: Identity;
  /** When served: the inbox shows each task's dossier. */
  domain?: Domain;
}

/** Area routers, each mounted at /api/ui/<area> (designer, inbox, operate). */
const AREAS: Array<{ area: string; router: (deps: UiDeps) => Router }> = [
  { area: "designer", router: designerRouter },
  { area: "inbox", router: inboxRouter },
  { area: "operate", router: operateUiRouter },
];

export function uiRouter(deps: UiDeps): Router {
  const router = Router();
  for (const { area, router: make } of AREAS) router.use(`/api/ui/${area}`, make(deps));
  router.use(pagesRouter());
  return router;
}
