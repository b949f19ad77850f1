/**
 * Errors leave the server as application/problem+json (RFC 9457). One table maps the engine's
 * stable codes to HTTP statuses; nothing else (no stack trace) is ever sent.
 */
import type { NextFunction, Request, Response } from "express";
import { EngineError, type EngineErrorCode } from "../engine/errors.js";

const STATUS: Record<EngineErrorCode, number> = {
  INVALID_ARGUMENT: 400,
  INVALID_BPMN: 400,
  INVALID_RESOURCE: 400,
  NOT_FOUND: 404,
  INVALID_STATE: 409,
  ALREADY_COMPLETED: 409,
  CONFLICT: 409,
  UNSUPPORTED: 501,
};

export function sendProblem(res: Response, status: number, title: string, detail: string, extra: Record<string, unknown> = {}): void {
  res.status(status).type("application/problem+json").send(JSON.stringify({ type: "about:blank", title, status, detail, ...extra }));
}

export function problemHandler(log: (message: string) => void) {
  return (error: unknown, req: Request, res: Response, _next: NextFunction): void => {
    if (error instanceof EngineError) {
      sendProblem(res, STATUS[error.code], error.code, error.message, { instance: req.originalUrl, ...(error.details.length ? { problems: error.details } : {}) });
      return;
    }
    const e = error as { type?: string; status?: number; message?: string };
    if (e?.type === "entity.too.large") return sendProblem(res, 413, "PAYLOAD_TOO_LARGE", "The request body is larger than allowed", { instance: req.originalUrl });
    if (e?.type === "entity.parse.failed") return sendProblem(res, 400, "INVALID_ARGUMENT", `Expected a JSON body, but it does not parse: ${e.message ?? ""}`, { instance: req.originalUrl });
    log(`Unexpected error on ${req.method} ${req.originalUrl}: ${(error as Error)?.stack ?? String(error)}`);
    sendProblem(res, 500, "INTERNAL_ERROR", "An unexpected error occurred; it has been logged", { instance: req.originalUrl });
  };
}
