/**
 * Portal accounts: a SEPARATE identity kind from back-office users. An account is a party of the
 * address book (one account per party), created on the fly by the first visit through a personal
 * link; later visits sign in with a 6-digit code sent by mail (hashed, 10 minutes, 5 attempts) or
 * a password the person set. Sessions are their own rows and their own cookie (`dossier_portal`):
 * the back office never reads them, and a portal account holds no permission at all.
 *
 * Session ids, CSRF tokens and codes are random; the database keeps only SHA-256 hashes of the
 * session ids and HMAC-SHA256 (key in DATA_DIR/portal/code.key) of the codes. All writes are synchronous statements, to run inside Engine.transaction.
 */
import { createHash, createHmac, randomBytes, randomInt, timingSafeEqual } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import type Database from "better-sqlite3";
import { statement } from "../persistence/statements.js";

export const PORTAL_COOKIE = "dossier_portal";
export const PORTAL_CSRF_HEADER = "x-portal-csrf";
export const CODE_LIFETIME_MS = 10 * 60_000;
export const CODE_MAX_ATTEMPTS = 5;
/** Writing last-seen on every request would cost a commit each; a minute of slack is harmless. */
const TOUCH_EVERY_MS = 60_000;

export interface PortalAccount {
  id: number;
  partyId: number;
  createdAt: number;
  hasPassword: boolean;
  locale: "fr" | "en";
  channel: "email" | "sms";
}

export interface PortalSession {
  accountId: number;
  /** The personal link that opened this session; null when signed in by code or password. */
  linkId: number | null;
  csrfToken: string;
  createdAt: number;
  lastSeenAt: number;
}

const sha256 = (value: string) => createHash("sha256").update(value, "utf8").digest("hex");

/**
 * The key of the sign-in codes' HMAC: six digits are a million candidates, so an unkeyed hash
 * would give a live code to whoever reads the database. Generated once into
 * DATA_DIR/portal/code.key (mode 0600), beside the database but not in it.
 */
export function loadCodeKey(dataDir: string): Buffer {
  const dir = path.join(dataDir, "portal");
  const file = path.join(dir, "code.key");
  mkdirSync(dir, { recursive: true });
  if (!existsSync(file)) {
    try {
      writeFileSync(file, randomBytes(32).toString("hex") + "\n", { mode: 0o600, flag: "wx" });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
  }
  chmodSync(file, 0o600);
  const hex = readFileSync(file, "utf8").trim();
  if (!/^[0-9a-f]{64}$/.test(hex)) throw new Error(`Expected 64 hex characters in ${file}, but found something else: delete it (codes being sent stop working) and restart`);
  return Buffer.from(hex, "hex");
}

export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

interface RawAccount { id: number; party_id: number; created_at: number; password_hash: string | null; locale: string; channel: string }
const toAccount = (r: RawAccount): PortalAccount => ({
  id: r.id, partyId: r.party_id, createdAt: r.created_at, hasPassword: r.password_hash !== null,
  locale: r.locale === "en" ? "en" : "fr", channel: r.channel === "sms" ? "sms" : "email",
});

export class PortalAccounts {
  constructor(
    private readonly db: Database.Database,
    private readonly now: () => number,
    private readonly options: { idleMs: number; maxAgeMs: number; codeKey: Buffer },
  ) {}

  private codeHash(accountId: number, code: string): string {
    return createHmac("sha256", this.options.codeKey).update(`${accountId}:${code}`, "utf8").digest("hex");
  }

  byId(id: number): PortalAccount | undefined {
    const r = statement(this.db, `SELECT * FROM portal_account WHERE id = ?`).get(id) as RawAccount | undefined;
    return r && toAccount(r);
  }

  byParty(partyId: number): PortalAccount | undefined {
    const r = statement(this.db, `SELECT * FROM portal_account WHERE party_id = ?`).get(partyId) as RawAccount | undefined;
    return r && toAccount(r);
  }

  /** The account of a party, created on the fly (inside the caller's transaction); `created` tells which. */
  ensure(partyId: number, locale: "fr" | "en" = "fr"): { account: PortalAccount; created: boolean } {
    const found = this.byParty(partyId);
    if (found) return { account: found, created: false };
    statement(this.db, `INSERT INTO portal_account (party_id, created_at, locale) VALUES (?, ?, ?)`).run(partyId, this.now(), locale);
    return { account: this.byParty(partyId)!, created: true };
  }

  /**
   * The account signing in with an e-mail address: the oldest account among the (unmerged) parties
   * holding that address. Undefined for an unknown address or one without an account.
   */
  byEmail(email: string): PortalAccount | undefined {
    const r = statement(
      this.db,
      `SELECT a.* FROM party_email pe JOIN party p ON p.id = pe.party_id JOIN portal_account a ON a.party_id = p.id WHERE pe.email = ? AND p.merged_into IS NULL ORDER BY a.id LIMIT 1`,
    ).get(email.trim().toLowerCase()) as RawAccount | undefined;
    return r && toAccount(r);
  }

  passwordHash(accountId: number): string | null {
    return (statement(this.db, `SELECT password_hash FROM portal_account WHERE id = ?`).get(accountId) as { password_hash: string | null } | undefined)?.password_hash ?? null;
  }

  setPassword(accountId: number, hash: string | null): void {
    statement(this.db, `UPDATE portal_account SET password_hash = ? WHERE id = ?`).run(hash, accountId);
  }

  setPreferences(accountId: number, prefs: { locale?: "fr" | "en"; channel?: "email" | "sms" }): void {
    if (prefs.locale) statement(this.db, `UPDATE portal_account SET locale = ? WHERE id = ?`).run(prefs.locale, accountId);
    if (prefs.channel) statement(this.db, `UPDATE portal_account SET channel = ? WHERE id = ?`).run(prefs.channel, accountId);
  }

  // ── sessions ────────────────────────────────────────────────────────────────────────────────

  /** A new session (a fresh id each sign-in); the cookie value is never stored. `linkId`: opened by that personal link. */
  createSession(accountId: number, linkId: number | null = null): { cookie: string; csrfToken: string } {
    const cookie = randomBytes(32).toString("base64url");
    const csrfToken = randomBytes(24).toString("base64url");
    const now = this.now();
    statement(this.db, `INSERT INTO portal_session (id_hash, account_id, csrf_token, created_at, last_seen_at, link_id) VALUES (?, ?, ?, ?, ?, ?)`).run(sha256(cookie), accountId, csrfToken, now, now, linkId);
    statement(this.db, `UPDATE portal_account SET last_seen_at = ? WHERE id = ?`).run(now, accountId);
    return { cookie, csrfToken };
  }

  /** The live session of a cookie value (idle and absolute expiry), refreshed now and then. */
  session(cookie: string): PortalSession | undefined {
    if (!/^[A-Za-z0-9_-]{43}$/.test(cookie)) return undefined;
    const idHash = sha256(cookie);
    const r = statement(this.db, `SELECT account_id, csrf_token, created_at, last_seen_at, link_id FROM portal_session WHERE id_hash = ?`).get(idHash) as
      | { account_id: number; csrf_token: string; created_at: number; last_seen_at: number; link_id: number | null } | undefined;
    if (!r) return undefined;
    const now = this.now();
    if (now - r.last_seen_at > this.options.idleMs || now - r.created_at > this.options.maxAgeMs) {
      statement(this.db, `DELETE FROM portal_session WHERE id_hash = ?`).run(idHash);
      return undefined;
    }
    if (now - r.last_seen_at > TOUCH_EVERY_MS) statement(this.db, `UPDATE portal_session SET last_seen_at = ? WHERE id_hash = ?`).run(now, idHash);
    return { accountId: r.account_id, linkId: r.link_id ?? null, csrfToken: r.csrf_token, createdAt: r.created_at, lastSeenAt: now };
  }

  /** Ends the sessions a personal link opened (the link was revoked); how many. */
  endSessionsOfLink(linkId: number): number {
    return statement(this.db, `DELETE FROM portal_session WHERE link_id = ?`).run(linkId).changes;
  }

  endSession(cookie: string): void {
    statement(this.db, `DELETE FROM portal_session WHERE id_hash = ?`).run(sha256(cookie));
  }

  sweep(): number {
    return statement(this.db, `DELETE FROM portal_session WHERE last_seen_at < ? OR created_at < ?`).run(this.now() - this.options.idleMs, this.now() - this.options.maxAgeMs).changes;
  }

  // ── one-time codes ──────────────────────────────────────────────────────────────────────────

  /** A fresh 6-digit code (earlier ones stop working); only its hash is kept. */
  issueCode(accountId: number): string {
    const code = String(randomInt(0, 1_000_000)).padStart(6, "0");
    const now = this.now();
    statement(this.db, `UPDATE portal_code SET used_at = ? WHERE account_id = ? AND used_at IS NULL`).run(now, accountId);
    statement(this.db, `INSERT INTO portal_code (account_id, code_hash, created_at, expires_at) VALUES (?, ?, ?, ?)`).run(accountId, this.codeHash(accountId, code), now, now + CODE_LIFETIME_MS);
    return code;
  }

  /**
   * Checks a code (inside a transaction): the account's latest unused, unexpired code with
   * attempts left. A wrong code costs an attempt; the right one is used up.
   */
  checkCode(accountId: number, code: string): boolean {
    const r = statement(this.db, `SELECT id, code_hash, expires_at, attempts FROM portal_code WHERE account_id = ? AND used_at IS NULL ORDER BY id DESC LIMIT 1`).get(accountId) as
      | { id: number; code_hash: string; expires_at: number; attempts: number } | undefined;
    if (!r || r.expires_at <= this.now() || r.attempts >= CODE_MAX_ATTEMPTS) return false;
    if (!/^\d{6}$/.test(code) || !sameSecret(this.codeHash(accountId, code), r.code_hash)) {
      statement(this.db, `UPDATE portal_code SET attempts = attempts + 1 WHERE id = ?`).run(r.id);
      return false;
    }
    statement(this.db, `UPDATE portal_code SET used_at = ? WHERE id = ?`).run(this.now(), r.id);
    return true;
  }
}
