/**
 * Fixed-window counters in memory, by key (a client address, an e-mail address): the public pages'
 * and the sign-in's abuse limits. A restart forgets them, which only ever lets a little more through.
 */
import { ApiError } from "../api/errors.js";

export class WindowLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(private readonly windowMs: number, private readonly max: number, private readonly now: () => number = Date.now) {}

  /** Counts one more for `key`; throws TOO_MANY_REQUESTS (429) past the limit. */
  hit(key: string, what: string): void {
    const t = this.now();
    let w = this.windows.get(key);
    if (!w || t - w.start >= this.windowMs) {
      if (this.windows.size > 50_000) this.windows.clear();
      w = { start: t, count: 0 };
      this.windows.set(key, w);
    }
    w.count++;
    if (w.count > this.max) {
      const minutes = Math.max(1, Math.ceil((w.start + this.windowMs - t) / 60_000));
      throw new ApiError("TOO_MANY_REQUESTS", `Expected at most ${this.max} ${what} per ${Math.round(this.windowMs / 60_000)} minutes, but found more: try again in ${minutes} minutes`);
    }
  }
}
