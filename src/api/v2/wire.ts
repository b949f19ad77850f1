/**
 * The wire conventions of the Camunda 8 REST API: keys are 64-bit integers written as decimal
 * strings, dates are ISO 8601 strings, the only tenant is `<default>`, and request bodies are
 * checked field by field with messages that say what was expected and what was found.
 */
import type { Request } from "express";
import { ApiError } from "../errors.js";

export const TENANT = "<default>";
const KEY = /^-?[0-9]{1,25}$/;

/** A value for a message, cut: a refused 4 MB list must not come back in the error. */
const show = (value: unknown) => {
  const text = typeof value === "string" ? `'${value}'` : value === undefined ? "nothing" : JSON.stringify(value) ?? String(value);
  return text.length > 200 ? `${text.slice(0, 200)}… (${text.length} characters)` : text;
};

function invalid(message: string): ApiError {
  return new ApiError("INVALID_ARGUMENT", message);
}

/** A key given as a decimal string (or a number) → the engine's number. */
export function toKey(value: unknown, what: string): number {
  const text = typeof value === "number" ? String(value) : value;
  if (typeof text !== "string" || !KEY.test(text)) throw invalid(`Expected ${what} to be a key (a decimal number as a string), but found ${show(value)}`);
  const key = Number(text);
  if (!Number.isSafeInteger(key) || key <= 0) throw new ApiError("NOT_FOUND", `Expected to find ${what} '${text}', but none was found`);
  return key;
}

export function keyParam(req: Request, name: string): number {
  return toKey(req.params[name], `the ${name}`);
}

export const wireKey = (key: number): string => String(key);
export const wireKeyOrNull = (key: number | null | undefined): string | null => (key === null || key === undefined ? null : String(key));
export const iso = (ms: number): string => new Date(ms).toISOString();
export const isoOrNull = (ms: number | null | undefined): string | null => (ms === null || ms === undefined ? null : iso(ms));

/** The JSON body as an object (`{}` when there is none). */
export function body(req: Request): Record<string, unknown> {
  const b = req.body as unknown;
  if (b === undefined || b === null || b === "") return {};
  if (typeof b !== "object" || Array.isArray(b)) throw invalid(`Expected a JSON object as the request body, but found ${Array.isArray(b) ? "an array" : typeof b}`);
  return b as Record<string, unknown>;
}

export function optString(o: Record<string, unknown>, name: string): string | undefined {
  const v = o[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "string") throw invalid(`Expected '${name}' to be a string, but found ${show(v)}`);
  return v;
}

export function reqString(o: Record<string, unknown>, name: string): string {
  const v = optString(o, name);
  if (v === undefined || v === "") throw invalid(`Expected '${name}' to be a non-empty string, but found ${show(o[name])}`);
  return v;
}

export function optInt(o: Record<string, unknown>, name: string, min = Number.MIN_SAFE_INTEGER): number | undefined {
  const v = o[name];
  if (v === undefined || v === null) return undefined;
  const n = typeof v === "string" && /^-?\d+$/.test(v) ? Number(v) : v;
  if (typeof n !== "number" || !Number.isSafeInteger(n) || n < min) throw invalid(`Expected '${name}' to be a whole number${min > Number.MIN_SAFE_INTEGER ? ` of at least ${min}` : ""}, but found ${show(v)}`);
  return n;
}

export function reqInt(o: Record<string, unknown>, name: string, min?: number): number {
  const v = optInt(o, name, min);
  if (v === undefined) throw invalid(`Expected '${name}' to be a whole number, but found nothing`);
  return v;
}

export function optBool(o: Record<string, unknown>, name: string): boolean | undefined {
  const v = o[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "boolean") throw invalid(`Expected '${name}' to be true or false, but found ${show(v)}`);
  return v;
}

export function optVariables(o: Record<string, unknown>, name = "variables"): Record<string, unknown> | undefined {
  const v = o[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "object" || Array.isArray(v)) throw invalid(`Expected '${name}' to be a JSON object of variables, but found ${show(v)}`);
  return v as Record<string, unknown>;
}

export function optStrings(o: Record<string, unknown>, name: string): string[] | undefined {
  const v = o[name];
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((s) => typeof s !== "string")) throw invalid(`Expected '${name}' to be a list of strings, but found ${show(v)}`);
  return v as string[];
}

/** A list of objects (`[]` when absent), e.g. the instructions of a modification. */
export function optObjects(o: Record<string, unknown>, name: string): Array<Record<string, unknown>> {
  const v = o[name];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((i) => !i || typeof i !== "object" || Array.isArray(i))) throw invalid(`Expected '${name}' to be a list of objects, but found ${show(v)}`);
  return v as Array<Record<string, unknown>>;
}

/** Multi-tenancy is not supported: only the default tenant is accepted. */
export function checkTenant(o: Record<string, unknown>, name = "tenantId"): void {
  const v = o[name];
  if (v !== undefined && v !== null && v !== TENANT) throw invalid(`Expected the tenant '${TENANT}' (multi-tenancy is not supported), but found ${show(v)}`);
}
