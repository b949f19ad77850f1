/**
 * Small read-side helpers shared by the event specs (timers, messages, signals): they only read what
 * the engine's public API and history expose.
 */
import type { Engine } from "../../src/engine/engine.js";
import type { HistoryEntry } from "../../src/engine/state.js";

export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** The harness clock starts at 2026-01-01T00:00:00Z (a Thursday). */
export const START = Date.parse("2026-01-01T00:00:00Z");

/** Keys of the instances of a process id, oldest first (instances started by events have no creating call). */
export function instancesOf(engine: Engine, bpmnProcessId: string): number[] {
  return engine.store.processInstances({ bpmnProcessId }).map((p) => p.key).sort((a, b) => a - b);
}

/** History records of one type. */
export function records(engine: Engine, processInstanceKey: number, type: string): HistoryEntry[] {
  return engine.history(processInstanceKey).filter((r) => r.type === type);
}

/** How often an element completed in an instance. */
export function completions(engine: Engine, processInstanceKey: number, elementId: string): number {
  return records(engine, processInstanceKey, "ELEMENT_COMPLETED").filter((r) => r.elementId === elementId).length;
}

/** The waiting tokens of an instance, as element ids. */
export function waitingAt(engine: Engine, processInstanceKey: number): string[] {
  return engine.activeElements(processInstanceKey).map((e) => e.elementId);
}

/** The rejection of a promise (or null when it resolved). */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(() => null, (e: unknown) => e);
}
