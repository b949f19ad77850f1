/**
 * Errors leave the server as application/problem+json (RFC 9457). One table maps every stable
 * error code (engine, identity, HTTP layer) to its HTTP status; nothing else, and never a stack
 * trace, is sent.
 */
import type { NextFunction, Request, Response } from "express";
import { EngineError, type EngineErrorCode } from "../engine/errors.js";
import { LimitExceededError } from "../engine/limits.js";
import { IdentityError, type IdentityErrorCode } from "../identity/errors.js";
import { DossierError, type DossierErrorCode } from "../dossiers/errors.js";
import { ApiError, type ApiErrorCode } from "./errors.js";

export type ErrorCode = EngineErrorCode | IdentityErrorCode | ApiErrorCode | DossierErrorCode;

export const STATUS: Record<ErrorCode, number> = {
  INVALID_ARGUMENT: 400,
  INVALID_BPMN: 400,
  INVALID_RESOURCE: 400,
  LIMIT_EXCEEDED: 400,
  VALIDATION_FAILED: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  CSRF_TOKEN_MISMATCH: 403,
  CROSS_SITE_REQUEST: 403,
  HOST_NOT_ALLOWED: 421,
  NOT_FOUND: 404,
  INVALID_STATE: 409,
  ALREADY_COMPLETED: 409,
  ALREADY_EXISTS: 409,
  CONFLICT: 409,
  VERSION_CONFLICT: 409,
  LENGTH_REQUIRED: 411,
  IDEMPOTENCY_KEY_REUSED: 422,
  PRECONDITION_REQUIRED: 428,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  TOO_MANY_REQUESTS: 429,
  TOO_MANY_ATTEMPTS: 429,
  UNSUPPORTED: 501,
  NOT_IMPLEMENTED: 501,
  DEADLINE_EXCEEDED: 504,
};

export function sendProblem(res: Response, status: number, title: string, detail: string, extra: Record<string, unknown> = {}): void {
  const instance = res.req?.originalUrl ?? "";
  res.status(status).type("application/problem+json").send(JSON.stringify({ type: "about:blank", title, status, detail, instance, ...extra }));
}

function send(res: Response, code: ErrorCode, detail: string, extra: Record<string, unknown> = {}): void {
  const status = STATUS[code] ?? 500;
  if (status === 401 && !res.req.get("x-requested-with")) res.set("WWW-Authenticate", 'Basic realm="dossier", Bearer');
  sendProblem(res, status, code, detail, extra);
}

export function problemHandler(log: (message: string) => void) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction): void => {
    if (res.headersSent) return void res.end();
    if (error instanceof LimitExceededError) return send(res, error.code, error.message, { limit: error.limit, max: error.max, found: error.found });
    if (error instanceof EngineError) return send(res, error.code, error.message, error.details.length ? { problems: error.details } : {});
    if (error instanceof ApiError) return send(res, error.code, error.message, error.extra);
    if (error instanceof DossierError) return send(res, error.code, error.message, { ...(error.problems.length ? { problems: error.problems } : {}), ...error.extra });
    if (error instanceof IdentityError) {
      if (error.retryAfterMs !== undefined) res.set("Retry-After", String(Math.ceil(error.retryAfterMs / 1000)));
      return send(res, error.code, error.message);
    }
    const e = error as { type?: string; name?: string; code?: string; message?: string; field?: string };
    // A malformed percent-encoding in the path (express/router answer decodeURIComponent's URIError with status 400).
    if (error instanceof URIError || (e?.name === "URIError")) return send(res, "INVALID_ARGUMENT", `Expected a well-formed percent-encoded path, but found '${req.originalUrl.slice(0, 200)}'`);
    if (e?.type === "entity.too.large") return send(res, "PAYLOAD_TOO_LARGE", "The request body is larger than allowed");
    if (e?.type === "entity.parse.failed") return send(res, "INVALID_ARGUMENT", `Expected a JSON body, but it does not parse: ${e.message ?? ""}`);
    if (e?.type === "charset.unsupported" || e?.type === "encoding.unsupported") return send(res, "UNSUPPORTED_MEDIA_TYPE", e.message ?? "Unsupported encoding");
    if (e?.name === "MulterError") {
      const tooLarge = ["LIMIT_FILE_SIZE", "LIMIT_FILE_COUNT", "LIMIT_FIELD_VALUE", "LIMIT_FIELD_COUNT", "LIMIT_PART_COUNT"].includes(e.code ?? "");
      return send(res, tooLarge ? "PAYLOAD_TOO_LARGE" : "INVALID_ARGUMENT", `Expected a valid multipart upload, but: ${e.message ?? e.code}${e.field ? ` (field '${e.field}')` : ""}`);
    }
    if (typeof e?.message === "string" && /^(Unexpected end of form|Malformed part header|Multipart: Boundary not found)/.test(e.message)) {
      return send(res, "INVALID_ARGUMENT", `Expected a well-formed multipart/form-data body, but: ${e.message}`);
    }
    // Any other client error raised by express or a body parser (http-errors with a 4xx status): its status, never a 500.
    const status = (error as { status?: unknown })?.status;
    if (typeof status === "number" && status >= 400 && status < 500 && (error as { expose?: unknown }).expose !== false) {
      return sendProblem(res, status, status === 413 ? "PAYLOAD_TOO_LARGE" : "INVALID_ARGUMENT", `Expected a well-formed request, but: ${String(e?.message ?? "").slice(0, 300)}`);
    }
    log(`Unexpected error on ${req.method} ${req.originalUrl}: ${(error as Error)?.stack ?? String(error)}`);
    sendProblem(res, 500, "INTERNAL_ERROR", "An unexpected error occurred; it has been logged");
  };
}
