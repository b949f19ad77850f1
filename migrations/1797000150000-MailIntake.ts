import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Mail intake: mailboxes (passwords encrypted), received mails (mailbox+UIDVALIDITY+UID or file
 * SHA-256 as the source key, Message-ID: exactly once), routing rules, and a small key/value
 * table (first-start seeding). Plain SQL that also runs on PostgreSQL (partial index included).
 */
export class MailIntake1797000150000 implements MigrationInterface {
  name = "MailIntake1797000150000";

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "mail_mailbox" ("id" integer PRIMARY KEY, "name" varchar(128) NOT NULL, "origin" varchar(8) NOT NULL DEFAULT 'ui', ` +
        `"host" varchar(256) NOT NULL, "port" integer NOT NULL, "tls" integer NOT NULL, "username" varchar(320) NOT NULL, "password_enc" text NOT NULL, ` +
        `"folder" varchar(256) NOT NULL DEFAULT 'INBOX', "after_action" varchar(8) NOT NULL DEFAULT 'seen', "move_to" varchar(256), ` +
        `"max_age_days" integer, "consume" varchar(16) NOT NULL DEFAULT 'both', "enabled" integer NOT NULL DEFAULT 1, ` +
        `"state" varchar(16) NOT NULL DEFAULT 'stopped', "last_error" text, "last_check_at" bigint, "created_at" bigint NOT NULL, "updated_at" bigint NOT NULL, "version" integer NOT NULL DEFAULT 1)`,
    );
    await q.query(
      `CREATE TABLE "mail_inbound" ("id" integer PRIMARY KEY, "source" varchar(8) NOT NULL, "source_key" varchar(512) NOT NULL, ` +
        `"mailbox_id" integer, "uid_validity" varchar(24), "uid" bigint, "message_id" varchar(998), "raw_sha256" varchar(64), "size" integer NOT NULL, ` +
        `"from_address" varchar(320), "from_name" varchar(256), "recipients" text NOT NULL, "subject" text, "excerpt" text, "sent_at" bigint, ` +
        `"status" varchar(16) NOT NULL, "reason" text, "dossier_id" integer, "rule_id" integer, "outcome" text NOT NULL, ` +
        `"server_done" integer NOT NULL DEFAULT 0, "received_at" bigint NOT NULL, "updated_at" bigint NOT NULL, "handled_by" varchar(256))`,
    );
    await q.query(`CREATE UNIQUE INDEX "ux_mail_inbound_source" ON "mail_inbound" ("source_key")`);
    await q.query(`CREATE INDEX "ix_mail_inbound_message" ON "mail_inbound" ("message_id")`);
    await q.query(`CREATE INDEX "ix_mail_inbound_status" ON "mail_inbound" ("status", "id")`);
    await q.query(`CREATE INDEX "ix_mail_inbound_pending" ON "mail_inbound" ("mailbox_id", "uid") WHERE "server_done" = 0`);
    await q.query(
      `CREATE TABLE "mail_rule" ("id" integer PRIMARY KEY, "position" integer NOT NULL, "name" varchar(256) NOT NULL, "enabled" integer NOT NULL DEFAULT 1, ` +
        `"definition" text NOT NULL, "stop" integer NOT NULL DEFAULT 1, "created_at" bigint NOT NULL, "updated_at" bigint NOT NULL, "updated_by" varchar(256), "version" integer NOT NULL DEFAULT 1)`,
    );
    await q.query(`CREATE TABLE "mail_intake_meta" ("key" varchar(64) PRIMARY KEY, "value" text NOT NULL)`);
  }

  public async down(q: QueryRunner): Promise<void> {
    for (const t of ["mail_intake_meta", "mail_rule", "mail_inbound", "mail_mailbox"]) await q.query(`DROP TABLE "${t}"`);
  }
}
