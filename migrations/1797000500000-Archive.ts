import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Archive: records, retention rules, holds, archive journal, seals, audits, disposals.
 * Plain SQL that also runs on PostgreSQL, except the triggers (SQLite syntax: append-only journal
 * and seals, retain-until that only increases, fingerprints that never change; PostgreSQL would
 * need trigger functions).
 */
export class Archive1797000500000 implements MigrationInterface {
  name = "Archive1797000500000";

  public async up(q: QueryRunner): Promise<void> {
    // One row per dossier ever archived: frozen while 'archived', a new active period once reactivated.
    await q.query(
      `CREATE TABLE "archive_dossier" ("dossier_id" integer PRIMARY KEY NOT NULL, "status" varchar(16) NOT NULL, "period" integer NOT NULL, ` +
        `"archived_at" bigint NOT NULL, "archived_by" varchar(256), "state_before" varchar(64), "reactivated_at" bigint, "reactivated_by" varchar(256), "reason" varchar(1024))`,
    );
    // Deposits waiting for their files to be hashed (written with the freeze, processed after commit and on start).
    await q.query(
      `CREATE TABLE "archive_deposit" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "dossier_id" integer NOT NULL, "document_ids" text, "actor" varchar(256), ` +
        `"full" integer NOT NULL, "created_at" bigint NOT NULL, "done_at" bigint, "records" integer)`,
    );
    await q.query(
      `CREATE TABLE "archive_record" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "dossier_id" integer NOT NULL, "period" integer NOT NULL, "kind" varchar(16) NOT NULL, ` +
        `"document_id" integer, "version" integer, "document_type" varchar(64), "filename" varchar(255), "mime" varchar(128), "size" bigint, "sha256" varchar(64), ` +
        `"metadata" text NOT NULL, "deposited_at" bigint NOT NULL, "deposited_by" varchar(256), "rule_id" varchar(64), "retain_from" varchar(10), "retain_until" varchar(10), ` +
        `"final_action" varchar(16) NOT NULL, "status" varchar(16) NOT NULL, "destroyed_at" bigint, "disposal_id" integer)`,
    );
    await q.query(`CREATE UNIQUE INDEX "ux_archive_record_version" ON "archive_record" ("dossier_id", "document_id", "version")`);
    await q.query(`CREATE INDEX "ix_archive_record_until" ON "archive_record" ("status", "retain_until")`);
    await q.query(`CREATE INDEX "ix_archive_record_sha" ON "archive_record" ("sha256")`);
    // retain-until only increases (NULL = kept forever, the largest value); a fingerprint never changes.
    await q.query(
      `CREATE TRIGGER "archive_record_retain_only_extends" BEFORE UPDATE OF "retain_until" ON "archive_record" ` +
        `WHEN OLD.retain_until IS NULL AND NEW.retain_until IS NOT NULL OR (NEW.retain_until IS NOT NULL AND NEW.retain_until < OLD.retain_until) ` +
        `BEGIN SELECT RAISE(ABORT, 'archive_record.retain_until can only be extended'); END`,
    );
    await q.query(
      `CREATE TRIGGER "archive_record_fingerprint_fixed" BEFORE UPDATE OF "sha256", "size", "document_id", "version", "deposited_at" ON "archive_record" ` +
        `WHEN NEW.sha256 IS NOT OLD.sha256 OR NEW.size IS NOT OLD.size OR NEW.document_id IS NOT OLD.document_id OR NEW.version IS NOT OLD.version OR NEW.deposited_at IS NOT OLD.deposited_at ` +
        `BEGIN SELECT RAISE(ABORT, 'archive_record fingerprint and identity never change'); END`,
    );
    await q.query(`CREATE TRIGGER "archive_record_no_delete" BEFORE DELETE ON "archive_record" BEGIN SELECT RAISE(ABORT, 'archive_record rows are never deleted (disposal leaves a tombstone)'); END`);
    await q.query(
      `CREATE TABLE "archive_rule" ("id" varchar(64) PRIMARY KEY NOT NULL, "label" varchar(256) NOT NULL, "document_type" varchar(64), "dossier_type" varchar(64), ` +
        `"duration" varchar(32), "start_event" varchar(16) NOT NULL, "start_field" varchar(64), "final_action" varchar(16) NOT NULL, "position" integer NOT NULL, ` +
        `"updated_at" bigint NOT NULL, "updated_by" varchar(256))`,
    );
    await q.query(
      `CREATE TABLE "archive_hold" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "record_id" integer, "dossier_id" integer, "reason" varchar(1024) NOT NULL, ` +
        `"placed_by" varchar(256) NOT NULL, "placed_at" bigint NOT NULL, "released_at" bigint, "released_by" varchar(256), "release_reason" varchar(1024))`,
    );
    await q.query(`CREATE INDEX "ix_archive_hold_record" ON "archive_hold" ("record_id", "released_at")`);
    await q.query(`CREATE INDEX "ix_archive_hold_dossier" ON "archive_hold" ("dossier_id", "released_at")`);
    // The archive journal: one hash chain over every operation.
    await q.query(
      `CREATE TABLE "archive_journal" ("seq" integer PRIMARY KEY NOT NULL, "at" bigint NOT NULL, "actor" varchar(256), "action" varchar(32) NOT NULL, ` +
        `"record_id" integer, "dossier_id" integer, "details" text NOT NULL, "prev_hash" varchar(64) NOT NULL, "hash" varchar(64) NOT NULL)`,
    );
    await q.query(`CREATE INDEX "ix_archive_journal_record" ON "archive_journal" ("record_id", "seq")`);
    await q.query(`CREATE INDEX "ix_archive_journal_dossier" ON "archive_journal" ("dossier_id", "seq")`);
    await q.query(`CREATE TRIGGER "archive_journal_no_update" BEFORE UPDATE ON "archive_journal" BEGIN SELECT RAISE(ABORT, 'archive_journal is append-only: UPDATE refused'); END`);
    await q.query(`CREATE TRIGGER "archive_journal_no_delete" BEFORE DELETE ON "archive_journal" BEGIN SELECT RAISE(ABORT, 'archive_journal is append-only: DELETE refused'); END`);
    await q.query(
      `CREATE TABLE "archive_seal" ("seq" integer PRIMARY KEY NOT NULL, "from_seq" integer NOT NULL, "to_seq" integer NOT NULL, "count" integer NOT NULL, ` +
        `"merkle_root" varchar(64) NOT NULL, "prev_hash" varchar(64) NOT NULL, "sealed_at" bigint NOT NULL, "certificate" varchar(128) NOT NULL, ` +
        `"signature" text NOT NULL, "tsa_token" text, "tsa_error" text, "hash" varchar(64) NOT NULL)`,
    );
    await q.query(`CREATE TRIGGER "archive_seal_no_update" BEFORE UPDATE ON "archive_seal" BEGIN SELECT RAISE(ABORT, 'archive_seal is append-only: UPDATE refused'); END`);
    await q.query(`CREATE TRIGGER "archive_seal_no_delete" BEFORE DELETE ON "archive_seal" BEGIN SELECT RAISE(ABORT, 'archive_seal is append-only: DELETE refused'); END`);
    // The certificates seals were signed with (an imported archive brings its own).
    await q.query(`CREATE TABLE "archive_certificate" ("fingerprint" varchar(128) PRIMARY KEY NOT NULL, "pem" text NOT NULL, "added_at" bigint NOT NULL)`);
    await q.query(
      `CREATE TABLE "archive_audit" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "started_at" bigint NOT NULL, "finished_at" bigint, "trigger" varchar(16) NOT NULL, ` +
        `"actor" varchar(256), "status" varchar(16) NOT NULL, "files" integer NOT NULL, "bytes" bigint NOT NULL, "problems" integer NOT NULL, "report" text NOT NULL)`,
    );
    await q.query(`CREATE TABLE "archive_schedule" ("name" varchar(64) PRIMARY KEY NOT NULL, "last_run_at" bigint NOT NULL)`);
    await q.query(
      `CREATE TABLE "archive_incident" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "audit_id" integer NOT NULL, "kind" varchar(16) NOT NULL, "record_id" integer, ` +
        `"journal_seq" integer, "detail" text NOT NULL, "created_at" bigint NOT NULL, "process_instance_key" bigint, "resolved_at" bigint, "resolved_by" varchar(256), "resolution" varchar(1024))`,
    );
    await q.query(
      `CREATE TABLE "archive_disposal" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "status" varchar(16) NOT NULL, "record_ids" text NOT NULL, "erase_parties" integer NOT NULL, ` +
        `"created_at" bigint NOT NULL, "created_by" varchar(256) NOT NULL, "process_instance_key" bigint, "reviewed_by" varchar(256), "reviewed_at" bigint, "review_comment" varchar(1024), ` +
        `"approved_by" varchar(256), "approved_at" bigint, "approval_comment" varchar(1024), "executed_at" bigint, "certificate_sha256" varchar(64), "outcome" text)`,
    );
    await q.query(
      `CREATE TABLE "archive_tombstone" ("record_id" integer PRIMARY KEY NOT NULL, "disposal_id" integer NOT NULL, "sha256" varchar(64), "metadata" text NOT NULL, ` +
        `"approvals" text NOT NULL, "destroyed_at" bigint NOT NULL, "certificate_sha256" varchar(64) NOT NULL)`,
    );
    await q.query(`CREATE TRIGGER "archive_tombstone_no_update" BEFORE UPDATE ON "archive_tombstone" BEGIN SELECT RAISE(ABORT, 'archive_tombstone is append-only: UPDATE refused'); END`);
    await q.query(`CREATE TRIGGER "archive_tombstone_no_delete" BEFORE DELETE ON "archive_tombstone" BEGIN SELECT RAISE(ABORT, 'archive_tombstone is append-only: DELETE refused'); END`);
  }

  public async down(q: QueryRunner): Promise<void> {
    for (const t of ["archive_tombstone_no_delete", "archive_tombstone_no_update", "archive_seal_no_delete", "archive_seal_no_update", "archive_journal_no_delete", "archive_journal_no_update", "archive_record_no_delete", "archive_record_fingerprint_fixed", "archive_record_retain_only_extends"]) {
      await q.query(`DROP TRIGGER "${t}"`);
    }
    for (const t of ["archive_tombstone", "archive_disposal", "archive_incident", "archive_schedule", "archive_audit", "archive_certificate", "archive_seal", "archive_journal", "archive_hold", "archive_rule", "archive_record", "archive_deposit", "archive_dossier"]) {
      await q.query(`DROP TABLE "${t}"`);
    }
  }
}
