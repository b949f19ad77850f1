/**
 * Errors the engine reports to callers. Each carries a stable `code`; the API maps codes to HTTP
 * statuses in one table (src/api/problem.ts). Messages say what was expected and what was found.
 */
export type EngineErrorCode =
  | "INVALID_ARGUMENT"
  | "INVALID_BPMN"
  | "INVALID_RESOURCE"
  | "NOT_FOUND"
  | "INVALID_STATE"
  | "ALREADY_COMPLETED"
  | "CONFLICT"
  | "LIMIT_EXCEEDED"
  | "UNSUPPORTED";

export interface Problem {
  /** Element id (or resource name) the problem is about, when there is one. */
  elementId?: string;
  resource?: string;
  message: string;
}

export class EngineError extends Error {
  constructor(
    readonly code: EngineErrorCode,
    message: string,
    readonly details: Problem[] = [],
  ) {
    super(message);
    this.name = "EngineError";
  }
}

export const notFound = (what: string, key: number | string) =>
  new EngineError("NOT_FOUND", `Expected to find ${what} with key '${key}', but none was found`);

export const invalidState = (what: string, key: number | string, expected: string, found: string) =>
  new EngineError("INVALID_STATE", `Expected ${what} '${key}' to be ${expected}, but it is ${found}`);
