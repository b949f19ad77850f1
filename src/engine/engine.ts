/**
 * The engine facade: deployments, commands, queries, in-process workers. Every command runs as one
 * write-lane command (its own savepoint inside a group-committed transaction) and resolves once
 * durable; side effects (waking workers, instance-finished waiters) run after the commit.
 */
import { EventEmitter } from "node:events";
import type Database from "better-sqlite3";
import { systemClock, type Clock } from "./clock.js";
import { SequentialIds, type IdGenerator } from "./ids.js";
import { DefinitionRegistry } from "./definitions.js";
import { applyDeployment, prepareDeployment, type DeployResource, type DeploymentResult } from "./deploy.js";
import { compileDefinitions } from "./model/compile.js";
import { parseBpmn } from "./model/parse.js";
import { Execution } from "./runtime/execution.js";
import { SqliteStore } from "../persistence/sqlite-store.js";
import { WriteLane } from "../persistence/write-lane.js";
import { cancelInstance, createInstance, setVariables, type CreateInstanceRequest, type CreatedInstance } from "./commands/instances.js";
import {
  activateJobs, completeJob, failJob, throwJobError, timeOutJobs, updateJobRetries,
  type ActivateJobsRequest, type ActivatedJob, type FailJobRequest, type ThrowErrorRequest,
} from "./commands/jobs.js";
import { assignUserTask, completeUserTask, unassignUserTask } from "./commands/user-tasks.js";
import { resolveIncident } from "./commands/incidents.js";
import { checkKey } from "./commands/validate.js";
import { JobWorker, type JobWorkerOptions } from "./workers.js";
import { EngineError } from "./errors.js";
import type { HistoryEntry, IncidentRow, JobRow, ProcessInstanceRow, UserTaskRow } from "./state.js";

export interface EngineOptions {
  db: Database.Database;
  clock?: Clock;
  ids?: IdGenerator;
  /** Most commands per transaction (group commit). */
  maxBatch?: number;
  /** How often the scheduler looks for expired job locks, in ms (0 disables it). */
  schedulerInterval?: number;
}

const KEY_SEQUENCE = "next_key";

export class Engine {
  readonly store: SqliteStore;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly definitions = new DefinitionRegistry();
  /** `jobs` (type) after commit when jobs became available; `finished` (processInstanceKey). */
  readonly events = new EventEmitter();
  private readonly lane: WriteLane;
  private readonly workers = new Set<JobWorker>();
  private scheduler: NodeJS.Timeout | undefined;

  constructor(private readonly options: EngineOptions) {
    this.store = new SqliteStore(options.db);
    this.clock = options.clock ?? systemClock;
    this.ids = options.ids ?? new SequentialIds();
    this.events.setMaxListeners(0);
    this.lane = new WriteLane(options.db, {
      maxBatch: options.maxBatch ?? 2000,
      // Persist the key sequence with every commit, so keys are never reused after a crash.
      beforeCommit: () => this.store.setMeta(KEY_SEQUENCE, this.ids.peek()),
    });
  }

  /** Loads deployed definitions and the key sequence, and starts the scheduler. */
  async start(): Promise<this> {
    const next = this.store.getMeta(KEY_SEQUENCE);
    if (next !== undefined) this.ids.advanceTo(next);
    for (const row of this.store.allProcessDefinitions()) {
      const { definitions } = await parseBpmn(row.resourceName, row.xml);
      const compiled = compileDefinitions(row.resourceName, definitions).processes.find((p) => p.bpmnProcessId === row.bpmnProcessId);
      if (!compiled) throw new Error(`Stored process definition ${row.key} (${row.bpmnProcessId}) no longer compiles`);
      this.definitions.add(row, compiled);
    }
    const interval = this.options.schedulerInterval ?? 1000;
    if (interval > 0) {
      this.scheduler = setInterval(() => void this.tick(), interval);
      this.scheduler.unref();
    }
    return this;
  }

  async stop(): Promise<void> {
    if (this.scheduler) clearInterval(this.scheduler);
    await Promise.all([...this.workers].map((w) => w.close()));
    this.lane.close();
  }

  get laneStats(): { batches: number; commands: number } {
    return this.lane.stats;
  }

  /** Runs one command through the write lane and applies its effects after the commit. */
  private command<T>(run: (rt: Execution) => T): Promise<T> {
    let effects: Execution["effects"] | undefined;
    return this.lane
      .submit(() => {
        const rt = new Execution({ store: this.store, clock: this.clock, ids: this.ids, definitions: this.definitions });
        const result = run(rt);
        rt.flush();
        effects = rt.effects;
        return result;
      })
      .then((result) => {
        if (effects) this.applyEffects(effects);
        return result;
      });
  }

  private applyEffects(effects: Execution["effects"]): void {
    for (const type of effects.jobTypes) this.events.emit("jobs", type);
    for (const key of effects.finishedInstances) this.events.emit("finished", key);
    for (const after of effects.after) after();
  }

  // ── deployments ───────────────────────────────────────────────────────────────────────────────

  async deploy(resources: DeployResource[]): Promise<DeploymentResult> {
    const prepared = await prepareDeployment(resources);
    const { result, added, keys, versions } = await this.lane.submit(() => {
      const out = applyDeployment(this.store, this.ids, this.clock.now(), prepared);
      return out;
    });
    added.forEach((p, i) => {
      this.definitions.add({ key: keys[i]!, bpmnProcessId: p.compiled.bpmnProcessId, version: versions[i]!, versionTag: p.compiled.versionTag ?? null, resourceName: p.resourceName }, p.compiled);
    });
    return result;
  }

  // ── commands ──────────────────────────────────────────────────────────────────────────────────

  createProcessInstance(request: CreateInstanceRequest): Promise<CreatedInstance> {
    return this.command((rt) => createInstance(rt, request));
  }

  /** Creates an instance and resolves when it has ended (or rejects after `timeoutMs`). */
  async createProcessInstanceWithResult(request: CreateInstanceRequest, timeoutMs = 10_000): Promise<CreatedInstance & { variables: Record<string, unknown> }> {
    let created: CreatedInstance | undefined;
    const finished = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.events.off("finished", listener);
        reject(new EngineError("INVALID_STATE", `Expected the process instance to end within ${timeoutMs} ms, but it is still running`));
      }, timeoutMs);
      const listener = (key: number) => {
        if (created && key === created.processInstanceKey) {
          clearTimeout(timer);
          this.events.off("finished", listener);
          resolve();
        }
      };
      this.events.on("finished", listener);
    });
    created = await this.createProcessInstance(request);
    if (this.store.processInstance(created.processInstanceKey)?.state === "ACTIVE") await finished;
    else finished.catch(() => undefined);
    return { ...created, variables: this.variables(created.processInstanceKey) };
  }

  cancelProcessInstance(key: number | string): Promise<void> {
    return this.command((rt) => cancelInstance(rt, checkKey(key, "the process instance key")));
  }

  setVariables(scopeKey: number | string, variables: Record<string, unknown>, options: { local?: boolean } = {}): Promise<void> {
    return this.command((rt) => setVariables(rt, checkKey(scopeKey, "the element instance key"), variables, options.local ?? false));
  }

  activateJobs(request: ActivateJobsRequest): Promise<ActivatedJob[]> {
    return this.command((rt) => activateJobs(rt, request));
  }

  completeJob(key: number | string, variables?: Record<string, unknown>): Promise<void> {
    return this.command((rt) => completeJob(rt, checkKey(key, "the job key"), variables));
  }

  failJob(key: number | string, request: FailJobRequest): Promise<void> {
    return this.command((rt) => failJob(rt, checkKey(key, "the job key"), request));
  }

  throwError(key: number | string, request: ThrowErrorRequest): Promise<void> {
    return this.command((rt) => throwJobError(rt, checkKey(key, "the job key"), request));
  }

  updateJobRetries(key: number | string, retries: number): Promise<void> {
    return this.command((rt) => updateJobRetries(rt, checkKey(key, "the job key"), retries));
  }

  completeUserTask(key: number | string, variables?: Record<string, unknown>): Promise<void> {
    return this.command((rt) => completeUserTask(rt, checkKey(key, "the user task key"), variables));
  }

  assignUserTask(key: number | string, assignee: string, options: { allowOverride?: boolean } = {}): Promise<void> {
    return this.command((rt) => assignUserTask(rt, checkKey(key, "the user task key"), assignee, options.allowOverride ?? true));
  }

  unassignUserTask(key: number | string): Promise<void> {
    return this.command((rt) => unassignUserTask(rt, checkKey(key, "the user task key")));
  }

  resolveIncident(key: number | string): Promise<void> {
    return this.command((rt) => resolveIncident(rt, checkKey(key, "the incident key")));
  }

  /** Makes jobs whose lock expired available again; run by the scheduler, callable by tests. */
  async timeOutJobs(): Promise<number> {
    if (this.store.expiredJobs(this.clock.now(), 1).length === 0) return 0;
    return this.command((rt) => timeOutJobs(rt));
  }

  private async tick(): Promise<void> {
    try {
      await this.timeOutJobs();
    } catch {
      // The lane is closing; the next start picks expired jobs up again.
    }
  }

  // ── in-process workers ────────────────────────────────────────────────────────────────────────

  /** Subscribes a handler to a job type; see JobWorker for completion and failure rules. */
  createWorker(options: JobWorkerOptions): JobWorker {
    const worker = new JobWorker(this, options);
    this.workers.add(worker);
    worker.onClose(() => this.workers.delete(worker));
    worker.start();
    return worker;
  }

  // ── queries (read side; never wait on the writer) ─────────────────────────────────────────────

  processInstance(key: number): ProcessInstanceRow | undefined {
    return this.store.processInstance(key);
  }

  history(processInstanceKey: number): HistoryEntry[] {
    return this.store.history(processInstanceKey);
  }

  /** Root-scope variables of a process instance (kept after it ends). */
  variables(processInstanceKey: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const v of this.store.variables(processInstanceKey)) if (v.scopeKey === processInstanceKey) out[v.name] = JSON.parse(v.value);
    return out;
  }

  userTasks(filter: Parameters<SqliteStore["userTasks"]>[0] = {}): UserTaskRow[] {
    return this.store.userTasks(filter);
  }

  jobs(filter: Parameters<SqliteStore["jobs"]>[0] = {}): JobRow[] {
    return this.store.jobs(filter);
  }

  incidents(filter: Parameters<SqliteStore["incidents"]>[0] = {}): IncidentRow[] {
    return this.store.incidents(filter);
  }

  /** Live element instances (tokens at rest) of a process instance. */
  activeElements(processInstanceKey: number): Array<{ key: number; elementId: string; elementType: string; state: string; incidentKey: number | null }> {
    return this.store.elementInstances(processInstanceKey).map(({ key, elementId, elementType, state, incidentKey }) => ({ key, elementId, elementType, state, incidentKey }));
  }
}

/** Creates and starts an engine on an open database. */
export async function createEngine(options: EngineOptions): Promise<Engine> {
  return new Engine(options).start();
}
