/**
 * In-process job workers: the built-in connectors are such workers. A worker activates up to
 * `maxJobsActive` jobs of its type, runs the handler for each, and completes the job with the
 * handler's result. A thrown JobError with a code becomes a BPMN error; any other exception fails
 * the job with one retry less (and the back-off given). It wakes when jobs of its type are committed
 * and also polls, so jobs freed by a lock expiry or a back-off are picked up.
 */
import type { ActivatedJob } from "./commands/jobs.js";
import type { Engine } from "./engine.js";

export type JobHandler = (job: ActivatedJob) => Promise<Record<string, unknown> | void> | Record<string, unknown> | void;

export interface JobWorkerOptions {
  type: string;
  handler: JobHandler;
  name?: string;
  maxJobsActive?: number;
  /** Lock duration per job, ms. */
  timeout?: number;
  /** Poll interval, ms. */
  pollInterval?: number;
  /** Back-off applied when the handler throws, ms. */
  retryBackOff?: number;
  fetchVariable?: string[];
  /**
   * false: the handler completes the job itself, in the same transaction as its own writes
   * (Engine.transaction → tx.completeJob), so a retried job never applies its effect twice.
   */
  autoComplete?: boolean;
}

/** Thrown by a handler to raise a BPMN error with a code instead of failing the job. */
export class JobError extends Error {
  constructor(readonly errorCode: string, message?: string, readonly variables?: Record<string, unknown>) {
    super(message ?? errorCode);
  }
}

export class JobWorker {
  private active = 0;
  private polling = false;
  private again = false;
  private closed = false;
  private timer: NodeJS.Timeout | undefined;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly closeListeners: Array<() => void> = [];
  private readonly onJobs = (type: string) => {
    if (type === this.options.type) this.poll();
  };

  constructor(private readonly engine: Engine, private readonly options: JobWorkerOptions) {}

  start(): void {
    this.engine.events.on("jobs", this.onJobs);
    this.timer = setInterval(() => this.poll(), this.options.pollInterval ?? 1000);
    this.timer.unref();
    this.poll();
  }

  onClose(listener: () => void): void {
    this.closeListeners.push(listener);
  }

  /** Stops activating and waits for the jobs in hand. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.engine.events.off("jobs", this.onJobs);
    if (this.timer) clearInterval(this.timer);
    while (this.polling || this.inFlight.size > 0) {
      await Promise.allSettled([...this.inFlight]);
      if (this.polling) await new Promise((r) => setTimeout(r, 5));
    }
    for (const listener of this.closeListeners) listener();
  }

  private poll(): void {
    if (this.closed) return;
    if (this.polling) {
      this.again = true;
      return;
    }
    const capacity = (this.options.maxJobsActive ?? 32) - this.active;
    if (capacity <= 0) return;
    this.polling = true;
    this.engine
      .activateJobs({
        type: this.options.type, worker: this.options.name ?? `worker-${this.options.type}`, timeout: this.options.timeout ?? 30_000,
        maxJobsToActivate: capacity, ...(this.options.fetchVariable ? { fetchVariable: this.options.fetchVariable } : {}),
      })
      .then((jobs) => {
        for (const job of jobs) this.run(job);
        if (jobs.length === capacity) this.again = true;
      })
      .catch(() => undefined)
      .finally(() => {
        this.polling = false;
        if (this.again) {
          this.again = false;
          this.poll();
        }
      });
  }

  private run(job: ActivatedJob): void {
    this.active++;
    const task = (async () => {
      try {
        const result = await this.options.handler(job);
        if (this.options.autoComplete !== false) await this.engine.completeJob(job.jobKey, result ?? {});
      } catch (error) {
        await this.report(job, error).catch(() => undefined);
      } finally {
        this.active--;
        this.poll();
      }
    })();
    this.inFlight.add(task);
    void task.finally(() => this.inFlight.delete(task));
  }

  private async report(job: ActivatedJob, error: unknown): Promise<void> {
    if (error instanceof JobError) {
      await this.engine.throwError(job.jobKey, { errorCode: error.errorCode, errorMessage: error.message, ...(error.variables ? { variables: error.variables } : {}) });
      return;
    }
    const message = error instanceof Error ? error.message : String(error);
    await this.engine.failJob(job.jobKey, { retries: Math.max(job.retries - 1, 0), errorMessage: message, retryBackOff: this.options.retryBackOff ?? 0 });
  }
}
