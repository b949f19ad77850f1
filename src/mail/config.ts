/**
 * The sending side's settings (docs/configuration.md, "Mail and SMS sending"), read from the
 * environment once and checked: a wrong value stops the start with "NAME: expected …, but found …".
 */
import path from "node:path";
import { ConfigError } from "../config.js";

export interface SmsHttpSettings {
  url: string;
  method: string;
  /** The Authorization header's value ("Bearer …", "Basic …"), or none. */
  auth: string | null;
  /** The body template: {{to}} {{text}} {{from}} are replaced (JSON-escaped when the body is JSON, URL-encoded otherwise). */
  body: string;
}

export interface MailSettings {
  /** smtp[s]://user:password@host:port, or null: mails are written to `outboxDir` (the embedded default). */
  smtpUrl: string | null;
  /** The From header ("Dossier <dossier@example.com>"). */
  from: string;
  /** The bare address of From. */
  fromAddress: string;
  /** The address replies go to (its plus address carries the dossier reference). */
  replyTo: string;
  /** The host part of Message-IDs. */
  messageIdHost: string;
  outboxDir: string;
  /** Tries before a mail is failed. */
  maxAttempts: number;
  /** First back-off, ms (doubling each attempt, capped at 1 h). */
  retryBaseMs: number;
  /** How often due mails are looked for when nothing woke the sender, ms. */
  pollMs: number;
  sms: { http: SmsHttpSettings | null; from: string | null };
}

const ADDRESS = /^[^\s@<>()",;:]+@[^\s@<>()",;:]+$/;

/** The bare address inside "Name <a@b>" or a bare "a@b". */
export function bareAddress(value: string): string | null {
  const m = /<([^<>]+)>\s*$/.exec(value);
  const addr = (m ? m[1]! : value).trim();
  return ADDRESS.test(addr) ? addr : null;
}

function whole(env: NodeJS.ProcessEnv, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min || n > max) throw new ConfigError(`${name}: expected a whole number from ${min} to ${max}, but found '${raw}'`);
  return n;
}

export function loadMailSettings(env: NodeJS.ProcessEnv, dataDir: string): MailSettings {
  const smtpUrl = env["MAIL_SMTP_URL"]?.trim() || null;
  if (smtpUrl) {
    let url: URL;
    try {
      url = new URL(smtpUrl);
    } catch {
      throw new ConfigError(`MAIL_SMTP_URL: expected smtp[s]://user:password@host:port, but found '${smtpUrl.replace(/\/\/[^@/]*@/, "//…@")}'`);
    }
    if (url.protocol !== "smtp:" && url.protocol !== "smtps:") throw new ConfigError(`MAIL_SMTP_URL: expected the scheme smtp: or smtps:, but found '${url.protocol}'`);
    if (!url.hostname) throw new ConfigError("MAIL_SMTP_URL: expected a host, but found none");
  }
  const from = env["MAIL_FROM"]?.trim() || "Dossier <dossier@localhost.localdomain>";
  const fromAddress = bareAddress(from);
  if (!fromAddress) throw new ConfigError(`MAIL_FROM: expected an address such as 'Dossier <dossier@example.com>', but found '${from}'`);
  const replyRaw = env["MAIL_REPLY_TO"]?.trim() || fromAddress;
  const replyTo = bareAddress(replyRaw);
  if (!replyTo) throw new ConfigError(`MAIL_REPLY_TO: expected an address such as dossiers@example.com, but found '${replyRaw}'`);
  const smsUrl = env["SMS_HTTP_URL"]?.trim() || null;
  let http: SmsHttpSettings | null = null;
  if (smsUrl) {
    try {
      const u = new URL(smsUrl);
      if (u.protocol !== "http:" && u.protocol !== "https:") throw new Error();
    } catch {
      throw new ConfigError(`SMS_HTTP_URL: expected an http(s) URL, but found '${smsUrl}'`);
    }
    const method = (env["SMS_HTTP_METHOD"]?.trim() || "POST").toUpperCase();
    if (!["POST", "GET", "PUT"].includes(method)) throw new ConfigError(`SMS_HTTP_METHOD: expected POST, PUT or GET, but found '${env["SMS_HTTP_METHOD"]}'`);
    const body = env["SMS_HTTP_BODY"] ?? `{"to":"{{to}}","text":"{{text}}","from":"{{from}}"}`;
    if (!body.includes("{{text}}") && method !== "GET") throw new ConfigError(`SMS_HTTP_BODY: expected a body template with {{to}} and {{text}}, but found '${body}'`);
    http = { url: smsUrl, method, auth: env["SMS_HTTP_AUTH"]?.trim() || null, body };
  }
  const smsFrom = env["SMS_FROM"]?.trim() || null;
  if (smsFrom && !/^(\+?\d{3,15}|[A-Za-z0-9 ]{1,11})$/.test(smsFrom)) throw new ConfigError(`SMS_FROM: expected a number or an alphanumeric sender of at most 11 characters, but found '${smsFrom}'`);
  return {
    smtpUrl, from, fromAddress, replyTo, messageIdHost: fromAddress.split("@")[1]!,
    outboxDir: path.join(dataDir, "mail", "outbox"),
    maxAttempts: whole(env, "MAIL_SEND_ATTEMPTS", 5, 1, 50),
    retryBaseMs: whole(env, "MAIL_RETRY_BASE_MS", 30_000, 10, 3_600_000),
    pollMs: whole(env, "MAIL_POLL_MS", 5_000, 50, 600_000),
    sms: { http, from: smsFrom },
  };
}

/** `local+REF@domain` of an address. */
export function plusAddress(address: string, reference: string): string {
  const [local, domain] = address.split("@") as [string, string];
  return `${local.replace(/\+.*$/, "")}+${reference}@${domain}`;
}
