/**
 * The identity facade: who is calling (HTTP Basic, bearer token or session cookie) and what they
 * may do. Password checks cost a scrypt each, so a successful Basic check is remembered for a
 * short while (as a SHA-256 of the credentials), which keeps API clients that send Basic on every
 * request fast. A password change or user deletion forgets them all and ends the user's sessions
 * and API tokens. Checks run one at a time per username and per client address, so each failure
 * is counted before the next guess is looked at (parallel guesses do not get past the throttle).
 */
import { createHash } from "node:crypto";
import type Database from "better-sqlite3";
import { Directory, type PublicUser } from "./directory.js";
import { IdentityError } from "./errors.js";
import { decoyHash, verifyPassword } from "./passwords.js";
import { permissionsOf, type Permission } from "./roles.js";
import { SessionManager } from "./sessions.js";
import { IdentityStore } from "./store.js";
import { KeyedQueue } from "./serial.js";
import { LoginThrottle } from "./throttle.js";
import { TokenService } from "./tokens.js";

export type AuthMethod = "basic" | "bearer" | "session";

export interface Principal {
  username: string;
  name: string | null;
  email: string | null;
  groups: string[];
  roles: string[];
  permissions: Set<Permission>;
  via: AuthMethod;
  /** Session sign-ins only: the token state-changing requests must echo. */
  csrfToken?: string;
}

export interface IdentityOptions {
  db: Database.Database;
  log?: (message: string) => void;
  now?: () => number;
  sessionIdleMs?: number;
  sessionMaxAgeMs?: number;
  /** How long a verified Basic credential is remembered, ms. */
  basicCacheMs?: number;
  /** Lifetime of API tokens whose creator names none, days (default 90). */
  tokenExpiryDays?: number;
}

/** Who changes an account, for the rules of Identity.updateUser. */
export interface AccountChanger {
  username: string;
  /** The caller's address (a wrong current password counts as a failed sign-in from it). */
  client: string;
  /** The session cookie the change is made with, if any: it survives the user's own password change. */
  sessionCookie?: string;
}

export class Identity {
  readonly store: IdentityStore;
  readonly directory: Directory;
  readonly sessions: SessionManager;
  readonly tokens: TokenService;
  /**
   * Failed sign-ins per username (5 free, then locked 1 s, 2 s, 4 s … at most 5 min) and per client
   * address (20 free: offices share one; locked at most 60 s, since one address can lock out every
   * user behind it).
   */
  readonly throttle: { users: LoginThrottle; clients: LoginThrottle };
  private readonly checks = new KeyedQueue();
  /** Counts password changes and deletions, so that a check running across one is not remembered. */
  private credentialsGeneration = 0;
  private readonly basicCache = new Map<string, { username: string; until: number }>();
  private readonly log: (message: string) => void;
  private readonly now: () => number;
  private readonly basicCacheMs: number;

  constructor(options: IdentityOptions) {
    this.now = options.now ?? Date.now;
    this.log = options.log ?? console.warn;
    this.basicCacheMs = options.basicCacheMs ?? 5 * 60_000;
    this.store = new IdentityStore(options.db);
    this.directory = new Directory(this.store, (username, keepSession) => this.credentialsChanged(username, keepSession), this.now);
    this.sessions = new SessionManager(this.store, {
      now: this.now,
      ...(options.sessionIdleMs !== undefined ? { idleMs: options.sessionIdleMs } : {}),
      ...(options.sessionMaxAgeMs !== undefined ? { maxAgeMs: options.sessionMaxAgeMs } : {}),
    });
    this.tokens = new TokenService(this.store, this.now, options.tokenExpiryDays);
    this.throttle = {
      users: new LoginThrottle({ now: this.now, maxLockMs: 5 * 60_000 }),
      clients: new LoginThrottle({ now: this.now, freeAttempts: 20, maxLockMs: 60_000 }),
    };
    this.directory.ensureRoles();
  }

  /** Checks a username and password (throttled, logged on failure). `client` is the caller's address. */
  checkPassword(username: string, password: string, client: string): Promise<Principal> {
    return this.queued(username, password, client, () => undefined);
  }

  /**
   * One check at a time per username, then per address (always in that order: nothing waits for a
   * username while holding an address). `known` answers without a check, once it is this one's turn:
   * parallel Basic requests of a program that just started cost one scrypt, not one each.
   */
  private queued(username: string, password: string, client: string, known: () => Principal | undefined): Promise<Principal> {
    const userKey = username.toLowerCase();
    return this.checks.run(`user:${userKey}`, () => this.checks.run(`client:${client}`, () => {
      const principal = known();
      return principal ? Promise.resolve(principal) : this.checkNow(username, userKey, password, client);
    }));
  }

  private async checkNow(username: string, userKey: string, password: string, client: string): Promise<Principal> {
    const wait = Math.max(this.throttle.users.retryAfter([userKey]), this.throttle.clients.retryAfter([client]));
    if (wait > 0) {
      this.log(`sign-in refused for '${username}' from ${client}: too many failed attempts, locked for ${Math.ceil(wait / 1000)} s`);
      throw new IdentityError("TOO_MANY_ATTEMPTS", `Too many failed sign-in attempts; try again in ${Math.ceil(wait / 1000)} s`, wait);
    }
    const user = this.store.user(username);
    const ok = await verifyPassword(password, user?.passwordHash ?? (await decoyHash()));
    if (!user || !ok) {
      const failures = this.throttle.users.fail([userKey]);
      this.throttle.clients.fail([client]);
      this.log(`failed sign-in for '${username}' from ${client} (${failures} in a row)`);
      throw new IdentityError("UNAUTHENTICATED", "Expected a valid username and password, but they do not match");
    }
    this.throttle.users.succeed(userKey);
    return this.principal(username, "basic")!;
  }

  /** HTTP Basic: like checkPassword, with a short memory of verified credentials. */
  async basic(username: string, password: string, client: string): Promise<Principal> {
    const fingerprint = createHash("sha256").update(`${username}\u0000${password}`).digest("base64");
    const remembered = () => {
      const cached = this.basicCache.get(fingerprint);
      return cached && cached.until > this.now() ? this.principal(cached.username, "basic") : undefined;
    };
    const known = remembered();
    if (known) return known;
    const generation = this.credentialsGeneration;
    const principal = await this.queued(username, password, client, remembered);
    if (this.basicCache.size > 10_000) this.basicCache.clear();
    // A password changed while this check ran: what it verified may be the old one, not to remember.
    if (generation === this.credentialsGeneration) this.basicCache.set(fingerprint, { username, until: this.now() + this.basicCacheMs });
    return principal;
  }

  /**
   * Changes a user's name, email or password. Users changing their own password must give the
   * current one as `currentPassword` (checked and throttled like a sign-in), so a stolen session
   * cannot take the account over; an administrator resetting someone else's does not. A new
   * password ends the user's other sessions and all their API tokens.
   */
  async updateUser(username: string, changes: { password?: unknown; currentPassword?: unknown; name?: unknown; email?: unknown }, by: AccountChanger): Promise<PublicUser> {
    const own = username === by.username;
    if (own && changes.password !== undefined) {
      if (typeof changes.currentPassword !== "string" || changes.currentPassword === "") {
        throw new IdentityError("INVALID_ARGUMENT", "Expected 'currentPassword' (your current password) with a new password of your own, but found none");
      }
      try {
        await this.checkPassword(username, changes.currentPassword, by.client);
      } catch (error) {
        if (error instanceof IdentityError && error.code === "UNAUTHENTICATED") {
          throw new IdentityError("FORBIDDEN", `Expected 'currentPassword' to be the current password of '${username}', but it does not match`);
        }
        throw error;
      }
    }
    const { name, email, password } = changes;
    return this.directory.updateUser(username, { name, email, password }, own && by.sessionCookie ? { keepSession: by.sessionCookie } : {});
  }

  private credentialsChanged(username: string, keepSession?: string): void {
    this.credentialsGeneration++;
    this.basicCache.clear();
    this.sessions.endAllOf(username, keepSession);
    this.tokens.revokeAllOf(username);
  }

  bearer(token: string): Principal | undefined {
    const username = this.tokens.verify(token);
    return username === undefined ? undefined : this.principal(username, "bearer");
  }

  session(cookie: string): Principal | undefined {
    const session = this.sessions.resolve(cookie);
    if (!session) return undefined;
    const principal = this.principal(session.username, "session");
    if (principal) principal.csrfToken = session.csrfToken;
    return principal;
  }

  /** The current rights of a user, or undefined when the user no longer exists. */
  principal(username: string, via: AuthMethod): Principal | undefined {
    const user = this.store.user(username);
    if (!user) return undefined;
    const { groups, roles } = this.directory.membership(username);
    return { username, name: user.name, email: user.email, groups, roles, permissions: permissionsOf(roles), via };
  }
}
