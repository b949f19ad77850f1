import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The customer file: dossier types (versioned definitions), dossiers, their parties, links to the
 * process instances started for them, the append-only hash-chained journal, deadline reminders,
 * saved list views and the full-text index. Parties and documents have migrations of their own.
 * Plain SQL that also runs on PostgreSQL, except the FTS5 table, the triggers and the journal's
 * WITHOUT ROWID (SQLite syntax; the PostgreSQL step replaces them with a tsvector column, trigger
 * functions and a plain table clustered on its primary key). The journal is stored in key order:
 * reading or verifying one dossier's journal is one range scan, not a look-up per entry.
 */
export class Dossiers1796000000000 implements MigrationInterface {
  name = "Dossiers1796000000000";

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "dossier_type" ("type_id" varchar(64) PRIMARY KEY NOT NULL, "current_version" integer NOT NULL, "created_at" bigint NOT NULL, "updated_at" bigint NOT NULL)`);
    await q.query(`CREATE TABLE "dossier_type_version" ("type_id" varchar(64) NOT NULL, "version" integer NOT NULL, "definition" text NOT NULL, "created_at" bigint NOT NULL, "created_by" varchar(256), PRIMARY KEY ("type_id", "version"))`);
    await q.query(`CREATE TABLE "dossier" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "reference" varchar(64) NOT NULL, "type_id" varchar(64) NOT NULL, "type_version" integer NOT NULL, "title" varchar(512) NOT NULL, "state" varchar(64) NOT NULL, "owner" varchar(256), "sector" varchar(256), "parent_id" integer, "data" text NOT NULL, "tags" text NOT NULL, "version" integer NOT NULL, "created_at" bigint NOT NULL, "created_by" varchar(256), "updated_at" bigint NOT NULL, "closed_at" bigint)`);
    await q.query(`CREATE UNIQUE INDEX "ux_dossier_reference" ON "dossier" ("reference")`);
    await q.query(`CREATE INDEX "ix_dossier_type_state" ON "dossier" ("type_id", "state", "updated_at")`);
    await q.query(`CREATE INDEX "ix_dossier_type_updated" ON "dossier" ("type_id", "updated_at")`);
    await q.query(`CREATE INDEX "ix_dossier_sector" ON "dossier" ("sector", "updated_at")`);
    await q.query(`CREATE INDEX "ix_dossier_owner" ON "dossier" ("owner")`);
    await q.query(`CREATE INDEX "ix_dossier_parent" ON "dossier" ("parent_id")`);
    await q.query(`CREATE INDEX "ix_dossier_updated" ON "dossier" ("updated_at")`);
    await q.query(`CREATE TABLE "dossier_party" ("dossier_id" integer NOT NULL, "role" varchar(64) NOT NULL, "party_id" integer NOT NULL, "added_at" bigint NOT NULL, PRIMARY KEY ("dossier_id", "role", "party_id"))`);
    await q.query(`CREATE INDEX "ix_dossier_party_party" ON "dossier_party" ("party_id")`);
    await q.query(`CREATE TABLE "dossier_sequence" ("type_id" varchar(64) NOT NULL, "period" varchar(16) NOT NULL, "last_value" integer NOT NULL, PRIMARY KEY ("type_id", "period"))`);
    await q.query(`CREATE TABLE "dossier_process" ("process_instance_key" bigint PRIMARY KEY NOT NULL, "dossier_id" integer NOT NULL, "kind" varchar(16) NOT NULL, "action_id" varchar(64), "bpmn_process_id" varchar(255) NOT NULL, "started_at" bigint NOT NULL, "started_by" varchar(256))`);
    await q.query(`CREATE INDEX "ix_dossier_process_dossier" ON "dossier_process" ("dossier_id")`);
    // The processes a dossier's processes called (their tasks show in the 360° view and journal to the dossier).
    await q.query(`CREATE INDEX "ix_process_instance_parent" ON "process_instance" ("parent_process_instance_key")`);
    await q.query(`CREATE TABLE "dossier_journal" ("dossier_id" integer NOT NULL, "seq" integer NOT NULL, "at" bigint NOT NULL, "actor" varchar(256), "action" varchar(64) NOT NULL, "summary" varchar(1024), "before" text, "after" text, "private" integer NOT NULL, "prev_hash" varchar(64) NOT NULL, "hash" varchar(64) NOT NULL, PRIMARY KEY ("dossier_id", "seq")) WITHOUT ROWID`);
    // Append-only, enforced by the database itself.
    await q.query(`CREATE TRIGGER "dossier_journal_no_update" BEFORE UPDATE ON "dossier_journal" BEGIN SELECT RAISE(ABORT, 'dossier_journal is append-only: UPDATE refused'); END`);
    await q.query(`CREATE TRIGGER "dossier_journal_no_delete" BEFORE DELETE ON "dossier_journal" BEGIN SELECT RAISE(ABORT, 'dossier_journal is append-only: DELETE refused'); END`);
    await q.query(`CREATE TABLE "dossier_reminder" ("dossier_id" integer NOT NULL, "deadline_id" varchar(64) NOT NULL, "kind" varchar(16) NOT NULL, "days_before" integer NOT NULL, "fire_at" bigint NOT NULL, "due_date" varchar(10) NOT NULL, "fired_at" bigint, PRIMARY KEY ("dossier_id", "deadline_id", "kind", "days_before"))`);
    await q.query(`CREATE INDEX "ix_dossier_reminder_due" ON "dossier_reminder" ("fired_at", "fire_at")`);
    await q.query(`CREATE TABLE "dossier_view" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "owner" varchar(256), "name" varchar(256) NOT NULL, "type_id" varchar(64), "definition" text NOT NULL, "created_at" bigint NOT NULL)`);
    await q.query(`CREATE INDEX "ix_dossier_view_owner" ON "dossier_view" ("owner")`);
    // A retried or double-clicked creation with the same Idempotency-Key opens one dossier.
    await q.query(`CREATE TABLE "dossier_idempotency" ("username" varchar(256) NOT NULL, "idempotency_key" varchar(128) NOT NULL, "dossier_id" integer NOT NULL, "process_instance_key" bigint, "request_hash" varchar(64) NOT NULL, "created_at" bigint NOT NULL, PRIMARY KEY ("username", "idempotency_key"))`);
    await q.query(`CREATE TABLE "dossier_meta" ("name" varchar(64) PRIMARY KEY NOT NULL, "value" text NOT NULL)`);
    // Process history written before dossiers existed concerns none: the journal projection starts after it.
    await q.query(`INSERT INTO "dossier_meta" ("name", "value") SELECT 'journal.history_position', CAST(COALESCE(MAX("position"), 0) AS TEXT) FROM "history"`);
    // Full-text index of dossiers (reference, title, field values, party names): accents and case folded.
    await q.query(`CREATE VIRTUAL TABLE "dossier_fts" USING fts5("reference", "title", "body", tokenize = 'unicode61 remove_diacritics 2')`);
  }

  public async down(q: QueryRunner): Promise<void> {
    for (const t of ["dossier_fts", "dossier_meta", "dossier_idempotency", "dossier_view", "dossier_reminder"]) await q.query(`DROP TABLE "${t}"`);
    await q.query(`DROP TRIGGER "dossier_journal_no_delete"`);
    await q.query(`DROP TRIGGER "dossier_journal_no_update"`);
    await q.query(`DROP INDEX "ix_process_instance_parent"`);
    for (const t of ["dossier_journal", "dossier_process", "dossier_sequence", "dossier_party", "dossier", "dossier_type_version", "dossier_type"]) await q.query(`DROP TABLE "${t}"`);
  }
}
