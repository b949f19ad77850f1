/** The Dolibarr connection's settings (docs/configuration.md, "ERP connection (Dolibarr)"). */
import { ConfigError } from "../config.js";

export interface DolibarrConfig {
  /** The REST API's base, e.g. https://erp.example.com/api/index.php (undefined: the connector is off). */
  url: string | undefined;
  apiKey: string | undefined;
  /** Minutes between scheduled pulls of invoices and payments (0: no schedule). */
  pullMinutes: number;
  timeoutMs: number;
  /** The time zone Dolibarr's dates are in (its server's). */
  timeZone: string;
  /** Pulled invoices issued within this many days (and unpaid) are sent by the customer's preferred channel; older ones only imported. */
  sendDays: number;
  /** Back-off before a job that met a Dolibarr server or network error is tried again, ms. */
  retryBackOffMs: number;
}

export function loadDolibarrConfig(env: NodeJS.ProcessEnv): DolibarrConfig {
  const raw = env["DOLIBARR_URL"]?.trim() || undefined;
  let url: string | undefined;
  if (raw) {
    let parsed: URL;
    try {
      parsed = new URL(raw);
    } catch {
      throw new ConfigError(`DOLIBARR_URL: expected the URL of Dolibarr's REST API (e.g. https://erp.example.com/api/index.php), but found '${raw.slice(0, 80)}'`);
    }
    if (parsed.protocol !== "https:" && parsed.protocol !== "http:") throw new ConfigError(`DOLIBARR_URL: expected an http(s) URL, but found '${raw.slice(0, 80)}'`);
    url = raw.replace(/\/+$/, "");
  }
  const apiKey = env["DOLIBARR_API_KEY"]?.trim() || undefined;
  if (url && !apiKey) throw new ConfigError("DOLIBARR_API_KEY: expected the API key of the Dolibarr user the connector acts as (DOLIBARR_URL is set), but found nothing");
  const minutes = env["DOLIBARR_PULL_MINUTES"]?.trim();
  const pullMinutes = minutes === undefined || minutes === "" ? 15 : Number(minutes);
  if (!Number.isInteger(pullMinutes) || pullMinutes < 0 || pullMinutes > 10_080) throw new ConfigError(`DOLIBARR_PULL_MINUTES: expected a whole number of minutes from 0 (off) to 10080, but found '${minutes}'`);
  const timeout = env["DOLIBARR_TIMEOUT_MS"]?.trim();
  const timeoutMs = timeout === undefined || timeout === "" ? 15_000 : Number(timeout);
  if (!Number.isInteger(timeoutMs) || timeoutMs < 100 || timeoutMs > 300_000) throw new ConfigError(`DOLIBARR_TIMEOUT_MS: expected a whole number of milliseconds from 100 to 300000, but found '${timeout}'`);
  const timeZone = env["DOLIBARR_TIMEZONE"]?.trim() || "Europe/Paris";
  try {
    new Intl.DateTimeFormat("en-CA", { timeZone });
  } catch {
    throw new ConfigError(`DOLIBARR_TIMEZONE: expected an IANA time zone such as Europe/Paris, but found '${timeZone.slice(0, 60)}'`);
  }
  const send = env["DOLIBARR_SEND_DAYS"]?.trim();
  const sendDays = send === undefined || send === "" ? 7 : Number(send);
  if (!Number.isInteger(sendDays) || sendDays < 0 || sendDays > 3660) throw new ConfigError(`DOLIBARR_SEND_DAYS: expected a whole number of days from 0 (never send) to 3660, but found '${send}'`);
  const backOff = env["DOLIBARR_RETRY_BACKOFF_MS"]?.trim();
  const retryBackOffMs = backOff === undefined || backOff === "" ? 30_000 : Number(backOff);
  if (!Number.isInteger(retryBackOffMs) || retryBackOffMs < 0 || retryBackOffMs > 86_400_000) throw new ConfigError(`DOLIBARR_RETRY_BACKOFF_MS: expected a whole number of milliseconds from 0 to 86400000, but found '${backOff}'`);
  return { url, apiKey, pullMinutes, timeoutMs, timeZone, sendDays, retryBackOffMs };
}
