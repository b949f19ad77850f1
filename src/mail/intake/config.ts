/** The mail intake's settings, read from the environment and checked ("NAME: expected …, but found …"). */
import { ConfigError } from "../../config.js";

export interface ImapUrl {
  host: string;
  port: number;
  tls: boolean;
  username: string;
  password: string;
  folder: string;
}

export interface IntakeConfig {
  /** MAIL_IMAP_URL: one mailbox from the environment (quick start), beside those configured in the UI. */
  imapUrl: ImapUrl | null;
  /** MAIL_SECRET_KEY: 32 bytes (64 hex characters or base64) encrypting mailbox passwords; else DATA_DIR/mail/secret.key. */
  secretKey: Buffer | null;
  /** MAIL_MAX_BYTES: the largest mail taken in (default 25 MB); a larger one is quarantined, left on the server. */
  maxBytes: number;
  /** MAIL_INTAKE_ADDRESS: the address of the intake demo rule (default demandes@dossier.local). */
  intakeAddress: string;
  /** MAIL_DROP_INTERVAL_MS: how often DATA_DIR/mail/inbox/ is looked at (default 2000; 0: never, tests call scan()). */
  dropIntervalMs: number;
  /** MAIL_IMAP_POLL_MS: polling period of a mailbox whose server has no IDLE, and the safety re-scan while idling (default 60000). */
  pollMs: number;
  /** MAIL_IMAP_IDLE_MS: how long a watcher waits before it starts IDLE after a command (imapflow autoIdleDelay, default 1000). */
  idleDelayMs: number;
  /** MAIL_INTAKE_FAULT: fault injection for the crash test only (`<point>:<n>`), see docs/mail-intake.md. */
  fault: { point: FaultPoint; after: number } | null;
  /** MAIL_IMAP_INSECURE_TLS=1: accept self-signed IMAPS certificates (tests, a private server). */
  insecureTls: boolean;
  /**
   * MAIL_THREAD_SENDERS: who may feed a dossier by its reference alone (`[REF]` in the subject, a plus
   * address), which anyone can guess: `parties` (default: an address of a party of the dossier or of its
   * parent; others go to quarantine, to be attached by hand) or `anyone`. Replies to a mail Dossier sent
   * (In-Reply-To its unguessable Message-ID) thread whoever sends them.
   */
  threadSenders: "parties" | "anyone";
}

export const FAULT_POINTS = ["before-transaction", "in-transaction", "after-commit", "after-flag"] as const;
export type FaultPoint = (typeof FAULT_POINTS)[number];

export function parseImapUrl(raw: string, name = "MAIL_IMAP_URL"): ImapUrl {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigError(`${name}: expected imap[s]://user:password@host:port/INBOX, but found '${raw.replace(/:[^:@/]*@/, ":***@")}'`);
  }
  if (url.protocol !== "imap:" && url.protocol !== "imaps:") throw new ConfigError(`${name}: expected the scheme imap: or imaps:, but found '${url.protocol}'`);
  if (!url.hostname) throw new ConfigError(`${name}: expected a host, but found none`);
  if (!url.username) throw new ConfigError(`${name}: expected a user name (imap://user:password@host), but found none`);
  const tls = url.protocol === "imaps:";
  const port = url.port ? Number(url.port) : tls ? 993 : 143;
  const folder = decodeURIComponent(url.pathname.replace(/^\/+/, "")) || "INBOX";
  let username: string;
  let password: string;
  try {
    username = decodeURIComponent(url.username);
    password = decodeURIComponent(url.password);
  } catch {
    throw new ConfigError(`${name}: expected a percent-encoded user and password, but found an invalid escape`);
  }
  return { host: url.hostname.replace(/^\[|\]$/g, ""), port, tls, username, password, folder };
}

function whole(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < min) throw new ConfigError(`${name}: expected a whole number of at least ${min}, but found '${raw}'`);
  return n;
}

export function loadIntakeConfig(env: NodeJS.ProcessEnv): IntakeConfig {
  const imap = env["MAIL_IMAP_URL"];
  let secretKey: Buffer | null = null;
  const rawKey = env["MAIL_SECRET_KEY"];
  if (rawKey) {
    const key = /^[0-9a-fA-F]{64}$/.test(rawKey) ? Buffer.from(rawKey, "hex") : Buffer.from(rawKey, "base64");
    if (key.length !== 32) throw new ConfigError(`MAIL_SECRET_KEY: expected 32 bytes as 64 hex characters or base64, but found ${key.length} bytes`);
    secretKey = key;
  }
  const address = (env["MAIL_INTAKE_ADDRESS"] || "demandes@dossier.local").trim().toLowerCase();
  if (!/^[^\s@]+@[^\s@]+$/.test(address)) throw new ConfigError(`MAIL_INTAKE_ADDRESS: expected an e-mail address, but found '${address}'`);
  let fault: IntakeConfig["fault"] = null;
  const f = env["MAIL_INTAKE_FAULT"];
  if (f) {
    const m = /^([a-z-]+):(\d+)$/.exec(f);
    if (!m || !(FAULT_POINTS as readonly string[]).includes(m[1]!)) throw new ConfigError(`MAIL_INTAKE_FAULT: expected <${FAULT_POINTS.join("|")}>:<n>, but found '${f}'`);
    fault = { point: m[1] as FaultPoint, after: Number(m[2]) };
  }
  return {
    imapUrl: imap ? parseImapUrl(imap) : null,
    secretKey,
    maxBytes: whole(env, "MAIL_MAX_BYTES", 25 * 1024 * 1024, 1024),
    intakeAddress: address,
    dropIntervalMs: whole(env, "MAIL_DROP_INTERVAL_MS", 2000, 0),
    pollMs: whole(env, "MAIL_IMAP_POLL_MS", 60_000, 100),
    idleDelayMs: whole(env, "MAIL_IMAP_IDLE_MS", 1000, 50),
    fault,
    insecureTls: env["MAIL_IMAP_INSECURE_TLS"] === "1",
    threadSenders: threadSenders(env["MAIL_THREAD_SENDERS"]),
  };
}

function threadSenders(raw: string | undefined): IntakeConfig["threadSenders"] {
  if (raw === undefined || raw === "") return "parties";
  if (raw !== "parties" && raw !== "anyone") throw new ConfigError(`MAIL_THREAD_SENDERS: expected 'parties' or 'anyone', but found '${raw}'`);
  return raw;
}
