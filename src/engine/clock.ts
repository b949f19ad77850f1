/**
 * The engine never reads the system time itself: it asks an injected clock, so tests and demos can
 * pin and move time.
 */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that only moves when told to (tests, demos). */
export class ControlledClock implements Clock {
  constructor(private current: number = Date.parse("2026-01-01T00:00:00Z")) {}
  now(): number {
    return this.current;
  }
  set(epochMs: number): void {
    this.current = epochMs;
  }
  advance(ms: number): void {
    this.current += ms;
  }
}

/** A clock that follows the system time unless pinned (Camunda's clock API). */
export class PinnableClock implements Clock {
  private pinned: number | null = null;
  constructor(private readonly base: Clock = systemClock) {}
  now(): number {
    return this.pinned ?? this.base.now();
  }
  pin(epochMs: number): void {
    this.pinned = epochMs;
  }
  reset(): void {
    this.pinned = null;
  }
}
