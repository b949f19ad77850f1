/** Settings of the signature module (docs/configuration.md, "Electronic signature"). */
import { ConfigError } from "../config.js";

export interface SignatureConfig {
  /** How often expiries, reminders and pending seals are checked, ms. */
  checkIntervalMs: number;
  /** Largest PDF the public verification page accepts, bytes. */
  verificationMaxBytes: number;
  /** Verifications per address and minute. */
  verificationPerMinute: number;
  /** The organisation's name on mails, SMS, the signature page and the seals. */
  organisation: string;
  /** Webhook secrets of the external providers: SIGNATURE_PROVIDER_<ID>_SECRET. */
  providerSecrets: Record<string, string>;
  /** Which provider signs which document type: SIGNATURE_PROVIDER_FOR=contrat:fake,... (builtin otherwise). */
  providerFor: Record<string, string>;
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new ConfigError(`${name}: expected a whole number from ${min} to ${max}, but found '${raw}'`);
  return n;
}

export function loadSignatureConfig(env: NodeJS.ProcessEnv): SignatureConfig {
  const providerSecrets: Record<string, string> = {};
  for (const [key, value] of Object.entries(env)) {
    const m = /^SIGNATURE_PROVIDER_([A-Z0-9_]+)_SECRET$/.exec(key);
    if (m && value) {
      if (value.length < 16) throw new ConfigError(`${key}: expected a webhook secret of at least 16 characters, but found ${value.length}`);
      providerSecrets[m[1]!.toLowerCase()] = value;
    }
  }
  const providerFor: Record<string, string> = {};
  for (const pair of (env["SIGNATURE_PROVIDER_FOR"] ?? "").split(",").map((s) => s.trim()).filter(Boolean)) {
    const m = /^([a-z0-9-]+):([a-z0-9_-]+)$/i.exec(pair);
    if (!m) throw new ConfigError(`SIGNATURE_PROVIDER_FOR: expected documentType:provider pairs separated by commas, but found '${pair}'`);
    providerFor[m[1]!] = m[2]!.toLowerCase();
  }
  return {
    checkIntervalMs: int(env, "SIGNATURE_CHECK_INTERVAL_MS", 60_000, 1000, 3_600_000),
    verificationMaxBytes: int(env, "VERIFICATION_MAX_BYTES", 20 * 1024 * 1024, 1024, 200 * 1024 * 1024),
    verificationPerMinute: int(env, "VERIFICATION_PER_MINUTE", 20, 1, 10_000),
    organisation: env["ORGANISATION_NAME"] || "Dossier",
    providerSecrets,
    providerFor,
  };
}
