/**
 * Failed sign-ins slow the next ones down: after `freeAttempts` consecutive failures for a key
 * (a username, or a client address), the key is locked for 1 s, then 2 s, 4 s … up to
 * `maxLockMs` (keep it short: whoever can fail sign-ins for a key keeps its owner out that long).
 * A success clears the username's count. Counts are forgotten after `forgetAfterMs`
 * without failure. In memory: a restart forgets them, which only helps an attacker restart us.
 */
export interface ThrottleOptions {
  freeAttempts?: number;
  maxLockMs?: number;
  forgetAfterMs?: number;
  now?: () => number;
}

interface Entry {
  failures: number;
  lockedUntil: number;
  lastFailure: number;
}

export class LoginThrottle {
  private readonly entries = new Map<string, Entry>();
  private readonly freeAttempts: number;
  private readonly maxLockMs: number;
  private readonly forgetAfterMs: number;
  private readonly now: () => number;

  constructor(options: ThrottleOptions = {}) {
    this.freeAttempts = options.freeAttempts ?? 5;
    this.maxLockMs = options.maxLockMs ?? 5 * 60_000;
    this.forgetAfterMs = options.forgetAfterMs ?? 30 * 60_000;
    this.now = options.now ?? Date.now;
  }

  /** Milliseconds until one of the keys may try again, or 0 when none is locked. */
  retryAfter(keys: string[]): number {
    const now = this.now();
    let wait = 0;
    for (const key of keys) {
      const entry = this.live(key, now);
      if (entry && entry.lockedUntil > now) wait = Math.max(wait, entry.lockedUntil - now);
    }
    return wait;
  }

  /** Records a failure for each key; returns the highest consecutive failure count. */
  fail(keys: string[]): number {
    const now = this.now();
    let worst = 0;
    for (const key of keys) {
      const entry = this.live(key, now) ?? { failures: 0, lockedUntil: 0, lastFailure: now };
      entry.failures++;
      entry.lastFailure = now;
      const over = entry.failures - this.freeAttempts;
      if (over >= 0) entry.lockedUntil = now + Math.min(this.maxLockMs, 1000 * 2 ** Math.min(over, 20));
      this.entries.set(key, entry);
      worst = Math.max(worst, entry.failures);
    }
    if (this.entries.size > 10_000) this.prune(now);
    return worst;
  }

  succeed(key: string): void {
    this.entries.delete(key);
  }

  private live(key: string, now: number): Entry | undefined {
    const entry = this.entries.get(key);
    if (entry && now - entry.lastFailure > this.forgetAfterMs && entry.lockedUntil <= now) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  private prune(now: number): void {
    for (const key of [...this.entries.keys()]) this.live(key, now);
  }
}
