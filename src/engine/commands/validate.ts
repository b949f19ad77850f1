/** Argument checks shared by the commands; failures are INVALID_ARGUMENT with what was found. */
import { EngineError } from "../errors.js";
import { checkCollection, checkVariableValue, type EngineLimits } from "../limits.js";

/**
 * A variables document as the engine takes it: a JSON object with non-empty names; with `limits`,
 * also at most MAX_COLLECTION_ITEMS variables, each within MAX_VARIABLE_BYTES and MAX_VARIABLE_DEPTH
 * (checked before anything walks the values recursively).
 */
export function checkVariables(variables: unknown, what = "variables", limits?: EngineLimits): Record<string, unknown> {
  if (variables === undefined || variables === null) return {};
  if (typeof variables !== "object" || Array.isArray(variables)) {
    throw new EngineError("INVALID_ARGUMENT", `Expected ${what} to be a JSON object, but found ${Array.isArray(variables) ? "an array" : typeof variables}`);
  }
  const names = Object.keys(variables);
  if (limits) checkCollection(limits, names.length, what);
  for (const name of names) {
    if (name === "") throw new EngineError("INVALID_ARGUMENT", `Expected ${what} to have non-empty names, but found an empty name`);
    if (limits) checkVariableValue(limits, name, (variables as Record<string, unknown>)[name]);
  }
  return variables as Record<string, unknown>;
}

export function checkKey(key: unknown, what: string): number {
  const n = typeof key === "string" && /^\d+$/.test(key) ? Number(key) : key;
  if (typeof n !== "number" || !Number.isSafeInteger(n) || n <= 0) {
    throw new EngineError("INVALID_ARGUMENT", `Expected ${what} to be a positive integer key, but found '${String(key)}'`);
  }
  return n;
}

export function checkCount(value: unknown, what: string, min: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
    throw new EngineError("INVALID_ARGUMENT", `Expected ${what} to be a whole number of at least ${min}, but found '${String(value)}'`);
  }
  return value;
}
