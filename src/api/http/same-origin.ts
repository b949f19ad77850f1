/**
 * Refuses state-changing requests that a browser sends on behalf of another site, whatever the
 * credentials: the session cookie is covered by its CSRF token, but a browser also replays HTTP
 * Basic credentials it has cached, and those carry no token. Browsers say where a request comes
 * from: `Origin` (on every POST/PUT/PATCH/DELETE) and `Sec-Fetch-Site`. Programs (the official
 * client, curl, job workers) send neither and are not affected. Behind a reverse proxy the host
 * compared is the Host header it forwards (or X-Forwarded-Host, with TRUST_PROXY).
 */
import type { RequestHandler } from "express";
import { ApiError } from "../errors.js";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
const withoutDefaultPort = (host: string) => host.toLowerCase().replace(/:(80|443)$/, "");

/**
 * True when `origin` names the host (and port) this request was addressed to. The scheme is not
 * compared: behind a TLS proxy the server sees http unless TRUST_PROXY is set, and a page served
 * by this very host is this server's whatever its scheme.
 */
function isOwnOrigin(origin: string, host: string | undefined): boolean {
  let originHost: string;
  try {
    originHost = new URL(origin).host; // "null" (sandboxed frames, some redirects) does not parse
  } catch {
    return false;
  }
  return host !== undefined && withoutDefaultPort(originHost) === withoutDefaultPort(host);
}

export function sameOriginOnly(): RequestHandler {
  return (req, _res, next) => {
    if (SAFE_METHODS.has(req.method)) return next();
    if (req.get("sec-fetch-site") === "cross-site") {
      return next(new ApiError("CROSS_SITE_REQUEST", `Expected a ${req.method} request from this site's own pages, but the browser says it comes from another site (Sec-Fetch-Site: cross-site)`));
    }
    const origin = req.get("origin");
    if (origin !== undefined && !isOwnOrigin(origin, req.host)) {
      return next(new ApiError("CROSS_SITE_REQUEST", `Expected a ${req.method} request from a page of ${req.host ?? "this server"}, but it comes from ${origin}`));
    }
    next();
  };
}
