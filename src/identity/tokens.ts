/**
 * API tokens for programs (job workers, scripts): `Authorization: Bearer dsr_<id>_<secret>`. The
 * secret is shown once at creation; the database keeps its SHA-256. A token acts as the user who
 * created it, with that user's roles at the time of each request. Tokens expire (90 days unless
 * the creator or TOKEN_EXPIRY_DAYS says otherwise), and a password change revokes them all.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { IdentityError } from "./errors.js";
import type { IdentityStore, TokenRow } from "./store.js";

export interface TokenInfo {
  id: string;
  name: string;
  createdAt: number;
  expiresAt: number | null;
  lastUsedAt: number | null;
}

const FORMAT = /^dsr_([0-9a-f]{16})_([A-Za-z0-9_-]{43})$/;
const sha256 = (value: string) => createHash("sha256").update(value).digest();
const TOUCH_EVERY_MS = 60_000;

const info = (t: TokenRow): TokenInfo => ({ id: t.id, name: t.name, createdAt: t.createdAt, expiresAt: t.expiresAt, lastUsedAt: t.lastUsedAt });

/** How long a token lives when its creator does not say (TOKEN_EXPIRY_DAYS). */
export const DEFAULT_TOKEN_EXPIRY_DAYS = 90;

export class TokenService {
  constructor(private readonly store: IdentityStore, private readonly now: () => number = Date.now, private readonly defaultExpiryDays = DEFAULT_TOKEN_EXPIRY_DAYS) {}

  /** A token expires after `expiresInDays` (1 to 3650), by default after the configured number of days. */
  create(username: string, name: string, expiresInDays: number = this.defaultExpiryDays): TokenInfo & { token: string } {
    if (typeof name !== "string" || name.trim() === "" || name.length > 256) {
      throw new IdentityError("INVALID_ARGUMENT", `Expected a token name of 1 to 256 characters, but found '${String(name)}'`);
    }
    if (!Number.isInteger(expiresInDays) || expiresInDays < 1 || expiresInDays > 3650) {
      throw new IdentityError("INVALID_ARGUMENT", `Expected expiresInDays to be a whole number from 1 to 3650, but found '${String(expiresInDays)}'`);
    }
    const id = randomBytes(8).toString("hex");
    const secret = randomBytes(32).toString("base64url");
    const now = this.now();
    const row: TokenRow = {
      id, username, name: name.trim(), secretHash: sha256(secret).toString("hex"), createdAt: now,
      expiresAt: now + expiresInDays * 86_400_000, lastUsedAt: null,
    };
    this.store.insertToken(row);
    return { ...info(row), token: `dsr_${id}_${secret}` };
  }

  /** The username a presented token belongs to, or undefined when it is unknown, wrong or expired. */
  verify(token: string): string | undefined {
    const match = FORMAT.exec(token);
    if (!match) return undefined;
    const row = this.store.token(match[1]!);
    if (!row) return undefined;
    const now = this.now();
    if (row.expiresAt !== null && row.expiresAt <= now) return undefined;
    if (!timingSafeEqual(Buffer.from(row.secretHash, "hex"), sha256(match[2]!))) return undefined;
    if (row.lastUsedAt === null || now - row.lastUsedAt > TOUCH_EVERY_MS) this.store.touchToken(row.id, now);
    return row.username;
  }

  list(username: string): TokenInfo[] {
    return this.store.tokensOf(username).map(info);
  }

  /** Revokes every token of a user (after a password change); returns how many. */
  revokeAllOf(username: string): number {
    return this.store.deleteTokensOf(username);
  }

  revoke(username: string, id: string): void {
    const row = this.store.token(id);
    if (!row || row.username !== username) throw new IdentityError("NOT_FOUND", `Expected to find an API token with id '${id}', but none was found`);
    this.store.deleteToken(id);
  }
}
