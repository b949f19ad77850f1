/**
 * After every /v2 route: an operation of the Camunda API that Dossier does not serve answers 501
 * (naming it), anything else 404 — always as problem+json, and only to signed-in callers.
 */
import type { RequestHandler } from "express";
import { ApiError, notImplemented } from "../errors.js";
import { CAMUNDA_OPERATIONS } from "./camunda-operations.js";

const PATTERNS = CAMUNDA_OPERATIONS.map((op) => {
  const [method, path] = op.split(" ") as [string, string];
  return { op, method, re: new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}]+\}/g, "[^/]+")}/?$`) };
});

export function camundaOperation(method: string, path: string): string | undefined {
  return PATTERNS.find((p) => p.method === method && p.re.test(path))?.op;
}

export const v2Fallback: RequestHandler = (req, res, next) => {
  if (!res.locals["principal"]) return next(new ApiError("UNAUTHENTICATED", "Expected credentials (HTTP Basic, a bearer token or a session cookie), but found none"));
  const op = camundaOperation(req.method, req.path);
  if (op) return next(notImplemented(op, `'${op}' of the Camunda 8 REST API is not supported by Dossier yet`));
  next(new ApiError("NOT_FOUND", `No route for ${req.method} /v2${req.path}`));
};
