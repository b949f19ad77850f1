/**
 * The KPI formulas (docs/insights.md), from the monthly figures of one series (all months, oldest
 * first, without gaps). Both the aggregate path (kpis.ts) and the full-scan path (full-scan.ts)
 * produce these figures; test/insights/formulas.test.ts checks them against a hand-computed table.
 */
import { daysInMonth, monthEnd } from "./calendar.js";

export interface MonthFigures {
  month: string;
  invoicedCents: number;
  invoicedCount: number;
  settledCents: number;
  paidCents: number;
  creditedCents: number;
  writtenOffCents: number;
  /** Total due at the month end: the sum of the balances of the invoices issued by then. */
  dueCents: number;
  /** Aging of that total at the month end: current (not yet due), 1–30, 31–60, 61–90, over 90 days past due. */
  buckets: [number, number, number, number, number];
  disputedCents: number;
  remindersSent: number;
  remindersFailed: number;
  callsLogged: number;
  promisesMade: number;
  promisesKept: number;
  promisesBroken: number;
}

export interface MonthKpis extends MonthFigures {
  monthEnd: string;
  /** Days sales outstanding, countback method (at most COUNTBACK_MONTHS months back). */
  dso: number | null;
  /** The same countback over the current (not yet due) part only. */
  bestDso: number | null;
  /** Collection effectiveness index, percent. */
  cei: number | null;
  /** Promises kept / (kept + broken) settled in the month, percent. */
  promisesKeptRate: number | null;
}

export const COUNTBACK_MONTHS = 24;
const round2 = (x: number) => Math.round(x * 100) / 100;

/**
 * Countback: take the balance, subtract the sales of the month, then of the month before…, adding
 * each whole month's days; the month that covers the rest adds rest / its sales × its days.
 */
export function countback(balance: number, history: MonthFigures[], index: number): number | null {
  if (balance <= 0) return 0;
  let rest = balance;
  let days = 0;
  for (let k = index; k >= 0 && k > index - COUNTBACK_MONTHS; k--) {
    const f = history[k]!;
    const sales = f.invoicedCents;
    const length = daysInMonth(f.month);
    if (sales > 0 && rest <= sales) return round2(days + (rest / sales) * length);
    rest -= Math.max(sales, 0);
    days += length;
  }
  return round2(days);
}

export function finish(history: MonthFigures[], from: string): MonthKpis[] {
  const out: MonthKpis[] = [];
  history.forEach((f, i) => {
    if (f.month < from) return;
    const beginning = i > 0 ? history[i - 1]!.dueCents : 0;
    const denominator = beginning + f.invoicedCents - f.buckets[0];
    const settledPromises = f.promisesKept + f.promisesBroken;
    out.push({
      ...f,
      monthEnd: monthEnd(f.month),
      dso: countback(f.dueCents, history, i),
      bestDso: countback(f.buckets[0], history, i),
      cei: denominator > 0 ? round2(((beginning + f.invoicedCents - f.dueCents) / denominator) * 100) : null,
      promisesKeptRate: settledPromises > 0 ? round2((f.promisesKept / settledPromises) * 100) : null,
    });
  });
  return out;
}

export const emptyFigures = (month: string): MonthFigures => ({
  month, invoicedCents: 0, invoicedCount: 0, settledCents: 0, paidCents: 0, creditedCents: 0, writtenOffCents: 0, dueCents: 0,
  buckets: [0, 0, 0, 0, 0], disputedCents: 0, remindersSent: 0, remindersFailed: 0, callsLogged: 0, promisesMade: 0, promisesKept: 0, promisesBroken: 0,
});
