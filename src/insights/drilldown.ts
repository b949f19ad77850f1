/**
 * The list behind a bar: the invoices that make up one month's figure (total due, an aging bucket,
 * the disputed total, the month's sales), with their balance at that month end. Its total is the
 * bar's value (same scope and filters as the aggregates).
 */
import type Database from "better-sqlite3";
import { statement } from "../persistence/statements.js";
import { addDays, daysBetween, monthEnd } from "./calendar.js";
import { agingBucket } from "./contribution.js";
import { scopeSql, type Scope } from "./kpis.js";

export const METRICS = ["due", "current", "d1_30", "d31_60", "d61_90", "d90p", "disputed", "invoiced"] as const;
export type Metric = (typeof METRICS)[number];
const BUCKET: Partial<Record<Metric, number>> = { current: 0, d1_30: 1, d31_60: 2, d61_90: 3, d90p: 4 };

export interface DrillQuery { month: string; metric: Metric; segment?: string | undefined; collector?: string | undefined; scope: Scope; limit?: number }

export interface DrillRow {
  id: number; number: string; dossierReference: string | null; dossierTitle: string | null; issueDate: string; dueDate: string; grossCents: number;
  balanceCents: number; daysPastDue: number; segment: string | null; collector: string | null; currency: string;
}

export function drillDown(db: Database.Database, q: DrillQuery): { month: string; monthEnd: string; metric: Metric; totalCents: number; count: number; rows: DrillRow[]; truncated: boolean } {
  const end = monthEnd(q.month);
  const scope = scopeSql(q.scope, `COALESCE(d."sector", '')`);
  const where = [scope.sql, `i."issue_date" <= ?`];
  const params: unknown[] = [...scope.params, end];
  if (q.segment !== undefined) { where.push(`COALESCE(i."segment", '') = ?`); params.push(q.segment); }
  if (q.collector !== undefined) { where.push(`COALESCE(i."collector", '') = ?`); params.push(q.collector); }
  if (q.metric === "invoiced") { where.push(`i."issue_date" >= ?`); params.push(`${q.month}-01`); }
  // Narrow by due date where the bucket allows (the bucket test below stays the rule).
  const bucket = BUCKET[q.metric];
  if (bucket === 0) { where.push(`i."due_date" >= ?`); params.push(end); }
  else if (bucket === 4) { where.push(`i."due_date" < ?`); params.push(addDays(end, -90)); }
  else if (bucket !== undefined) { where.push(`i."due_date" >= ? AND i."due_date" <= ?`); params.push(addDays(end, -30 * bucket), addDays(end, -30 * (bucket - 1) - 1)); }
  if (q.metric === "disputed") {
    where.push(`EXISTS (SELECT 1 FROM "invoice_dispute" x WHERE x."invoice_id" = i."id" AND x."opened_on" <= ? AND (x."closed_on" IS NULL OR x."closed_on" > ?))`);
    params.push(end, end);
  }
  const rows = statement(db,
    `SELECT i."id", i."number", d."reference" AS ref, d."title" AS title, i."issue_date", i."due_date", i."gross_cents", i."segment", i."collector", i."currency", ` +
      `i."gross_cents" - COALESCE((SELECT SUM(p."amount_cents") FROM "invoice_payment" p WHERE p."invoice_id" = i."id" AND p."received_on" <= ?), 0) AS bal ` +
      `FROM "invoice" i LEFT JOIN "dossier" d ON d."id" = i."dossier_id" WHERE ${where.join(" AND ")} ORDER BY i."due_date", i."id"`,
  ).all(end, ...params) as Array<{ id: number; number: string; ref: string | null; title: string | null; issue_date: string; due_date: string; gross_cents: number; segment: string | null; collector: string | null; currency: string; bal: number }>;
  const limit = q.limit ?? 500;
  const out: DrillRow[] = [];
  let total = 0;
  let count = 0;
  for (const r of rows) {
    const bal = Number(r.bal);
    const age = daysBetween(r.due_date, end);
    if (q.metric !== "invoiced" && bal === 0) continue;
    if (bucket !== undefined && (agingBucket(age) ?? 4) !== bucket) continue;
    const value = q.metric === "invoiced" ? Number(r.gross_cents) : bal;
    total += value;
    count++;
    if (out.length < limit) {
      out.push({ id: r.id, number: r.number, dossierReference: r.ref, dossierTitle: r.title, issueDate: r.issue_date, dueDate: r.due_date, grossCents: Number(r.gross_cents), balanceCents: bal, daysPastDue: Math.max(age, 0), segment: r.segment, collector: r.collector, currency: r.currency });
    }
  }
  return { month: q.month, monthEnd: end, metric: q.metric, totalCents: total, count, rows: out, truncated: count > out.length };
}
