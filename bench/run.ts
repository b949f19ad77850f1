/**
 * `npm run bench`: our engine against bpmn-engine on the same models, in the same run.
 *
 *   (a) start → 10 tasks → end            in memory, target ≥ 50× bpmn-engine (+ ours on a FULL file DB, informational)
 *   (b) 10-branch parallel fork and join   in memory, target ≥ 50× bpmn-engine
 *   (c) start → service task (in-process worker) → user task (engine API) → end,
 *       durable on SQLite with synchronous=FULL, target ≥ 1,000 completed instances/s
 *   raw SQLite single-row commits/s (WAL, FULL, same filesystem) and memory per waiting instance.
 *   (t) 10,000 waiting timers fired after a 1 h clock jump, timers fired/s; (m) message correlations/s with
 *       100,000 open subscriptions (bench/lib/events.ts); both on a FULL file DB, printed beside the raw SQLite rate.
 *
 * Groups: `npm run bench -- http search` runs only those (else BENCH_ONLY, else everything): sqlite, a, b, c, http
 * (bench/http.ts: the HTTP path, issue 8 part 3), search (bench/search.ts: searches on 1M tasks, issue 8 part 4), mem, timers, messages,
 * dossiers (bench/dossiers.ts: the customer file at 100,000 dossiers, issue 9 §10), archive (bench/archive.ts: deposit and audit beside sha256sum, issue 13), render (bench/render.ts: contract PDFs/s, pool vs a bare page, issue 11).
 * Environment: BENCH_ONLY=sqlite,a,b,c,http,mem (subset to run), plus timers,messages,search, BENCH_ENGINES=ours,bpmn-engine, BENCH_SECONDS (per timed run, default 1.5),
 * BENCH_RUNS (default 3), BENCH_C_INSTANCES (default 3000), BENCH_MEM_INSTANCES (default 20000),
 * BENCH_MEM_BPMN_ENGINE_INSTANCES (default 1000), BENCH_TIMERS (10000), BENCH_SUBSCRIPTIONS (100000), BENCH_MESSAGES (5000 per run). The PASS/MISS column is informational: the exit code
 * is 0 whatever the figures (non-zero only if the bench itself breaks).
 */
import { execFile } from "node:child_process";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { httpBench } from "./http.js";
import { searchBench } from "./search.js";
import { dossiersBench } from "./dossiers.js";
import { sealBench } from "./seal.js";
import { archiveBench } from "./archive.js";
import { renderBench } from "./render.js";
import { mailIntakeBench } from "./mail-intake.js";
import { mailSendBench } from "./mail-send.js";
import { kpiBench } from "./kpi.js";
import { dunningBench } from "./dunning.js";
import * as be from "./lib/bpmn-engine.js";
import { eventsBench } from "./lib/events.js";
import { bytes, int, interleave, num, ratio, repeat, table, type RunResult, type Series } from "./lib/measure.js";
import { PARALLEL, SEQUENCE, SERVICE_USER, type BenchModel } from "./lib/models.js";
import * as ours from "./lib/ours.js";
import { commitRate, filesystemOf, sqliteVersion } from "./lib/sqlite-raw.js";

const env = process.env;
/** `npm run bench -- http search`: groups named on the command line, else BENCH_ONLY, else all but search. */
const named = process.argv.slice(2).filter((a) => !a.startsWith("-")).join(",");
const config = {
  only: new Set((named || env["BENCH_ONLY"] || "sqlite,a,b,c,http,mem,timers,messages,search,dossiers").split(",").map((s) => s.trim().toLowerCase()).filter(Boolean)),
  /** BENCH_ENGINES=ours (e.g. to profile our engine alone) or bpmn-engine; both by default. */
  engines: new Set((env["BENCH_ENGINES"] ?? "ours,bpmn-engine").split(",").map((s) => s.trim().toLowerCase()).filter(Boolean)),
  seconds: Number(env["BENCH_SECONDS"] ?? 1.5),
  runs: Number(env["BENCH_RUNS"] ?? 3),
  cInstances: Number(env["BENCH_C_INSTANCES"] ?? 3000),
  memInstances: Number(env["BENCH_MEM_INSTANCES"] ?? 20_000),
  timers: Number(env["BENCH_TIMERS"] ?? 10_000),
  subscriptions: Number(env["BENCH_SUBSCRIPTIONS"] ?? 100_000),
  messages: Number(env["BENCH_MESSAGES"] ?? 5_000),
  memBpmnEngineInstances: Number(env["BENCH_MEM_BPMN_ENGINE_INSTANCES"] ?? 1000),
  window: 500,
};

const TARGET_RATIO = 50;
const TARGET_DURABLE_RATE = 1000;

interface Row {
  scenario: string;
  engine: string;
  series: Series;
  elements: number;
  /** Median rate of the bpmn-engine line to compare with. */
  reference?: number;
  target?: string;
  pass?: boolean;
  /** Our durable (c) line, for the commit-cost comparison at the end. */
  durable?: boolean;
  /** Latency rows (search): printed instead of the rates. */
  latency?: string;
}

const rows: Row[] = [];

function log(line = ""): void {
  process.stdout.write(`${line}\n`);
}

function describe(series: Series, elements: number): string {
  const { best, median } = series;
  let text = `${num(best.rate).padStart(8)} inst/s best, ${num(median.rate).padStart(8)} median  │ ${num(best.rate * elements).padStart(9)} / ${num(median.rate * elements).padStart(9)} elem/s`;
  if (best.commits !== undefined && best.commands !== undefined && best.commits > 0) {
    text += `  │ best run: ${int(best.count)} inst in ${best.seconds.toFixed(2)} s, ${int(best.commits)} commits (${num(best.commits / best.seconds)}/s), ${int(best.commands / best.commits)} commands/commit`;
  }
  return text;
}

function report(row: Row): void {
  rows.push(row);
  const vs = row.reference !== undefined ? `  │ ${ratio(row.series.median.rate, row.reference)} bpmn-engine` : "";
  log(`  ${row.engine.padEnd(34)} ${describe(row.series, row.elements)}${vs}`);
}

// ── scenarios ─────────────────────────────────────────────────────────────────────────────────

async function rawSqlite(): Promise<Series> {
  log(`raw SQLite: single-row INSERT transactions, WAL, synchronous=FULL, in ${tmpdir()}`);
  const series = await repeat(config.runs, () => commitRate(Math.min(config.seconds, 1)));
  log(`  ${"better-sqlite3 (no engine)".padEnd(34)} ${num(series.best.rate).padStart(8)} commits/s best, ${num(series.median.rate).padStart(8)} median`);
  return series;
}

function compareElements(ours: number, theirs: number | undefined): void {
  if (theirs !== undefined && ours !== theirs) log(`  note: element executions per instance differ: ours ${ours}, bpmn-engine ${theirs}`);
}

type Measure = () => Promise<RunResult>;

/**
 * Our measurement and the bpmn-engine one it is compared with, either of which may be switched off
 * (BENCH_ENGINES); when both run, their runs alternate.
 */
async function paired(theirs: Measure | undefined, mine: Measure | undefined): Promise<{ theirs?: Series; mine?: Series }> {
  if (theirs && mine) {
    const [t, m] = await interleave(config.runs, theirs, mine);
    return { theirs: t, mine: m };
  }
  if (theirs) return { theirs: await repeat(config.runs, theirs) };
  if (mine) return { mine: await repeat(config.runs, mine) };
  return {};
}

async function straightThrough(model: BenchModel, alsoDurable: boolean): Promise<void> {
  log(`${model.label}: one createProcessInstance command per instance, ${config.window} in flight; runs alternate between the engines`);
  const context = config.engines.has("bpmn-engine") ? await be.loadContext(model) : undefined;
  const theirElements = context ? await be.elementsCompleted(context) : undefined;
  if (context) await be.runStraightThrough(context, 0.5); // warm-up
  const memory = config.engines.has("ours") ? await ours.openOurEngine({ file: false }) : undefined;
  let reference: number | undefined;
  try {
    if (memory) await ours.warmUp(memory, [model]);
    const result = await paired(
      context && (() => be.runStraightThrough(context, config.seconds)),
      memory && (() => ours.runStraightThrough(memory, model, config.seconds, config.window)),
    );
    if (result.theirs) {
      report({ scenario: model.label, engine: "bpmn-engine (in memory)", series: result.theirs, elements: theirElements! });
      reference = result.theirs.median.rate;
    }
    if (memory && result.mine) {
      const { processInstanceKey } = await memory.engine.createProcessInstance({ bpmnProcessId: model.bpmnProcessId });
      const elements = ours.elementsCompleted(memory.engine, processInstanceKey);
      report({
        scenario: model.label, engine: "ours, SQLite :memory:", series: result.mine, elements, target: `≥ ${TARGET_RATIO}× bpmn-engine`,
        ...(reference !== undefined ? { reference, pass: result.mine.median.rate >= TARGET_RATIO * reference } : {}),
      });
      compareElements(elements, theirElements);
    }
  } finally {
    await memory?.close();
  }

  if (!alsoDurable || !config.engines.has("ours")) return;
  const file = await ours.openOurEngine({ file: true, synchronous: "FULL" });
  try {
    await ours.warmUp(file, [model]);
    const series = await repeat(config.runs, () => ours.runStraightThrough(file, model, config.seconds, config.window));
    const { processInstanceKey } = await file.engine.createProcessInstance({ bpmnProcessId: model.bpmnProcessId });
    report({
      scenario: model.label, engine: "ours, SQLite file, sync=FULL", series, elements: ours.elementsCompleted(file.engine, processInstanceKey),
      ...(reference !== undefined ? { reference } : {}), target: "(informational)",
    });
  } finally {
    await file.close();
  }
}

async function serviceUser(): Promise<void> {
  log(`${SERVICE_USER.label}: worker maxJobsActive=500, user tasks polled and completed in batches, ${config.cInstances} instances per run of ours`);
  const context = config.engines.has("bpmn-engine") ? await be.loadContext(SERVICE_USER) : undefined;
  const theirElements = context ? await be.elementsCompleted(context) : undefined;
  if (context) await be.runServiceUser(context, 0.5, false); // warm-up
  const durable = config.engines.has("ours") ? await ours.openOurEngine({ file: true, synchronous: "FULL" }) : undefined;
  let reference: number | undefined;
  try {
    if (durable) await ours.warmUp(durable, [SERVICE_USER]);
    const result = await paired(
      context && (() => be.runServiceUser(context, config.seconds, false)),
      durable && (() => ours.runServiceUser(durable, config.cInstances, config.window)),
    );
    if (result.theirs) {
      report({ scenario: SERVICE_USER.label, engine: "bpmn-engine (in memory, NOT durable)", series: result.theirs, elements: theirElements! });
      reference = result.theirs.median.rate;
    }
    if (durable && result.mine) {
      const elements = ours.elementsCompleted(durable.engine, await ours.oneServiceUserInstance(durable));
      report({
        scenario: SERVICE_USER.label, engine: "ours, SQLite file, sync=FULL (durable)", series: result.mine, elements,
        ...(reference !== undefined ? { reference } : {}),
        target: `≥ ${num(TARGET_DURABLE_RATE)} inst/s durable`, pass: result.mine.median.rate >= TARGET_DURABLE_RATE, durable: true,
      });
      compareElements(elements, theirElements);
    }
  } finally {
    await durable?.close();
  }

  if (context) {
    const series = await repeat(config.runs, () => be.runServiceUser(context, config.seconds, true));
    report({ scenario: SERVICE_USER.label, engine: "bpmn-engine + getState() at the wait", series, elements: theirElements! });
  }
  if (!config.engines.has("ours")) return;
  const memory = await ours.openOurEngine({ file: false });
  try {
    await ours.warmUp(memory, [SERVICE_USER]);
    const series = await repeat(config.runs, () => ours.runServiceUser(memory, config.cInstances, config.window));
    const elements = ours.elementsCompleted(memory.engine, await ours.oneServiceUserInstance(memory));
    report({ scenario: SERVICE_USER.label, engine: "ours, SQLite :memory:", series, elements, ...(reference !== undefined ? { reference } : {}), target: "(informational)" });
  } finally {
    await memory.close();
  }
}

interface MemoryFigures {
  instances: number;
  rssDelta: number;
  heapDelta: number;
  dbBytesPerInstance?: number;
  seconds: number;
}

const SELF = fileURLToPath(import.meta.url);

/** Memory is measured in a fresh child process each, so earlier scenarios do not blur RSS. */
async function inChild(which: "mem-ours" | "mem-bpmn-engine"): Promise<MemoryFigures> {
  const { stdout } = await promisify(execFile)(process.execPath, [...process.execArgv, SELF], {
    env: { ...process.env, BENCH_CHILD: which }, maxBuffer: 16 * 1024 * 1024,
  });
  const line = stdout.split("\n").find((l) => l.startsWith("BENCH_RESULT "));
  if (!line) throw new Error(`The ${which} child printed no result:\n${stdout}`);
  return JSON.parse(line.slice("BENCH_RESULT ".length)) as MemoryFigures;
}

async function memory(): Promise<Array<[string, MemoryFigures]>> {
  log(`memory per instance waiting at the user task of (c) (fresh process each, after global.gc())`);
  const out: Array<[string, MemoryFigures]> = [];
  const children = [["ours, SQLite file, sync=FULL", "mem-ours", "ours"], ["bpmn-engine (in memory)", "mem-bpmn-engine", "bpmn-engine"]] as const;
  for (const [label, which] of children.filter(([, , engine]) => config.engines.has(engine))) {
    try {
      const m = await inChild(which);
      out.push([label, m]);
      const disk = m.dbBytesPerInstance !== undefined ? `, database ${bytes(m.dbBytesPerInstance)}/instance on disk` : "";
      log(`  ${label.padEnd(34)} ${int(m.instances)} waiting: RSS ${bytes(m.rssDelta)}/instance, heap ${bytes(m.heapDelta)}/instance${disk} (created in ${m.seconds.toFixed(1)} s)`);
    } catch (error) {
      log(`  ${label.padEnd(34)} failed: ${(error as Error).message}`);
    }
  }
  return out;
}

// ── main ──────────────────────────────────────────────────────────────────────────────────────

async function child(which: string): Promise<void> {
  const result = which === "mem-ours" ? await ours.waitingMemory(config.memInstances, config.window) : await be.waitingMemory(config.memBpmnEngineInstances);
  process.stdout.write(`BENCH_RESULT ${JSON.stringify(result)}\n`);
}

async function main(): Promise<void> {
  const started = performance.now();
  const cpu = cpus();
  log(`Dossier engine benchmark — ${new Date().toISOString()}`);
  log(`machine: ${cpu.length} CPU(s) (${cpu[0]?.model.trim() ?? "unknown"}), ${bytes(totalmem())} RAM, node ${process.version}, ${process.platform}/${process.arch}`);
  log(`SQLite ${sqliteVersion()} (better-sqlite3), bpmn-engine ${be.bpmnEngineVersion()}, temp dir ${tmpdir()} on ${filesystemOf(tmpdir())}`);
  log(`each measurement: warm-up, then ${config.runs} runs (time-boxed ${config.seconds} s for (a)/(b) and bpmn-engine; ${config.cInstances} instances for our (c)); ratios compare medians of runs that alternate between the two engines`);
  const load = loadavg()[0] ?? 0;
  if (load > 0.5) log(`warning: load average ${load.toFixed(2)} before start — other processes share the ${cpu.length} CPU(s); figures will be noisy`);
  if (typeof gc !== "function") log(`warning: run with --expose-gc (npm run bench does) for stable memory figures`);
  log();

  let raw: Series | undefined;
  if (config.only.has("sqlite")) {
    raw = await rawSqlite();
    log();
  }
  if (config.only.has("a")) {
    await straightThrough(SEQUENCE, true);
    log();
  }
  if (config.only.has("b")) {
    await straightThrough(PARALLEL, false);
    log();
  }
  if (config.only.has("c")) {
    await serviceUser();
    log();
  }
  if (config.only.has("http")) {
    const figures = await httpBench({ instances: Number(env["BENCH_HTTP_INSTANCES"] ?? 1000), window: Number(env["BENCH_HTTP_WINDOW"] ?? 100), runs: config.runs, seconds: config.seconds, log });
    for (const f of figures) {
      rows.push({ scenario: f.scenario, engine: f.referenceLabel === "bpmn-engine" ? "bpmn-engine (in process)" : "ours in process (engine API)", series: f.reference, elements: 0, latency: `${num(f.reference.best.rate)} best, ${num(f.reference.median.rate)} median`, target: "(reference)" });
      rows.push({
        scenario: f.scenario, engine: f.engine, series: f.series, elements: 0, target: f.target, pass: f.pass,
        latency: `${num(f.series.best.rate)} best, ${num(f.series.median.rate)} median (${f.referenceLabel === "bpmn-engine" ? `${f.ratio.toFixed(1)}×` : `${(f.ratio * 100).toFixed(0)}%`})`,
      });
    }
    log();
  }
  if (config.only.has("search")) {
    for (const f of await searchBench({ log })) {
      const value = f.on === "p95" ? f.p95 : f.p50;
      rows.push({
        scenario: "(search) 1M tasks / 1M instances", engine: f.label, elements: 0, target: `${f.on} < ${f.goalMs} ms`, pass: value < f.goalMs,
        series: { best: { count: 0, seconds: 0, rate: 0 }, median: { count: 0, seconds: 0, rate: 0 }, runs: [] }, latency: `p50 ${f.p50.toFixed(1)} ms, p95 ${f.p95.toFixed(1)} ms`,
      });
    }
    log();
  }
  if (config.only.has("dossiers")) {
    log("(dossiers) the customer file: 100,000 dossiers, 300,000 parties, 1,000,000 journal entries, 500,000 documents");
    for (const f of await dossiersBench({ log })) {
      rows.push({
        scenario: "(dossiers) 100k dossiers", engine: f.label, elements: 0, target: `${f.under ? "<" : "≥"} ${num(f.goal)} ${f.unit === "ms" ? "ms" : "/s"}`,
        pass: f.under ? f.value < f.goal : f.value >= f.goal,
        series: { best: { count: 0, seconds: 0, rate: 0 }, median: { count: 0, seconds: 0, rate: 0 }, runs: [] },
        latency: `${f.unit === "ms" ? `${f.value.toFixed(1)} ms` : `${num(f.value)}/s`}${f.detail ? ` (${f.detail})` : ""}`,
      });
    }
    log();
  }
  if (config.only.has("seal")) {
    for (const f of await sealBench({ log })) {
      rows.push({
        scenario: "(seal) PAdES on a 3-page PDF", engine: f.label, elements: 0, target: "—", pass: true,
        series: { best: { count: 0, seconds: 0, rate: 0 }, median: { count: 0, seconds: 0, rate: 0 }, runs: [] }, latency: `${num(f.rate)}/s${f.detail ? ` (${f.detail})` : ""}`,
      });
    }
    log();
  }
  if (config.only.has("render")) {
    for (const f of await renderBench({ log })) {
      rows.push({
        scenario: "(render) 3-page contract to PDF", engine: f.label, elements: 0, target: f.ratio === undefined ? "—" : "≥ 80% of bare", pass: f.ratio === undefined || f.ratio >= 0.8,
        series: { best: { count: 0, seconds: 0, rate: 0 }, median: { count: 0, seconds: 0, rate: 0 }, runs: [] }, latency: `${f.rate.toFixed(2)}/s${f.detail ? ` (${f.detail})` : ""}`,
      });
    }
    log();
  }
  if (config.only.has("mail-intake")) {
    for (const f of await mailIntakeBench({ log })) {
      rows.push({
        scenario: "(mail-intake) IMAP → dossier", engine: f.label, elements: 0, target: f.pass === undefined ? "—" : "≥ 50% of raw", pass: f.pass ?? true,
        series: { best: { count: 0, seconds: 0, rate: 0 }, median: { count: 0, seconds: 0, rate: 0 }, runs: [] }, latency: `${num(f.rate)}/s${f.detail ? ` (${f.detail})` : ""}`,
      });
    }
    log();
  }
  if (config.only.has("mail")) {
    for (const f of await mailSendBench({ log })) {
      rows.push({
        scenario: "(mail) enqueue → SMTP accepted", engine: f.label, elements: 0, target: f.ratio === undefined ? "—" : "≥ 50% of raw", pass: f.ratio === undefined || f.ratio >= 0.5,
        series: { best: { count: 0, seconds: 0, rate: 0 }, median: { count: 0, seconds: 0, rate: 0 }, runs: [] }, latency: `${num(f.rate)}/s${f.detail ? ` (${f.detail})` : ""}`,
      });
    }
    log();
  }
  if (config.only.has("archive")) {
    log("(archive) deposit and integrity audit beside sha256sum on the same files");
    for (const f of await archiveBench({ log })) {
      rows.push({
        scenario: "(archive) deposit / audit vs sha256sum", engine: f.label, elements: 0, target: "—", pass: true,
        series: { best: { count: 0, seconds: 0, rate: 0 }, median: { count: 0, seconds: 0, rate: 0 }, runs: [] }, latency: `${num(f.rate)} ${f.unit}${f.detail ? ` (${f.detail})` : ""}`,
      });
    }
    log();
  }
  if (config.only.has("kpi")) {
    log("(kpi) receivables KPIs over 1,000,000 invoices and 2,000,000 payments");
    for (const f of await kpiBench({ log })) {
      rows.push({
        scenario: "(kpi) 1M invoices, 2M payments", engine: f.label, elements: 0, target: f.goalMs === null ? "—" : `p95 < ${f.goalMs} ms`, pass: f.goalMs === null || f.p95 < f.goalMs,
        series: { best: { count: 0, seconds: 0, rate: 0 }, median: { count: 0, seconds: 0, rate: 0 }, runs: [] },
        latency: f.goalMs === null ? `${f.p50.toFixed(0)} ms${f.detail ? ` (${f.detail})` : ""}` : `p50 ${f.p50.toFixed(1)} ms, p95 ${f.p95.toFixed(1)} ms`,
      });
    }
    log();
  }
  if (config.only.has("dunning")) {
    log("(dunning) the daily dunning run over overdue invoices, beside the engine's createInstance for the same model");
    for (const f of await dunningBench({ log })) {
      rows.push({
        scenario: "(dunning) 100k overdue invoices", engine: f.label, elements: 0, target: "—", pass: true,
        series: { best: { count: 0, seconds: 0, rate: 0 }, median: { count: 0, seconds: 0, rate: 0 }, runs: [] }, latency: `${num(f.rate)}/s${f.detail ? ` (${f.detail})` : ""}`,
      });
    }
    log();
  }
  if (config.only.has("timers") || config.only.has("messages")) {
    if (!raw) {
      raw = await rawSqlite(); // the events figures are printed beside the raw rate of the same run
      log();
    }
    rows.push(...(await eventsBench({
      timers: config.only.has("timers"), messages: config.only.has("messages"), runs: config.runs, timerCount: config.timers,
      subscriptions: config.subscriptions, messageCount: config.messages, window: config.window, raw, log,
    })));
  }
  let mem: Array<[string, MemoryFigures]> = [];
  if (config.only.has("mem")) {
    mem = await memory();
    log();
  }

  log("summary (instances/s and element executions/s: best / median; ratio = our median ÷ bpmn-engine median)");
  const header = ["scenario", "engine", "inst/s best", "inst/s median", "elem/s best", "elem/s median", "vs bpmn-engine", "target", "result"];
  const body = rows.map((r) => r.latency !== undefined ? [r.scenario, r.engine, r.latency, "", "-", "-", "-", r.target ?? "", r.pass === undefined ? "" : r.pass ? "PASS" : "MISS"] : [
    r.scenario, r.engine, num(r.series.best.rate), num(r.series.median.rate), num(r.series.best.rate * r.elements), num(r.series.median.rate * r.elements),
    r.reference !== undefined ? ratio(r.series.median.rate, r.reference) : "-", r.target ?? "", r.pass === undefined ? "" : r.pass ? "PASS" : "MISS",
  ]);
  if (raw) body.push(["raw SQLite commit rate", "better-sqlite3, WAL, sync=FULL", num(raw.best.rate), num(raw.median.rate), "-", "-", "-", "(commits/s, 1 row each)", ""]);
  for (const [label, m] of mem) {
    body.push(["memory / waiting instance", label, `${bytes(m.rssDelta)} RSS`, `${bytes(m.heapDelta)} heap`, "-", "-", "-", `(${int(m.instances)} waiting)`, ""]);
  }
  log(table(header, body));
  const durable = rows.find((r) => r.durable);
  if (durable && raw) {
    const perInstance = 1000 / durable.series.median.rate;
    const { commands = 0, commits = 0, seconds } = durable.series.best;
    const commitMs = (commits / raw.median.rate) * 1000;
    log(`\n(c) durable: ${perInstance.toFixed(3)} ms per completed instance vs ${(1000 / raw.median.rate).toFixed(3)} ms per raw fsync'd single-row commit.` +
      ` Best run: group commit turned ${int(commands)} commands (create, job activations, complete job, complete user task) into ${int(commits)} commits;` +
      ` at the raw rate those commits cost ≈ ${commitMs.toFixed(1)} ms of the ${(seconds * 1000).toFixed(0)} ms run (more in reality: big batches write more pages), the rest is engine work.`);
  }
  log(`bpmn-engine has no durability: its (c) lines run in memory; "+ getState()" serializes its whole state at the wait (its nearest persistence equivalent, not written to disk).`);
  log(`total bench time: ${((performance.now() - started) / 1000).toFixed(1)} s`);
}

const which = env["BENCH_CHILD"];
(which ? child(which) : main()).catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
