/** The portal's settings, read from the environment once (see docs/configuration.md, "Portal"). */
import { ConfigError } from "../config.js";

export interface PortalConfig {
  /** A portal session ends after this long without a request, ms. */
  sessionIdleMs: number;
  /** … and this long after sign-in whatever happens, ms. */
  sessionMaxAgeMs: number;
  /** Public-page submissions accepted per client address per hour. */
  submissionsPerHour: number;
  /** Public-page submissions accepted per e-mail address per day. */
  submissionsPerEmailPerDay: number;
  /** Sign-in codes asked per client address per hour (and per address the same). */
  codesPerHour: number;
}

function whole(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new ConfigError(`${name}: expected a whole number from ${min} to ${max}, but found '${raw}'`);
  return value;
}

export function loadPortalConfig(env: NodeJS.ProcessEnv): PortalConfig {
  return {
    sessionIdleMs: whole(env, "PORTAL_SESSION_IDLE_MINUTES", 30, 1, 24 * 60) * 60_000,
    sessionMaxAgeMs: whole(env, "PORTAL_SESSION_MAX_HOURS", 12, 1, 24 * 30) * 3_600_000,
    submissionsPerHour: whole(env, "PORTAL_SUBMISSIONS_PER_HOUR", 20, 1, 100_000),
    submissionsPerEmailPerDay: whole(env, "PORTAL_SUBMISSIONS_PER_EMAIL_PER_DAY", 5, 1, 100_000),
    codesPerHour: whole(env, "PORTAL_CODES_PER_HOUR", 10, 1, 100_000),
  };
}
