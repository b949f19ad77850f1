/**
 * The portal session of a request: the `dossier_portal` cookie (HttpOnly, SameSite=Lax, Secure
 * when configured), its CSRF token in `X-Portal-CSRF` on every state change. The back-office
 * session cookie is never read here, and this cookie is never read by the back office.
 */
import type { RequestHandler, Response } from "express";
import { ApiError } from "../api/errors.js";
import { readCookie, sessionCookie } from "../api/http/cookies.js";
import type { Domain } from "../dossiers/domain.js";
import { PORTAL_COOKIE, PORTAL_CSRF_HEADER, sameSecret, type PortalAccounts } from "./accounts.js";
import type { PortalVisitor } from "./api.js";
import { dossierIdsOfParty } from "./visitor.js";

const SAFE = new Set(["GET", "HEAD", "OPTIONS"]);
const VISITOR = "portalVisitor";

export function setPortalCookie(res: Response, cookie: string, secure: boolean): void {
  res.append("Set-Cookie", sessionCookie(PORTAL_COOKIE, cookie, { secure }));
}

export function clearPortalCookie(res: Response, secure: boolean): void {
  res.append("Set-Cookie", sessionCookie(PORTAL_COOKIE, "", { secure, maxAgeSeconds: 0 }));
}

export function visitorSession(accounts: PortalAccounts, domain: Domain, options: { required: boolean }): RequestHandler {
  return (req, res, next) => {
    const cookie = readCookie(req.get("cookie"), PORTAL_COOKIE);
    const session = cookie ? accounts.session(cookie) : undefined;
    const account = session ? accounts.byId(session.accountId) : undefined;
    if (!session || !account) {
      if (options.required) return next(new ApiError("UNAUTHENTICATED", "Expected a portal session: sign in at /portail with your e-mail address"));
      return next();
    }
    if (!SAFE.has(req.method)) {
      const sent = req.get(PORTAL_CSRF_HEADER);
      if (!sent || !sameSecret(sent, session.csrfToken)) {
        return next(new ApiError("CSRF_TOKEN_MISMATCH", `Expected the portal session's CSRF token in the ${PORTAL_CSRF_HEADER} header of this ${req.method} request, but ${sent ? "it does not match" : "found none"}`));
      }
    }
    const party = domain.parties.get(account.partyId);
    const visitor: PortalVisitor = {
      accountId: account.id, partyId: party?.id ?? account.partyId, locale: party?.language === "en" ? "en" : account.locale,
      dossierIds: dossierIdsOfParty(domain, party?.id ?? account.partyId),
    };
    res.locals[VISITOR] = visitor;
    res.locals["portalCsrf"] = session.csrfToken;
    res.locals["portalCookie"] = cookie;
    res.locals["portalLinkId"] = session.linkId;
    next();
  };
}

export function visitorOf(res: Response): PortalVisitor {
  const v = res.locals[VISITOR] as PortalVisitor | undefined;
  if (!v) throw new ApiError("UNAUTHENTICATED", "Expected a portal session: sign in at /portail with your e-mail address");
  return v;
}

export function maybeVisitor(res: Response): PortalVisitor | undefined {
  return res.locals[VISITOR] as PortalVisitor | undefined;
}
