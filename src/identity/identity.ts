/**
 * The identity facade: who is calling (HTTP Basic, bearer token or session cookie) and what they
 * may do. Password checks cost a scrypt each, so a successful Basic check is remembered for a
 * short while (as a SHA-256 of the credentials), which keeps API clients that send Basic on every
 * request fast; any password change or user deletion forgets them all.
 */
import { createHash } from "node:crypto";
import type Database from "better-sqlite3";
import { Directory } from "./directory.js";
import { IdentityError } from "./errors.js";
import { decoyHash, verifyPassword } from "./passwords.js";
import { permissionsOf, type Permission } from "./roles.js";
import { SessionManager } from "./sessions.js";
import { IdentityStore } from "./store.js";
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
}

export class Identity {
  readonly store: IdentityStore;
  readonly directory: Directory;
  readonly sessions: SessionManager;
  readonly tokens: TokenService;
  /** Failed sign-ins per username (5 free) and per client address (20 free: offices share one). */
  readonly throttle: { users: LoginThrottle; clients: LoginThrottle };
  private readonly basicCache = new Map<string, { username: string; until: number }>();
  private readonly log: (message: string) => void;
  private readonly now: () => number;
  private readonly basicCacheMs: number;

  constructor(options: IdentityOptions) {
    this.now = options.now ?? Date.now;
    this.log = options.log ?? console.warn;
    this.basicCacheMs = options.basicCacheMs ?? 5 * 60_000;
    this.store = new IdentityStore(options.db);
    this.directory = new Directory(this.store, () => this.basicCache.clear(), this.now);
    this.sessions = new SessionManager(this.store, {
      now: this.now,
      ...(options.sessionIdleMs !== undefined ? { idleMs: options.sessionIdleMs } : {}),
      ...(options.sessionMaxAgeMs !== undefined ? { maxAgeMs: options.sessionMaxAgeMs } : {}),
    });
    this.tokens = new TokenService(this.store, this.now);
    this.throttle = { users: new LoginThrottle({ now: this.now }), clients: new LoginThrottle({ now: this.now, freeAttempts: 20 }) };
    this.directory.ensureRoles();
  }

  /** Checks a username and password (throttled, logged on failure). `client` is the caller's address. */
  async checkPassword(username: string, password: string, client: string): Promise<Principal> {
    const userKey = username.toLowerCase();
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
    const cached = this.basicCache.get(fingerprint);
    const now = this.now();
    if (cached && cached.until > now) {
      const principal = this.principal(cached.username, "basic");
      if (principal) return principal;
    }
    const principal = await this.checkPassword(username, password, client);
    if (this.basicCache.size > 10_000) this.basicCache.clear();
    this.basicCache.set(fingerprint, { username, until: now + this.basicCacheMs });
    return principal;
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
