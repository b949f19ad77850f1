/** Timing, repetition and formatting helpers shared by every scenario. */

export interface RunResult {
  /** Instances (or commits, for the raw SQLite line) finished in the run. */
  count: number;
  seconds: number;
  /** count / seconds */
  rate: number;
  /** Write-lane commits (fsyncs on a durable database) during the run, when known. */
  commits?: number;
  /** Write-lane commands during the run, when known. */
  commands?: number;
}

export interface Series {
  runs: RunResult[];
  best: RunResult;
  median: RunResult;
}

/** Full GC (needs --expose-gc); only used around memory measurements. */
export function collectGarbage(): void {
  if (typeof gc === "function") {
    gc();
    gc();
  }
}

/** Runs `step` (which finishes some instances and says how many) until `seconds` have passed. */
export async function timeBoxed(seconds: number, step: () => Promise<number>): Promise<RunResult> {
  const limit = seconds * 1000;
  let count = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < limit) {
    count += await step();
    elapsed = performance.now() - start;
  }
  return { count, seconds: elapsed / 1000, rate: count / (elapsed / 1000) };
}

/** Best and median (by rate) of some runs. */
export function toSeries(results: RunResult[]): Series {
  const sorted = [...results].sort((a, b) => a.rate - b.rate);
  return { runs: results, best: sorted[sorted.length - 1]!, median: sorted[Math.floor((sorted.length - 1) / 2)]! };
}

/**
 * Runs a measurement `runs` times and keeps the best and the median by rate. No forced GC between
 * runs: a full `gc()` resets V8's heap sizing and made bpmn-engine (allocation-heavy) ~20% slower.
 */
export async function repeat(runs: number, measure: () => Promise<RunResult>): Promise<Series> {
  const results: RunResult[] = [];
  for (let i = 0; i < runs; i++) results.push(await measure());
  return toSeries(results);
}

/**
 * Alternates two measurements run by run (a, b, a, b, …), so that both see the same machine
 * conditions: on a shared 2-core box a ratio of two series taken minutes apart is mostly noise.
 */
export async function interleave(runs: number, a: () => Promise<RunResult>, b: () => Promise<RunResult>): Promise<[Series, Series]> {
  const as: RunResult[] = [];
  const bs: RunResult[] = [];
  for (let i = 0; i < runs; i++) {
    as.push(await a());
    bs.push(await b());
  }
  return [toSeries(as), toSeries(bs)];
}

/** 1234.5 → "1,235" */
export function int(value: number): string {
  return Math.round(value).toLocaleString("en-US");
}

/** 12345.6 → "12,346"; small numbers keep one decimal. */
export function num(value: number): string {
  if (!Number.isFinite(value)) return "n/a";
  if (Math.abs(value) < 100) return value.toFixed(1);
  return Math.round(value).toLocaleString("en-US");
}

export function bytes(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1024 * 1024) return `${(value / 1024 / 1024).toFixed(1)} MiB`;
  if (abs >= 1024) return `${(value / 1024).toFixed(1)} KiB`;
  return `${Math.round(value)} B`;
}

export function ratio(ours: number, theirs: number): string {
  if (!(theirs > 0)) return "n/a";
  const r = ours / theirs;
  return `${r >= 10 ? Math.round(r) : r.toFixed(1)}×`;
}

/** Left-aligns text columns and right-aligns columns whose cells look numeric. */
export function table(header: string[], rows: string[][]): string {
  const all = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...all.map((r) => (r[c] ?? "").length)));
  const numeric = header.map((_, c) => rows.every((r) => /^[-\d.,×%/ a-z]*$/i.test(r[c] ?? "") && /\d|n\/a|^-?$/.test(r[c] ?? "")));
  const line = (r: string[]) => r.map((cell, c) => (numeric[c] && c > 0 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join("  ").trimEnd();
  return [line(header), widths.map((w) => "─".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
