/**
 * Our engine under load, through its public API only: createProcessInstance for (a)/(b), an
 * in-process worker plus completeUserTask for (c). Many commands are kept in flight at once so the
 * write lane groups them into few transactions (group commit); every promise we await resolves only
 * once its transaction committed.
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type Database from "better-sqlite3";
import type { DataSource } from "typeorm";
import { Engine } from "../../src/engine/engine.js";
import type { JobWorker } from "../../src/engine/workers.js";
import { openDatabase, type SynchronousMode } from "../../src/persistence/data-source.js";
import { collectGarbage, sleep, timeBoxed, type RunResult } from "./measure.js";
import { ALL_MODELS, SERVICE_JOB_TYPE, SERVICE_USER, modelXml, type BenchModel } from "./models.js";

export interface OurEngine {
  engine: Engine;
  db: Database.Database;
  dataSource: DataSource;
  /** Database file, or ":memory:". */
  dbPath: string;
  /** The in-process worker completing the service task's jobs (c). */
  worker: JobWorker;
  close(): Promise<void>;
}

/**
 * Opens an engine on a fresh database (":memory:" or a file in a new temp dir), deploys the three
 * models and starts the worker for the service task: its handler returns at once.
 */
export async function openOurEngine(options: { file: boolean; synchronous?: SynchronousMode }): Promise<OurEngine> {
  const dir = options.file ? mkdtempSync(path.join(tmpdir(), "dossier-bench-")) : undefined;
  const dbPath = dir ? path.join(dir, "engine.sqlite") : ":memory:";
  const { dataSource, db } = await openDatabase({ path: dbPath, synchronous: options.synchronous ?? "FULL" });
  const engine = await new Engine({ db, schedulerInterval: 0 }).start();
  await engine.deploy(ALL_MODELS.map((m) => ({ name: m.file, content: modelXml(m) })));
  const worker = engine.createWorker({ type: SERVICE_JOB_TYPE, handler: () => ({}), maxJobsActive: 500 });
  return {
    engine, db, dataSource, dbPath, worker,
    async close() {
      await engine.stop();
      if (dataSource.isInitialized) await dataSource.destroy();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Flow nodes completed by one instance, from its history (the process itself not counted). */
export function elementsCompleted(engine: Engine, processInstanceKey: number): number {
  return engine.history(processInstanceKey).filter((r) => r.type === "ELEMENT_COMPLETED" && r.elementType !== "PROCESS").length;
}

function laneDelta<T extends RunResult>(engine: Engine, before: { batches: number; commands: number }, result: T): T {
  const after = engine.laneStats;
  return { ...result, commits: after.batches - before.batches, commands: after.commands - before.commands };
}

function expectCompleted(engine: Engine, keys: number[], what: string): void {
  for (const key of keys) {
    const state = engine.processInstance(key)?.state;
    if (state !== "COMPLETED") throw new Error(`Expected every ${what} instance to be COMPLETED after the run, but instance ${key} is ${state ?? "missing"}`);
  }
}

/**
 * (a)/(b): each instance runs start to end inside its own createProcessInstance command; windows of
 * `window` commands are submitted at once and awaited (i.e. committed) before the next window.
 */
export async function runStraightThrough(e: OurEngine, model: BenchModel, seconds: number, window = 500): Promise<RunResult> {
  const before = { ...e.engine.laneStats };
  let last: number[] = [];
  const result = await timeBoxed(seconds, async () => {
    const created = await Promise.all(Array.from({ length: window }, () => e.engine.createProcessInstance({ bpmnProcessId: model.bpmnProcessId })));
    last = created.map((c) => c.processInstanceKey);
    return created.length;
  });
  expectCompleted(e.engine, last, model.label);
  return laneDelta(e.engine, before, result);
}

/**
 * (c): creates `n` instances in windows of `window` while the worker completes the service task's
 * jobs and a loop completes every user task it finds (engine.userTasks polling, completeUserTask in
 * batches). The clock stops when the engine reported all `n` instances finished.
 */
export async function runServiceUser(e: OurEngine, n: number, window = 500): Promise<RunResult> {
  const { engine } = e;
  const before = { ...engine.laneStats };
  const keys: number[] = [];
  let finished = 0;
  let allFinished!: () => void;
  const done = new Promise<void>((resolve) => (allFinished = resolve));
  const onFinished = () => {
    if (++finished === n) allFinished();
  };
  engine.events.on("finished", onFinished);
  let stop = false;
  const start = performance.now();
  try {
    const creator = (async () => {
      for (let i = 0; i < n; i += window) {
        const size = Math.min(window, n - i);
        const created = await Promise.all(Array.from({ length: size }, () => engine.createProcessInstance({ bpmnProcessId: SERVICE_USER.bpmnProcessId })));
        for (const c of created) keys.push(c.processInstanceKey);
      }
    })();
    const completer = (async () => {
      while (!stop) {
        const tasks = engine.userTasks({ state: "CREATED", elementId: "Task_Review" });
        if (tasks.length === 0) {
          await sleep(1);
          continue;
        }
        await Promise.all(tasks.map((t) => engine.completeUserTask(t.key)));
      }
    })();
    await creator;
    await Promise.race([done, completer]);
    stop = true;
    await completer;
  } finally {
    stop = true;
    engine.events.off("finished", onFinished);
  }
  const seconds = (performance.now() - start) / 1000;
  expectCompleted(engine, keys, SERVICE_USER.label);
  return laneDelta(engine, before, { count: n, seconds, rate: n / seconds });
}

/** One (c) instance through to its end, to count its element executions. */
export async function oneServiceUserInstance(e: OurEngine): Promise<number> {
  const { processInstanceKey } = await e.engine.createProcessInstance({ bpmnProcessId: SERVICE_USER.bpmnProcessId });
  for (;;) {
    const [task] = e.engine.userTasks({ processInstanceKey, state: "CREATED" });
    if (task) {
      await e.engine.completeUserTask(task.key);
      break;
    }
    await sleep(1);
  }
  if (e.engine.processInstance(processInstanceKey)?.state !== "COMPLETED") throw new Error(`Expected (c) instance ${processInstanceKey} to be COMPLETED`);
  return processInstanceKey;
}

export interface MemoryResult {
  instances: number;
  rssDelta: number;
  heapDelta: number;
  /** Database file size (incl. WAL) per waiting instance. */
  dbBytesPerInstance?: number;
  seconds: number;
}

/**
 * Resident memory per waiting instance: `n` instances of (c) are created on a file database and
 * left waiting at the user task; RSS and heap are compared after a full GC.
 */
export async function waitingMemory(n: number, window = 500): Promise<MemoryResult> {
  const e = await openOurEngine({ file: true, synchronous: "FULL" });
  try {
    const countWaiting = e.db.prepare(`SELECT COUNT(*) AS n FROM user_task WHERE state = 'CREATED'`);
    const waiting = () => (countWaiting.get() as { n: number }).n;
    // Warm-up: some instances all the way through, so code paths and statement caches exist.
    await runServiceUser(e, 1000);
    collectGarbage();
    await sleep(50);
    collectGarbage();
    const before = process.memoryUsage();
    const start = performance.now();
    for (let i = 0; i < n; i += window) {
      await Promise.all(Array.from({ length: Math.min(window, n - i) }, () => e.engine.createProcessInstance({ bpmnProcessId: SERVICE_USER.bpmnProcessId })));
    }
    while (waiting() < n) await sleep(5);
    const seconds = (performance.now() - start) / 1000;
    collectGarbage();
    await sleep(50);
    collectGarbage();
    const after = process.memoryUsage();
    const fileSize = (p: string) => { try { return statSync(p).size; } catch { return 0; } };
    const dbBytes = fileSize(e.dbPath) + fileSize(`${e.dbPath}-wal`);
    return {
      instances: n, seconds, rssDelta: (after.rss - before.rss) / n, heapDelta: (after.heapUsed - before.heapUsed) / n, dbBytesPerInstance: dbBytes / n,
    };
  } finally {
    await e.close();
  }
}

/** The (a)/(b) warm-up and the (c) warm-up, so JIT and statement caches are hot before measuring. */
export async function warmUp(e: OurEngine, models: BenchModel[], seconds = 0.5): Promise<void> {
  for (const model of models) {
    if (model === SERVICE_USER) await runServiceUser(e, 1000);
    else await runStraightThrough(e, model, seconds);
  }
}
