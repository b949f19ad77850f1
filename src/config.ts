/**
 * Every setting, read from the environment once and validated; a bad value stops the start with a
 * message naming the variable, what was expected and what was found.
 */
import { isIP } from "node:net";
import path from "node:path";
import { DEFAULT_ADMIN_PASSWORD } from "./identity/bootstrap.js";
import { MIN_PASSWORD_LENGTH } from "./identity/directory.js";
import type { SynchronousMode } from "./persistence/data-source.js";
import { splitHost, type AllowedHost } from "./api/http/allowed-hosts.js";
import { DEFAULT_LIMITS, type EngineLimits } from "./engine/limits.js";

export interface Config {
  port: number;
  host: string;
  dataDir: string;
  databasePath: string;
  synchronous: SynchronousMode;
  processesDir: string;
  /** Scheduler period (job lock expiry), ms. */
  schedulerInterval: number;
  /** Administrator created on first start (empty database). */
  adminUsername: string;
  adminPassword: string;
  /** True when ADMIN_PASSWORD was not set: the start-up prints a warning. */
  adminPasswordIsDefault: boolean;
  /**
   * DEMO_ACCOUNTS: seed demo accounts (agent, designer, manager, auditor; password = username) and
   * groups on first start. Only ever for a try-out: never when ADMIN_PASSWORD is set (bootstrap.ts).
   */
  demoAccounts: boolean;
  /**
   * DEMO_DATA: on first start with the demo accounts, open a handful of demo dossiers (parties,
   * documents, journal) so the inbox, the lists and the 360° view are not empty. `false` skips them.
   */
  demoData: boolean;
  /** Dossier types (JSON) installed at start when no type of that id exists yet (DOSSIER_TYPES_DIR). */
  dossierTypesDir: string;
  /** express `trust proxy`: false, a number of proxy hops, or the proxies' addresses/subnets. */
  trustProxy: boolean | number | string[];
  /** Lifetime of API tokens whose creator names none, days. */
  tokenExpiryDays: number;
  /** Browser sessions end after this long without a request, ms. */
  sessionIdleMs: number;
  /** Mark the session cookie Secure (serve over HTTPS, or behind a TLS proxy). */
  secureCookies: boolean;
  /**
   * `$like` bounds of the /v2 searches: SEARCH_LIKE_MAX_PATTERN (longest pattern, 256; longer answers 400)
   * and SEARCH_LIKE_VALUE_PREFIX (first characters of a value matched, 8191 as Camunda's cut value).
   */
  searchLimits: { likeMaxPattern: number; likeValuePrefix: number };
  /** The resource budget of every command (engine/limits.ts; docs/security.md). */
  limits: EngineLimits;
  /** PUBLIC_URL: the address users reach the server at (links in mails, portal, signatures); its host is served. */
  publicUrl: string | undefined;
  /** Hosts served besides the loopback names and the listening address (PUBLIC_URL's host, ALLOWED_HOSTS, a named HOST). */
  allowedHosts: AllowedHost[];
  /** Document uploads: DOCUMENT_MAX_FILE_MB (20) per file and DOCUMENT_MAX_FILES (10) per request. */
  documentLimits: { maxFileBytes: number; maxFiles: number };
}

export class ConfigError extends Error {}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name}: expected a whole number from ${min} to ${max}, but found '${raw}'`);
  }
  return value;
}

function oneOf<T extends string>(env: NodeJS.ProcessEnv, name: string, fallback: T, allowed: readonly T[]): T {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const value = raw.toUpperCase() as T;
  if (!allowed.includes(value)) throw new ConfigError(`${name}: expected one of ${allowed.join(", ")}, but found '${raw}'`);
  return value;
}

function flag(env: NodeJS.ProcessEnv, name: string, fallback: boolean): boolean {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  if (/^(true|1|yes|on)$/i.test(raw)) return true;
  if (/^(false|0|no|off)$/i.test(raw)) return false;
  throw new ConfigError(`${name}: expected true or false, but found '${raw}'`);
}

/** Names express (proxy-addr) knows for address ranges. */
const PROXY_RANGES = ["loopback", "linklocal", "uniquelocal"];

/**
 * TRUST_PROXY: unset/false (the default: clients connect directly), true, a number of proxy hops
 * in front, or a comma-separated list of the proxies' addresses, subnets (10.0.0.0/8) or range names.
 */
function trustProxy(env: NodeJS.ProcessEnv): boolean | number | string[] {
  const raw = env["TRUST_PROXY"]?.trim();
  if (raw === undefined || raw === "" || /^(false|0|no|off)$/i.test(raw)) return false;
  if (/^(true|yes|on)$/i.test(raw)) return true; // every hop: only when nobody reaches the server but through the proxy
  if (/^\d+$/.test(raw) && Number(raw) <= 10) return Number(raw);
  const entries = raw.split(",").map((e) => e.trim());
  const valid = (e: string) => {
    if (PROXY_RANGES.includes(e)) return true;
    const [address = "", bits, ...rest] = e.split("/");
    const family = isIP(address);
    return family !== 0 && rest.length === 0 && (bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128)));
  };
  const wrong = entries.filter((e) => !valid(e));
  if (wrong.length) {
    throw new ConfigError(`TRUST_PROXY: expected false, true, a number of proxy hops (1 to 10), or the proxies' addresses, subnets or ${PROXY_RANGES.join("/")}, comma-separated, but found '${wrong.join(", ")}'`);
  }
  return entries;
}

/** True for the host names and addresses only this machine can reach. */
export function isLoopbackHost(host: string): boolean {
  const h = host.toLowerCase().replace(/^\[|\]$/g, "");
  return h === "localhost" || h === "::1" || /^127\.\d+\.\d+\.\d+$/.test(h) || /^::ffff:127\.\d+\.\d+\.\d+$/.test(h);
}

/** MAX_* / FEEL_* / BPMN_* settings: the engine's resource budget. */
function limits(env: NodeJS.ProcessEnv): EngineLimits {
  const d = DEFAULT_LIMITS;
  return {
    maxVariableBytes: integer(env, "MAX_VARIABLE_BYTES", d.maxVariableBytes, 1024, 64 * 1024 * 1024),
    maxVariableDepth: integer(env, "MAX_VARIABLE_DEPTH", d.maxVariableDepth, 2, 1000),
    maxCollectionItems: integer(env, "MAX_COLLECTION_ITEMS", d.maxCollectionItems, 1, 1_000_000),
    maxSignalFanOut: integer(env, "MAX_SIGNAL_FANOUT", d.maxSignalFanOut, 1, 10_000_000),
    feelTimeoutMs: integer(env, "FEEL_TIMEOUT_MS", d.feelTimeoutMs, 1, 60_000),
    feelCommandBudgetMs: integer(env, "FEEL_COMMAND_BUDGET_MS", d.feelCommandBudgetMs, 1, 600_000),
    bpmnMaxNameLength: integer(env, "BPMN_MAX_NAME_LENGTH", d.bpmnMaxNameLength, 16, 1_000_000),
    bpmnMaxAttributeLength: integer(env, "BPMN_MAX_ATTRIBUTE_LENGTH", d.bpmnMaxAttributeLength, 256, 10_000_000),
  };
}

function publicUrl(env: NodeJS.ProcessEnv): URL | undefined {
  const raw = env["PUBLIC_URL"]?.trim();
  if (!raw) return undefined;
  let url: URL | undefined;
  try {
    url = new URL(raw);
  } catch {
    url = undefined;
  }
  if (!url || (url.protocol !== "http:" && url.protocol !== "https:") || url.hostname === "") {
    throw new ConfigError(`PUBLIC_URL: expected an http:// or https:// address such as https://dossier.example.com, but found '${raw}'`);
  }
  return url;
}

/**
 * ALLOWED_HOSTS: comma-separated `name`, `name:port` or `.example.com` (any sub-domain), plus the
 * host of PUBLIC_URL and HOST when it is a name. The loopback names and the listening address are
 * always served (allowed-hosts.ts).
 */
function allowedHosts(env: NodeJS.ProcessEnv, url: URL | undefined, host: string): AllowedHost[] {
  const out: AllowedHost[] = [];
  for (const entry of (env["ALLOWED_HOSTS"] ?? "").split(",").map((e) => e.trim()).filter(Boolean)) {
    const parsed = splitHost(entry);
    if (!parsed || parsed.name === "." || /\s/.test(entry)) {
      throw new ConfigError(`ALLOWED_HOSTS: expected comma-separated host names (dossier.example.com, dossier.example.com:8443, .example.com), but found '${entry}'`);
    }
    out.push(parsed);
  }
  if (url) out.push({ name: url.hostname.toLowerCase().replace(/^\[|\]$/g, ""), port: url.port ? Number(url.port) : url.protocol === "https:" ? 443 : 80 });
  if (isIP(host) === 0 && host !== "" && !isLoopbackHost(host)) out.push({ name: host.toLowerCase() });
  return out;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const dataDir = path.resolve(cwd, env["DATA_DIR"] || "data");
  const adminPassword = env["ADMIN_PASSWORD"] || undefined;
  if (adminPassword !== undefined && adminPassword.length < MIN_PASSWORD_LENGTH) {
    throw new ConfigError(`ADMIN_PASSWORD: expected at least ${MIN_PASSWORD_LENGTH} characters, but found ${adminPassword.length}`);
  }
  const url = publicUrl(env);
  return {
    port: integer(env, "PORT", 3000, 0, 65535),
    host: env["HOST"] || "127.0.0.1",
    dataDir,
    databasePath: path.join(dataDir, "dossier.sqlite"),
    synchronous: oneOf(env, "SQLITE_SYNCHRONOUS", "FULL", ["OFF", "NORMAL", "FULL", "EXTRA"] as const),
    processesDir: path.resolve(cwd, env["PROCESSES_DIR"] || "processes"),
    dossierTypesDir: path.resolve(cwd, env["DOSSIER_TYPES_DIR"] || path.join(env["PROCESSES_DIR"] || "processes", "dossier-types")),
    schedulerInterval: integer(env, "SCHEDULER_INTERVAL_MS", 1000, 10, 3_600_000),
    adminUsername: env["ADMIN_USERNAME"] || "demo",
    adminPassword: adminPassword ?? DEFAULT_ADMIN_PASSWORD,
    adminPasswordIsDefault: adminPassword === undefined,
    demoAccounts: flag(env, "DEMO_ACCOUNTS", true),
    demoData: flag(env, "DEMO_DATA", true),
    trustProxy: trustProxy(env),
    tokenExpiryDays: integer(env, "TOKEN_EXPIRY_DAYS", 90, 1, 3650),
    sessionIdleMs: integer(env, "SESSION_IDLE_MINUTES", 30, 1, 7 * 24 * 60) * 60_000,
    secureCookies: flag(env, "SECURE_COOKIES", false),
    searchLimits: {
      likeMaxPattern: integer(env, "SEARCH_LIKE_MAX_PATTERN", 256, 1, 4096),
      likeValuePrefix: integer(env, "SEARCH_LIKE_VALUE_PREFIX", 8191, 16, 1_048_576),
    },
    limits: limits(env),
    publicUrl: url?.href.replace(/\/$/, ""),
    allowedHosts: allowedHosts(env, url, env["HOST"] || "127.0.0.1"),
    documentLimits: {
      maxFileBytes: integer(env, "DOCUMENT_MAX_FILE_MB", 20, 1, 1024) * 1024 * 1024,
      maxFiles: integer(env, "DOCUMENT_MAX_FILES", 10, 1, 100),
    },
  };
}
