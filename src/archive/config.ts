/** The archive's settings, read from the environment and checked once ("NAME: expected …, but found …"). */
import cron from "node-cron";
import { ConfigError } from "../config.js";
import { parseDuration } from "./dates.js";

export interface ArchiveConfig {
  /** RFC 3161 timestamp authority for the seals (none: the signed seal alone). */
  tsaUrl: string | null;
  /** A second copy of every deposited file, used to repair a damaged one after an archivist confirms. */
  replicaDir: string | null;
  /** When the integrity audit runs (cron, default 03:00 every day). */
  auditCron: string;
  /** When the journal is sealed (cron, default 02:30 every day; also after each audit). */
  sealCron: string;
  /** End of the fiscal year, MM-DD (default 12-31). */
  fiscalYearEnd: string;
  /** How long identity documents are kept after the relationship ends (default P1Y). */
  identityRetention: string;
  /** Audit and seal on a schedule at all (tests turn it off). */
  schedule: boolean;
}

export function loadArchiveConfig(env: NodeJS.ProcessEnv): ArchiveConfig {
  const get = (name: string) => (env[name] === undefined || env[name] === "" ? undefined : env[name]!);
  const tsaUrl = get("ARCHIVE_TSA_URL") ?? null;
  if (tsaUrl !== null && !/^https?:\/\/[^\s]+$/.test(tsaUrl)) throw new ConfigError(`ARCHIVE_TSA_URL: expected an http(s) URL of an RFC 3161 timestamp authority, but found '${tsaUrl}'`);
  const cronOf = (name: string, fallback: string) => {
    const v = get(name) ?? fallback;
    if (!cron.validate(v)) throw new ConfigError(`${name}: expected a cron expression such as '0 3 * * *', but found '${v}'`);
    return v;
  };
  const fiscalYearEnd = get("ARCHIVE_FISCAL_YEAR_END") ?? "12-31";
  const m = /^(\d{2})-(\d{2})$/.exec(fiscalYearEnd);
  if (!m || Number(m[1]) < 1 || Number(m[1]) > 12 || Number(m[2]) < 1 || Number(m[2]) > 31) throw new ConfigError(`ARCHIVE_FISCAL_YEAR_END: expected the last day of the fiscal year as MM-DD such as 12-31 or 03-31, but found '${fiscalYearEnd}'`);
  const identityRetention = get("ARCHIVE_IDENTITY_RETENTION") ?? "P1Y";
  try {
    parseDuration(identityRetention);
  } catch {
    throw new ConfigError(`ARCHIVE_IDENTITY_RETENTION: expected an ISO 8601 duration such as P1Y or P6M, but found '${identityRetention}'`);
  }
  const schedule = (get("ARCHIVE_SCHEDULE") ?? "true").toLowerCase();
  if (!["true", "false"].includes(schedule)) throw new ConfigError(`ARCHIVE_SCHEDULE: expected true or false, but found '${schedule}'`);
  return { tsaUrl, replicaDir: get("ARCHIVE_REPLICA_DIR") ?? null, auditCron: cronOf("ARCHIVE_AUDIT_CRON", "0 3 * * *"), sealCron: cronOf("ARCHIVE_SEAL_CRON", "30 2 * * *"), fiscalYearEnd, identityRetention, schedule: schedule === "true" };
}
