/**
 * Timer specifications as Camunda 8 accepts them: ISO 8601 durations (`P3D`, `PT10M`), dates
 * (`2026-01-01T09:00:00Z`), repeating intervals (`R3/PT10M`, `R/P1D`, `R5/2026-01-01T00:00:00Z/PT1H`)
 * and Spring-style cron expressions (6 fields, seconds first: `0 0 9 * * MON-FRI`; 5 fields are read
 * with seconds = 0). All computations are in UTC.
 */

export interface Duration {
  years: number; months: number; weeks: number; days: number; hours: number; minutes: number; seconds: number;
}

export type Cycle =
  | { kind: "interval"; repetitions: number; interval: Duration; start?: number }
  | { kind: "cron"; cron: Cron; repetitions: number };

const DURATION = /^P(?!$)(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?=\d)(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

export function parseDuration(text: string): Duration | null {
  const m = DURATION.exec(text.trim());
  if (!m) return null;
  const n = (i: number) => Number(m[i] ?? 0);
  return { years: n(1), months: n(2), weeks: n(3), days: n(4), hours: n(5), minutes: n(6), seconds: n(7) };
}

/** Adds a duration to an instant, calendar-aware for years and months (UTC). */
export function addDuration(from: number, d: Duration): number {
  const date = new Date(from);
  if (d.years || d.months) date.setUTCMonth(date.getUTCMonth() + d.years * 12 + d.months);
  return date.getTime() + (((d.weeks * 7 + d.days) * 24 + d.hours) * 60 + d.minutes) * 60_000 + Math.round(d.seconds * 1000);
}

export function parseDate(text: string): number | null {
  const t = text.trim();
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(t)) return null;
  const ms = Date.parse(t.replace(/\[.*\]$/, "").replace(/@.*$/, ""));
  return Number.isNaN(ms) ? null : ms;
}

export function parseCycle(text: string): Cycle | null {
  const t = text.trim();
  const m = /^R(\d*)\/(.+)$/.exec(t);
  if (m) {
    const repetitions = m[1] === "" ? -1 : Number(m[1]);
    const parts = m[2]!.split("/");
    if (parts.length === 1) {
      const interval = parseDuration(parts[0]!);
      return interval && !isZero(interval) ? { kind: "interval", repetitions, interval } : null;
    }
    if (parts.length === 2) {
      const start = parseDate(parts[0]!);
      const interval = parseDuration(parts[1]!);
      return start !== null && interval && !isZero(interval) ? { kind: "interval", repetitions, interval, start } : null;
    }
    return null;
  }
  const cron = parseCron(t);
  return cron ? { kind: "cron", cron, repetitions: -1 } : null;
}

function isZero(d: Duration): boolean {
  return !d.years && !d.months && !d.weeks && !d.days && !d.hours && !d.minutes && !d.seconds;
}

/** First due time of a cycle, from `now`. */
export function firstCycleDue(cycle: Cycle, now: number): number | null {
  if (cycle.kind === "cron") return nextCron(cycle.cron, now);
  if (cycle.start !== undefined && cycle.start > now) return cycle.start;
  if (cycle.start !== undefined) {
    let due = cycle.start;
    while (due <= now) due = addDuration(due, cycle.interval);
    return due;
  }
  return addDuration(now, cycle.interval);
}

/** Next due time after a firing at `now` (downtime: the timer fired once, the next one is in the future). */
export function nextCycleDue(cycle: Cycle, previousDue: number, now: number): number | null {
  if (cycle.kind === "cron") return nextCron(cycle.cron, Math.max(previousDue, now));
  let due = addDuration(previousDue, cycle.interval);
  while (due <= now) due = addDuration(due, cycle.interval);
  return due;
}

// ── cron ──────────────────────────────────────────────────────────────────────────────────────────

export interface Cron {
  seconds: Set<number>; minutes: Set<number>; hours: Set<number>; days: Set<number>; months: Set<number>; weekdays: Set<number>;
}

const MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"];
const DAYS = ["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];
const MACROS: Record<string, string> = {
  "@yearly": "0 0 0 1 1 *", "@annually": "0 0 0 1 1 *", "@monthly": "0 0 0 1 * *", "@weekly": "0 0 0 * * 0",
  "@daily": "0 0 0 * * *", "@midnight": "0 0 0 * * *", "@hourly": "0 0 * * * *",
};

function field(text: string, min: number, max: number, names?: string[]): Set<number> | null {
  const out = new Set<number>();
  const value = (v: string): number => {
    const upper = v.toUpperCase();
    const named = names?.indexOf(upper) ?? -1;
    if (named >= 0) return named + (names === MONTHS ? 1 : 0);
    return /^\d+$/.test(v) ? Number(v) : NaN;
  };
  for (const part of text.split(",")) {
    const [range, stepText] = part.split("/") as [string, string | undefined];
    const step = stepText === undefined ? 1 : Number(stepText);
    if (!Number.isInteger(step) || step < 1) return null;
    let lo: number;
    let hi: number;
    if (range === "*" || range === "?") [lo, hi] = [min, max];
    else if (range.includes("-")) {
      const [a, b] = range.split("-") as [string, string];
      [lo, hi] = [value(a), value(b)];
    } else {
      lo = value(range);
      hi = stepText === undefined ? lo : max;
    }
    if (names === DAYS && hi === 7) hi = 6; // 7 = Sunday too
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < min || hi > max || lo > hi) return null;
    for (let v = lo; v <= hi; v += step) out.add(v);
  }
  return out;
}

export function parseCron(text: string): Cron | null {
  const expanded = MACROS[text.trim().toLowerCase()] ?? text.trim();
  let parts = expanded.split(/\s+/);
  if (parts.length === 5) parts = ["0", ...parts];
  if (parts.length !== 6) return null;
  const [s, mi, h, d, mo, w] = parts as [string, string, string, string, string, string];
  const seconds = field(s, 0, 59);
  const minutes = field(mi, 0, 59);
  const hours = field(h, 0, 23);
  const days = field(d, 1, 31);
  const months = field(mo, 1, 12, MONTHS);
  const weekdays = field(w.replace(/\b7\b/g, "0"), 0, 6, DAYS);
  if (!seconds || !minutes || !hours || !days || !months || !weekdays) return null;
  return { seconds, minutes, hours, days, months, weekdays };
}

/** The first instant strictly after `after` that matches (UTC), or null within 5 years. */
export function nextCron(cron: Cron, after: number): number | null {
  const t = new Date(Math.floor(after / 1000) * 1000 + 1000);
  const limit = after + 5 * 366 * 24 * 3600 * 1000;
  while (t.getTime() <= limit) {
    if (!cron.months.has(t.getUTCMonth() + 1)) {
      t.setUTCMonth(t.getUTCMonth() + 1, 1);
      t.setUTCHours(0, 0, 0);
      continue;
    }
    const dayOk = cron.days.has(t.getUTCDate()) && cron.weekdays.has(t.getUTCDay());
    if (!dayOk) {
      t.setUTCDate(t.getUTCDate() + 1);
      t.setUTCHours(0, 0, 0);
      continue;
    }
    if (!cron.hours.has(t.getUTCHours())) {
      t.setUTCHours(t.getUTCHours() + 1, 0, 0);
      continue;
    }
    if (!cron.minutes.has(t.getUTCMinutes())) {
      t.setUTCMinutes(t.getUTCMinutes() + 1, 0);
      continue;
    }
    if (!cron.seconds.has(t.getUTCSeconds())) {
      t.setUTCSeconds(t.getUTCSeconds() + 1);
      continue;
    }
    return t.getTime();
  }
  return null;
}

/** Checks a static timer text for its kind; returns an explanation when it is not valid. */
export function timerProblem(type: "duration" | "date" | "cycle", text: string): string | null {
  if (type === "duration") return parseDuration(text) ? null : `an ISO 8601 duration like PT10M or P3D`;
  if (type === "date") return parseDate(text) !== null ? null : `an ISO 8601 date-time like 2026-01-01T09:00:00Z`;
  return parseCycle(text) ? null : `a repeating interval like R3/PT10M, R/P1D or a cron expression like 0 0 9 * * MON-FRI`;
}
