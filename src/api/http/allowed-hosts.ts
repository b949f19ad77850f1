/**
 * Serves only the host names this server is known by, before anything else (sign-in included).
 * DNS rebinding: a page of `rebind.attacker.example` whose name later resolves to 127.0.0.1 talks to
 * this server from the browser with `Host: rebind.attacker.example` and an `Origin` of the same
 * host, so the same-origin check alone would let it sign in and act. Refusing unknown Host headers
 * closes that door, and every link the server writes (portal, signature) names a host it serves.
 *
 * Served by default: the loopback names (localhost, 127.0.0.1 … , [::1]) and the address the
 * connection arrived on, written as an IP literal — in both cases on the port the connection
 * arrived on. An IP literal cannot be rebound; only names can. Added by the settings: the host of
 * PUBLIC_URL and each ALLOWED_HOSTS entry (`name`, `name:port`, or `.example.com` for any
 * sub-domain). Behind a proxy (TRUST_PROXY) the host checked is X-Forwarded-Host when it sends one.
 */
import type { RequestHandler } from "express";
import { isIP } from "node:net";
import { ApiError } from "../errors.js";

export interface AllowedHost {
  /** Lower-case host name or address (IPv6 without brackets); a leading dot matches sub-domains. */
  name: string;
  /** Required port; any when absent. */
  port?: number;
}

const LOOPBACK = (h: string) => h === "localhost" || h === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h);

/** Splits a Host header into name and port (`[::1]:3000`, `example.com`, `10.0.0.1:80`); null when malformed. */
export function splitHost(host: string): { name: string; port?: number } | null {
  const m = /^(?:\[([0-9a-f:.]+)\]|([^:[\]]+))(?::(\d{1,5}))?$/i.exec(host.trim());
  if (!m) return null;
  const name = (m[1] ?? m[2] ?? "").toLowerCase().replace(/\.$/, "");
  if (name === "" || (m[1] !== undefined && isIP(name) !== 6)) return null;
  return m[3] === undefined ? { name } : { name, port: Number(m[3]) };
}

function strip(address: string | undefined): string {
  return (address ?? "").toLowerCase().replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, "");
}

export function isAllowedHost(host: string | undefined, localAddress: string | undefined, localPort: number | undefined, allowed: readonly AllowedHost[]): boolean {
  if (host === undefined || host === "") return false;
  const parsed = splitHost(host);
  if (!parsed) return false;
  const { name, port } = parsed;
  const samePort = port === undefined ? localPort === 80 || localPort === 443 : port === localPort;
  if ((LOOPBACK(name) || (isIP(name) !== 0 && name === strip(localAddress))) && samePort) return true;
  return allowed.some((a) => {
    const nameMatches = a.name.startsWith(".") ? name.endsWith(a.name) || name === a.name.slice(1) : name === a.name;
    // A Host without a port is the scheme's default one (80 or 443).
    const portMatches = a.port === undefined || (port === undefined ? a.port === 80 || a.port === 443 : port === a.port);
    return nameMatches && portMatches;
  });
}

/** The middleware: 421 HOST_NOT_ALLOWED for any other host, before sign-in. */
export function allowedHostsOnly(allowed: readonly AllowedHost[]): RequestHandler {
  return (req, _res, next) => {
    // req.host follows X-Forwarded-Host only when TRUST_PROXY trusts the hop it came from.
    const host = req.host;
    if (isAllowedHost(host, req.socket.localAddress, req.socket.localPort, allowed)) return next();
    const shown = (host ?? "").slice(0, 100);
    next(new ApiError("HOST_NOT_ALLOWED", `Expected a request for one of this server's host names (the loopback names, PUBLIC_URL or ALLOWED_HOSTS), but it is for '${shown}'`, { host: shown }));
  };
}
