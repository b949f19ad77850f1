/**
 * The catch-up projection: takes the invoices the triggers marked dirty, recomputes their
 * contribution (contribution.ts), and applies the difference with the stored one to the monthly
 * aggregates, all in one write transaction per batch (with the dirty marks it consumes). A KPI read
 * runs it first, so the aggregates it reads are those of the committed rows.
 */
import type Database from "better-sqlite3";
import { statement } from "../persistence/statements.js";
import { ALL, AGING_COLUMNS, LEDGER_COLUMNS, SEP, dimsKey, activityContribution, emptyContribution, invoiceContribution, type Contribution } from "./contribution.js";

interface InvoiceRow { id: number; issue_date: string; due_date: string; gross_cents: number; segment: string | null; collector: string | null; sector: string | null }

const LEDGER_UPSERT = `INSERT INTO "insights_ledger" ("month", "segment", "collector", "sector", ${LEDGER_COLUMNS.map((c) => `"${c}"`).join(", ")}) ` +
  `VALUES (?, ?, ?, ?, ${LEDGER_COLUMNS.map(() => "?").join(", ")}) ON CONFLICT ("month", "segment", "collector", "sector") DO UPDATE SET ` +
  LEDGER_COLUMNS.map((c) => `"${c}" = "insights_ledger"."${c}" + excluded."${c}"`).join(", ");
const AGING_UPSERT = `INSERT INTO "insights_aging" ("month", "segment", "collector", "sector", ${AGING_COLUMNS.map((c) => `"${c}"`).join(", ")}) ` +
  `VALUES (?, ?, ?, ?, ${AGING_COLUMNS.map(() => "?").join(", ")}) ON CONFLICT ("month", "segment", "collector", "sector") DO UPDATE SET ` +
  AGING_COLUMNS.map((c) => `"${c}" = "insights_aging"."${c}" + excluded."${c}"`).join(", ");

/** The rows with their roll-ups: each (month, segment, collector, sector) also counts in (month, ALL, collector, sector), (month, segment, ALL, sector) and (month, ALL, ALL, sector). */
function rollUp(rows: Record<string, number[]>): Array<[string, number[]]> {
  const out = new Map<string, number[]>();
  for (const [key, d] of Object.entries(rows)) {
    const [month, segment, collector, sector] = key.split(SEP) as [string, string, string, string];
    for (const k of [key, [month, ALL, collector, sector].join(SEP), [month, segment, ALL, sector].join(SEP), [month, ALL, ALL, sector].join(SEP)]) {
      const row = out.get(k);
      if (!row) out.set(k, [...d]);
      else for (let i = 0; i < d.length; i++) row[i]! += d[i]!;
    }
  }
  return [...out];
}

/** new − old, per key and column (keys whose difference is all zero dropped). */
function difference(next: Record<string, number[]>, prev: Record<string, number[]>, width: number): Array<[string, number[]]> {
  const out: Array<[string, number[]]> = [];
  for (const key of new Set([...Object.keys(next), ...Object.keys(prev)])) {
    const a = next[key];
    const b = prev[key];
    const d = Array.from({ length: width }, (_, i) => (a?.[i] ?? 0) - (b?.[i] ?? 0));
    if (d.some((x) => x !== 0)) out.push([key, d]);
  }
  return out;
}

export class InsightsProjection {
  constructor(private readonly db: Database.Database) {}

  /** Dirty marks waiting. */
  pending(): number {
    return (statement(this.db, `SELECT COUNT(*) AS n FROM "insights_dirty"`).get() as { n: number }).n;
  }

  /** Projects up to `limit` dirty units; call inside a write transaction. Returns how many were done. */
  projectBatch(limit = 2000): number {
    const units = (statement(this.db, `SELECT "unit" FROM "insights_dirty" ORDER BY "unit" LIMIT ?`).all(limit) as Array<{ unit: string }>).map((r) => r.unit);
    // The differences of the whole batch are summed per aggregate row, then written once per row.
    const sum: Contribution = emptyContribution();
    for (const unit of units) this.projectUnit(unit, sum);
    for (const [key, d] of rollUp(sum.l)) if (d.some((x) => x !== 0)) statement(this.db, LEDGER_UPSERT).run(...key.split(SEP), ...d);
    for (const [key, d] of rollUp(sum.a)) if (d.some((x) => x !== 0)) statement(this.db, AGING_UPSERT).run(...key.split(SEP), ...d);
    return units.length;
  }

  /** Recomputes one unit ('i:<invoice id>' or 'd:<dossier id>') and adds its difference to `sum`. */
  private projectUnit(unit: string, sum: Contribution): void {
    const next = unit.startsWith("i:") ? this.invoiceUnit(Number(unit.slice(2))) : this.dossierUnit(Number(unit.slice(2)));
    const stored = statement(this.db, `SELECT "contrib" FROM "insights_unit" WHERE "unit" = ?`).get(unit) as { contrib: string } | undefined;
    const prev: Contribution = stored ? (JSON.parse(stored.contrib) as Contribution) : emptyContribution();
    const accumulate = (into: Record<string, number[]>, diffs: Array<[string, number[]]>, width: number) => {
      for (const [key, d] of diffs) {
        const row = (into[key] ??= new Array<number>(width).fill(0));
        for (let i = 0; i < width; i++) row[i]! += d[i]!;
      }
    };
    accumulate(sum.l, difference(next.l, prev.l, LEDGER_COLUMNS.length), LEDGER_COLUMNS.length);
    accumulate(sum.a, difference(next.a, prev.a, AGING_COLUMNS.length), AGING_COLUMNS.length);
    if (Object.keys(next.l).length === 0 && Object.keys(next.a).length === 0) statement(this.db, `DELETE FROM "insights_unit" WHERE "unit" = ?`).run(unit);
    else statement(this.db, `INSERT INTO "insights_unit" ("unit", "contrib") VALUES (?, ?) ON CONFLICT ("unit") DO UPDATE SET "contrib" = excluded."contrib"`).run(unit, JSON.stringify(next));
    statement(this.db, `DELETE FROM "insights_dirty" WHERE "unit" = ?`).run(unit);
  }

  private invoiceUnit(id: number): Contribution {
    const inv = statement(this.db,
      `SELECT i."id", i."issue_date", i."due_date", i."gross_cents", i."segment", i."collector", d."sector" FROM "invoice" i LEFT JOIN "dossier" d ON d."id" = i."dossier_id" WHERE i."id" = ?`,
    ).get(id) as InvoiceRow | undefined;
    if (!inv) return emptyContribution();
    const settlements = (statement(this.db, `SELECT "kind", "amount_cents", "received_on" FROM "invoice_payment" WHERE "invoice_id" = ?`).all(id) as Array<{ kind: string; amount_cents: number; received_on: string }>)
      .map((s) => ({ kind: s.kind, amountCents: Number(s.amount_cents), receivedOn: s.received_on }));
    const disputes = (statement(this.db, `SELECT "opened_on", "closed_on" FROM "invoice_dispute" WHERE "invoice_id" = ?`).all(id) as Array<{ opened_on: string; closed_on: string | null }>)
      .map((d) => ({ openedOn: d.opened_on, closedOn: d.closed_on }));
    const actions = (statement(this.db, `SELECT "channel", "outcome", "on_date" FROM "dunning_action" WHERE "invoice_id" = ?`).all(id) as Array<{ channel: string; outcome: string | null; on_date: string }>)
      .map((a) => ({ channel: a.channel, outcome: a.outcome, onDate: a.on_date }));
    const promises = (statement(this.db, `SELECT "status", "created_on", "settled_on", "promised_on" FROM "payment_promise" WHERE "invoice_id" = ?`).all(id) as Array<{ status: string; created_on: string; settled_on: string | null; promised_on: string }>)
      .map((p) => ({ status: p.status, createdOn: p.created_on, settledOn: p.settled_on, promisedOn: p.promised_on }));
    return invoiceContribution(
      { issueDate: inv.issue_date, dueDate: inv.due_date, grossCents: Number(inv.gross_cents), segment: inv.segment ?? "", collector: inv.collector ?? "", sector: inv.sector ?? "" },
      settlements, disputes, actions, promises,
    );
  }

  /** Dunning actions recorded on a dossier without an invoice (a grouped reminder): no segment or collector. */
  private dossierUnit(dossierId: number): Contribution {
    const out = emptyContribution();
    const sector = (statement(this.db, `SELECT "sector" FROM "dossier" WHERE "id" = ?`).get(dossierId) as { sector: string | null } | undefined)?.sector ?? "";
    const actions = (statement(this.db, `SELECT "channel", "outcome", "on_date" FROM "dunning_action" WHERE "dossier_id" = ? AND "invoice_id" IS NULL`).all(dossierId) as Array<{ channel: string; outcome: string | null; on_date: string }>)
      .map((a) => ({ channel: a.channel, outcome: a.outcome, onDate: a.on_date }));
    activityContribution(out, dimsKey("", "", sector), actions, []);
    return out;
  }
}
