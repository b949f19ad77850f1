/** What the /v2 routers are built from (wired by app.ts). */
import type { EventEmitter } from "node:events";
import type { Engine } from "../../engine/engine.js";
import type { Identity } from "../../identity/identity.js";
import type { Sql } from "./read/sql.js";
import type { SearchLimits } from "./search/filters.js";

export interface V2Context {
  engine: Engine;
  identity: Identity;
  sql: Sql;
  /** Emits `close` when the server stops, so long polls answer at once. */
  lifecycle: EventEmitter;
  /** Gateway version reported by /v2/topology. */
  version: string;
  /** Default long-poll wait of job activation when the request says 0, ms. */
  defaultLongPollMs: number;
  /** `$like` bounds (SEARCH_LIKE_MAX_PATTERN, SEARCH_LIKE_VALUE_PREFIX); the defaults when absent. */
  searchLimits?: SearchLimits;
}
