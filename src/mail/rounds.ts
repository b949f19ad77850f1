/**
 * The delivery rounds of an outbox (mails, SMS): one round at a time, a wake-up during a round asks
 * for one more after it, a poll catches what no commit woke (retries falling due), and stop waits
 * for the round in progress.
 */
export class DeliveryRounds {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | null = null;
  private again = false;
  private halted = false;

  constructor(
    private readonly round: () => Promise<unknown>,
    private readonly pollMs: number,
    private readonly onError: (error: Error) => void,
  ) {}

  /** True once stop() was called: a round in progress ends its loop early. */
  get stopped(): boolean {
    return this.halted;
  }

  start(): void {
    this.halted = false;
    this.timer = setInterval(() => this.wake(), this.pollMs);
    this.timer.unref();
    this.wake();
  }

  async stop(): Promise<void> {
    this.halted = true;
    if (this.timer) clearInterval(this.timer);
    while (this.running) await this.running.catch(() => undefined);
  }

  /** Runs a round soon (after a commit that queued something, or on the poll). */
  wake(): void {
    if (this.halted) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.round().finally(() => {
      this.running = null;
      if (this.again && !this.halted) {
        this.again = false;
        this.wake();
      }
    });
    this.running.catch((e) => this.onError(e as Error));
  }

  /** Waits for the round in progress, then runs one more (tests, after moving the clock). */
  async flush(): Promise<void> {
    while (this.running) await this.running.catch(() => undefined);
    await this.round();
  }
}
