/**
 * Every route names the permission it needs with `allow(...)` as its first handler; a test walks
 * the routers and fails on a route without one. `public` routes need no sign-in;
 * `authenticated` ones only a signed-in user.
 */
import type { NextFunction, Request, RequestHandler, Response } from "express";
import type { Principal } from "../../identity/identity.js";
import type { Permission } from "../../identity/roles.js";
import { ApiError } from "../errors.js";

export type RoutePermission = Permission | "public" | "authenticated";

export interface Guard extends RequestHandler {
  readonly permission: RoutePermission;
}

export function allow(permission: RoutePermission): Guard {
  const guard = (_req: Request, res: Response, next: NextFunction) => {
    if (permission === "public") return next();
    const principal = res.locals["principal"] as Principal | undefined;
    if (!principal) return next(new ApiError("UNAUTHENTICATED", "Expected credentials (HTTP Basic, a bearer token or a session cookie), but found none"));
    if (permission !== "authenticated" && !principal.permissions.has(permission)) {
      return next(new ApiError("FORBIDDEN", `Expected the permission '${permission}', but user '${principal.username}' (roles: ${principal.roles.join(", ") || "none"}) does not have it`));
    }
    next();
  };
  return Object.assign(guard, { permission });
}

/** The signed-in caller of a guarded route. */
export function principalOf(res: Response): Principal {
  const principal = res.locals["principal"] as Principal | undefined;
  if (!principal) throw new ApiError("UNAUTHENTICATED", "Expected a signed-in user, but found none");
  return principal;
}

export function can(principal: Principal, permission: Permission): boolean {
  return principal.permissions.has(permission);
}
