/**
 * Small helpers shared by the composition specs (errors, events, call activities, multi-instance,
 * ad-hoc sub-processes, operations): awaiting a refusal, activating one job, finding live tokens.
 */
import { expect } from "chai";
import { EngineError } from "../../src/engine/errors.js";
import type { Engine } from "../../src/engine/engine.js";

/** The EngineError a command was rejected with (fails the spec when it was accepted). */
export async function rejection(promise: Promise<unknown>): Promise<EngineError> {
  const outcome = await promise.then(() => undefined, (error: unknown) => error);
  expect(outcome, "the command should have been rejected").to.be.instanceOf(EngineError);
  return outcome as EngineError;
}

/** Polls until `condition` holds (for in-process workers, which run after the command commits). */
export async function until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Activates exactly one job of a type (fails the spec when there is none). */
export async function activateOne(engine: Engine, type: string) {
  const [job] = await engine.activateJobs({ type, timeout: 60_000, maxJobsToActivate: 1 });
  expect(job, `a job of type '${type}'`).to.not.equal(undefined);
  return job!;
}

/** Activates every available job of a type, in creation order. */
export async function activateAll(engine: Engine, type: string) {
  return engine.activateJobs({ type, timeout: 60_000, maxJobsToActivate: 100 });
}

/** The live element instances of an element, in creation order. */
export function tokensAt(engine: Engine, processInstanceKey: number, elementId: string) {
  return engine.activeElements(processInstanceKey).filter((e) => e.elementId === elementId);
}

/** The single live element instance of an element. */
export function tokenAt(engine: Engine, processInstanceKey: number, elementId: string) {
  const tokens = tokensAt(engine, processInstanceKey, elementId);
  expect(tokens, `one live token at '${elementId}'`).to.have.length(1);
  return tokens[0]!;
}

/** History records of one type, optionally of one element. */
export function records(engine: Engine, processInstanceKey: number, type: string, elementId?: string) {
  return engine.history(processInstanceKey).filter((r) => r.type === type && (elementId === undefined || r.elementId === elementId));
}

/** The open user task of an element (fails the spec when there is not exactly one). */
export function openTask(engine: Engine, processInstanceKey: number, elementId: string) {
  const tasks = engine.userTasks({ processInstanceKey, elementId, state: "CREATED" });
  expect(tasks, `one open user task at '${elementId}'`).to.have.length(1);
  return tasks[0]!;
}
