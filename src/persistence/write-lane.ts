/**
 * One write lane with group commit. better-sqlite3 is synchronous and TypeORM's SQLite drivers share
 * one connection, so every write goes through here: commands queued in the same tick (and while a
 * commit is running) share one transaction, each inside its own SAVEPOINT so a failing command rolls
 * back alone. A command's promise settles only after COMMIT returned, i.e. once it is durable under
 * the configured `synchronous` mode. After-commit hooks run after that (outbox style).
 */
import type Database from "better-sqlite3";

export type Command<T> = () => T;

interface Pending {
  run: Command<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

export interface WriteLaneOptions {
  /** Most commands grouped into one transaction. */
  maxBatch?: number;
  /** Called inside the transaction, after the batch's commands, before COMMIT. */
  beforeCommit?: () => void;
  /** Called after a successful COMMIT (wake workers, etc.). */
  afterCommit?: () => void;
  /** Called when a batch is rolled back as a whole (e.g. COMMIT failed), to drop in-memory effects. */
  afterRollback?: () => void;
  /** Called after each command of a batch: true when it was kept (RELEASE), false when rolled back to its SAVEPOINT. */
  afterCommand?: (kept: boolean) => void;
  /**
   * Group-commit window: when COMMIT has become expensive (the last one took at least this many ms,
   * a busy disk with synchronous=FULL) and only a few commands are queued, wait one timer tick for
   * more before committing, so that commands arriving one by one (HTTP requests) share the fsync.
   * 0 turns it off. Default 2.
   */
  slowCommitMs?: number;
}

/** Fewer queued commands than this make a batch worth waiting for when commits are slow. */
const SMALL_BATCH = 32;

export class WriteLane {
  private queue: Pending[] = [];
  private scheduled = false;
  private closed = false;
  /** Duration of the last COMMIT, ms, and whether the current flush already waited once. */
  private lastCommitMs = 0;
  private waited = false;
  private readonly slowCommitMs: number;
  private readonly maxBatch: number;
  private readonly begin: Database.Statement;
  private readonly commit: Database.Statement;
  private readonly rollback: Database.Statement;
  private readonly savepoint: Database.Statement;
  private readonly release: Database.Statement;
  private readonly rollbackTo: Database.Statement;
  /** Batches committed and commands run, for benchmarks and diagnostics. */
  readonly stats = { batches: 0, commands: 0 };

  constructor(private readonly db: Database.Database, private readonly options: WriteLaneOptions = {}) {
    this.maxBatch = options.maxBatch ?? 2000;
    this.slowCommitMs = options.slowCommitMs ?? 2;
    this.begin = db.prepare("BEGIN IMMEDIATE");
    this.commit = db.prepare("COMMIT");
    this.rollback = db.prepare("ROLLBACK");
    this.savepoint = db.prepare("SAVEPOINT cmd");
    this.release = db.prepare("RELEASE cmd");
    this.rollbackTo = db.prepare("ROLLBACK TO cmd");
  }

  /** Queues a synchronous command; resolves with its result once the transaction holding it committed. */
  submit<T>(run: Command<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error("The write lane is closed"));
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ run, resolve: resolve as (value: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  /** Runs everything still queued, then refuses new commands. */
  close(): void {
    this.closed = true; // first: the flush below then runs at once, without a group-commit wait
    if (this.queue.length > 0) this.flush();
  }

  private flush(): void {
    this.scheduled = false;
    if (!this.closed && !this.waited && this.slowCommitMs > 0 && this.lastCommitMs >= this.slowCommitMs && this.queue.length < SMALL_BATCH) {
      this.waited = true;
      this.scheduled = true;
      setTimeout(() => this.flush(), 1);
      return;
    }
    this.waited = false;
    while (this.queue.length > 0) {
      const batch = this.queue.length <= this.maxBatch ? this.queue : this.queue.slice(0, this.maxBatch);
      this.queue = this.queue.length <= this.maxBatch ? [] : this.queue.slice(this.maxBatch);
      this.runBatch(batch);
    }
  }

  private runBatch(batch: Pending[]): void {
    const outcomes: Array<{ ok: boolean; value: unknown }> = [];
    try {
      this.begin.run();
    } catch (error) {
      for (const p of batch) p.reject(error);
      return;
    }
    try {
      for (const p of batch) {
        this.savepoint.run();
        try {
          outcomes.push({ ok: true, value: p.run() });
          this.release.run();
          this.options.afterCommand?.(true);
        } catch (error) {
          this.rollbackTo.run();
          this.release.run();
          this.options.afterCommand?.(false);
          outcomes.push({ ok: false, value: error });
        }
      }
      this.options.beforeCommit?.();
      const started = performance.now();
      this.commit.run();
      this.lastCommitMs = performance.now() - started;
    } catch (error) {
      if (this.db.inTransaction) this.rollback.run();
      this.options.afterRollback?.();
      for (const p of batch) p.reject(error);
      return;
    }
    this.stats.batches++;
    this.stats.commands += batch.length;
    batch.forEach((p, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) p.resolve(outcome.value);
      else p.reject(outcome.value);
    });
    this.options.afterCommit?.();
  }
}
