import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Templates edited in the UI (append-only revisions: the latest one of a name overrides the
 * shipped file; a revision with no source goes back to the file), the organisation's own details
 * printed on documents, and which document a (dossier, template, file name) was rendered to, so that
 * a render again is a new version of the same document. Plain SQL that also runs on PostgreSQL
 * (AUTOINCREMENT is the SQLite spelling; the PostgreSQL migration set uses identity columns).
 */
export class Templates1797000200000 implements MigrationInterface {
  name = "Templates1797000200000";

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "template_revision" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "name" varchar(160) NOT NULL, "revision" integer NOT NULL, ` +
        `"source" text, "version" varchar(64), "comment" varchar(500), "created_at" bigint NOT NULL, "created_by" varchar(256))`,
    );
    await q.query(`CREATE UNIQUE INDEX "ux_template_revision" ON "template_revision" ("name", "revision")`);
    await q.query(`CREATE TABLE "organisation_setting" ("key" varchar(64) PRIMARY KEY NOT NULL, "value" text NOT NULL, "updated_at" bigint NOT NULL, "updated_by" varchar(256))`);
    await q.query(
      `CREATE TABLE "rendered_document" ("dossier_id" integer NOT NULL, "template" varchar(160) NOT NULL, "file_name" varchar(255) NOT NULL, "document_id" integer NOT NULL, ` +
        `"template_version" varchar(64) NOT NULL, "rendered_at" bigint NOT NULL, PRIMARY KEY ("dossier_id", "template", "file_name"))`,
    );
    await q.query(`CREATE INDEX "ix_rendered_document_document" ON "rendered_document" ("document_id")`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "rendered_document"`);
    await q.query(`DROP TABLE "organisation_setting"`);
    await q.query(`DROP TABLE "template_revision"`);
  }
}
