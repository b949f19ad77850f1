/**
 * The resource budget of every command: how large a variable may be (bytes and nesting depth), how
 * many items a command may iterate (multi-instance input, ad-hoc activations, modification
 * instructions, signal fan-out), how long FEEL may run, how long BPMN attributes may be. The engine
 * takes them through EngineOptions (defaults below; src/config.ts reads them from the environment)
 * and checks them where the work happens, so every route and every in-process caller is covered.
 * A refused command is a LimitExceededError naming the limit (its setting) and the value found:
 * a 400 problem from the API.
 */
import { EngineError } from "./errors.js";
import { DEFAULT_FEEL_LIMITS, type FeelLimits } from "./feel-budget.js";

export interface EngineLimits {
  /** Largest value of one variable, as JSON, bytes (MAX_VARIABLE_BYTES). Also the largest FEEL result. */
  maxVariableBytes: number;
  /** Deepest nesting of lists and contexts in one variable (MAX_VARIABLE_DEPTH). */
  maxVariableDepth: number;
  /** Most items one command iterates: multi-instance input, ad-hoc activations, instructions (MAX_COLLECTION_ITEMS). */
  maxCollectionItems: number;
  /** Most waiting events one signal broadcast may trigger (MAX_SIGNAL_FANOUT). */
  maxSignalFanOut: number;
  /** FEEL deadlines (FEEL_TIMEOUT_MS, FEEL_COMMAND_BUDGET_MS); maxResultBytes follows maxVariableBytes. */
  feelTimeoutMs: number;
  feelCommandBudgetMs: number;
  /** Longest `name` of a BPMN element, characters (BPMN_MAX_NAME_LENGTH). */
  bpmnMaxNameLength: number;
  /** Longest other BPMN attribute or text (documentation, expressions, scripts), characters (BPMN_MAX_ATTRIBUTE_LENGTH). */
  bpmnMaxAttributeLength: number;
}

export const DEFAULT_LIMITS: Readonly<EngineLimits> = Object.freeze({
  maxVariableBytes: 1024 * 1024,
  maxVariableDepth: 64,
  maxCollectionItems: 1000,
  maxSignalFanOut: 10_000,
  feelTimeoutMs: DEFAULT_FEEL_LIMITS.timeoutMs,
  feelCommandBudgetMs: DEFAULT_FEEL_LIMITS.commandBudgetMs,
  bpmnMaxNameLength: 1000,
  bpmnMaxAttributeLength: 20_000,
});

export function engineLimits(overrides: Partial<EngineLimits> = {}): EngineLimits {
  return { ...DEFAULT_LIMITS, ...overrides };
}

export function feelLimitsOf(limits: EngineLimits): FeelLimits {
  return { timeoutMs: limits.feelTimeoutMs, commandBudgetMs: limits.feelCommandBudgetMs, maxResultBytes: limits.maxVariableBytes, maxResultDepth: limits.maxVariableDepth };
}

/** The names of the settings, for messages (the environment variables of src/config.ts). */
export const LIMIT_SETTINGS: Readonly<Record<keyof EngineLimits, string>> = {
  maxVariableBytes: "MAX_VARIABLE_BYTES",
  maxVariableDepth: "MAX_VARIABLE_DEPTH",
  maxCollectionItems: "MAX_COLLECTION_ITEMS",
  maxSignalFanOut: "MAX_SIGNAL_FANOUT",
  feelTimeoutMs: "FEEL_TIMEOUT_MS",
  feelCommandBudgetMs: "FEEL_COMMAND_BUDGET_MS",
  bpmnMaxNameLength: "BPMN_MAX_NAME_LENGTH",
  bpmnMaxAttributeLength: "BPMN_MAX_ATTRIBUTE_LENGTH",
};

/** A command over budget: code LIMIT_EXCEEDED (400), with the limit's setting, its value and what was found. */
export class LimitExceededError extends EngineError {
  constructor(
    readonly limit: string,
    readonly max: number,
    readonly found: number,
    message: string,
  ) {
    super("LIMIT_EXCEEDED", message);
    this.name = "LimitExceededError";
  }
}

export function checkCollection(limits: EngineLimits, count: number, what: string): void {
  if (count > limits.maxCollectionItems) {
    throw new LimitExceededError("MAX_COLLECTION_ITEMS", limits.maxCollectionItems, count, `Expected ${what} to have at most ${limits.maxCollectionItems} items (MAX_COLLECTION_ITEMS), but found ${count}`);
  }
}

/** Message for an incident when a collection read from variables is too long, or null. */
export function collectionProblem(limits: EngineLimits, count: number, what: string): string | null {
  return count > limits.maxCollectionItems ? `Expected ${what} to have at most ${limits.maxCollectionItems} items (MAX_COLLECTION_ITEMS), but found ${count}` : null;
}

/**
 * Checks one variable's size and depth without recursion (a deeply nested value must not overflow
 * the checker's stack either) and without serialising more than the limit allows to be read.
 */
export function checkVariableValue(limits: EngineLimits, name: string, value: unknown): void {
  const depth = depthOf(value, limits.maxVariableDepth);
  if (depth > limits.maxVariableDepth) {
    throw new LimitExceededError("MAX_VARIABLE_DEPTH", limits.maxVariableDepth, depth, `Expected variable '${name}' to be nested at most ${limits.maxVariableDepth} levels deep (MAX_VARIABLE_DEPTH), but found more than ${limits.maxVariableDepth}`);
  }
  const bytes = Buffer.byteLength(JSON.stringify(value ?? null));
  if (bytes > limits.maxVariableBytes) {
    throw new LimitExceededError("MAX_VARIABLE_BYTES", limits.maxVariableBytes, bytes, `Expected variable '${name}' to take at most ${limits.maxVariableBytes} bytes as JSON (MAX_VARIABLE_BYTES), but found ${bytes}`);
  }
}

/** Nesting depth of lists and objects, stopping as soon as it passes `max` (returns max + 1 then). */
export function depthOf(value: unknown, max: number): number {
  let deepest = 0;
  const stack: Array<[unknown, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [current, depth] = stack.pop()!;
    if (current === null || typeof current !== "object") continue;
    const level = depth + 1;
    if (level > max) return max + 1;
    if (level > deepest) deepest = level;
    for (const child of Array.isArray(current) ? current : Object.values(current)) {
      if (child !== null && typeof child === "object") stack.push([child, level]);
    }
  }
  return deepest;
}
