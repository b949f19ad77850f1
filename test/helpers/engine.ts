/**
 * Test harness: a real SQLite file in a fresh temp directory, migrations applied, a controlled clock.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { DataSource } from "typeorm";
import { ControlledClock } from "../../src/engine/clock.js";
import { Engine } from "../../src/engine/engine.js";
import { openDatabase, type SynchronousMode } from "../../src/persistence/data-source.js";

export const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "fixtures");

export function fixture(name: string): Buffer {
  return readFileSync(path.join(FIXTURES, name));
}

export interface TestEngine {
  engine: Engine;
  clock: ControlledClock;
  dataSource: DataSource;
  dir: string;
  dbPath: string;
  /** Reopens the same database file in a new engine (a restart). */
  restart(): Promise<TestEngine>;
  close(): Promise<void>;
}

interface TestEngineOptions {
  dir?: string;
  synchronous?: SynchronousMode;
  clock?: ControlledClock;
  schedulerInterval?: number;
}

export async function startTestEngine(options: TestEngineOptions = {}): Promise<TestEngine> {
  return start(options, options.dir === undefined);
}

/** `ownsDir`: the harness made the temp directory, so close() removes it (also after restarts). */
async function start(options: TestEngineOptions, ownsDir: boolean): Promise<TestEngine> {
  const dir = options.dir ?? mkdtempSync(path.join(tmpdir(), "dossier-test-"));
  const dbPath = path.join(dir, "engine.sqlite");
  const clock = options.clock ?? new ControlledClock();
  const { dataSource, db } = await openDatabase({ path: dbPath, synchronous: options.synchronous ?? "NORMAL" });
  const engine = await new Engine({ db, clock, schedulerInterval: options.schedulerInterval ?? 0 }).start();
  const shutdown = async () => {
    await engine.stop();
    if (dataSource.isInitialized) await dataSource.destroy();
  };
  return {
    engine, clock, dataSource, dir, dbPath,
    async restart() {
      await shutdown();
      return start({ ...options, dir, clock }, ownsDir);
    },
    async close() {
      await shutdown();
      if (ownsDir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Deploys fixture files by name. */
export async function deployFixtures(engine: Engine, ...names: string[]) {
  return engine.deploy(names.map((name) => ({ name: path.basename(name), content: fixture(name) })));
}

/** The element ids of the history records of a given type, in order. */
export function visited(engine: Engine, processInstanceKey: number, type = "ELEMENT_COMPLETED"): string[] {
  return engine.history(processInstanceKey).filter((r) => r.type === type).map((r) => r.elementId!);
}
