/**
 * The same KPIs computed straight from the receivables rows, without the aggregates: each month
 * end's balances rebuilt from the invoices and their settlements. Slow on a large ledger (a scan per
 * month end); it is the reference the aggregate path is checked against (test/insights) and the
 * baseline of the bench (bench/kpi.ts). Portable SQL; bucketing and formulas in TypeScript.
 */
import type Database from "better-sqlite3";
import { statement } from "../persistence/statements.js";
import { daysBetween, monthEnd, monthRange } from "./calendar.js";
import { agingBucket } from "./contribution.js";
import { emptyFigures, finish, type MonthFigures } from "./formulas.js";
import { scopeSql, type KpiQuery } from "./kpis.js";

/** `historyFrom`: the first month computed (default: the first invoice's), e.g. to time one month end alone. */
export function fullScanKpis(db: Database.Database, q: Omit<KpiQuery, "groupBy"> & { historyFrom?: string }) {
  const scope = scopeSql(q.scope, `COALESCE(d."sector", '')`);
  const where = [scope.sql];
  const params: unknown[] = [...scope.params];
  if (q.segment !== undefined) { where.push(`COALESCE(i."segment", '') = ?`); params.push(q.segment); }
  if (q.collector !== undefined) { where.push(`COALESCE(i."collector", '') = ?`); params.push(q.collector); }
  const w = where.join(" AND ");
  const firstIssue = (statement(db, `SELECT MIN(i."issue_date") AS m FROM "invoice" i LEFT JOIN "dossier" d ON d."id" = i."dossier_id" WHERE ${w}`).get(...params) as { m: string | null }).m;
  const first = q.historyFrom ?? (firstIssue && firstIssue.slice(0, 7) < q.from ? firstIssue.slice(0, 7) : q.from);
  const history: MonthFigures[] = [];
  for (const month of monthRange(first, q.to)) {
    const start = `${month}-01`;
    const end = monthEnd(month);
    const f = emptyFigures(month);
    const balances = statement(db,
      `SELECT i."due_date" AS due, i."gross_cents" - COALESCE((SELECT SUM(p."amount_cents") FROM "invoice_payment" p WHERE p."invoice_id" = i."id" AND p."received_on" <= ?), 0) AS bal, ` +
        `CASE WHEN EXISTS (SELECT 1 FROM "invoice_dispute" x WHERE x."invoice_id" = i."id" AND x."opened_on" <= ? AND (x."closed_on" IS NULL OR x."closed_on" > ?)) THEN 1 ELSE 0 END AS disputed ` +
        `FROM "invoice" i LEFT JOIN "dossier" d ON d."id" = i."dossier_id" WHERE i."issue_date" <= ? AND ${w}`,
    ).all(end, end, end, end, ...params) as Array<{ due: string; bal: number; disputed: number }>;
    for (const b of balances) {
      const bal = Number(b.bal);
      f.dueCents += bal;
      const k = (agingBucket(daysBetween(b.due, end)) ?? 4) as 0 | 1 | 2 | 3 | 4;
      f.buckets[k] += bal;
      if (b.disputed) f.disputedCents += bal;
    }
    const sales = statement(db, `SELECT COALESCE(SUM(i."gross_cents"), 0) AS s, COUNT(*) AS n FROM "invoice" i LEFT JOIN "dossier" d ON d."id" = i."dossier_id" WHERE i."issue_date" >= ? AND i."issue_date" <= ? AND ${w}`)
      .get(start, end, ...params) as { s: number; n: number };
    f.invoicedCents = Number(sales.s);
    f.invoicedCount = Number(sales.n);
    const settled = statement(db,
      `SELECT p."kind" AS kind, SUM(p."amount_cents") AS s FROM "invoice_payment" p JOIN "invoice" i ON i."id" = p."invoice_id" LEFT JOIN "dossier" d ON d."id" = i."dossier_id" ` +
        `WHERE (CASE WHEN p."received_on" > i."issue_date" THEN p."received_on" ELSE i."issue_date" END) BETWEEN ? AND ? AND ${w} GROUP BY p."kind"`,
    ).all(start, end, ...params) as Array<{ kind: string; s: number }>;
    for (const s of settled) {
      f.settledCents += Number(s.s);
      if (s.kind === "credit_note") f.creditedCents += Number(s.s);
      else if (s.kind === "write_off") f.writtenOffCents += Number(s.s);
      else f.paidCents += Number(s.s);
    }
    const actions = statement(db,
      `SELECT a."channel" AS channel, a."outcome" AS outcome, COUNT(*) AS n FROM "dunning_action" a LEFT JOIN "invoice" i ON i."id" = a."invoice_id" ` +
        `LEFT JOIN "dossier" d ON d."id" = COALESCE(i."dossier_id", a."dossier_id") WHERE a."on_date" BETWEEN ? AND ? AND (a."invoice_id" IS NULL OR i."id" IS NOT NULL) AND ${w} GROUP BY a."channel", a."outcome"`,
    ).all(start, end, ...params) as Array<{ channel: string; outcome: string | null; n: number }>;
    for (const a of actions) {
      if (a.channel === "call") f.callsLogged += a.n;
      else if (a.outcome === "failed") f.remindersFailed += a.n;
      else f.remindersSent += a.n;
    }
    const promises = statement(db,
      `SELECT SUM(CASE WHEN p."created_on" BETWEEN ? AND ? THEN 1 ELSE 0 END) AS made, ` +
        `SUM(CASE WHEN p."status" = 'kept' AND COALESCE(p."settled_on", p."promised_on") BETWEEN ? AND ? THEN 1 ELSE 0 END) AS kept, ` +
        `SUM(CASE WHEN p."status" = 'broken' AND COALESCE(p."settled_on", p."promised_on") BETWEEN ? AND ? THEN 1 ELSE 0 END) AS broken ` +
        `FROM "payment_promise" p JOIN "invoice" i ON i."id" = p."invoice_id" LEFT JOIN "dossier" d ON d."id" = i."dossier_id" WHERE ${w}`,
    ).get(start, end, start, end, start, end, ...params) as { made: number | null; kept: number | null; broken: number | null };
    f.promisesMade = Number(promises.made ?? 0);
    f.promisesKept = Number(promises.kept ?? 0);
    f.promisesBroken = Number(promises.broken ?? 0);
    history.push(f);
  }
  return finish(history, q.from);
}
