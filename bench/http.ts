/**
 * `npm run bench -- http` (issue 8, part 3): the HTTP path, with the official Camunda client
 * (@camunda8/orchestration-cluster-api, BASIC auth) against the real server (startServer, SQLite
 * file, synchronous=FULL) running in a process of its own (bench/lib/http-server.ts), as it would
 * in production; each figure is printed beside its in-process reference measured in the same run.
 *
 *   (http-c) start → service task → user task → end: creations (BENCH_HTTP_WINDOW in flight), a
 *            createJobWorker completing the jobs (long polling), user tasks found with
 *            searchUserTasks and completed with completeUserTask. Goal: ≥ 40% of the same model
 *            run in process (engine API) on the same kind of database.
 *   (http-a) start → 10 tasks → end, createProcessInstance with awaitCompletion, 8 requests in
 *            flight, time-boxed. Goal: ≥ 20× bpmn-engine running the model in process.
 *
 * Environment: BENCH_HTTP_INSTANCES (1000 per (http-c) run), BENCH_HTTP_WINDOW (100),
 * BENCH_HTTP_AWAIT_IN_FLIGHT (8).
 */
import { fork } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import createCamundaClient, { ElementId, ProcessDefinitionId } from "@camunda8/orchestration-cluster-api";
import * as be from "./lib/bpmn-engine.js";
import { interleave, num, sleep, type RunResult, type Series } from "./lib/measure.js";
import { modelXml, SEQUENCE, SERVICE_JOB_TYPE, SERVICE_USER } from "./lib/models.js";
import * as ours from "./lib/ours.js";

export interface HttpBenchOptions {
  instances: number;
  window: number;
  runs: number;
  seconds: number;
  log: (line: string) => void;
}

export interface HttpFigure {
  scenario: string;
  engine: string;
  series: Series;
  reference: Series;
  referenceLabel: string;
  target: string;
  pass: boolean;
  ratio: number;
}

type Client = ReturnType<typeof createCamundaClient>;
const NOW = { consistency: { waitUpToMs: 0 } };
const PASSWORD = "bench-secret-1";
const HERE = path.dirname(fileURLToPath(import.meta.url));

interface ServerProcess {
  port: number;
  finished(): Promise<number>;
  /** CPU time the server process has used, ms. */
  cpuMs(): Promise<number>;
  stop(): Promise<void>;
}

async function serverProcess(dir: string): Promise<ServerProcess> {
  const child = fork(path.join(HERE, "lib", "http-server.ts"), [], {
    execArgv: ["--import", "tsx", ...(process.env["BENCH_HTTP_PROF"] ? ["--cpu-prof", `--cpu-prof-dir=${process.env["BENCH_HTTP_PROF"]}`] : [])], env: { ...process.env, BENCH_HTTP_DIR: dir, BENCH_HTTP_PASSWORD: PASSWORD }, stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`the bench server exited with ${code}`)));
    child.on("message", (m: { type: string; port?: number }) => m.type === "ready" && resolve(m.port!));
  });
  const ask = () => new Promise<{ finished: number; cpuMs: number }>((resolve) => {
    const on = (m: { type: string; finished: number; cpuMs: number }) => {
      if (m.type !== "count") return;
      child.off("message", on);
      resolve(m);
    };
    child.on("message", on);
    child.send({ type: "count" });
  });
  return {
    port,
    finished: async () => (await ask()).finished,
    cpuMs: async () => (await ask()).cpuMs,
    stop: () => new Promise((resolve) => {
      child.removeAllListeners("exit");
      child.once("exit", () => resolve());
      child.send({ type: "stop" });
    }),
  };
}

async function serviceUserRun(client: Client, server: ServerProcess, n: number, window: number): Promise<RunResult> {
  const target = (await server.finished()) + n;
  const id = ProcessDefinitionId.assumeExists(SERVICE_USER.bpmnProcessId);
  let stop = false;
  const start = performance.now();
  const creator = (async () => {
    for (let i = 0; i < n; i += window) {
      await Promise.all(Array.from({ length: Math.min(window, n - i) }, () => client.createProcessInstance({ processDefinitionId: id })));
    }
  })();
  const completer = (async () => {
    while (!stop) {
      const open = await client.searchUserTasks({ filter: { state: "CREATED", elementId: ElementId.assumeExists("Task_Review") }, page: { limit: 200 } }, NOW);
      if (open.items.length === 0) {
        await sleep(2);
        continue;
      }
      await Promise.all(open.items.map((t) => client.completeUserTask({ userTaskKey: t.userTaskKey })));
    }
  })();
  await creator;
  while ((await server.finished()) < target) await sleep(2);
  stop = true;
  await completer;
  const seconds = (performance.now() - start) / 1000;
  return { count: n, seconds, rate: n / seconds };
}

/** `inFlight` loops, each creating an instance with awaitCompletion and waiting for its answer. */
async function awaitRun(client: Client, seconds: number, inFlight: number): Promise<RunResult> {
  const id = ProcessDefinitionId.assumeExists(SEQUENCE.bpmnProcessId);
  const end = performance.now() + seconds * 1000;
  const start = performance.now();
  let count = 0;
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (performance.now() < end) {
      await client.createProcessInstance({ processDefinitionId: id, awaitCompletion: true });
      count++;
    }
  }));
  const elapsed = (performance.now() - start) / 1000;
  return { count, seconds: elapsed, rate: count / elapsed };
}

/** Runs `measure` and says how busy the server process and this (client) process were meanwhile. */
async function withCpu(server: ServerProcess, measure: () => Promise<RunResult>, busy: Array<{ server: number; client: number }>): Promise<RunResult> {
  const s0 = await server.cpuMs();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await measure();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  busy.push({ server: ((await server.cpuMs()) - s0) / wall, client: (c.user + c.system) / 1000 / wall });
  return result;
}

const busyText = (busy: Array<{ server: number; client: number }>) =>
  `CPU busy during the HTTP runs: server ${busy.map((b) => `${(b.server * 100).toFixed(0)}%`).join(", ")}; client (official SDK, this process) ${busy.map((b) => `${(b.client * 100).toFixed(0)}%`).join(", ")}`;

export async function httpBench({ instances, window, runs, seconds, log }: HttpBenchOptions): Promise<HttpFigure[]> {
  const inFlight = Number(process.env["BENCH_HTTP_AWAIT_IN_FLIGHT"] ?? 8);
  log(`(http) the official client (BASIC auth) against the real server in a process of its own (SQLite file, synchronous=FULL)`);
  const dir = mkdtempSync(path.join(tmpdir(), "dossier-bench-http-"));
  const server = await serverProcess(dir);
  const client = createCamundaClient({
    config: {
      CAMUNDA_REST_ADDRESS: `http://127.0.0.1:${server.port}`, CAMUNDA_AUTH_STRATEGY: "BASIC", CAMUNDA_BASIC_AUTH_USERNAME: "demo",
      CAMUNDA_BASIC_AUTH_PASSWORD: PASSWORD, CAMUNDA_SDK_LOG_LEVEL: "error", CAMUNDA_SDK_VALIDATION: "none",
    } as Record<string, string>,
  });
  const figures: HttpFigure[] = [];
  try {
    await client.createDeployment({
      resources: [new File([modelXml(SERVICE_USER)], SERVICE_USER.file, { type: "application/xml" }), new File([modelXml(SEQUENCE)], SEQUENCE.file, { type: "application/xml" })],
    });

    // (http-c) service task → user task, beside the same model in process
    log(`  ${SERVICE_USER.label}: ${instances} instances per run, ${window} creations in flight, a job worker (50 jobs in parallel, long polling), user tasks searched and completed by 200`);
    const worker = client.createJobWorker({ jobType: SERVICE_JOB_TYPE, maxParallelJobs: 50, jobTimeoutMs: 30_000, pollIntervalMs: 1, jobHandler: (job) => job.complete() });
    const durable = await ours.openOurEngine({ file: true, synchronous: "FULL" });
    const busyC: Array<{ server: number; client: number }> = [];
    let http: Series;
    let inProcess: Series;
    try {
      await ours.warmUp(durable, [SERVICE_USER]);
      await serviceUserRun(client, server, Math.min(200, instances), window); // warm-up
      [http, inProcess] = await interleave(runs, () => withCpu(server, () => serviceUserRun(client, server, instances, window), busyC), () => ours.runServiceUser(durable, Math.max(instances, 1000), 500));
    } finally {
      await worker.stop();
      await durable.close();
    }
    const share = http.median.rate / inProcess.median.rate;
    log(`    ${"over HTTP, official client".padEnd(40)} ${num(http.best.rate).padStart(8)} inst/s best, ${num(http.median.rate).padStart(8)} median  (runs: ${http.runs.map((r) => num(r.rate)).join(", ")})`);
    log(`    ${"in process (engine API), same model".padEnd(40)} ${num(inProcess.best.rate).padStart(8)} inst/s best, ${num(inProcess.median.rate).padStart(8)} median  → HTTP at ${(share * 100).toFixed(0)}% of in process, goal ≥ 40%  ${share >= 0.4 ? "PASS" : "MISS"}`);
    log(`    ${busyText(busyC)}`);
    figures.push({ scenario: `(http) ${SERVICE_USER.label}`, engine: "over HTTP, official client", series: http, reference: inProcess, referenceLabel: "in process", target: "≥ 40% of in process", pass: share >= 0.4, ratio: share });

    // (http-a) 10 tasks, awaitCompletion, 8 in flight, beside bpmn-engine in process
    log(`  ${SEQUENCE.label}: createProcessInstance with awaitCompletion, ${inFlight} in flight, ${seconds} s per run; bpmn-engine runs the model in process`);
    const context = await be.loadContext(SEQUENCE);
    await be.runStraightThrough(context, 0.5);
    await awaitRun(client, 0.5, inFlight);
    const busyA: Array<{ server: number; client: number }> = [];
    const [theirs, mine] = await interleave(runs, () => be.runStraightThrough(context, seconds), () => withCpu(server, () => awaitRun(client, seconds, inFlight), busyA));
    const times = mine.median.rate / theirs.median.rate;
    log(`    ${"over HTTP, awaitCompletion".padEnd(40)} ${num(mine.best.rate).padStart(8)} inst/s best, ${num(mine.median.rate).padStart(8)} median`);
    log(`    ${"bpmn-engine (in process, in memory)".padEnd(40)} ${num(theirs.best.rate).padStart(8)} inst/s best, ${num(theirs.median.rate).padStart(8)} median  → ${times.toFixed(1)}× bpmn-engine, goal ≥ 20×  ${times >= 20 ? "PASS" : "MISS"}`);
    log(`    ${busyText(busyA)}`);
    figures.push({ scenario: `(http) ${SEQUENCE.label}, awaitCompletion ×${inFlight}`, engine: "over HTTP, official client", series: mine, reference: theirs, referenceLabel: "bpmn-engine", target: "≥ 20× bpmn-engine in process", pass: times >= 20, ratio: times });
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return figures;
}
