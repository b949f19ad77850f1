/**
 * Drives instances of a generated model along a random path, through the public engine API only: at
 * each step it lists what a user, a worker or time could do next (create an instance, complete a user
 * task, activate / complete / time out jobs, move the clock to the next timer and fire it, publish or
 * correlate an awaited message, publish a message ahead of its subscription) and does one of them —
 * or a burst of two or three completions / deliveries submitted together, so that they may share a
 * transaction and race (e.g. both branches of a join, a task completing while its boundary message
 * arrives): a loser must be rejected as stale (NOT_FOUND / INVALID_STATE), never applied twice.
 * After each step it optionally restarts the engine and checks that the persisted state did not move.
 */
import { EngineError } from "../../src/engine/errors.js";
import type { TestEngine } from "../helpers/engine.js";
import { gatewayValue, JOB_TYPE, LEGACY_USER_TASK_JOB_TYPE, type GeneratedModel } from "./model-generator.js";
import { Random } from "./prng.js";
import { diffSnapshots, snapshot, type Snapshot } from "./snapshot.js";

export interface DriveOptions {
  instances: number;
  /** Restart the engine after every step and compare the persisted state before and after. */
  restartEveryStep: boolean;
  maxSteps: number;
}

export interface DriveResult {
  engine: TestEngine;
  instanceKeys: number[];
  steps: number;
  restarts: number;
  final: Snapshot;
  log: string[];
}

/** A failed check, with the steps that led to it. */
export class DriveError extends Error {}

interface Action {
  label: string;
  weight: number;
  /** A completion or a delivery: may run in a burst together with others. */
  burstable?: boolean;
  /** In a burst, a competitor may have made this action stale. */
  run(lenient: boolean): Promise<void>;
}

const JOB_TYPES = [JOB_TYPE, LEGACY_USER_TASK_JOB_TYPE];

const MINUTE = 60_000;
const JOB_TIMEOUT = 45 * MINUTE;
const MESSAGE_TTL = 24 * 60 * MINUTE;

export class Driver {
  private readonly rng: Random;
  private readonly instanceKeys: number[] = [];
  private readonly log: string[] = [];
  /** Messages published ahead (buffered), by `name|cid`. */
  private readonly publishedAhead = new Set<string>();
  private restarts = 0;

  constructor(private t: TestEngine, private readonly model: GeneratedModel, seed: number, private readonly options: DriveOptions) {
    this.rng = new Random(seed ^ 0x5bd1e995);
  }

  private get engine() {
    return this.t.engine;
  }

  private fail(message: string): never {
    const recent = this.log.slice(-12).map((l) => `    ${l}`).join("\n");
    throw new DriveError(`${message}\n  last steps:\n${recent}`);
  }

  private cid(i: number): string {
    return `case-${i + 1}`;
  }

  private randomVariables(): Record<string, unknown> {
    const vars: Record<string, unknown> = {};
    for (const g of this.model.gateways) if (this.rng.chance(0.4)) vars[g.name] = gatewayValue(this.rng, g);
    if (this.rng.chance(0.3)) vars["note"] = `n${this.rng.int(0, 999)}`;
    return vars;
  }

  private openSubscriptions() {
    return this.instanceKeys.flatMap((key) => this.engine.subscriptions(key));
  }

  /** Everything that could happen next, in a deterministic order. */
  private actions(): Action[] {
    const e = this.engine;
    const out: Action[] = [];
    const created = this.instanceKeys.length;
    if (created < this.options.instances) {
      out.push({
        label: `create instance ${this.cid(created)}`, weight: 1,
        run: async () => {
          const variables: Record<string, unknown> = { cid: this.cid(created), steps: 0 };
          for (const g of this.model.gateways) variables[g.name] = gatewayValue(this.rng, g);
          const { processInstanceKey } = await e.createProcessInstance({ bpmnProcessId: this.model.bpmnProcessId, variables });
          this.instanceKeys.push(processInstanceKey);
        },
      });
    }
    for (const task of e.userTasks({ state: "CREATED" })) {
      out.push({
        label: `complete user task ${task.key} (${task.elementId}) of ${task.processInstanceKey}`, weight: 1, burstable: true,
        run: () => e.completeUserTask(task.key, this.randomVariables()),
      });
    }
    const jobs = JOB_TYPES.flatMap((type) => e.jobs({ type }));
    for (const type of JOB_TYPES) {
      if (!jobs.some((j) => j.type === type && j.state === "ACTIVATABLE")) continue;
      out.push({
        label: `activate jobs of type ${type}`, weight: 1,
        run: async () => {
          const max = this.rng.int(1, 3);
          const activated = await e.activateJobs({ type, worker: "random", timeout: JOB_TIMEOUT, maxJobsToActivate: max });
          if (activated.length === 0) this.fail(`Expected activateJobs to hand out at least one job of type ${type} (some are ACTIVATABLE), but it returned none`);
        },
      });
    }
    const now = this.t.clock.now();
    for (const job of jobs.filter((j) => j.state === "ACTIVATED")) {
      out.push({
        label: `complete job ${job.key} (${job.elementId}) of ${job.processInstanceKey}`, weight: 1, burstable: true,
        run: () => e.completeJob(job.key, this.randomVariables()),
      });
    }
    if (jobs.some((j) => j.state === "ACTIVATED" && j.deadline !== null && j.deadline <= now)) {
      out.push({
        label: "time out expired job locks", weight: 0.5,
        run: async () => {
          const n = await e.timeOutJobs();
          if (n === 0) this.fail("Expected timeOutJobs to release at least one expired job lock, but it released none");
        },
      });
    }
    const subscriptions = this.openSubscriptions();
    const timers = subscriptions.filter((s) => s.kind === "TIMER" && s.dueDate !== null);
    if (timers.length > 0) {
      out.push({
        label: "move the clock to the next timer and fire due timers", weight: 1.5,
        run: () => this.fireNextTimers(),
      });
    }
    for (const s of subscriptions.filter((s) => s.kind === "MESSAGE")) {
      out.push({
        label: `publish message ${s.name} (${s.correlationKey}) awaited by ${s.elementId} of ${s.elementInstanceKey}`, weight: 1, burstable: true,
        run: (lenient) => this.deliver(s.name!, s.correlationKey!, s.elementId, lenient),
      });
    }
    const open = this.instanceKeys.map((key, i) => [key, i] as const).filter(([key]) => e.processInstance(key)?.state === "ACTIVE");
    if (open.length > 0 && this.model.messageNames.length > 0) {
      out.push({
        label: "publish a message ahead of its subscription", weight: 0.3,
        run: () => this.publishAhead(open.map(([, i]) => i)),
      });
    }
    const burstable = out.filter((a) => a.burstable);
    if (burstable.length >= 2) {
      out.push({
        label: "burst", weight: 1,
        run: () => this.burst(burstable),
      });
    }
    return out;
  }

  /** Two or three completions / deliveries submitted at once; stale losers must be rejected cleanly. */
  private async burst(candidates: Action[]): Promise<void> {
    const pool = [...candidates];
    const chosen: Action[] = [];
    const n = Math.min(pool.length, this.rng.int(2, 3));
    while (chosen.length < n) chosen.push(pool.splice(this.rng.int(0, pool.length - 1), 1)[0]!);
    this.log.push(...chosen.map((a) => `   + ${a.label}`));
    const outcomes = await Promise.allSettled(chosen.map((a) => a.run(true)));
    outcomes.forEach((o, i) => {
      if (o.status === "fulfilled") return;
      const error = o.reason as Error;
      if (error instanceof DriveError) throw error;
      if (error instanceof EngineError && (error.code === "NOT_FOUND" || error.code === "INVALID_STATE")) {
        this.log.push(`   (stale, rejected with ${error.code}: ${chosen[i]!.label})`);
        return;
      }
      this.fail(`Expected '${chosen[i]!.label}' in a burst to succeed or be rejected as stale (NOT_FOUND / INVALID_STATE), but it failed: ${error.stack ?? String(error)}`);
    });
  }

  private timersTriggered(): number {
    return this.instanceKeys.reduce((n, key) => n + this.engine.history(key).filter((r) => r.type === "TIMER_TRIGGERED").length, 0);
  }

  private async fireNextTimers(): Promise<void> {
    const timers = this.openSubscriptions().filter((s) => s.kind === "TIMER");
    const next = Math.min(...timers.map((s) => s.dueDate!));
    const target = Math.max(this.t.clock.now(), next + this.rng.int(0, 2) * 10 * MINUTE);
    this.t.clock.set(target);
    const due = timers.filter((s) => s.dueDate! <= target).map((s) => s.key).sort((a, b) => a - b);
    const triggeredBefore = this.timersTriggered();
    const fired = await this.engine.fireDueTimers();
    // An interrupting boundary timer may withdraw another due timer inside its activity: at least one fires.
    if (fired < 1) this.fail(`Expected fireDueTimers at ${new Date(target).toISOString()} to fire some of the due timer(s) ${due.join(", ")}, but it fired none`);
    const triggered = this.timersTriggered() - triggeredBefore;
    if (triggered !== fired) this.fail(`Expected fireDueTimers to report as many timers as the history shows triggered, but it reported ${fired} and the history shows ${triggered}`);
    const left = this.openSubscriptions().filter((s) => s.kind === "TIMER" && s.dueDate! <= target);
    if (left.length > 0) this.fail(`Expected no timer due at ${new Date(target).toISOString()} to be left after fireDueTimers, but found ${JSON.stringify(left)}`);
  }

  private async deliver(name: string, correlationKey: string, elementId: string, lenient: boolean): Promise<void> {
    const i = this.instanceKeys.findIndex((_, k) => this.cid(k) === correlationKey);
    const expected = this.instanceKeys[i];
    if (this.rng.chance(0.5)) {
      const { correlations } = await this.engine.publishMessage({ name, correlationKey, variables: this.randomVariables() });
      const found = JSON.stringify(correlations);
      if (lenient && correlations.length === 0) {
        this.log.push(`   (stale: message ${name} (${correlationKey}) reached no subscription)`);
        return;
      }
      if (correlations.length !== 1 || correlations[0]!.processInstanceKey !== expected || correlations[0]!.elementId !== elementId) {
        this.fail(`Expected message ${name} (${correlationKey}) to correlate once, to ${elementId} of instance ${expected}, but found ${found}`);
      }
    } else {
      const { processInstanceKey } = await this.engine.correlateMessage({ name, correlationKey, variables: this.randomVariables() });
      if (processInstanceKey !== expected) this.fail(`Expected message ${name} (${correlationKey}) to correlate to instance ${expected}, but it reached ${processInstanceKey}`);
    }
  }

  /** A message for a catch the instance has not reached (yet, or ever): buffered with a time-to-live. */
  private async publishAhead(openInstances: number[]): Promise<void> {
    const i = this.rng.pick(openInstances);
    const name = this.rng.pick(this.model.messageNames);
    const key = `${name}|${this.cid(i)}`;
    const pi = this.instanceKeys[i]!;
    const waiting = this.engine.subscriptions(pi).some((s) => s.kind === "MESSAGE" && s.name === name);
    const reached = this.engine.history(pi).some((r) => r.type === "MESSAGE_SUBSCRIPTION_OPENED" && r.name === name);
    if (waiting || reached || this.publishedAhead.has(key)) {
      this.log.push(`  (skipped: ${name} for ${this.cid(i)} is awaited, was awaited or is already buffered)`);
      return;
    }
    this.publishedAhead.add(key);
    const { correlations } = await this.engine.publishMessage({ name, correlationKey: this.cid(i), timeToLive: MESSAGE_TTL, variables: this.randomVariables() });
    if (correlations.length !== 0) this.fail(`Expected message ${name} (${this.cid(i)}) published ahead to correlate nowhere yet, but found ${JSON.stringify(correlations)}`);
  }

  private checkNoIncident(): void {
    const incidents = this.engine.incidents({ state: "ACTIVE" });
    if (incidents.length > 0) this.fail(`Expected no incident in a valid generated model, but found ${JSON.stringify(incidents)}`);
  }

  private async restartAndCompare(step: number): Promise<void> {
    const before = snapshot(this.t.dbPath);
    this.t = await this.t.restart();
    this.restarts++;
    const after = snapshot(this.t.dbPath);
    const diff = diffSnapshots(before, after);
    if (diff) this.fail(`Expected the persisted state to be identical before and after the restart following step ${step}, but:\n  ${diff}`);
  }

  private allCompleted(): boolean {
    return this.instanceKeys.length === this.options.instances && this.instanceKeys.every((k) => this.engine.processInstance(k)?.state === "COMPLETED");
  }

  async run(): Promise<DriveResult> {
    let step = 0;
    while (!this.allCompleted()) {
      if (step >= this.options.maxSteps) this.fail(`Expected every instance to complete within ${this.options.maxSteps} steps, but some are still running`);
      const actions = this.actions();
      if (actions.length === 0) {
        const stuck = this.instanceKeys.filter((k) => this.engine.processInstance(k)?.state !== "COMPLETED");
        const detail = stuck.map((k) => `${k} (${this.engine.processInstance(k)?.state}): ${JSON.stringify(this.engine.activeElements(k))}`).join("\n    ");
        this.fail(`Expected something to do while instances are running, but nothing can move:\n    ${detail}`);
      }
      const action = this.rng.weighted(actions.map((a) => [a, a.weight] as const));
      step++;
      this.log.push(`${step}. ${action.label} @ ${new Date(this.t.clock.now()).toISOString()}`);
      try {
        await action.run(false);
      } catch (error) {
        if (error instanceof DriveError) throw error;
        this.fail(`Expected '${action.label}' to succeed, but it failed: ${(error as Error).stack ?? String(error)}`);
      }
      this.checkNoIncident();
      if (this.options.restartEveryStep) await this.restartAndCompare(step);
    }
    return { engine: this.t, instanceKeys: [...this.instanceKeys], steps: step, restarts: this.restarts, final: snapshot(this.t.dbPath), log: this.log };
  }

  /** The engine in use (it changes at each restart); close it when done, also after a failure. */
  get current(): TestEngine {
    return this.t;
  }
}
