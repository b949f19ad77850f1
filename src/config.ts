/**
 * Every setting, read from the environment once and validated; a bad value stops the start with a
 * message naming the variable, what was expected and what was found.
 */
import path from "node:path";
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
  /** Seed demo accounts (agent, designer, manager, auditor) and groups on first start. */
  demoAccounts: boolean;
  /** Browser sessions end after this long without a request, ms. */
  sessionIdleMs: number;
  /** Mark the session cookie Secure (serve over HTTPS, or behind a TLS proxy). */
  secureCookies: boolean;
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

export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  const dataDir = path.resolve(cwd, env["DATA_DIR"] || "data");
  return {
    port: integer(env, "PORT", 3000, 0, 65535),
    host: env["HOST"] || "127.0.0.1",
    dataDir,
    databasePath: path.join(dataDir, "dossier.sqlite"),
    synchronous: oneOf(env, "SQLITE_SYNCHRONOUS", "FULL", ["OFF", "NORMAL", "FULL", "EXTRA"] as const),
    processesDir: path.resolve(cwd, env["PROCESSES_DIR"] || "processes"),
    schedulerInterval: integer(env, "SCHEDULER_INTERVAL_MS", 1000, 10, 3_600_000),
    adminUsername: env["ADMIN_USERNAME"] || "demo",
    adminPassword: env["ADMIN_PASSWORD"] || "demo",
    adminPasswordIsDefault: !env["ADMIN_PASSWORD"],
    demoAccounts: flag(env, "DEMO_ACCOUNTS", true),
    sessionIdleMs: integer(env, "SESSION_IDLE_MINUTES", 30, 1, 7 * 24 * 60) * 60_000,
    secureCookies: flag(env, "SECURE_COOKIES", false),
  };
}
