import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Portal: public pages (a published form bound to a dossier type), portal accounts (a party of the
 * address book, never a back-office user) with their sessions and sign-in codes, the party tasks
 * already given a link (so that a restart catches up without sending twice), and the documents
 * shared with a dossier's parties. Tokens, session ids and codes are stored as SHA-256 only.
 * Plain SQL that also runs on PostgreSQL (integer ids: SERIAL there).
 */
export class Portal1797000300000 implements MigrationInterface {
  name = "Portal1797000300000";

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "portal_page" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "slug" varchar(64) NOT NULL, "title" text NOT NULL, "intro" text, ` +
        `"form_id" varchar(255) NOT NULL, "dossier_type" varchar(64) NOT NULL, "mapping" text NOT NULL, "confirmation" text, "published" integer NOT NULL DEFAULT 1, ` +
        `"created_at" bigint NOT NULL, "created_by" varchar(256), "updated_at" bigint NOT NULL, "updated_by" varchar(256))`,
    );
    await q.query(`CREATE UNIQUE INDEX "ux_portal_page_slug" ON "portal_page" ("slug")`);
    await q.query(
      `CREATE TABLE "portal_account" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "party_id" integer NOT NULL, "created_at" bigint NOT NULL, ` +
        `"password_hash" varchar(256), "locale" varchar(8) NOT NULL DEFAULT 'fr', "channel" varchar(16) NOT NULL DEFAULT 'email', "last_seen_at" bigint)`,
    );
    await q.query(`CREATE UNIQUE INDEX "ux_portal_account_party" ON "portal_account" ("party_id")`);
    await q.query(
      `CREATE TABLE "portal_session" ("id_hash" varchar(64) PRIMARY KEY NOT NULL, "account_id" integer NOT NULL, "csrf_token" varchar(64) NOT NULL, ` +
        `"created_at" bigint NOT NULL, "last_seen_at" bigint NOT NULL)`,
    );
    await q.query(`CREATE INDEX "ix_portal_session_account" ON "portal_session" ("account_id")`);
    await q.query(
      `CREATE TABLE "portal_code" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "account_id" integer NOT NULL, "code_hash" varchar(64) NOT NULL, ` +
        `"created_at" bigint NOT NULL, "expires_at" bigint NOT NULL, "attempts" integer NOT NULL DEFAULT 0, "used_at" bigint)`,
    );
    await q.query(`CREATE INDEX "ix_portal_code_account" ON "portal_code" ("account_id", "id")`);
    await q.query(
      `CREATE TABLE "portal_task" ("user_task_key" bigint PRIMARY KEY NOT NULL, "outcome" varchar(16) NOT NULL, "role" varchar(64) NOT NULL, ` +
        `"dossier_id" integer, "party_id" integer, "link_id" integer, "reason" text, "handled_at" bigint NOT NULL, "reminded_at" bigint, "completed_at" bigint)`,
    );
    await q.query(`CREATE INDEX "ix_portal_task_party" ON "portal_task" ("party_id")`);
    await q.query(
      `CREATE TABLE "document_share" ("dossier_id" integer NOT NULL, "document_id" integer NOT NULL, "shared_at" bigint NOT NULL, "shared_by" varchar(256), ` +
        `PRIMARY KEY ("dossier_id", "document_id"))`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    for (const table of ["document_share", "portal_task", "portal_code", "portal_session", "portal_account", "portal_page"]) await q.query(`DROP TABLE "${table}"`);
  }
}
