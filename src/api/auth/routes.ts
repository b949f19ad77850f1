/**
 * Sign-in for browsers and API tokens for programs:
 *   POST /auth/login   {username, password} → session cookie (a new id every time) + CSRF token
 *   POST /auth/logout, GET /auth/session
 *   GET/POST /auth/tokens, DELETE /auth/tokens/:id — the caller's own API tokens
 * `loginRouter` is mounted before authentication (signing in must work whatever cookie is sent).
 */
import express, { Router, type Response } from "express";
import type { Identity, Principal } from "../../identity/identity.js";
import { ApiError } from "../errors.js";
import { readCookie, sessionCookie } from "../http/cookies.js";
import { rateLimit } from "../http/rate-limit.js";
import { SESSION_COOKIE } from "./authenticate.js";
import { allow, principalOf } from "./guard.js";

export interface AuthRouteOptions {
  /** Mark cookies Secure (behind HTTPS). */
  secureCookies: boolean;
  loginRateLimit?: { windowMs: number; max: number };
}

const describe = (p: Principal, csrfToken?: string) => ({
  username: p.username, name: p.name, email: p.email, roles: p.roles, groups: p.groups,
  permissions: [...p.permissions].sort(), ...(csrfToken ? { csrfToken } : {}),
});

export function loginRouter(identity: Identity, options: AuthRouteOptions): Router {
  const router = Router();
  const limit = rateLimit(options.loginRateLimit ?? { windowMs: 60_000, max: 20 });
  router.post("/auth/login", allow("public"), limit, express.json({ limit: "16kb" }), async (req, res) => {
    const body = (req.body ?? {}) as { username?: unknown; password?: unknown };
    if (typeof body.username !== "string" || typeof body.password !== "string") {
      throw new ApiError("INVALID_ARGUMENT", "Expected a JSON body with a username and a password, but found none");
    }
    const principal = await identity.checkPassword(body.username, body.password, req.ip ?? "unknown");
    const previous = readCookie(req.get("cookie"), SESSION_COOKIE);
    if (previous) identity.sessions.destroy(previous);
    const { cookie, csrfToken } = identity.sessions.create(principal.username);
    res.append("Set-Cookie", sessionCookie(SESSION_COOKIE, cookie, { secure: options.secureCookies || req.secure }));
    res.json(describe(principal, csrfToken));
  });
  return router;
}

function clearCookie(res: Response, secure: boolean): void {
  res.append("Set-Cookie", sessionCookie(SESSION_COOKIE, "", { secure, maxAgeSeconds: 0 }));
}

export function authRouter(identity: Identity, options: AuthRouteOptions): Router {
  const router = Router();
  router.post("/auth/logout", allow("authenticated"), (req, res) => {
    const cookie = res.locals["sessionCookie"] as string | undefined;
    if (cookie) identity.sessions.destroy(cookie);
    clearCookie(res, options.secureCookies || req.secure);
    res.status(204).end();
  });
  router.get("/auth/session", allow("authenticated"), (_req, res) => {
    const p = principalOf(res);
    res.json({ ...describe(p, p.csrfToken), via: p.via });
  });
  router.get("/auth/tokens", allow("authenticated"), (_req, res) => {
    res.json({ items: identity.tokens.list(principalOf(res).username) });
  });
  router.post("/auth/tokens", allow("authenticated"), (req, res) => {
    const body = (req.body ?? {}) as { name?: unknown; expiresInDays?: unknown };
    const created = identity.tokens.create(principalOf(res).username, body.name as string, body.expiresInDays as number | undefined);
    res.status(201).json(created);
  });
  router.delete("/auth/tokens/:id", allow("authenticated"), (req, res) => {
    identity.tokens.revoke(principalOf(res).username, String(req.params["id"]));
    res.status(204).end();
  });
  return router;
}
