/** Errors of the identity module; each `code` maps to one HTTP status in src/api/problem.ts. */
export type IdentityErrorCode = "NOT_FOUND" | "ALREADY_EXISTS" | "INVALID_ARGUMENT" | "UNAUTHENTICATED" | "FORBIDDEN" | "TOO_MANY_ATTEMPTS";

export class IdentityError extends Error {
  constructor(
    readonly code: IdentityErrorCode,
    message: string,
    /** For TOO_MANY_ATTEMPTS: when the caller may try again, in ms. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = "IdentityError";
  }
}
