/**
 * Browser sessions. The cookie carries 32 random bytes; the database keeps only their SHA-256, so
 * a leaked database does not leak sessions. A session ends after `idleMs` without a request or
 * `maxAgeMs` after sign-in, whichever comes first. Each session has its own CSRF token, which the
 * browser sends back in a header on every state-changing request.
 */
import { createHash, randomBytes } from "node:crypto";
import type { IdentityStore, SessionRow } from "./store.js";

export interface SessionOptions {
  idleMs?: number;
  maxAgeMs?: number;
  now?: () => number;
}

const sha256 = (value: string) => createHash("sha256").update(value).digest("hex");
/** Writing last-seen on every request would cost a commit each; a minute of slack is harmless. */
const TOUCH_EVERY_MS = 60_000;

export class SessionManager {
  readonly idleMs: number;
  readonly maxAgeMs: number;
  private readonly now: () => number;

  constructor(private readonly store: IdentityStore, options: SessionOptions = {}) {
    this.idleMs = options.idleMs ?? 30 * 60_000;
    this.maxAgeMs = options.maxAgeMs ?? 12 * 3_600_000;
    this.now = options.now ?? Date.now;
  }

  /** Starts a new session (a fresh id: the caller drops any previous one, so ids never survive sign-in). */
  create(username: string): { cookie: string; csrfToken: string } {
    const cookie = randomBytes(32).toString("base64url");
    const csrfToken = randomBytes(24).toString("base64url");
    const now = this.now();
    this.store.insertSession({ idHash: sha256(cookie), username, csrfToken, createdAt: now, lastSeenAt: now });
    return { cookie, csrfToken };
  }

  /** The live session for a cookie value, refreshed; undefined (and deleted) when expired. */
  resolve(cookie: string): SessionRow | undefined {
    const idHash = sha256(cookie);
    const session = this.store.session(idHash);
    if (!session) return undefined;
    const now = this.now();
    if (now - session.lastSeenAt > this.idleMs || now - session.createdAt > this.maxAgeMs) {
      this.store.deleteSession(idHash);
      return undefined;
    }
    if (now - session.lastSeenAt > TOUCH_EVERY_MS) {
      this.store.touchSession(idHash, now);
      session.lastSeenAt = now;
    }
    return session;
  }

  destroy(cookie: string): void {
    this.store.deleteSession(sha256(cookie));
  }

  /** Ends every session of a user except the one of `keepCookie`; returns how many. */
  endAllOf(username: string, keepCookie?: string): number {
    return this.store.deleteSessionsOf(username, keepCookie === undefined ? "" : sha256(keepCookie));
  }

  /** Deletes expired sessions; returns how many. */
  sweep(): number {
    return this.store.deleteSessionsSeenBefore(this.now() - this.idleMs);
  }
}
