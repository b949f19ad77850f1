/**
 * Errors of the customer-file modules (dossiers, parties, documents). Each code maps to one HTTP
 * status in api/problem.ts. `problems` lists every wrong field with the reason (validation);
 * `extra` carries e.g. the current version on a conflict.
 */
export type DossierErrorCode =
  | "INVALID_ARGUMENT"
  | "VALIDATION_FAILED"
  | "NOT_FOUND"
  | "FORBIDDEN"
  | "VERSION_CONFLICT"
  | "PRECONDITION_REQUIRED"
  | "INVALID_STATE"
  | "ALREADY_EXISTS"
  | "IDEMPOTENCY_KEY_REUSED"
  | "PAYLOAD_TOO_LARGE"
  | "UNSUPPORTED_MEDIA_TYPE";

export interface FieldProblem {
  /** The field, e.g. `data.amount`, `parties[0].party.email`, `file`. */
  field: string;
  message: string;
}

export class DossierError extends Error {
  constructor(
    readonly code: DossierErrorCode,
    message: string,
    readonly problems: FieldProblem[] = [],
    readonly extra: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = "DossierError";
  }
}

/** Throws one VALIDATION_FAILED error listing every problem, or returns when there is none. */
export function failOn(problems: FieldProblem[], what: string): void {
  if (problems.length === 0) return;
  const list = problems.map((p) => `${p.field}: ${p.message}`).join("; ");
  throw new DossierError("VALIDATION_FAILED", `Expected ${what} to be valid, but ${problems.length} field${problems.length > 1 ? "s are" : " is"} wrong: ${list}`, problems);
}
