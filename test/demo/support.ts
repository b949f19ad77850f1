/**
 * What the demo specs share: a fresh engine with the whole processes/ library deployed before each
 * spec, and the check that a step waits as one task offered to the expected group with its form.
 */
import { expect } from "chai";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { deployFolder } from "../../src/main.js";
import type { UserTaskRow } from "../../src/engine/state.js";
import { startTestEngine, type TestEngine } from "../helpers/engine.js";

export const PROCESSES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "processes");

export interface DemoLibrary {
  readonly t: TestEngine;
  openTasks(pi: number, elementId: string): UserTaskRow[];
  /** The one open task of that element, offered to `group` with the form `form`. */
  openTask(pi: number, elementId: string, group: string, form: string): UserTaskRow;
  complete(task: UserTaskRow, variables?: Record<string, unknown>): Promise<void>;
}

/** Registers the before/after hooks of a demo suite; call it inside `describe`. */
export function useDemoLibrary(): DemoLibrary {
  let t: TestEngine | undefined;
  let formIds = new Map<number, string>();
  beforeEach(async () => {
    t = await startTestEngine();
    const deployment = await deployFolder(t.engine, PROCESSES);
    formIds = new Map(deployment!.forms.map((f) => [f.formKey, f.formId]));
  });
  afterEach(async () => {
    await t?.close();
  });
  const library: DemoLibrary = {
    get t() {
      return t!;
    },
    openTasks: (pi, elementId) => t!.engine.userTasks({ processInstanceKey: pi, elementId, state: "CREATED" }),
    openTask(pi, elementId, group, form) {
      const tasks = library.openTasks(pi, elementId);
      expect(tasks, `open '${elementId}' tasks`).to.have.length(1);
      expect(tasks[0]!.candidateGroups, `candidate groups of '${elementId}'`).to.deep.equal([group]);
      expect(formIds.get(tasks[0]!.formKey!), `form of '${elementId}'`).to.equal(form);
      return tasks[0]!;
    },
    complete: (task, variables = {}) => t!.engine.completeUserTask(task.key, variables),
  };
  return library;
}
