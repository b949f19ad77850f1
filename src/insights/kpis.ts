/**
 * Receivables KPIs from the monthly aggregates: flows and activity summed per month (and per
 * segment or collector), running totals for the balances, the stored aging buckets for the month
 * ends asked (over 90 days = total due − the four bounded buckets), then the formulas.
 */
import type Database from "better-sqlite3";
import { statement } from "../persistence/statements.js";
import { monthRange } from "./calendar.js";
import { ALL } from "./contribution.js";
import { emptyFigures, finish, type MonthFigures, type MonthKpis } from "./formulas.js";

export type GroupBy = "segment" | "collector";

/** Which invoices a reader may count: every sector, or the dossiers of some sectors (docs/insights.md, access). */
export type Scope = { sectors: "all" } | { sectors: string[] };

export interface KpiQuery {
  from: string;
  to: string;
  groupBy?: GroupBy | undefined;
  segment?: string | undefined;
  collector?: string | undefined;
  scope: Scope;
}

export interface KpiSeries {
  /** The segment or collector ('' = none), or "*" for the whole scope. */
  key: string;
  months: MonthKpis[];
}

export function scopeSql(scope: Scope, column = `"sector"`): { sql: string; params: unknown[] } {
  if (scope.sectors === "all") return { sql: "1 = 1", params: [] };
  if (scope.sectors.length === 0) return { sql: "1 = 0", params: [] };
  return { sql: `${column} IN (${scope.sectors.map(() => "?").join(", ")})`, params: [...scope.sectors] };
}

interface LedgerSum {
  month: string; g: string; invoiced: number; count: number; settled: number; paid: number; credited: number; written_off: number; disputed: number;
  sent: number; failed: number; calls: number; made: number; kept: number; broken: number;
}
interface AgingSum { month: string; g: string; b0: number; b1: number; b2: number; b3: number }

export function receivablesKpis(db: Database.Database, q: KpiQuery): KpiSeries[] {
  const scope = scopeSql(q.scope);
  // The roll-up rows (ALL) answer what is not split nor filtered: a few rows per month and sector.
  const where = [scope.sql];
  const params: unknown[] = [...scope.params];
  for (const dim of ["segment", "collector"] as const) {
    const value = q[dim];
    if (value !== undefined) { where.push(`"${dim}" = ?`); params.push(value); }
    else if (q.groupBy === dim) { where.push(`"${dim}" <> ?`); params.push(ALL); }
    else { where.push(`"${dim}" = ?`); params.push(ALL); }
  }
  const g = q.groupBy ? `"${q.groupBy}"` : `'*'`;
  const ledger = statement(db,
    `SELECT "month", ${g} AS g, SUM("invoiced_cents") AS invoiced, SUM("invoiced_count") AS count, SUM("settled_cents") AS settled, SUM("paid_cents") AS paid, ` +
      `SUM("credited_cents") AS credited, SUM("written_off_cents") AS written_off, SUM("disputed_delta_cents") AS disputed, SUM("reminders_sent") AS sent, ` +
      `SUM("reminders_failed") AS failed, SUM("calls_logged") AS calls, SUM("promises_made") AS made, SUM("promises_kept") AS kept, SUM("promises_broken") AS broken ` +
      `FROM "insights_ledger" WHERE "month" <= ? AND ${where.join(" AND ")} GROUP BY "month", ${g} ORDER BY "month"`,
  ).all(q.to, ...params) as LedgerSum[];
  const aging = statement(db,
    `SELECT "month", ${g} AS g, SUM("current_cents") AS b0, SUM("d1_30_cents") AS b1, SUM("d31_60_cents") AS b2, SUM("d61_90_cents") AS b3 ` +
      `FROM "insights_aging" WHERE "month" >= ? AND "month" <= ? AND ${where.join(" AND ")} GROUP BY "month", ${g}`,
  ).all(q.from, q.to, ...params) as AgingSum[];
  const groups = new Map<string, { ledger: Map<string, LedgerSum>; aging: Map<string, AgingSum> }>();
  const group = (key: string) => {
    let found = groups.get(key);
    if (!found) groups.set(key, (found = { ledger: new Map(), aging: new Map() }));
    return found;
  };
  if (!q.groupBy) group("*");
  let first = q.from;
  for (const row of ledger) {
    group(row.g).ledger.set(row.month, row);
    if (row.month < first) first = row.month;
  }
  for (const row of aging) group(row.g).aging.set(row.month, row);
  const months = monthRange(first, q.to);
  const out: KpiSeries[] = [];
  for (const [key, data] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
    let due = 0;
    let disputed = 0;
    const history: MonthFigures[] = months.map((month) => {
      const f = emptyFigures(month);
      const l = data.ledger.get(month);
      if (l) {
        Object.assign(f, {
          invoicedCents: Number(l.invoiced), invoicedCount: Number(l.count), settledCents: Number(l.settled), paidCents: Number(l.paid), creditedCents: Number(l.credited),
          writtenOffCents: Number(l.written_off), remindersSent: Number(l.sent), remindersFailed: Number(l.failed), callsLogged: Number(l.calls),
          promisesMade: Number(l.made), promisesKept: Number(l.kept), promisesBroken: Number(l.broken),
        });
        due += Number(l.invoiced) - Number(l.settled);
        disputed += Number(l.disputed);
      }
      f.dueCents = due;
      f.disputedCents = disputed;
      const a = data.aging.get(month);
      if (a) {
        const bounded = Number(a.b0) + Number(a.b1) + Number(a.b2) + Number(a.b3);
        f.buckets = [Number(a.b0), Number(a.b1), Number(a.b2), Number(a.b3), due - bounded];
      } else f.buckets = [0, 0, 0, 0, due];
      return f;
    });
    out.push({ key, months: finish(history, q.from) });
  }
  return out;
}
