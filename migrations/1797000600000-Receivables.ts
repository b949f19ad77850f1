import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Receivables: invoices, payments and credit notes, disputes, sends, dunning actions and cases, promises,
 * late-payment reasons, customer accounts (segment, tone, credit limit) and their shared notes.
 * The first five tables are the contract with the insights/ERP module (.scratch/receivables-schema.md):
 * columns may be added, never renamed or dropped. Dates are ISO `YYYY-MM-DD`, amounts integer cents,
 * timestamps ms since the epoch. Plain SQL that also runs on PostgreSQL (AUTOINCREMENT becomes an identity).
 */
export class Receivables1797000600000 implements MigrationInterface {
  name = "Receivables1797000600000";

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "invoice" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "number" varchar(64) NOT NULL UNIQUE, "dossier_id" integer NOT NULL, ` +
        `"contract_dossier_id" integer, "party_id" integer, "currency" varchar(3) NOT NULL DEFAULT ('EUR'), "issue_date" varchar(10) NOT NULL, "due_date" varchar(10) NOT NULL, ` +
        `"net_cents" bigint NOT NULL, "vat_cents" bigint NOT NULL, "gross_cents" bigint NOT NULL, "paid_cents" bigint NOT NULL DEFAULT (0), ` +
        `"credited_cents" bigint NOT NULL DEFAULT (0), "written_off_cents" bigint NOT NULL DEFAULT (0), "status" varchar(16) NOT NULL, "paid_on" varchar(10), ` +
        `"segment" varchar(32), "collector" varchar(256), "late_reason" varchar(64), "document_id" integer, "lines" text, "source" varchar(32) NOT NULL, ` +
        `"external_id" varchar(128), "created_at" bigint NOT NULL, "updated_at" bigint NOT NULL, "version" integer NOT NULL, ` +
        // Added by receivables: when the invoice was first sent, and the late-reason note.
        `"sent_at" bigint, "late_reason_note" text)`,
    );
    await q.query(`CREATE INDEX "ix_invoice_dossier" ON "invoice" ("dossier_id")`);
    await q.query(`CREATE INDEX "ix_invoice_party" ON "invoice" ("party_id")`);
    await q.query(`CREATE INDEX "ix_invoice_status_due" ON "invoice" ("status", "due_date")`);
    await q.query(`CREATE INDEX "ix_invoice_issue" ON "invoice" ("issue_date")`);

    await q.query(
      `CREATE TABLE "invoice_payment" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "invoice_id" integer, "dossier_id" integer, "party_id" integer, ` +
        `"kind" varchar(16) NOT NULL, "amount_cents" bigint NOT NULL CHECK ("amount_cents" > 0), "currency" varchar(3) NOT NULL, "received_on" varchar(10) NOT NULL, ` +
        `"method" varchar(32), "reference" varchar(256), "source" varchar(32) NOT NULL, "external_id" varchar(128), "created_at" bigint NOT NULL, "created_by" varchar(256), ` +
        // Added by receivables: a credit note still to be entered in the ERP (the collector's day lists them).
        `"erp_entered_at" bigint)`,
    );
    await q.query(`CREATE INDEX "ix_invoice_payment_invoice" ON "invoice_payment" ("invoice_id")`);
    await q.query(`CREATE INDEX "ix_invoice_payment_received" ON "invoice_payment" ("received_on")`);
    await q.query(`CREATE UNIQUE INDEX "ux_invoice_payment_external" ON "invoice_payment" ("source", "external_id")`);

    await q.query(
      `CREATE TABLE "invoice_dispute" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "invoice_id" integer NOT NULL, "opened_on" varchar(10) NOT NULL, ` +
        `"closed_on" varchar(10), "reason" varchar(64), "message" text, "opened_by" varchar(256), ` +
        // Added by receivables: how it ended (rejected | credit_note | cancelled) and a credit note to enter in the ERP (requested | entered).
        `"outcome" varchar(32), "credit_note" varchar(16), "task_note" text)`,
    );
    await q.query(`CREATE INDEX "ix_invoice_dispute_invoice" ON "invoice_dispute" ("invoice_id")`);
    await q.query(`CREATE INDEX "ix_invoice_dispute_opened" ON "invoice_dispute" ("opened_on")`);

    await q.query(
      `CREATE TABLE "dunning_action" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "invoice_id" integer, "dossier_id" integer NOT NULL, "party_id" integer, ` +
        `"scenario" varchar(64), "level" integer, "channel" varchar(16) NOT NULL, "at" bigint NOT NULL, "on_date" varchar(10) NOT NULL, "outcome" varchar(32), ` +
        `"actor" varchar(256), "details" text)`,
    );
    await q.query(`CREATE INDEX "ix_dunning_action_invoice" ON "dunning_action" ("invoice_id")`);
    await q.query(`CREATE INDEX "ix_dunning_action_dossier" ON "dunning_action" ("dossier_id", "on_date")`);
    await q.query(`CREATE INDEX "ix_dunning_action_on_date" ON "dunning_action" ("on_date")`);

    await q.query(
      `CREATE TABLE "payment_promise" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "invoice_id" integer NOT NULL, "dossier_id" integer NOT NULL, ` +
        `"promised_on" varchar(10) NOT NULL, "amount_cents" bigint, "status" varchar(16) NOT NULL, "created_on" varchar(10) NOT NULL, "settled_on" varchar(10), ` +
        `"created_by" varchar(256))`,
    );
    await q.query(`CREATE INDEX "ix_payment_promise_invoice" ON "payment_promise" ("invoice_id")`);
    await q.query(`CREATE INDEX "ix_payment_promise_status" ON "payment_promise" ("status", "promised_on")`);

    // ---- receivables' own tables (not part of the contract) ----
    // Every send of an invoice (or of a reminder) by a channel, with its status.
    await q.query(
      `CREATE TABLE "invoice_send" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "invoice_id" integer, "dossier_id" integer NOT NULL, "party_id" integer, ` +
        `"kind" varchar(16) NOT NULL, "channel" varchar(16) NOT NULL, "status" varchar(16) NOT NULL, "recipient" varchar(512), "batch" varchar(64), ` +
        `"dunning_action_id" integer, "detail" text, "created_at" bigint NOT NULL, "updated_at" bigint NOT NULL)`,
    );
    await q.query(`CREATE INDEX "ix_invoice_send_invoice" ON "invoice_send" ("invoice_id")`);
    await q.query(`CREATE INDEX "ix_invoice_send_dossier" ON "invoice_send" ("dossier_id")`);
    await q.query(`CREATE INDEX "ix_invoice_send_status" ON "invoice_send" ("channel", "status")`);
    // One dunning scenario instance per invoice (the daily run starts it once: idempotent).
    await q.query(
      `CREATE TABLE "dunning_case" ("invoice_id" integer PRIMARY KEY NOT NULL, "process_instance_key" bigint, "scenario" varchar(64) NOT NULL, ` +
        `"state" varchar(16) NOT NULL, "started_at" bigint NOT NULL, "ended_at" bigint)`,
    );
    await q.query(`CREATE INDEX "ix_dunning_case_state" ON "dunning_case" ("state")`);
    // One reminder per invoice and level (idempotent: a retried job does not send twice).
    await q.query(
      `CREATE TABLE "dunning_level_sent" ("invoice_id" integer NOT NULL, "level" integer NOT NULL, "channel" varchar(16) NOT NULL, "action_id" integer NOT NULL, ` +
        `PRIMARY KEY ("invoice_id", "level", "channel"))`,
    );
    await q.query(
      `CREATE TABLE "late_reason" ("id" varchar(64) PRIMARY KEY NOT NULL, "label_fr" varchar(256) NOT NULL, "label_en" varchar(256) NOT NULL, ` +
        `"active" integer NOT NULL DEFAULT (1), "position" integer NOT NULL DEFAULT (0))`,
    );
    // The customer's account for receivables: segment, tone, credit limit, collector (keyed by the address-book party).
    await q.query(
      `CREATE TABLE "customer_account" ("party_id" integer PRIMARY KEY NOT NULL, "segment" varchar(32), "tone" varchar(16), "credit_limit_cents" bigint, ` +
        `"collector" varchar(256), "updated_at" bigint NOT NULL, "updated_by" varchar(256))`,
    );
    await q.query(
      `CREATE TABLE "customer_note" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "party_id" integer, "dossier_id" integer NOT NULL, "at" bigint NOT NULL, ` +
        `"author" varchar(256), "text" text NOT NULL)`,
    );
    await q.query(`CREATE INDEX "ix_customer_note_dossier" ON "customer_note" ("dossier_id")`);
    // Settings edited in the UI: printer patterns, scenario rules (JSON values).
    await q.query(`CREATE TABLE "receivables_setting" ("name" varchar(64) PRIMARY KEY NOT NULL, "value" text NOT NULL, "updated_at" bigint NOT NULL, "updated_by" varchar(256))`);
    // Virtual-printer files seen (by content hash): a file dropped twice is read once.
    await q.query(
      `CREATE TABLE "printer_file" ("sha256" varchar(64) PRIMARY KEY NOT NULL, "name" varchar(512) NOT NULL, "state" varchar(16) NOT NULL, "invoice_id" integer, ` +
        `"detail" text, "at" bigint NOT NULL)`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    for (const t of [
      "printer_file", "receivables_setting", "customer_note", "customer_account", "late_reason", "dunning_level_sent", "dunning_case", "invoice_send",
      "payment_promise", "dunning_action", "invoice_dispute", "invoice_payment", "invoice",
    ]) await q.query(`DROP TABLE "${t}"`);
  }
}
