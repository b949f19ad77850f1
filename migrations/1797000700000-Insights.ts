import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * KPIs and dashboards: monthly aggregates of receivables, maintained incrementally.
 *
 * Design (docs/insights.md): tiny triggers on the receivables contract tables (and on a dossier's
 * sector) mark the invoice they touch as "dirty" in `insights_dirty`, inside the writer's own
 * transaction; the insights projection (src/insights/projection.ts) then recomputes each dirty
 * invoice's contribution, subtracts the one it stored in `insights_unit` and adds the new one to
 * `insights_ledger` (flows and activity per month) and `insights_aging` (aging buckets at month
 * ends). KPI reads catch up first, so they are exact. The tables are plain portable SQL; the
 * triggers are SQLite-only (on PostgreSQL the same one-line INSERTs would be plpgsql triggers).
 * Units: 'i:<invoice id>' (an invoice with its payments, disputes, actions, promises) and
 * 'd:<dossier id>' (dunning actions recorded on a dossier without an invoice).
 */
const DIMS = `"segment" varchar(32) NOT NULL, "collector" varchar(256) NOT NULL, "sector" varchar(256) NOT NULL`;

/** Dirty-marking triggers: [name, SQL]. Exported for the bench, which drops them for a bulk load and recreates them. */
export const INSIGHTS_TRIGGERS: Array<[string, string]> = [];
const mark = (unit: string) => `INSERT OR IGNORE INTO "insights_dirty" ("unit") VALUES (${unit});`;
for (const [table, unitOf] of [
  ["invoice", (r: string) => `'i:' || ${r}."id"`],
  ["invoice_payment", (r: string) => `'i:' || ${r}."invoice_id"`],
  ["invoice_dispute", (r: string) => `'i:' || ${r}."invoice_id"`],
  ["payment_promise", (r: string) => `'i:' || ${r}."invoice_id"`],
  ["dunning_action", (r: string) => `CASE WHEN ${r}."invoice_id" IS NULL THEN 'd:' || ${r}."dossier_id" ELSE 'i:' || ${r}."invoice_id" END`],
] as Array<[string, (r: string) => string]>) {
  // A NULL unit (a payment not matched to an invoice) is skipped by the NOT NULL primary key via OR IGNORE.
  INSIGHTS_TRIGGERS.push(
    [`insights_${table}_ai`, `CREATE TRIGGER "insights_${table}_ai" AFTER INSERT ON "${table}" BEGIN ${mark(unitOf("NEW"))} END`],
    [`insights_${table}_ad`, `CREATE TRIGGER "insights_${table}_ad" AFTER DELETE ON "${table}" BEGIN ${mark(unitOf("OLD"))} END`],
    [`insights_${table}_au`, `CREATE TRIGGER "insights_${table}_au" AFTER UPDATE ON "${table}" BEGIN ${mark(unitOf("OLD"))} ${mark(unitOf("NEW"))} END`],
  );
}
INSIGHTS_TRIGGERS.push([
  "insights_dossier_sector",
  `CREATE TRIGGER "insights_dossier_sector" AFTER UPDATE OF "sector" ON "dossier" WHEN OLD."sector" IS NOT NEW."sector" BEGIN ` +
    `INSERT OR IGNORE INTO "insights_dirty" ("unit") SELECT 'i:' || "id" FROM "invoice" WHERE "dossier_id" = NEW."id"; ${mark(`'d:' || NEW."id"`)} END`,
]);

export class Insights1797000700000 implements MigrationInterface {
  name = "Insights1797000700000";

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "insights_dirty" ("unit" varchar(32) PRIMARY KEY NOT NULL)`);
    await q.query(`CREATE TABLE "insights_unit" ("unit" varchar(32) PRIMARY KEY NOT NULL, "contrib" text NOT NULL)`);
    await q.query(
      `CREATE TABLE "insights_ledger" ("month" varchar(7) NOT NULL, ${DIMS}, "invoiced_cents" bigint NOT NULL DEFAULT (0), "invoiced_count" integer NOT NULL DEFAULT (0), ` +
        `"settled_cents" bigint NOT NULL DEFAULT (0), "paid_cents" bigint NOT NULL DEFAULT (0), "credited_cents" bigint NOT NULL DEFAULT (0), "written_off_cents" bigint NOT NULL DEFAULT (0), ` +
        `"disputed_delta_cents" bigint NOT NULL DEFAULT (0), "reminders_sent" integer NOT NULL DEFAULT (0), "reminders_failed" integer NOT NULL DEFAULT (0), ` +
        `"calls_logged" integer NOT NULL DEFAULT (0), "promises_made" integer NOT NULL DEFAULT (0), "promises_kept" integer NOT NULL DEFAULT (0), "promises_broken" integer NOT NULL DEFAULT (0), ` +
        `PRIMARY KEY ("month", "segment", "collector", "sector"))`,
    );
    await q.query(
      `CREATE TABLE "insights_aging" ("month" varchar(7) NOT NULL, ${DIMS}, "current_cents" bigint NOT NULL DEFAULT (0), "d1_30_cents" bigint NOT NULL DEFAULT (0), ` +
        `"d31_60_cents" bigint NOT NULL DEFAULT (0), "d61_90_cents" bigint NOT NULL DEFAULT (0), PRIMARY KEY ("month", "segment", "collector", "sector"))`,
    );
    // Reads pick the roll-up rows by segment and collector (src/insights/kpis.ts), then months.
    await q.query(`CREATE INDEX "ix_insights_ledger_dims" ON "insights_ledger" ("segment", "collector", "month")`);
    await q.query(`CREATE INDEX "ix_insights_aging_dims" ON "insights_aging" ("segment", "collector", "month")`);
    for (const [, sql] of INSIGHTS_TRIGGERS) await q.query(sql);
    // Invoices already there (a database upgraded with receivables data) are projected on the next catch-up.
    await q.query(`INSERT OR IGNORE INTO "insights_dirty" ("unit") SELECT 'i:' || "id" FROM "invoice"`);
    await q.query(`INSERT OR IGNORE INTO "insights_dirty" ("unit") SELECT DISTINCT 'd:' || "dossier_id" FROM "dunning_action" WHERE "invoice_id" IS NULL`);
  }

  public async down(q: QueryRunner): Promise<void> {
    for (const [name] of INSIGHTS_TRIGGERS) await q.query(`DROP TRIGGER "${name}"`);
    for (const t of ["insights_aging", "insights_ledger", "insights_unit", "insights_dirty"]) await q.query(`DROP TABLE "${t}"`);
  }
}
