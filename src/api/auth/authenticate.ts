/**
 * Works out who is calling, for every request: HTTP Basic (what the official Camunda client's
 * BASIC strategy sends), `Bearer` API tokens, or the browser's session cookie. Wrong credentials
 * are refused at once; no credentials leave the request anonymous (guards decide). Basic
 * passwords go through the same throttles as /auth/login, per username and per client address,
 * checked one at a time (Identity.checkPassword). Requests authenticated by the cookie must echo
 * the session's CSRF token in `X-CSRF-Token` when they change state; cross-site requests are
 * refused before any of this, whatever the credentials (http/same-origin.ts).
 */
import { timingSafeEqual } from "node:crypto";
import type { RequestHandler } from "express";
import type { Identity } from "../../identity/identity.js";
import { ApiError } from "../errors.js";
import { readCookie } from "../http/cookies.js";

export const SESSION_COOKIE = "dossier_session";
export const CSRF_HEADER = "x-csrf-token";
const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
/**
 * The portal's pages (/p, /portail) have their own sessions (src/portal): the back-office
 * cookie means nothing there (and its CSRF check must not refuse a visitor who is also an agent).
 */
const OUTSIDER_PATHS = /^\/(p|portail)(\/|$)/;

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function authenticate(identity: Identity): RequestHandler {
  return async (req, res, next) => {
    const header = req.get("authorization");
    const client = req.ip ?? req.socket.remoteAddress ?? "unknown";
    if (header) {
      const [scheme, value = ""] = header.split(" ", 2) as [string, string?];
      if (/^basic$/i.test(scheme)) {
        const decoded = Buffer.from(value.trim(), "base64").toString("utf8");
        const colon = decoded.indexOf(":");
        if (colon <= 0) throw new ApiError("UNAUTHENTICATED", "Expected HTTP Basic credentials as base64 of 'username:password', but they do not decode");
        res.locals["principal"] = await identity.basic(decoded.slice(0, colon), decoded.slice(colon + 1), client);
        return next();
      }
      if (/^bearer$/i.test(scheme)) {
        const principal = identity.bearer(value.trim());
        if (!principal) throw new ApiError("UNAUTHENTICATED", "Expected a valid API token, but it is unknown, revoked or expired");
        res.locals["principal"] = principal;
        return next();
      }
      throw new ApiError("UNAUTHENTICATED", `Expected the Basic or Bearer authorization scheme, but found '${scheme}'`);
    }
    const cookie = OUTSIDER_PATHS.test(req.path) ? undefined : readCookie(req.get("cookie"), SESSION_COOKIE);
    if (cookie) {
      const principal = identity.session(cookie);
      if (principal) {
        if (!SAFE_METHODS.has(req.method)) {
          const sent = req.get(CSRF_HEADER);
          if (!sent || !principal.csrfToken || !sameToken(sent, principal.csrfToken)) {
            throw new ApiError("CSRF_TOKEN_MISMATCH", `Expected the session's CSRF token in the ${CSRF_HEADER} header of this ${req.method} request, but ${sent ? "it does not match" : "found none"}`);
          }
        }
        res.locals["principal"] = principal;
        res.locals["sessionCookie"] = cookie;
      }
    }
    next();
  };
}
