/**
 * The child process of the crash-safety test (crash-safety.test.ts): a real engine on a file
 * database (synchronous FULL, real system clock) under steady load, meant to be SIGKILLed at any
 * moment.
 *
 *   node --import tsx test/crash/driver.ts <dir> <seed> <run> drive|finish
 *
 * drive   creates instances (up to TARGET_INSTANCES in the database) and works on them: activates
 *         and completes jobs, completes user tasks, with many commands in flight at once so the
 *         write lane groups them into shared transactions. Runs until killed.
 * finish  creates what is missing up to TARGET_INSTANCES, drives every instance to its end, stops
 *         the engine cleanly and exits 0.
 *
 * Every command whose promise resolved (= committed, durable) is acknowledged with one line in
 * `<dir>/acks.log`, written only after the resolution. The parent checks after each kill that every
 * acknowledged effect is in the database. The lines are written with one write(2) each: a SIGKILL
 * leaves the page cache alone, so no fsync is needed (this test does not simulate power loss).
 *
 * stdout says `opening` just before the database is opened and `ready` once the fixtures are deployed.
 *
 * Ack lines: `ready <run>`, `deployed <bpmnProcessId> <version>`, `created <n> <piKey> <bpmnProcessId>`,
 * `completed-job <jobKey> <type>`, `completed-task <userTaskKey>`, `lane <batches> <commands>`,
 * `error <message>` (an unexpected rejection), `finished <run>`.
 */
import { closeSync, openSync, readdirSync, readFileSync, writeSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Engine } from "../../src/engine/engine.js";
import { EngineError } from "../../src/engine/errors.js";
import { openDatabase } from "../../src/persistence/data-source.js";

/** How many instances the whole campaign creates. */
export const TARGET_INSTANCES = 300;
/** Lock duration of activated jobs: short, so jobs held by a killed run come back soon. */
export const JOB_LOCK_MS = 1500;
/** Job types completed through activateJobs + completeJob (acknowledged one by one). */
export const ACKED_JOB_TYPES = ["crash.reserve", "crash.bill", "crash.post"] as const;
/** Job types completed by in-process workers (engine.createWorker); not acknowledged. */
export const WORKER_JOB_TYPES = ["crash.pack", "crash.register"] as const;

/** Which process an order number runs and what its counter must end at (one +1 per bumping step). */
export function planFor(n: number): { bpmnProcessId: "crash-order" | "crash-claim"; express: boolean; counter: number } {
  if (n % 3 === 0) return { bpmnProcessId: "crash-claim", express: false, counter: 1 };
  const express = n % 2 === 0;
  // reserve, check, bill (+ pack on the express path)
  return { bpmnProcessId: "crash-order", express, counter: express ? 4 : 3 };
}

/** Order numbers are unique across runs: run r numbers its instances r*10000 + i. */
export const N_PER_RUN = 10_000;

// Pace of a drive run: instances spread over many runs and are caught mid-flight by the kills
// (jobs held while "working", user tasks left open a while), while the completions of a round are
// sent together so that several commands share each transaction.
const CREATE_BURST = 5;
const CREATE_PAUSE_MS = 100;
const WORK_MS = [50, 400] as const;
const TASK_MIN_AGE_MS = 200;
const LOOP_PAUSE_MS = 60;
const BATCH = 12;
const DUPLICATE_RATE = 0.1;
const MAX_LIFETIME_MS = 90_000;
const STALL_MS = 20_000;

/** A small seeded PRNG (mulberry32), so a run's choices can be replayed from the seed. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  const [dir, seedArg, runArg, mode] = process.argv.slice(2);
  if (!dir || !seedArg || !runArg || (mode !== "drive" && mode !== "finish")) {
    throw new Error("usage: driver.ts <dir> <seed> <run> drive|finish");
  }
  const run = Number(runArg);
  const random = prng(Number(seedArg));
  const ackPath = path.join(dir, "acks.log");
  const ackFd = openSync(ackPath, "a");
  const ack = (line: string) => {
    writeSync(ackFd, `${line}\n`);
  };
  // Whatever happens to the parent, never outlive the campaign.
  setTimeout(() => process.exit(4), MAX_LIFETIME_MS).unref();
  process.stdin.on("end", () => process.exit(5));
  process.stdin.resume();

  process.stdout.write("opening\n");
  const { dataSource, db } = await openDatabase({ path: path.join(dir, "engine.sqlite"), synchronous: "FULL" });
  const engine = await new Engine({ db, schedulerInterval: 250 }).start();

  const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "fixtures", "crash");
  const resources = readdirSync(fixtures).filter((f) => f.endsWith(".bpmn")).sort()
    .map((name) => ({ name, content: readFileSync(path.join(fixtures, name)) }));
  const deployment = await engine.deploy(resources);
  for (const p of deployment.processes) ack(`deployed ${p.bpmnProcessId} ${p.version}`);
  ack(`ready ${run}`);
  process.stdout.write("ready\n");

  let stopping = false;
  /** A worker's time on a job: the job stays locked meanwhile (and past a kill, until the lock expires). */
  const work = () => sleep(WORK_MS[0] + random() * (WORK_MS[1] - WORK_MS[0]));
  const count = (sql: string) => (db.prepare(sql).get() as { c: number }).c;
  const expected = (error: unknown) => error instanceof EngineError && (error.code === "NOT_FOUND" || error.code === "INVALID_STATE");
  const unexpected = (what: string, error: unknown) => {
    if (stopping && !(error instanceof EngineError)) return; // the lane closing under a finishing run
    ack(`error ${what}: ${error instanceof Error ? `${error.name} ${error.message}` : String(error)}`.replace(/\n/g, " "));
  };

  /** Completes a job; sometimes twice at once (the second must be rejected, never applied). */
  const completeJob = (jobKey: number, type: string): Promise<unknown> => {
    const once = () => engine.completeJob(jobKey, { handledBy: `run-${run}` }).then(
      () => ack(`completed-job ${jobKey} ${type}`),
      (error) => { if (!expected(error)) unexpected(`completeJob ${jobKey}`, error); },
    );
    return random() < DUPLICATE_RATE ? Promise.all([once(), once()]) : once();
  };
  const completeTask = (key: number): Promise<unknown> => {
    const once = () => engine.completeUserTask(key, { checked: true }).then(
      () => ack(`completed-task ${key}`),
      (error) => { if (!expected(error)) unexpected(`completeUserTask ${key}`, error); },
    );
    return random() < DUPLICATE_RATE ? Promise.all([once(), once()]) : once();
  };

  // Stale commands after a restart: completions acknowledged by earlier runs must be rejected now.
  const stale: Array<Promise<unknown>> = [];
  const earlier = readFileSync(ackPath, "utf8").split("\n");
  for (const line of earlier.filter(() => random() < 0.02).slice(0, 8)) {
    const [kind, key, type] = line.split(" ");
    if (kind === "completed-job" && key && type) stale.push(completeJob(Number(key), type));
    if (kind === "completed-task" && key) stale.push(completeTask(Number(key)));
  }

  const creator = async () => {
    let i = 0;
    for (;;) {
      if (stopping) return;
      const missing = TARGET_INSTANCES - count(`SELECT COUNT(*) AS c FROM process_instance`);
      if (missing <= 0) return;
      const burst = Array.from({ length: Math.min(CREATE_BURST, missing) }, () => run * N_PER_RUN + i++);
      await Promise.all(burst.map((n) =>
        engine.createProcessInstance({ bpmnProcessId: planFor(n).bpmnProcessId, variables: { n, counter: 0 } }).then(
          (created) => ack(`created ${n} ${created.processInstanceKey} ${created.bpmnProcessId}`),
          (error) => unexpected(`createProcessInstance n=${n}`, error),
        )));
      await sleep(mode === "finish" ? 0 : CREATE_PAUSE_MS);
    }
  };

  const jobLoop = async (type: string) => {
    while (!stopping) {
      let jobs: Awaited<ReturnType<Engine["activateJobs"]>> = [];
      try {
        jobs = await engine.activateJobs({ type, worker: `crash-${run}`, timeout: JOB_LOCK_MS, maxJobsToActivate: BATCH });
      } catch (error) {
        unexpected(`activateJobs ${type}`, error);
      }
      if (jobs.length === 0) {
        await sleep(20);
        continue;
      }
      if (mode === "drive") await work();
      await Promise.all(jobs.map((job) => completeJob(job.jobKey, type)));
    }
  };

  const taskLoop = async () => {
    while (!stopping) {
      const due = mode === "drive" ? Date.now() - TASK_MIN_AGE_MS : Infinity;
      const open = engine.userTasks({ state: "CREATED" }).filter((task) => task.createdAt <= due);
      if (open.length === 0) {
        await sleep(20);
        continue;
      }
      const pick = open.sort(() => random() - 0.5).slice(0, BATCH);
      await Promise.all(pick.map((task) => completeTask(task.key)));
      if (mode === "drive") await sleep(LOOP_PAUSE_MS);
    }
  };

  const workers = WORKER_JOB_TYPES.map((type) =>
    engine.createWorker({
      type, name: `crash-worker-${run}`, timeout: JOB_LOCK_MS, pollInterval: 100, maxJobsActive: BATCH,
      handler: async () => {
        if (mode === "drive") await work();
        return { handledBy: `worker-${run}` };
      },
    }));

  const lane = setInterval(() => ack(`lane ${engine.laneStats.batches} ${engine.laneStats.commands}`), 200);
  // Two loops per job type, so that one's completions can meet the other's activations in a batch.
  const loops = [creator(), taskLoop(), ...ACKED_JOB_TYPES.flatMap((type) => [jobLoop(type), jobLoop(type)]), ...stale];

  if (mode === "drive") {
    await new Promise<never>(() => undefined); // until SIGKILL
  }

  // finish: wait until every instance has ended, then shut down cleanly.
  let last = -1;
  let lastChange = Date.now();
  for (;;) {
    const total = count(`SELECT COUNT(*) AS c FROM process_instance`);
    const active = count(`SELECT COUNT(*) AS c FROM process_instance WHERE state = 'ACTIVE'`);
    if (total >= TARGET_INSTANCES && active === 0) break;
    if (active !== last) {
      last = active;
      lastChange = Date.now();
    } else if (Date.now() - lastChange > STALL_MS) {
      const stuck = db.prepare(`SELECT process_instance_key AS pi, element_id AS element, state, incident_key AS incident FROM element_instance LIMIT 20`).all();
      ack(`error stalled with ${active} active instances: ${JSON.stringify(stuck)}`);
      process.exitCode = 3;
      break;
    }
    await sleep(50);
  }
  stopping = true;
  clearInterval(lane);
  await Promise.all(loops);
  await Promise.all(workers.map((w) => w.close()));
  ack(`lane ${engine.laneStats.batches} ${engine.laneStats.commands}`);
  await engine.stop();
  await dataSource.destroy();
  ack(`finished ${run}`);
  closeSync(ackFd);
  process.exit();
}

// Only when run as the child program (the test imports the constants above).
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main().catch((error) => {
    process.stderr.write(`driver failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(2);
  });
}
