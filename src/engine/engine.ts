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
import { activateAdHocElements, migrateInstance, modifyInstance, type AdHocActivation, type MigrateRequest, type ModifyRequest } from "./commands/operate.js";
import { broadcastSignal, correlateMessage, fireDueTimers, publishMessage, type PublishMessageRequest, type PublishedMessage } from "./runtime/triggers.js";
import { PinnableClock } from "./clock.js";
import { checkKey, checkVariables } from "./commands/validate.js";
import { JobWorker, type JobWorkerOptions } from "./workers.js";
import { EngineError } from "./errors.js";
import { setOwn } from "./shared/own.js";
import { FeelBudget, FeelSandbox } from "./feel-budget.js";
import { evaluateOnce, type EvalResult } from "./feel.js";
import { engineLimits, feelLimitsOf, LimitExceededError, type EngineLimits } from "./limits.js";
import type { HistoryEntry, IncidentRow, JobRow, ProcessInstanceRow, UserTaskRow } from "./state.js";

/** What a domain transaction may ask of the engine (see Engine.transaction). */
export interface EngineTransaction {
  /** The command's clock reading, ms. */
  readonly now: number;
  createInstance(request: CreateInstanceRequest): CreatedInstance;
  publishMessage(request: PublishMessageRequest): PublishedMessage;
  /** Opens on-demand activities of a running ad-hoc sub-process (a case's actions). */
  activateAdHocElements(adHocSubProcessInstanceKey: number, request: AdHocActivation): void;
  /** Completes a job in the same transaction as the domain work it did (exactly-once workers). */
  completeJob(jobKey: number, variables?: Record<string, unknown>): void;
  /** Completes a user task with the domain work its submission did (a portal page storing its files). */
  completeUserTask(userTaskKey: number, variables?: Record<string, unknown>): void;
  /** Cancels a running process instance (a dossier closed with its processes). */
  cancelInstance(processInstanceKey: number): void;
  /** Runs after the transaction committed (never inside it). */
  afterCommit(fn: () => void): void;
}

export interface EngineOptions {
  db: Database.Database;
  clock?: Clock;
  ids?: IdGenerator;
  /** Most commands per transaction (group commit). */
  maxBatch?: number;
  /** How often the scheduler looks for expired job locks, in ms (0 disables it). */
  schedulerInterval?: number;
  /** The resource budget of every command (limits.ts); defaults for whatever is not given. */
  limits?: Partial<EngineLimits>;
}

const KEY_SEQUENCE = "next_key";

export class Engine {
  readonly store: SqliteStore;
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly definitions = new DefinitionRegistry();
  readonly limits: EngineLimits;
  /** Where FEEL with loops, ranges or filters runs under its deadline (feel-budget.ts). */
  private readonly feelSandbox = new FeelSandbox();
  /** `jobs` (type) after commit when jobs became available; `finished` (processInstanceKey). */
  readonly events = new EventEmitter();
  private readonly lane: WriteLane;
  private readonly workers = new Set<JobWorker>();
  private scheduler: NodeJS.Timeout | undefined;
  private timerWakeUp: NodeJS.Timeout | undefined;
  private stopped = false;
  /** Definitions registered by deployments of the batch being written (see deploy()). */
  private readonly uncommittedDefinitions: number[] = [];

  constructor(private readonly options: EngineOptions) {
    this.store = new SqliteStore(options.db);
    this.limits = engineLimits(options.limits);
    this.clock = options.clock ?? systemClock;
    this.ids = options.ids ?? new SequentialIds();
    this.events.setMaxListeners(0);
    this.lane = new WriteLane(options.db, {
      maxBatch: options.maxBatch ?? 2000,
      // Persist the key sequence with every commit, so keys are never reused after a crash.
      beforeCommit: () => {
        this.store.flushStatistics(); // the search projections counted per command (sqlite-store.ts)
        this.store.setMeta(KEY_SEQUENCE, this.ids.peek());
      },
      afterCommand: (kept) => this.store.endCommand(kept),
      afterCommit: () => {
        this.uncommittedDefinitions.length = 0;
      },
      // A batch that did not commit takes its deployments with it.
      afterRollback: () => {
        this.store.dropStatistics();
        for (const key of this.uncommittedDefinitions) this.definitions.remove(key);
        this.uncommittedDefinitions.length = 0;
      },
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
      setImmediate(() => void this.tick()); // timers that fell due while the engine was down fire now
    }
    return this;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.scheduler) clearInterval(this.scheduler);
    if (this.timerWakeUp) clearTimeout(this.timerWakeUp);
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
        const rt = new Execution({ store: this.store, clock: this.clock, ids: this.ids, definitions: this.definitions, limits: this.limits, feelSandbox: this.feelSandbox });
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
    if (effects.timersChanged) this.scheduleTimerWakeUp();
    for (const type of effects.jobTypes) this.events.emit("jobs", type);
    for (const key of effects.userTasks) this.events.emit("userTask", key);
    for (const key of effects.finishedInstances) this.events.emit("finished", key);
  }

  // ── transactions shared with domain modules ──────────────────────────────────────────────────

  /**
   * Runs a domain module's synchronous work and the engine commands it asks for in ONE write-lane
   * command: both commit or neither (e.g. a dossier row and its opening process instance). The
   * work writes through the same connection (`store.db`); it must not await anything. Effects
   * (workers woken, `afterCommit` callbacks) run once the transaction is durable.
   */
  transaction<T>(work: (tx: EngineTransaction) => T): Promise<T> {
    const after: Array<() => void> = [];
    return this.command((rt) => {
      const tx: EngineTransaction = {
        now: rt.now,
        createInstance: (request) => createInstance(rt, request),
        publishMessage: (request) => {
          const { messageKey, correlations } = publishMessage(rt, request);
          return { messageKey, correlations: correlations.map(({ processInstanceKey, elementId }) => ({ processInstanceKey, elementId })) };
        },
        completeJob: (jobKey, variables) => completeJob(rt, jobKey, variables),
        completeUserTask: (userTaskKey, variables) => completeUserTask(rt, userTaskKey, variables),
        cancelInstance: (processInstanceKey) => cancelInstance(rt, processInstanceKey),
        activateAdHocElements: (key, request) => activateAdHocElements(rt, key, request),
        afterCommit: (fn) => void after.push(fn),
      };
      return work(tx);
    }).then((result) => {
      for (const fn of after) fn();
      return result;
    });
  }

  // ── deployments ───────────────────────────────────────────────────────────────────────────────

  async deploy(resources: DeployResource[]): Promise<DeploymentResult> {
    const prepared = await prepareDeployment(resources, this.limits);
    // Registered inside the command, so later commands of the same batch already see the new versions.
    const { result } = await this.lane.submit(() => {
      const out = applyDeployment(this.store, this.ids, this.clock.now(), prepared);
      out.added.forEach((p, i) => {
        this.definitions.add({ key: out.keys[i]!, bpmnProcessId: p.compiled.bpmnProcessId, version: out.versions[i]!, versionTag: p.compiled.versionTag ?? null, resourceName: p.resourceName }, p.compiled);
        this.uncommittedDefinitions.push(out.keys[i]!);
      });
      return out;
    });
    return result;
  }

  /**
   * Evaluates one FEEL expression against the given variables (the API's expression evaluation),
   * within the same budget as a command: variables checked against the limits, loops and ranges
   * under the FEEL deadline. Nothing is written.
   */
  evaluateExpression(source: string, variables: Record<string, unknown> = {}): EvalResult {
    checkVariables(variables, "variables", this.limits);
    const max = this.limits.bpmnMaxAttributeLength;
    if (source.length > max) throw new LimitExceededError("BPMN_MAX_ATTRIBUTE_LENGTH", max, source.length, `Expected an expression of at most ${max} characters (BPMN_MAX_ATTRIBUTE_LENGTH), but found ${source.length}`);
    return evaluateOnce(source, variables, this.clock.now(), new FeelBudget(feelLimitsOf(this.limits), this.feelSandbox));
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

  /** Fires the timers due at the engine's now (the scheduler does this; tests and demos may too). */
  async fireDueTimers(): Promise<number> {
    const due = this.store.events.nextTimerDue();
    if (due === undefined || due > this.clock.now()) return 0;
    let total = 0;
    for (;;) {
      const fired = await this.command((rt) => fireDueTimers(rt, 500));
      total += fired;
      const next = this.store.events.nextTimerDue();
      if (fired === 0 || next === undefined || next > this.clock.now()) return total;
    }
  }

  /** Deletes buffered messages whose time-to-live is over. */
  async expireMessages(): Promise<number> {
    if (!this.store.events.hasExpiredMessages(this.clock.now())) return 0; // an idle tick writes nothing
    return this.lane.submit(() => this.store.events.deleteExpiredMessages(this.clock.now()));
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    try {
      await this.fireDueTimers();
      await this.timeOutJobs();
      await this.expireMessages();
    } catch {
      // The lane is closing; the next start picks due work up again.
    }
  }

  /** Wakes the scheduler exactly when the next timer is due (if sooner than its regular tick). */
  private scheduleTimerWakeUp(): void {
    if (this.stopped || !this.scheduler) return;
    const due = this.store.events.nextTimerDue();
    if (due === undefined) return;
    const delay = Math.max(0, due - this.clock.now());
    if (delay >= (this.options.schedulerInterval ?? 1000)) return;
    if (this.timerWakeUp) clearTimeout(this.timerWakeUp);
    this.timerWakeUp = setTimeout(() => void this.tick(), delay);
    this.timerWakeUp.unref();
  }

  // ── events ────────────────────────────────────────────────────────────────────────────────────

  publishMessage(request: PublishMessageRequest): Promise<PublishedMessage> {
    return this.command((rt) => {
      const { messageKey, correlations } = publishMessage(rt, request);
      return { messageKey, correlations: correlations.map(({ processInstanceKey, elementId }) => ({ processInstanceKey, elementId })) };
    });
  }

  correlateMessage(request: Omit<PublishMessageRequest, "timeToLive" | "messageId">): Promise<{ messageKey: number; processInstanceKey: number }> {
    return this.command((rt) => correlateMessage(rt, request));
  }

  broadcastSignal(signalName: string, variables: Record<string, unknown> = {}): Promise<{ signalKey: number; triggered: Array<{ processInstanceKey: number; elementId: string }> }> {
    return this.command((rt) => {
      const { signalKey, triggered } = broadcastSignal(rt, signalName, variables);
      rt.drain();
      return { signalKey, triggered: triggered.map(({ processInstanceKey, elementId }) => ({ processInstanceKey, elementId })) };
    });
  }

  // ── operating instances ───────────────────────────────────────────────────────────────────────

  activateAdHocElements(adHocSubProcessInstanceKey: number | string, request: AdHocActivation): Promise<void> {
    return this.command((rt) => activateAdHocElements(rt, checkKey(adHocSubProcessInstanceKey, "the ad-hoc sub-process instance key"), request));
  }

  modifyProcessInstance(key: number | string, request: ModifyRequest): Promise<void> {
    return this.command((rt) => modifyInstance(rt, checkKey(key, "the process instance key"), request));
  }

  migrateProcessInstance(key: number | string, request: MigrateRequest): Promise<void> {
    return this.command((rt) => migrateInstance(rt, checkKey(key, "the process instance key"), request));
  }

  // ── clock (Camunda's clock API) ───────────────────────────────────────────────────────────────

  /** Pins the engine clock (needs a PinnableClock); due timers fire on the next tick. */
  async pinClock(epochMs: number): Promise<void> {
    if (!(this.clock instanceof PinnableClock)) throw new EngineError("UNSUPPORTED", "Expected a pinnable clock, but this engine runs on a fixed clock");
    if (!Number.isFinite(epochMs)) throw new EngineError("INVALID_ARGUMENT", `Expected a timestamp in ms, but found '${String(epochMs)}'`);
    this.clock.pin(epochMs);
    await this.fireDueTimers();
  }

  async resetClock(): Promise<void> {
    if (!(this.clock instanceof PinnableClock)) throw new EngineError("UNSUPPORTED", "Expected a pinnable clock, but this engine runs on a fixed clock");
    this.clock.reset();
    await this.fireDueTimers();
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

  /** The instance and all instances it called (directly or not), root first. */
  callTree(processInstanceKey: number): ProcessInstanceRow[] {
    return this.store.instanceTree(processInstanceKey).map((k) => this.store.processInstance(k)!).filter(Boolean);
  }

  /** Open waits (timers, messages, signals) of an instance. */
  subscriptions(processInstanceKey: number) {
    return this.store.events.ofProcessInstance(processInstanceKey);
  }

  history(processInstanceKey: number): HistoryEntry[] {
    return this.store.history(processInstanceKey);
  }

  /** Root-scope variables of a process instance (kept after it ends). */
  variables(processInstanceKey: number): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    for (const v of this.store.variables(processInstanceKey)) if (v.scopeKey === processInstanceKey) setOwn(out, v.name, JSON.parse(v.value));
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
