import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Signature requests, their documents and signers (one-time codes kept as HMAC-SHA256 only), the
 * evidence timeline, the registry of sealed documents (SHA-256) and the providers' webhook events
 * (idempotency). Plain SQL; `integer PRIMARY KEY AUTOINCREMENT` is SQLite's spelling (PostgreSQL:
 * `bigserial PRIMARY KEY`), everything else runs on both.
 */
export class Signature1797000400000 implements MigrationInterface {
  name = "Signature1797000400000";

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "signature_request" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "dossier_id" integer NOT NULL, "status" varchar(20) NOT NULL, ` +
        `"title" varchar(256) NOT NULL, "message" text, "locale" varchar(2) NOT NULL DEFAULT 'fr', "provider" varchar(64) NOT NULL DEFAULT 'builtin', "provider_ref" varchar(256), ` +
        `"created_at" bigint NOT NULL, "created_by" varchar(256), "sent_at" bigint, "expires_at" bigint NOT NULL, "completed_at" bigint, ` +
        `"declined_reason" text, "canceled_at" bigint, "canceled_by" varchar(256), "reminder_every_ms" bigint, "next_reminder_at" bigint, "reminders_left" integer NOT NULL DEFAULT 0, ` +
        `"process_instance_key" bigint, "job_key" bigint, "correlation_key" varchar(128) NOT NULL, ` +
        `"seal_state" varchar(12), "seal_attempts" integer NOT NULL DEFAULT 0, "seal_error" text, "sealed_document_id" integer, "evidence_document_id" integer, ` +
        `"version" integer NOT NULL DEFAULT 1)`,
    );
    await q.query(`CREATE INDEX "ix_signature_request_dossier" ON "signature_request" ("dossier_id")`);
    await q.query(`CREATE INDEX "ix_signature_request_open" ON "signature_request" ("status", "expires_at")`);
    await q.query(`CREATE INDEX "ix_signature_request_seal" ON "signature_request" ("seal_state")`);
    await q.query(`CREATE UNIQUE INDEX "ux_signature_request_job" ON "signature_request" ("job_key")`);
    await q.query(
      `CREATE TABLE "signature_document" ("request_id" integer NOT NULL, "position" integer NOT NULL, "document_id" integer NOT NULL, "version" integer NOT NULL, ` +
        `"sha256" varchar(64) NOT NULL, "filename" varchar(512) NOT NULL, PRIMARY KEY ("request_id", "position"))`,
    );
    await q.query(
      `CREATE TABLE "signature_signer" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "request_id" integer NOT NULL, "position" integer NOT NULL, "order_no" integer NOT NULL, ` +
        `"kind" varchar(8) NOT NULL, "party_id" integer, "username" varchar(256), "role" varchar(64), "name" varchar(256) NOT NULL, "email" varchar(320), "phone" varchar(32), ` +
        `"status" varchar(12) NOT NULL, "invited_at" bigint, "signed_at" bigint, "declined_at" bigint, "decline_reason" text, ` +
        `"failed_attempts" integer NOT NULL DEFAULT 0, "locked_at" bigint, "link_id" integer, ` +
        `"otp_hash" varchar(64), "otp_expires_at" bigint, "otp_sent_count" integer NOT NULL DEFAULT 0, "otp_last_sent_at" bigint, "evidence" text)`,
    );
    await q.query(`CREATE INDEX "ix_signature_signer_request" ON "signature_signer" ("request_id", "order_no")`);
    await q.query(`CREATE INDEX "ix_signature_signer_party" ON "signature_signer" ("party_id")`);
    await q.query(
      `CREATE TABLE "signature_event" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "request_id" integer NOT NULL, "signer_id" integer, "at" bigint NOT NULL, ` +
        `"type" varchar(40) NOT NULL, "actor" varchar(256), "details" text)`,
    );
    await q.query(`CREATE INDEX "ix_signature_event_request" ON "signature_event" ("request_id", "id")`);
    await q.query(
      `CREATE TABLE "signature_seal" ("sha256" varchar(64) PRIMARY KEY NOT NULL, "request_id" integer NOT NULL, "document_id" integer NOT NULL, "kind" varchar(12) NOT NULL, ` +
        `"sealed_at" bigint NOT NULL, "size" integer NOT NULL, "certificate_fingerprint" varchar(128) NOT NULL)`,
    );
    await q.query(
      `CREATE TABLE "signature_provider_event" ("provider" varchar(64) NOT NULL, "event_id" varchar(256) NOT NULL, "received_at" bigint NOT NULL, "request_id" integer, ` +
        `"type" varchar(64) NOT NULL, PRIMARY KEY ("provider", "event_id"))`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    for (const t of ["signature_provider_event", "signature_seal", "signature_event", "signature_signer", "signature_document", "signature_request"]) await q.query(`DROP TABLE "${t}"`);
  }
}
