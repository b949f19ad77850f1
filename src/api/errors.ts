/** Errors raised by the HTTP layer itself; each `code` maps to one status in problem.ts. */
export type ApiErrorCode =
  | "INVALID_ARGUMENT"
  | "UNAUTHENTICATED"
  | "FORBIDDEN"
  | "CSRF_TOKEN_MISMATCH"
  | "CROSS_SITE_REQUEST"
  | "HOST_NOT_ALLOWED"
  | "NOT_FOUND"
  | "LENGTH_REQUIRED"
  | "PAYLOAD_TOO_LARGE"
  | "UNSUPPORTED_MEDIA_TYPE"
  | "TOO_MANY_REQUESTS"
  | "NOT_IMPLEMENTED"
  | "DEADLINE_EXCEEDED";

export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    /** Extra members of the problem document (e.g. `missingCapability`). */
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "ApiError";
  }
}

/** A route Dossier knows but cannot serve yet: a 501 naming what is missing. */
export function notImplemented(capability: string, detail: string): ApiError {
  return new ApiError("NOT_IMPLEMENTED", detail, { missingCapability: capability });
}
