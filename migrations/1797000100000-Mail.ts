import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Outbound mail and SMS (the intake's tables are in 1797000150000-MailIntake): a durable outbox of
 * mails (status queued → sending → sent | failed, attempts, next attempt, the server's answer), of
 * SMS, and the development SMS gateway's "phone" (what it received). Plain SQL that also runs on
 * PostgreSQL (integer/bigint/varchar/text, partial unique index on the idempotency key).
 */
export class Mail1797000100000 implements MigrationInterface {
  name = "Mail1797000100000";

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "mail_outbound" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "dossier_id" integer, "message_id" varchar(255) NOT NULL, ` +
        `"idem_key" varchar(255), "purpose" varchar(64) NOT NULL, "actor" varchar(256), "process_instance_key" bigint, ` +
        `"from_addr" varchar(512) NOT NULL, "reply_to" varchar(512), "to_json" text NOT NULL, "cc_json" text NOT NULL, "bcc_json" text NOT NULL, ` +
        `"subject" varchar(998) NOT NULL, "text_body" text NOT NULL, "html_body" text, "template" varchar(255), "template_version" varchar(128), "locale" varchar(8) NOT NULL, ` +
        `"attachments_json" text NOT NULL, "status" varchar(16) NOT NULL, "attempts" integer NOT NULL DEFAULT 0, "next_attempt_at" bigint NOT NULL, ` +
        `"locked_until" bigint, "last_error" text, "accepted_response" text, "created_at" bigint NOT NULL, "sent_at" bigint, "failed_at" bigint, "updated_at" bigint NOT NULL)`,
    );
    await q.query(`CREATE UNIQUE INDEX "ux_mail_outbound_message_id" ON "mail_outbound" ("message_id")`);
    await q.query(`CREATE UNIQUE INDEX "ux_mail_outbound_key" ON "mail_outbound" ("idem_key") WHERE "idem_key" IS NOT NULL`);
    await q.query(`CREATE INDEX "ix_mail_outbound_due" ON "mail_outbound" ("status", "next_attempt_at")`);
    await q.query(`CREATE INDEX "ix_mail_outbound_dossier" ON "mail_outbound" ("dossier_id", "id")`);

    await q.query(
      `CREATE TABLE "sms_outbound" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "dossier_id" integer, "idem_key" varchar(255), ` +
        `"purpose" varchar(64) NOT NULL, "actor" varchar(256), "to_number" varchar(32) NOT NULL, "from_name" varchar(32), "text" text, "sensitive" integer NOT NULL DEFAULT 0, ` +
        `"encoding" varchar(8) NOT NULL, "length" integer NOT NULL, "segments" integer NOT NULL, "status" varchar(16) NOT NULL, ` +
        `"attempts" integer NOT NULL DEFAULT 0, "next_attempt_at" bigint NOT NULL, "locked_until" bigint, "last_error" text, "provider_ref" varchar(255), ` +
        `"created_at" bigint NOT NULL, "sent_at" bigint, "failed_at" bigint, "updated_at" bigint NOT NULL)`,
    );
    await q.query(`CREATE UNIQUE INDEX "ux_sms_outbound_key" ON "sms_outbound" ("idem_key") WHERE "idem_key" IS NOT NULL`);
    await q.query(`CREATE INDEX "ix_sms_outbound_due" ON "sms_outbound" ("status", "next_attempt_at")`);
    await q.query(`CREATE INDEX "ix_sms_outbound_dossier" ON "sms_outbound" ("dossier_id", "id")`);

    // The development gateway's handset: what "the phone" received (the signature's one-time code can be read here).
    await q.query(
      `CREATE TABLE "sms_dev_received" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "sms_id" integer NOT NULL, "to_number" varchar(32) NOT NULL, ` +
        `"from_name" varchar(32), "text" text NOT NULL, "received_at" bigint NOT NULL)`,
    );
    await q.query(`CREATE UNIQUE INDEX "ux_sms_dev_received_sms" ON "sms_dev_received" ("sms_id")`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "sms_dev_received"`);
    await q.query(`DROP TABLE "sms_outbound"`);
    await q.query(`DROP TABLE "mail_outbound"`);
  }
}
