/**
 * Crash safety: the engine runs in a child process (driver.ts) on a file database with synchronous
 * FULL and the real clock, under load from a few hundred instances of the crash fixtures, and is
 * SIGKILLed at random moments, again and again; a last run drives every instance to its end.
 *
 * Right after each kill (before anything could repair it) the database must be intact, hold every
 * write the child had acknowledged, and be consistent (every live instance holds a token, every open
 * job or user task has its waiting element). At the end every instance has completed exactly once
 * along its expected path, every job and user task completion was applied exactly once (a counter
 * variable bumped by output mappings would show a double application), and nothing is left behind.
 *
 * The kill moments come from a seeded PRNG: set CRASH_SEED to replay a campaign's choices (the
 * timing itself is not reproducible, the assertions are). On failure the seed and the kept
 * database directory are printed.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { expect } from "chai";
import { startTestEngine, type TestEngine } from "../helpers/engine.js";
import { ACKED_JOB_TYPES, N_PER_RUN, TARGET_INSTANCES, WORKER_JOB_TYPES, planFor, prng } from "./driver.js";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "..", "..");
const DRIVER = path.join(HERE, "driver.ts");

const SEED = process.env["CRASH_SEED"] ? Number(process.env["CRASH_SEED"]) : Math.floor(Math.random() * 2 ** 31);
const READY_TIMEOUT_MS = 30_000;
const FINISH_TIMEOUT_MS = 60_000;

/** What the driver acknowledged (only after the command's promise resolved). */
interface Acks {
  created: Array<{ n: number; piKey: number; bpmnProcessId: string }>;
  completedJobs: Array<{ key: number; type: string }>;
  completedTasks: number[];
  deployed: Array<{ bpmnProcessId: string; version: number }>;
  lanes: Array<{ batches: number; commands: number }>;
  errors: string[];
  finished: boolean;
}

function readAcks(file: string): Acks {
  const acks: Acks = { created: [], completedJobs: [], completedTasks: [], deployed: [], lanes: [], errors: [], finished: false };
  const text = readFileSync(file, "utf8");
  // A line cut short by the kill has no newline yet: it was never a complete acknowledgement.
  const lines = text.slice(0, text.lastIndexOf("\n") + 1).split("\n").filter(Boolean);
  for (const line of lines) {
    const [kind, a, b, c] = line.split(" ");
    if (kind === "created") acks.created.push({ n: Number(a), piKey: Number(b), bpmnProcessId: c! });
    else if (kind === "completed-job") acks.completedJobs.push({ key: Number(a), type: b! });
    else if (kind === "completed-task") acks.completedTasks.push(Number(a));
    else if (kind === "deployed") acks.deployed.push({ bpmnProcessId: a!, version: Number(b) });
    else if (kind === "lane") acks.lanes.push({ batches: Number(a), commands: Number(b) });
    else if (kind === "error") acks.errors.push(line);
    else if (kind === "finished") acks.finished = true;
  }
  return acks;
}

type Row = Record<string, any>;

/** The acknowledged writes missing from the database (read with better-sqlite3 right after a kill). */
function lostAcknowledgedWrites(db: Database.Database, acks: Acks): string[] {
  const out: string[] = [];
  const pi = db.prepare(`SELECT key, bpmn_process_id FROM process_instance WHERE key = ?`);
  const nOf = db.prepare(`SELECT value FROM variable WHERE scope_key = ? AND name = 'n'`);
  const job = db.prepare(`SELECT state FROM job WHERE key = ?`);
  const task = db.prepare(`SELECT state FROM user_task WHERE key = ?`);
  for (const c of acks.created) {
    const row = pi.get(c.piKey) as Row | undefined;
    const n = nOf.get(c.piKey) as Row | undefined;
    if (!row) out.push(`instance ${c.piKey} (n=${c.n}) was acknowledged as created but is missing`);
    else if (row["bpmn_process_id"] !== c.bpmnProcessId || !n || JSON.parse(n["value"]) !== c.n) {
      out.push(`instance ${c.piKey} was acknowledged as ${c.bpmnProcessId} n=${c.n} but is ${row["bpmn_process_id"]} n=${n?.["value"]}`);
    }
  }
  for (const j of acks.completedJobs) {
    const row = job.get(j.key) as Row | undefined;
    if (row?.["state"] !== "COMPLETED") out.push(`job ${j.key} (${j.type}) was acknowledged as completed but is ${row?.["state"] ?? "missing"}`);
  }
  for (const key of acks.completedTasks) {
    const row = task.get(key) as Row | undefined;
    if (row?.["state"] !== "COMPLETED") out.push(`user task ${key} was acknowledged as completed but is ${row?.["state"] ?? "missing"}`);
  }
  return out;
}

/** Runtime rows that contradict each other: what a half-applied command would leave. */
function inconsistencies(db: Database.Database): string[] {
  const out: string[] = [];
  const rows = (sql: string) => db.prepare(sql).all() as Row[];
  for (const r of rows(`SELECT ei.key, ei.element_id, p.state FROM element_instance ei LEFT JOIN process_instance p ON p.key = ei.process_instance_key WHERE p.state IS NOT 'ACTIVE'`)) {
    out.push(`element instance ${r["key"]} (${r["element_id"]}) lives on in an instance that is ${r["state"] ?? "missing"}`);
  }
  for (const r of rows(`SELECT p.key FROM process_instance p WHERE p.state = 'ACTIVE' AND NOT EXISTS (SELECT 1 FROM element_instance ei WHERE ei.process_instance_key = p.key)`)) {
    out.push(`active instance ${r["key"]} holds no token (no element instance)`);
  }
  for (const r of rows(`SELECT t.key, t.gateway_id FROM join_token t LEFT JOIN process_instance p ON p.key = t.process_instance_key WHERE p.state IS NOT 'ACTIVE'`)) {
    out.push(`join token ${r["key"]} at ${r["gateway_id"]} is left in an instance that is not active`);
  }
  for (const r of rows(`SELECT j.key, j.state, j.element_id, ei.state AS ei_state FROM job j LEFT JOIN element_instance ei ON ei.key = j.element_instance_key WHERE j.state IN ('ACTIVATABLE', 'ACTIVATED') AND ei.state IS NOT 'ACTIVATED'`)) {
    out.push(`open job ${r["key"]} (${r["state"]}, ${r["element_id"]}) has no waiting element instance (found ${r["ei_state"] ?? "none"})`);
  }
  for (const r of rows(`SELECT t.key, t.element_id, ei.state AS ei_state FROM user_task t LEFT JOIN element_instance ei ON ei.key = t.element_instance_key WHERE t.state = 'CREATED' AND ei.state IS NOT 'ACTIVATED'`)) {
    out.push(`open user task ${r["key"]} (${r["element_id"]}) has no waiting element instance (found ${r["ei_state"] ?? "none"})`);
  }
  for (const r of rows(`SELECT ei.key, ei.element_id, (SELECT COUNT(*) FROM job j WHERE j.element_instance_key = ei.key AND j.state IN ('ACTIVATABLE', 'ACTIVATED')) AS open FROM element_instance ei WHERE ei.element_type = 'SERVICE_TASK' AND ei.state = 'ACTIVATED'`)) {
    if (r["open"] !== 1) out.push(`waiting service task ${r["key"]} (${r["element_id"]}) has ${r["open"]} open jobs instead of 1`);
  }
  for (const r of rows(`SELECT ei.key, ei.element_id, (SELECT COUNT(*) FROM user_task t WHERE t.element_instance_key = ei.key AND t.state = 'CREATED') AS open FROM element_instance ei WHERE ei.element_type = 'USER_TASK' AND ei.state = 'ACTIVATED'`)) {
    if (r["open"] !== 1) out.push(`waiting user task element ${r["key"]} (${r["element_id"]}) has ${r["open"]} open user tasks instead of 1`);
  }
  for (const r of rows(`SELECT key, element_id, state FROM element_instance WHERE state NOT IN ('ACTIVATED')`)) {
    out.push(`element instance ${r["key"]} (${r["element_id"]}) rests in state ${r["state"]}, not a wait state`);
  }
  return out;
}

/** Element ids completed (and flows taken) by one instance of a plan, sorted. */
function expectedPath(n: number): { elements: string[]; flows: string[] } {
  const plan = planFor(n);
  if (plan.bpmnProcessId === "crash-claim") {
    return {
      elements: ["StartEvent_ClaimReceived", "Task_OpenClaim", "Task_RegisterClaim", "EndEvent_ClaimRegistered", "crash-claim"].sort(),
      flows: ["Flow_ToOpen", "Flow_ToRegister", "Flow_ToEnd"].sort(),
    };
  }
  const elements = ["StartEvent_OrderReceived", "Task_ReserveStock", "Gateway_Fork", "Task_CheckOrder", "Task_ComputeTotal", "Task_BillCustomer",
    "Gateway_Join", "Gateway_Express", "Gateway_Merge", "EndEvent_OrderFulfilled", "crash-order"];
  const flows = ["Flow_ToReserve", "Flow_ToFork", "Flow_ToCheck", "Flow_ToTotal", "Flow_CheckToJoin", "Flow_ToBill", "Flow_BillToJoin", "Flow_ToExpress", "Flow_ToEnd"];
  if (plan.express) {
    elements.push("SubProcess_ShipExpress", "StartEvent_Ship", "Task_PackParcel", "EndEvent_Shipped");
    flows.push("Flow_Express", "Flow_ToPack", "Flow_PackToEnd", "Flow_ShipToMerge");
  } else {
    elements.push("Task_PostLetter");
    flows.push("Flow_Standard", "Flow_PostToMerge");
  }
  return { elements: elements.sort(), flows: flows.sort() };
}

function expectedJobTypes(n: number): string[] {
  const plan = planFor(n);
  if (plan.bpmnProcessId === "crash-claim") return ["crash.register"];
  return ["crash.reserve", "crash.bill", plan.express ? "crash.pack" : "crash.post"].sort();
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Races `promise` against a timer, and clears the timer either way. */
async function within<T>(promise: Promise<T>, ms: number, onTimeout: () => T | never): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<T>((resolve, reject) => {
    timer = setTimeout(() => {
      try {
        resolve(onTimeout());
      } catch (error) {
        reject(error);
      }
    }, ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** Counts occurrences of each value. */
function tally<T>(values: T[]): Map<T, number> {
  const counts = new Map<T, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return counts;
}

const first = (list: string[], max = 10) => list.slice(0, max).join("\n  ") + (list.length > max ? `\n  … and ${list.length - max} more` : "");

describe("Crash safety: the engine SIGKILLed at random moments", function () {
  this.timeout(180_000); // ~20 s on an idle 2-core machine; generous for a loaded one

  const random = prng(SEED);
  const kills = 15 + Math.floor(random() * 8);
  let dir = "";
  let dbPath = "";
  let ackPath = "";
  const because = (what: string) => `${what} (seed ${SEED}, database in ${dir})`;

  let child: ChildProcess | undefined;
  let failed = false;
  let killedWhileRunning = 0;
  /** Per kill: active/all instances in the database it left (printed with CRASH_VERBOSE=1 or on failure). */
  const leftAtKills: string[] = [];
  /** Violations found right after the kills, each listed once with the kill that first showed it. */
  const atKills = { integrity: [] as string[], lost: [] as string[], inconsistent: [] as string[], versions: [] as string[] };
  const seen = new Set<string>();
  const report = (list: string[], run: number, violation: string) => {
    if (seen.has(violation)) return;
    seen.add(violation);
    list.push(`from kill ${run} on: ${violation}`);
  };
  let acks: Acks;
  let t: TestEngine | undefined;
  let db: Database.Database | undefined;

  function summary(): string {
    const a = acks ?? readAcks(ackPath);
    return `seed ${SEED}: ${kills} kills, active/created instances after each: ${leftAtKills.join(" ")}; `
      + `acknowledged: ${a.created.length} creations, ${a.completedJobs.length} job and ${a.completedTasks.length} user task completions; `
      + `last lane stats ${JSON.stringify(a.lanes.at(-1))}`;
  }

  /** Spawns the driver; resolves `ready` when it says so, `exited` when it is gone. */
  function startDriver(run: number, mode: "drive" | "finish") {
    let stderr = "";
    const proc = spawn(process.execPath, ["--import", "tsx", DRIVER, dir, String(Math.floor(random() * 2 ** 31)), String(run), mode], {
      cwd: ROOT, stdio: ["pipe", "pipe", "pipe"],
    });
    child = proc;
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.once("exit", (code, signal) => resolve({ code, signal })));
    let out = "";
    const said = (word: string) => new Promise<void>((resolve, reject) => {
      proc.stdout!.on("data", () => {
        if (out.includes(`${word}\n`)) resolve();
      });
      void exited.then(({ code, signal }) => reject(new Error(because(`driver run ${run} ended before saying '${word}' (code ${code}, signal ${signal}):\n${stderr}`))));
    });
    proc.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
    });
    const opening = said("opening");
    const ready = said("ready");
    opening.catch(() => undefined);
    ready.catch(() => undefined);
    proc.stderr!.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-8000);
    });
    return { proc, opening, ready, exited, stderr: () => stderr };
  }

  /** Checks the database as the kill left it, before any restart could repair anything. */
  function inspectAfterKill(run: number, note: string): void {
    // Read-only: the WAL is left as the kill left it, for the next engine start to recover.
    const conn = new Database(dbPath, { readonly: true, fileMustExist: true });
    try {
      const integrity = conn.pragma("integrity_check", { simple: true });
      if (integrity !== "ok") atKills.integrity.push(`after kill ${run}: ${String(integrity)}`);
      const soFar = readAcks(ackPath);
      for (const v of lostAcknowledgedWrites(conn, soFar)) report(atKills.lost, run, v);
      for (const v of inconsistencies(conn)) report(atKills.inconsistent, run, v);
      const versions = conn.prepare(`SELECT bpmn_process_id AS id, COUNT(*) AS c FROM process_definition GROUP BY bpmn_process_id`).all() as Row[];
      for (const v of versions) if (v["c"] !== 1) report(atKills.versions, run, `${v["id"]} has ${v["c"]} versions`);
      const count = (sql: string) => (conn.prepare(sql).get() as { c: number }).c;
      leftAtKills.push(`${note}${count(`SELECT COUNT(*) AS c FROM process_instance WHERE state = 'ACTIVE'`)}/${count(`SELECT COUNT(*) AS c FROM process_instance`)}`);
    } finally {
      conn.close();
    }
  }

  before(async function () {
    dir = mkdtempSync(path.join(tmpdir(), "dossier-crash-"));
    dbPath = path.join(dir, "engine.sqlite");
    ackPath = path.join(dir, "acks.log");
    try {
      for (let run = 0; run < kills; run++) {
        // Now and then kill during start-up: opening the database, loading and deploying definitions.
        const early = run > 0 && random() < 0.2;
        const delay = early ? random() * 80 : 100 + random() * 600;
        const driver = startDriver(run, "drive");
        await within(early ? driver.opening : driver.ready, READY_TIMEOUT_MS, () => {
          throw new Error(because(`driver run ${run} did not start within ${READY_TIMEOUT_MS} ms:\n${driver.stderr()}`));
        });
        await Promise.race([sleep(delay), driver.exited]);
        if (driver.proc.exitCode === null && driver.proc.signalCode === null) driver.proc.kill("SIGKILL");
        const { code, signal } = await driver.exited;
        if (signal !== "SIGKILL") throw new Error(because(`driver run ${run} ended by itself (code ${code}) instead of being killed:\n${driver.stderr()}`));
        killedWhileRunning++;
        child = undefined;
        inspectAfterKill(run, early ? "early:" : "");
      }

      const last = startDriver(kills, "finish");
      const end = await within<{ code: number | null; signal: string | null }>(last.exited, FINISH_TIMEOUT_MS, () => ({ code: null, signal: "TIMEOUT" }));
      if (end.code !== 0) {
        throw new Error(because(`the finishing run did not end cleanly (code ${end.code}, signal ${end.signal}):\n${last.stderr()}\n${readAcks(ackPath).errors.join("\n")}`));
      }
      child = undefined;
      acks = readAcks(ackPath);
      t = await startTestEngine({ dir });
      db = new Database(dbPath, { readonly: true });
      if (process.env["CRASH_VERBOSE"]) console.log(`    ${summary()}`);
    } catch (error) {
      failed = true;
      throw error;
    }
  });

  afterEach(function () {
    if (this.currentTest?.state === "failed") failed = true;
  });

  after(async function () {
    if (child && child.exitCode === null && child.signalCode === null) {
      child.kill("SIGKILL");
      await new Promise((resolve) => child!.once("exit", resolve));
    }
    db?.close();
    await t?.close();
    if (failed) console.error(`crash-safety failed with CRASH_SEED=${SEED}; database and acks kept in ${dir}\n${dir ? summary() : ""}`);
    else if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("should kill the engine while it runs, again and again", function () {
    // given a campaign of kills at random moments
    // then each of them hit a running engine process, and the instances spread over many runs
    expect(killedWhileRunning, because("kills that hit a running engine")).to.equal(kills);
    const runsCreating = new Set(acks.created.map((c) => Math.floor(c.n / N_PER_RUN)));
    expect(runsCreating.size, because("runs that created instances")).to.be.greaterThan(3);
  });

  it("should keep the database file intact after every kill and at the end", function () {
    expect(atKills.integrity, because("integrity_check after the kills")).to.deep.equal([]);
    expect(db!.pragma("integrity_check", { simple: true }), because("integrity_check at the end")).to.equal("ok");
  });

  it("should find every acknowledged write in the database right after each kill", function () {
    expect(atKills.lost.length, because(`acknowledged writes lost:\n  ${first(atKills.lost)}`)).to.equal(0);
    expect(lostAcknowledgedWrites(db!, acks), because("acknowledged writes lost at the end")).to.deep.equal([]);
  });

  it("should leave a consistent state at every kill: live instances hold tokens, open jobs and tasks their waiting element", function () {
    expect(atKills.inconsistent.length, because(`inconsistencies found after kills:\n  ${first(atKills.inconsistent)}`)).to.equal(0);
  });

  it("should deploy the fixtures once, however often a start-up was cut short", function () {
    expect(atKills.versions, because("process definition versions")).to.deep.equal([]);
    expect(new Set(acks.deployed.map((d) => d.version)), because("deployed versions")).to.deep.equal(new Set([1]));
    const definitions = db!.prepare(`SELECT bpmn_process_id AS id, version FROM process_definition ORDER BY id`).all();
    expect(definitions).to.deep.equal([{ id: "crash-claim", version: 1 }, { id: "crash-order", version: 1 }]);
  });

  it("should report no unexpected command failure in any run", function () {
    expect(acks.errors, because("unexpected rejections")).to.deep.equal([]);
    expect(acks.finished, because("the finishing run")).to.equal(true);
  });

  it("should have grouped concurrent commands into shared transactions", function () {
    // the premise of the test: commands in flight together share a transaction (group commit)
    expect(acks.lanes.some((l) => l.commands > l.batches), because("some run with more commands than batches")).to.equal(true);
  });

  it("should bring every created instance, and no other, to COMPLETED exactly once", function () {
    // given every instance in the database, with its order number
    const instances = db!.prepare(`SELECT p.key, p.bpmn_process_id AS id, p.state, v.value AS n FROM process_instance p LEFT JOIN variable v ON v.scope_key = p.key AND v.name = 'n' ORDER BY p.key`).all() as Row[];
    expect(instances.length, because("instances created")).to.equal(TARGET_INSTANCES);
    // then each order number was created once, in the process its plan says
    const numbers = instances.map((r) => JSON.parse(r["n"]) as number);
    expect(new Set(numbers).size, because("distinct order numbers")).to.equal(instances.length);
    const wrongProcess = instances.filter((r) => planFor(JSON.parse(r["n"])).bpmnProcessId !== r["id"]).map((r) => `${r["key"]}`);
    expect(wrongProcess, because("instances in the wrong process")).to.deep.equal([]);
    // and every acknowledged creation is one of them
    const keys = new Set(instances.map((r) => r["key"] as number));
    expect(acks.created.filter((c) => !keys.has(c.piKey)), because("acknowledged instances missing")).to.deep.equal([]);
    expect(acks.created.length, because("acknowledged creations")).to.be.greaterThan(TARGET_INSTANCES / 2);
    // and each has ended completed, with exactly one completion of the process in its history
    const problems: string[] = [];
    for (const r of instances) {
      const pi = t!.engine.processInstance(r["key"]);
      if (pi?.state !== "COMPLETED" || pi.endDate === null) problems.push(`instance ${r["key"]} is ${pi?.state}`);
      const ends = t!.engine.history(r["key"]).filter((h) => h.elementType === "PROCESS" && h.type === "ELEMENT_COMPLETED");
      if (ends.length !== 1) problems.push(`instance ${r["key"]} completed ${ends.length} times`);
    }
    expect(problems, because("instances not completed exactly once")).to.deep.equal([]);
  });

  it("should complete every element instance exactly once, along the expected path, with no token duplicated", function () {
    const problems: string[] = [];
    const allElementKeys: number[] = [];
    for (const c of allInstances()) {
      const history = t!.engine.history(c.piKey);
      const activated = history.filter((h) => h.type === "ELEMENT_ACTIVATING").map((h) => h.key!);
      allElementKeys.push(...activated);
      const completed = tally(history.filter((h) => h.type === "ELEMENT_COMPLETED").map((h) => h.key!));
      for (const key of activated) {
        if (completed.get(key) !== 1) problems.push(`instance ${c.piKey}: element instance ${key} completed ${completed.get(key) ?? 0} times`);
      }
      if (completed.size !== activated.length) problems.push(`instance ${c.piKey}: ${completed.size} element instances completed, ${activated.length} activated`);
      const ended = history.filter((h) => h.type === "ELEMENT_TERMINATED" || h.type === "ELEMENT_TERMINATING").map((h) => h.elementId);
      if (ended.length > 0) problems.push(`instance ${c.piKey}: terminated ${ended.join(", ")}`);
      const path = expectedPath(c.n);
      const elements = history.filter((h) => h.type === "ELEMENT_COMPLETED").map((h) => h.elementId!).sort();
      const flows = history.filter((h) => h.type === "SEQUENCE_FLOW_TAKEN").map((h) => h.elementId!).sort();
      if (JSON.stringify(elements) !== JSON.stringify(path.elements)) problems.push(`instance ${c.piKey} (n=${c.n}) completed [${elements}], expected [${path.elements}]`);
      if (JSON.stringify(flows) !== JSON.stringify(path.flows)) problems.push(`instance ${c.piKey} (n=${c.n}) took [${flows}], expected [${path.flows}]`);
    }
    const reused = [...tally(allElementKeys)].filter(([, count]) => count > 1).map(([key]) => key);
    expect(reused, because("element instance keys handed out twice")).to.deep.equal([]);
    expect(problems.length, because(`element instances not completed exactly once:\n  ${first(problems)}`)).to.equal(0);
  });

  it("should apply every job completion exactly once", function () {
    const problems: string[] = [];
    const completions = new Map<number, number>();
    for (const c of allInstances()) {
      const jobs = t!.engine.jobs({ processInstanceKey: c.piKey });
      const types = jobs.map((j) => j.type).sort();
      if (JSON.stringify(types) !== JSON.stringify(expectedJobTypes(c.n))) problems.push(`instance ${c.piKey} (n=${c.n}) has jobs [${types}], expected [${expectedJobTypes(c.n)}]`);
      for (const j of jobs) if (j.state !== "COMPLETED") problems.push(`job ${j.key} (${j.type}) is ${j.state}`);
      for (const h of t!.engine.history(c.piKey)) if (h.type === "JOB_COMPLETED") completions.set(h.key!, (completions.get(h.key!) ?? 0) + 1);
      for (const j of jobs) if (completions.get(j.key) !== 1) problems.push(`job ${j.key} (${j.type}) has ${completions.get(j.key) ?? 0} JOB_COMPLETED records`);
    }
    // each acknowledged completion: acknowledged once, recorded once
    const twice = [...tally(acks.completedJobs.map((j) => j.key))].filter(([, count]) => count > 1).map(([key]) => key);
    expect(twice, because("job completions accepted twice")).to.deep.equal([]);
    for (const j of acks.completedJobs) if (completions.get(j.key) !== 1) problems.push(`acknowledged job ${j.key} has ${completions.get(j.key) ?? 0} JOB_COMPLETED records`);
    expect(problems.length, because(`job completions not applied exactly once:\n  ${first(problems)}`)).to.equal(0);
    // both ways of completing were exercised
    const ackedTypes = new Set(acks.completedJobs.map((j) => j.type));
    for (const type of ACKED_JOB_TYPES) expect(ackedTypes.has(type), because(`acknowledged completions of ${type}`)).to.equal(true);
    const workerJobs = WORKER_JOB_TYPES.map((type) => t!.engine.jobs({ type, state: "COMPLETED" }).length);
    for (const count of workerJobs) expect(count, because("jobs completed by in-process workers")).to.be.greaterThan(0);
  });

  it("should apply every user task completion exactly once", function () {
    const problems: string[] = [];
    const completions = new Map<number, number>();
    for (const c of allInstances()) {
      const tasks = t!.engine.userTasks({ processInstanceKey: c.piKey });
      const expected = planFor(c.n).bpmnProcessId === "crash-order" ? 1 : 0;
      if (tasks.length !== expected) problems.push(`instance ${c.piKey} (n=${c.n}) has ${tasks.length} user tasks, expected ${expected}`);
      for (const task of tasks) if (task.state !== "COMPLETED") problems.push(`user task ${task.key} is ${task.state}`);
      for (const h of t!.engine.history(c.piKey)) if (h.type === "USER_TASK_COMPLETED") completions.set(h.key!, (completions.get(h.key!) ?? 0) + 1);
      for (const task of tasks) if (completions.get(task.key) !== 1) problems.push(`user task ${task.key} has ${completions.get(task.key) ?? 0} USER_TASK_COMPLETED records`);
    }
    const twice = [...tally(acks.completedTasks)].filter(([, count]) => count > 1).map(([key]) => key);
    expect(twice, because("user task completions accepted twice")).to.deep.equal([]);
    for (const key of acks.completedTasks) if (completions.get(key) !== 1) problems.push(`acknowledged user task ${key} has ${completions.get(key) ?? 0} USER_TASK_COMPLETED records`);
    expect(problems.length, because(`user task completions not applied exactly once:\n  ${first(problems)}`)).to.equal(0);
  });

  it("should count each completed step once in the counter variable", function () {
    // given the counter bumped by the output mapping of each job and user task (counter + 1)
    // then it ends at the number of such steps on the instance's path: no completion applied twice
    const wrong: string[] = [];
    for (const c of allInstances()) {
      const variables = t!.engine.variables(c.piKey);
      if (variables["counter"] !== planFor(c.n).counter) wrong.push(`instance ${c.piKey} (n=${c.n}): counter ${String(variables["counter"])}, expected ${planFor(c.n).counter}`);
      if (planFor(c.n).bpmnProcessId === "crash-order" && variables["total"] !== c.n * 10) wrong.push(`instance ${c.piKey} (n=${c.n}): total ${String(variables["total"])}`);
    }
    expect(wrong.length, because(`counters off:\n  ${first(wrong)}`)).to.equal(0);
  });

  it("should leave no token, join token, open job, open user task or incident behind", function () {
    const count = (sql: string) => (db!.prepare(sql).get() as { c: number }).c;
    expect(count(`SELECT COUNT(*) AS c FROM element_instance`), because("element instances left")).to.equal(0);
    expect(count(`SELECT COUNT(*) AS c FROM join_token`), because("join tokens left")).to.equal(0);
    expect(count(`SELECT COUNT(*) AS c FROM job WHERE state IN ('ACTIVATABLE', 'ACTIVATED')`), because("open jobs left")).to.equal(0);
    expect(count(`SELECT COUNT(*) AS c FROM user_task WHERE state = 'CREATED'`), because("open user tasks left")).to.equal(0);
    expect(count(`SELECT COUNT(*) AS c FROM incident`), because("incidents")).to.equal(0);
  });

  /** Every instance in the database with its order number (acknowledged or not). */
  function allInstances(): Array<{ n: number; piKey: number }> {
    const rows = db!.prepare(`SELECT p.key, v.value AS n FROM process_instance p JOIN variable v ON v.scope_key = p.key AND v.name = 'n' ORDER BY p.key`).all() as Row[];
    return rows.map((r) => ({ piKey: r["key"] as number, n: JSON.parse(r["n"]) as number }));
  }
});
