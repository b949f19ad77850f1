/**
 * The express app factory (no listen()): security headers and body limits, sign-in, the Camunda 8
 * compatible API under /v2, the older /api, and problem+json errors. State-changing requests from
 * another site's pages are refused (http/same-origin.ts); every request is authenticated first
 * (see auth/authenticate.ts); every route names its permission.
 */
import { EventEmitter } from "node:events";
import express, { type Express, type Router } from "express";
import compression from "compression";
import helmet from "helmet";
import type { Engine } from "../engine/engine.js";
import type { Identity } from "../identity/identity.js";
import { authenticate } from "./auth/authenticate.js";
import { authRouter, loginRouter } from "./auth/routes.js";
import { ApiError } from "./errors.js";
import { sameOriginOnly } from "./http/same-origin.js";
import { compressionFor, precomputedHeaders } from "./http/lean.js";
import { allowedHostsOnly, type AllowedHost } from "./http/allowed-hosts.js";
import { legacyRouter } from "./legacy.js";
import { domainRouter } from "./domain/router.js";
import type { Domain } from "../dossiers/domain.js";
import { uiRouter } from "./ui/router.js";
import { problemHandler } from "./problem.js";
import { Sql } from "./v2/read/sql.js";
import { DEFAULT_SEARCH_LIMITS, type SearchLimits } from "./v2/search/filters.js";
import { createV2Router } from "./v2/router.js";

export interface AppDeps {
  engine: Engine;
  identity: Identity;
  log?: (message: string) => void;
  /** Mark the session cookie Secure (set when served over HTTPS). */
  secureCookies?: boolean;
  /** Reported as the gateway version by /v2/topology. */
  version?: string;
  /** How long job activation waits by default when no job is available, ms. */
  longPollMs?: number;
  loginRateLimit?: { windowMs: number; max: number };
  /**
   * express's `trust proxy`: which hops may set X-Forwarded-For/-Proto/-Host (client address for
   * the sign-in throttles, https, the host cross-site requests are checked against). Off by default.
   */
  trustProxy?: boolean | number | string[];
  /** `$like` bounds of the /v2 searches (config.ts `searchLimits`). */
  searchLimits?: SearchLimits;
  /**
   * Hosts served besides the loopback names and the listening address (PUBLIC_URL, ALLOWED_HOSTS):
   * any other Host answers 421 before sign-in (http/allowed-hosts.ts, DNS rebinding).
   */
  allowedHosts?: AllowedHost[];
  /** The customer-file domain, served under /api (dossiers, parties, documents, search). */
  domain?: Domain;
  /** The capability modules' routers (src/modules.ts): /api ones beside the domain's, page ones at the root. */
  modules?: { apiRouters: Router[]; pageRouters: Router[] };
}

export const APP_VERSION = "8.9.0-dossier";

export function createApp({ engine, identity, log = console.error, secureCookies = false, version = APP_VERSION, longPollMs = 10_000, loginRateLimit, trustProxy = false, searchLimits = DEFAULT_SEARCH_LIMITS, allowedHosts = [], domain, modules }: AppDeps): Express {
  const app = express();
  const lifecycle = new EventEmitter();
  lifecycle.setMaxListeners(0);
  app.locals["lifecycle"] = lifecycle;
  app.disable("x-powered-by");
  app.set("trust proxy", trustProxy);
  app.use(allowedHostsOnly(allowedHosts)); // first: a rebound name gets nothing, not even the sign-in page
  app.use(precomputedHeaders(helmet())); // the same headers on every response, computed once (http/lean.ts)
  // the designer bundle is ~3.7 MB minified, gzip brings it under 1 MB; /v2 JSON is gzipped only when large
  app.use(compressionFor({ api: compression({ threshold: 64 * 1024 }), pages: compression() }));
  app.use(sameOriginOnly()); // before sign-in too: no signing in (or out) from another site's page
  const authOptions = { secureCookies, ...(loginRateLimit ? { loginRateLimit } : {}) };
  app.use(loginRouter(identity, authOptions));
  app.use(authenticate(identity));
  app.use(["/auth", "/api"], express.json({ limit: "1mb" }));
  app.use(authRouter(identity, authOptions));
  app.use("/v2", createV2Router({ engine, identity, sql: new Sql(engine.store.db), lifecycle, version, defaultLongPollMs: longPollMs, searchLimits }));
  app.use(legacyRouter(engine));
  if (domain) app.use("/api", domainRouter({ domain, moduleRouters: modules?.apiRouters ?? [] }));
  app.use(uiRouter({ engine, identity, ...(domain ? { domain } : {}) }));
  for (const router of modules?.pageRouters ?? []) app.use(router);
  app.use((req, _res, next) => next(new ApiError("NOT_FOUND", `No route for ${req.method} ${req.path}`)));
  app.use(problemHandler(log));
  return app;
}

/** Tells long-running requests (job long polls) that the server is stopping. */
export function closeApp(app: Express): void {
  (app.locals["lifecycle"] as EventEmitter).emit("close");
}
