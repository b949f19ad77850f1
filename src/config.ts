/**
 * Every setting, read from the environment once and validated; a bad value stops the start with a
 * message naming the variable, what was expected and what was found.
 */
import { isIP } from "node:net";
import path from "node:path";
import { DEFAULT_ADMIN_PASSWORD } from "./identity/bootstrap.js";
import { MIN_PASSWORD_LENGTH } from "./identity/directory.js";
import type { SynchronousMode } from "./persistence/data-source.js";

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

export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const dataDir = path.resolve(cwd, env["DATA_DIR"] || "data");
  const adminPassword = env["ADMIN_PASSWORD"] || undefined;
  if (adminPassword !== undefined && adminPassword.length < MIN_PASSWORD_LENGTH) {
    throw new ConfigError(`ADMIN_PASSWORD: expected at least ${MIN_PASSWORD_LENGTH} characters, but found ${adminPassword.length}`);
  }
  return {
    port: integer(env, "PORT", 3000, 0, 65535),
    host: env["HOST"] || "127.0.0.1",
    dataDir,
    databasePath: path.join(dataDir, "dossier.sqlite"),
    synchronous: oneOf(env, "SQLITE_SYNCHRONOUS", "FULL", ["OFF", "NORMAL", "FULL", "EXTRA"] as const),
    processesDir: path.resolve(cwd, env["PROCESSES_DIR"] || "processes"),
    schedulerInterval: integer(env, "SCHEDULER_INTERVAL_MS", 1000, 10, 3_600_000),
    adminUsername: env["ADMIN_USERNAME"] || "demo",
    adminPassword: adminPassword ?? DEFAULT_ADMIN_PASSWORD,
    adminPasswordIsDefault: adminPassword === undefined,
    demoAccounts: flag(env, "DEMO_ACCOUNTS", true),
    trustProxy: trustProxy(env),
    tokenExpiryDays: integer(env, "TOKEN_EXPIRY_DAYS", 90, 1, 3650),
    sessionIdleMs: integer(env, "SESSION_IDLE_MINUTES", 30, 1, 7 * 24 * 60) * 60_000,
    secureCookies: flag(env, "SECURE_COOKIES", false),
    searchLimits: {
      likeMaxPattern: integer(env, "SEARCH_LIKE_MAX_PATTERN", 256, 1, 4096),
      likeValuePrefix: integer(env, "SEARCH_LIKE_VALUE_PREFIX", 8191, 16, 1_048_576),
    },
  };
}
