/**
 * Waiting at scale (issue 3): many instances parked at a timer or a message catch event, on a file
 * database with synchronous=FULL, then released through the public API only.
 *
 *   (t) timers:   n instances wait at a PT1H timer catch; the ControlledClock moves by 1 h and
 *                 engine.fireDueTimers() fires them all → timers fired/s (each firing completes its instance).
 *   (m) messages: `subscriptions` instances wait at a message catch, each with its own correlation key
 *                 (created with many createProcessInstance calls in flight: the setup time is reported);
 *                 then messages are published for random keys, many in flight → correlations/s.
 *
 * Every run checks its outcome (all timers fired, every message correlated once, the instances
 * completed) so a fast wrong answer cannot pass for a result.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type Database from "better-sqlite3";
import type { DataSource } from "typeorm";
import { ControlledClock } from "../../src/engine/clock.js";
import { Engine } from "../../src/engine/engine.js";
import { openDatabase } from "../../src/persistence/data-source.js";
import { int, num, toSeries, type RunResult, type Series } from "./measure.js";

const MODELS_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "models");

export const TIMER_MODEL = { file: "timer-wait.bpmn", bpmnProcessId: "bench-timer", elementId: "Timer_Wait" };
export const MESSAGE_MODEL = { file: "message-wait.bpmn", bpmnProcessId: "bench-message", elementId: "Catch_Payment", messageName: "bench-payment" };
const HOUR = 3_600_000;

/** Flow nodes completed when a waiting instance is released: the catch event and the end event. */
export const ELEMENTS_PER_RELEASE = 2;

export interface EventEngine {
  engine: Engine;
  clock: ControlledClock;
  db: Database.Database;
  dataSource: DataSource;
  close(): Promise<void>;
}

/** A fresh file database (synchronous=FULL) in a temp dir, a ControlledClock, both models deployed, no scheduler. */
export async function openEventEngine(): Promise<EventEngine> {
  const dir = mkdtempSync(path.join(tmpdir(), "dossier-bench-events-"));
  const { dataSource, db } = await openDatabase({ path: path.join(dir, "engine.sqlite"), synchronous: "FULL" });
  const clock = new ControlledClock();
  const engine = await new Engine({ db, clock, schedulerInterval: 0 }).start();
  await engine.deploy([TIMER_MODEL, MESSAGE_MODEL].map((m) => ({ name: m.file, content: readFileSync(path.join(MODELS_DIR, m.file), "utf8") })));
  return {
    engine, clock, db, dataSource,
    async close() {
      await engine.stop();
      if (dataSource.isInitialized) await dataSource.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function counter(db: Database.Database, sql: string): (...params: unknown[]) => number {
  const stmt = db.prepare(sql);
  return (...params) => (stmt.get(...params) as { n: number }).n;
}

/** Open subscriptions of a kind (timers or messages) in the database. */
export function openSubscriptions(e: EventEngine, kind: "TIMER" | "MESSAGE"): number {
  return counter(e.db, `SELECT COUNT(*) AS n FROM event_subscription WHERE kind = ?`)(kind);
}

function activeInstances(e: EventEngine, bpmnProcessId: string): number {
  return counter(e.db, `SELECT COUNT(*) AS n FROM process_instance WHERE bpmn_process_id = ? AND state = 'ACTIVE'`)(bpmnProcessId);
}

async function timed(e: EventEngine, count: () => Promise<number>): Promise<RunResult> {
  const before = { ...e.engine.laneStats };
  const start = performance.now();
  const n = await count();
  const seconds = (performance.now() - start) / 1000;
  const after = e.engine.laneStats;
  return { count: n, seconds, rate: n / seconds, commits: after.batches - before.batches, commands: after.commands - before.commands };
}

/** Creates `n` instances, `window` createProcessInstance commands in flight at a time. */
export function createWaiting(e: EventEngine, bpmnProcessId: string, n: number, window: number, variables?: (i: number) => Record<string, unknown>): Promise<RunResult> {
  return timed(e, async () => {
    for (let i = 0; i < n; i += window) {
      const size = Math.min(window, n - i);
      await Promise.all(Array.from({ length: size }, (_, k) => e.engine.createProcessInstance({ bpmnProcessId, ...(variables ? { variables: variables(i + k) } : {}) })));
    }
    return n;
  });
}

export interface TimerRun {
  setup: RunResult;
  fire: RunResult;
}

/** (t) `n` instances waiting at a PT1H timer; the clock jumps 1 h; fireDueTimers fires them (timed). */
export async function runTimers(e: EventEngine, n: number, window: number): Promise<TimerRun> {
  if (openSubscriptions(e, "TIMER") !== 0) throw new Error(`Expected no open timer before a timer run, but found ${openSubscriptions(e, "TIMER")}`);
  const setup = await createWaiting(e, TIMER_MODEL.bpmnProcessId, n, window);
  const open = openSubscriptions(e, "TIMER");
  if (open !== n) throw new Error(`Expected ${n} open timers after the setup, but found ${open}`);
  e.clock.advance(HOUR);
  const fire = await timed(e, () => e.engine.fireDueTimers());
  if (fire.count !== n) throw new Error(`Expected fireDueTimers to fire ${n} timers after the 1 h jump, but it fired ${fire.count}`);
  const left = activeInstances(e, TIMER_MODEL.bpmnProcessId);
  if (left !== 0 || openSubscriptions(e, "TIMER") !== 0) throw new Error(`Expected every timer instance to be completed, but ${left} are still active`);
  return { setup, fire };
}

/** The correlation key of the i-th message-waiting instance. */
export const orderId = (i: number) => `order-${i}`;

/** (m) setup: `n` instances waiting at the message catch, instance i with correlation key orderId(i). */
export async function setupMessageWaits(e: EventEngine, n: number, window: number): Promise<RunResult> {
  const setup = await createWaiting(e, MESSAGE_MODEL.bpmnProcessId, n, window, (i) => ({ orderId: orderId(i) }));
  const open = openSubscriptions(e, "MESSAGE");
  if (open !== n) throw new Error(`Expected ${n} open message subscriptions after the setup, but found ${open}`);
  return setup;
}

/** The indices 0..n-1 in a fixed pseudo-random order (so consecutive messages hit unrelated index pages). */
export function shuffledIndices(n: number, seed = 12345): number[] {
  const out = Array.from({ length: n }, (_, i) => i);
  let s = seed >>> 0;
  for (let i = n - 1; i > 0; i--) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    const j = s % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/**
 * (m) publishes one message per index (the instance waiting with that key), `window` publishMessage
 * commands in flight at a time; each must correlate exactly once. Timed.
 */
export async function runCorrelations(e: EventEngine, indices: number[], window: number): Promise<RunResult> {
  const activeBefore = activeInstances(e, MESSAGE_MODEL.bpmnProcessId);
  const result = await timed(e, async () => {
    let correlated = 0;
    for (let i = 0; i < indices.length; i += window) {
      const batch = indices.slice(i, i + window);
      const published = await Promise.all(batch.map((k) => e.engine.publishMessage({ name: MESSAGE_MODEL.messageName, correlationKey: orderId(k), variables: { paid: true } })));
      published.forEach((p, j) => {
        if (p.correlations.length !== 1) throw new Error(`Expected the message for ${orderId(batch[j]!)} to correlate once, but it reached ${p.correlations.length} subscription(s)`);
      });
      correlated += published.length;
    }
    return correlated;
  });
  const completed = activeBefore - activeInstances(e, MESSAGE_MODEL.bpmnProcessId);
  if (completed !== indices.length) throw new Error(`Expected ${indices.length} message instances to complete, but ${completed} did`);
  return result;
}

// ── the two scenarios as `npm run bench` prints them ──────────────────────────────────────────────

export interface EventsBenchOptions {
  /** Which of the two to run. */
  timers: boolean;
  messages: boolean;
  /** Measured runs per scenario (after a warm-up). */
  runs: number;
  /** Timers per (t) run (BENCH_TIMERS, 10,000). */
  timerCount: number;
  /** Open message subscriptions at the start of each (m) run (BENCH_SUBSCRIPTIONS, 100,000). */
  subscriptions: number;
  /** Messages published per (m) run (BENCH_MESSAGES, 5,000). */
  messageCount: number;
  /** Commands in flight (createProcessInstance / publishMessage). */
  window: number;
  /** The raw SQLite single-row commit rate of the same bench run. */
  raw: Series;
  log: (line?: string) => void;
}

/** A line for the bench summary table (same fields as run.ts's rows). */
export interface EventsSummaryRow {
  scenario: string;
  engine: string;
  series: Series;
  elements: number;
  target: string;
}

const ENGINE_LABEL = "ours, SQLite file, sync=FULL";

function versusRaw(rate: number, raw: Series): string {
  return `${(rate / raw.median.rate).toFixed(1)}× the raw SQLite rate (${num(raw.median.rate)} single-row commits/s, same run)`;
}

function commitsOf(r: RunResult, unit: string): string {
  if (!r.commits) return "";
  return `, ${int(r.commits)} commits (${Math.round(r.count / r.commits)} ${unit}/commit)`;
}

async function timerScenario(e: EventEngine, o: EventsBenchOptions): Promise<EventsSummaryRow> {
  const label = `(t) ${int(o.timerCount)} timers, clock +1 h`;
  o.log(`${label}: ${int(o.timerCount)} instances wait at a PT1H timer catch (${o.window} createProcessInstance in flight), the ControlledClock moves 1 h, engine.fireDueTimers() is timed`);
  await runTimers(e, Math.min(1000, o.timerCount), o.window); // warm-up
  const runs: TimerRun[] = [];
  for (let i = 0; i < o.runs; i++) runs.push(await runTimers(e, o.timerCount, o.window));
  const series = toSeries(runs.map((r) => r.fire));
  const setup = toSeries(runs.map((r) => r.setup)).median;
  o.log(`  setup (each run)                   ${int(o.timerCount)} waiting instances created in ${setup.seconds.toFixed(2)} s (${num(setup.rate)} inst/s, median)`);
  o.log(`  ${ENGINE_LABEL.padEnd(34)} ${num(series.best.rate).padStart(8)} timers fired/s best, ${num(series.median.rate).padStart(8)} median  │ best run: ${int(series.best.count)} in ${series.best.seconds.toFixed(2)} s${commitsOf(series.best, "timers")}`);
  o.log(`  ${"".padEnd(34)} median = ${versusRaw(series.median.rate, o.raw)}`);
  return { scenario: label, engine: ENGINE_LABEL, series, elements: ELEMENTS_PER_RELEASE, target: "(timers fired/s)" };
}

async function messageScenario(e: EventEngine, o: EventsBenchOptions): Promise<EventsSummaryRow[]> {
  const label = `(m) publish, ${int(o.subscriptions)} open subscriptions`;
  o.log(`${label}: ${int(o.subscriptions)} instances wait at a message catch, one correlation key each; ${int(o.messageCount)} messages per run published for random keys, ${o.window} publishMessage in flight`);
  const setup = await setupMessageWaits(e, o.subscriptions, o.window);
  o.log(`  setup (once)                       ${int(o.subscriptions)} waiting instances created in ${setup.seconds.toFixed(1)} s (${num(setup.rate)} inst/s${commitsOf(setup, "instances")})`);
  // Keys are taken in a fixed random order; after each run as many new instances are created (not
  // timed), so every run starts with the same number of open subscriptions.
  const pool = shuffledIndices(o.subscriptions);
  let next = o.subscriptions;
  const take = (n: number) => pool.splice(0, n);
  const topUp = async (n: number) => {
    const from = next;
    await createWaiting(e, MESSAGE_MODEL.bpmnProcessId, n, o.window, (i) => ({ orderId: orderId(from + i) }));
    for (let i = 0; i < n; i++) pool.push(from + i);
    next += n;
  };
  const warmUp = Math.min(500, o.messageCount);
  await runCorrelations(e, take(warmUp), o.window);
  await topUp(warmUp);
  const results: RunResult[] = [];
  for (let i = 0; i < o.runs; i++) {
    const open = openSubscriptions(e, "MESSAGE");
    if (open !== o.subscriptions) throw new Error(`Expected ${o.subscriptions} open message subscriptions before run ${i + 1}, but found ${open}`);
    results.push(await runCorrelations(e, take(o.messageCount), o.window));
    await topUp(o.messageCount);
  }
  const series = toSeries(results);
  o.log(`  ${ENGINE_LABEL.padEnd(34)} ${num(series.best.rate).padStart(8)} correlations/s best, ${num(series.median.rate).padStart(8)} median  │ best run: ${int(series.best.count)} in ${series.best.seconds.toFixed(2)} s${commitsOf(series.best, "messages")}`);
  o.log(`  ${"".padEnd(34)} median = ${versusRaw(series.median.rate, o.raw)}`);
  return [
    { scenario: `(m) setup: ${int(o.subscriptions)} waiting instances`, engine: ENGINE_LABEL, series: toSeries([setup]), elements: 1, target: "(created inst/s, 1 run)" },
    { scenario: label, engine: ENGINE_LABEL, series, elements: ELEMENTS_PER_RELEASE, target: "(correlations/s)" },
  ];
}

/** Runs (t) and/or (m), each on a fresh file database; returns their summary rows. */
export async function eventsBench(o: EventsBenchOptions): Promise<EventsSummaryRow[]> {
  const rows: EventsSummaryRow[] = [];
  const scenarios: Array<(e: EventEngine) => Promise<void>> = [];
  if (o.timers) scenarios.push(async (e) => void rows.push(await timerScenario(e, o)));
  if (o.messages) scenarios.push(async (e) => void rows.push(...(await messageScenario(e, o))));
  for (const scenario of scenarios) {
    const e = await openEventEngine();
    try {
      await scenario(e);
    } finally {
      await e.close();
    }
    o.log();
  }
  return rows;
}
