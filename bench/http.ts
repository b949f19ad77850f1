/**
 * `npm run bench` scenario (http): the (c) model — start → service task → user task → end — driven
 * entirely over HTTP by the official Camunda client (@camunda8/orchestration-cluster-api, BASIC
 * auth): createProcessInstance, a createJobWorker completing the jobs (long polling), user tasks
 * found with searchUserTasks and completed with completeUserTask. The server is the real one
 * (startServer) on a SQLite file with synchronous=FULL, as the in-process (c) line it is compared to.
 *
 * Environment: BENCH_HTTP_INSTANCES (default 1000), BENCH_HTTP_WINDOW (instances in flight, 100).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import createCamundaClient, { ElementId, ProcessDefinitionId } from "@camunda8/orchestration-cluster-api";
import { loadConfig } from "../src/config.js";
import { startServer } from "../src/main.js";
import { num, repeat, sleep, type RunResult, type Series } from "./lib/measure.js";
import { modelXml, SERVICE_JOB_TYPE, SERVICE_USER } from "./lib/models.js";
import * as ours from "./lib/ours.js";

export interface HttpBenchOptions {
  instances: number;
  window: number;
  runs: number;
  log: (line: string) => void;
}

type Client = ReturnType<typeof createCamundaClient>;
const NOW = { consistency: { waitUpToMs: 0 } };

async function oneRun(client: Client, finishedCount: () => number, n: number, window: number): Promise<RunResult> {
  const target = finishedCount() + n;
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
  while (finishedCount() < target) await sleep(2);
  stop = true;
  await completer;
  const seconds = (performance.now() - start) / 1000;
  return { count: n, seconds, rate: n / seconds };
}

/** Instances/s over HTTP, then the same model in process on the same kind of database. */
export async function httpBench({ instances, window, runs, log }: HttpBenchOptions): Promise<{ http: Series; inProcess: Series }> {
  log(`(http) ${SERVICE_USER.label} over HTTP with the official client (BASIC auth): ${instances} instances per run, ${window} creations in flight, a job worker (50 jobs in parallel, long polling), user tasks searched and completed by 200`);
  const dir = mkdtempSync(path.join(tmpdir(), "dossier-bench-http-"));
  const config = loadConfig({ PORT: "0", DATA_DIR: dir, SQLITE_SYNCHRONOUS: "FULL", PROCESSES_DIR: path.join(dir, "none"), DEMO_ACCOUNTS: "false", ADMIN_PASSWORD: "bench-secret" });
  const server = await startServer(config, () => undefined);
  let finished = 0;
  server.engine.events.on("finished", () => finished++);
  const client = createCamundaClient({
    config: {
      CAMUNDA_REST_ADDRESS: `http://127.0.0.1:${server.port}`, CAMUNDA_AUTH_STRATEGY: "BASIC", CAMUNDA_BASIC_AUTH_USERNAME: "demo",
      CAMUNDA_BASIC_AUTH_PASSWORD: "bench-secret", CAMUNDA_SDK_LOG_LEVEL: "error", CAMUNDA_SDK_VALIDATION: "none",
    } as Record<string, string>,
  });
  const worker = client.createJobWorker({ jobType: SERVICE_JOB_TYPE, maxParallelJobs: 50, jobTimeoutMs: 30_000, pollIntervalMs: 1, jobHandler: (job) => job.complete() });
  let http: Series;
  try {
    await client.createDeployment({ resources: [new File([modelXml(SERVICE_USER)], SERVICE_USER.file, { type: "application/xml" })] });
    await oneRun(client, () => finished, Math.min(100, instances), window); // warm-up
    http = await repeat(runs, () => oneRun(client, () => finished, instances, window));
  } finally {
    await worker.stop();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  const durable = await ours.openOurEngine({ file: true, synchronous: "FULL" });
  let inProcess: Series;
  try {
    await ours.warmUp(durable, [SERVICE_USER]);
    inProcess = await repeat(runs, () => ours.runServiceUser(durable, Math.max(instances, 1000), 500));
  } finally {
    await durable.close();
  }
  const ratio = inProcess.median.rate / http.median.rate;
  log(`  ${"over HTTP, official client".padEnd(34)} ${num(http.best.rate).padStart(8)} inst/s best, ${num(http.median.rate).padStart(8)} median  (runs: ${http.runs.map((r) => num(r.rate)).join(", ")})`);
  log(`  ${"in process (engine API), same model".padEnd(34)} ${num(inProcess.best.rate).padStart(8)} inst/s best, ${num(inProcess.median.rate).padStart(8)} median  → HTTP is ${ratio.toFixed(1)}× slower`);
  log(`  per instance over HTTP: 1 create + 1 activation share + 1 job completion + 1 search share + 1 task completion requests, each with Basic auth (verified once, then remembered)`);
  return { http, inProcess };
}
