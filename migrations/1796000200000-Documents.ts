import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Documents of the customer file (the GED part): content-addressed blobs (one row per distinct
 * SHA-256, the file itself under DATA_DIR/documents), documents with their status and versions, the
 * dossiers each document shows in (one document, several dossiers, never copied) and the full-text
 * index of the extracted text. Plain SQL that also runs on PostgreSQL, except the FTS5 table
 * (the PostgreSQL step replaces it with a tsvector column).
 */
export class Documents1796000200000 implements MigrationInterface {
  name = "Documents1796000200000";

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE "blob" ("sha256" varchar(64) PRIMARY KEY NOT NULL, "size" bigint NOT NULL, "mime" varchar(128) NOT NULL, "text" text, "created_at" bigint NOT NULL)`);
    await q.query(
      `CREATE TABLE "document" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "document_type" varchar(64), "status" varchar(16) NOT NULL, "status_reason" varchar(1024), ` +
        `"current_version" integer NOT NULL, "title" varchar(512) NOT NULL, "filename" varchar(255) NOT NULL, "created_at" bigint NOT NULL, "created_by" varchar(256), ` +
        `"updated_at" bigint NOT NULL, "version" integer NOT NULL)`,
    );
    await q.query(
      `CREATE TABLE "document_version" ("document_id" integer NOT NULL, "version" integer NOT NULL, "sha256" varchar(64) NOT NULL, "filename" varchar(255) NOT NULL, ` +
        `"mime" varchar(128) NOT NULL, "size" bigint NOT NULL, "uploaded_at" bigint NOT NULL, "uploaded_by" varchar(256), PRIMARY KEY ("document_id", "version"))`,
    );
    await q.query(`CREATE INDEX "ix_document_version_sha256" ON "document_version" ("sha256")`);
    await q.query(`CREATE TABLE "dossier_document" ("dossier_id" integer NOT NULL, "document_id" integer NOT NULL, "added_at" bigint NOT NULL, "added_by" varchar(256), PRIMARY KEY ("dossier_id", "document_id"))`);
    await q.query(`CREATE INDEX "ix_dossier_document_document" ON "dossier_document" ("document_id", "dossier_id")`);
    // rowid = document.id; body = the extracted text of the document's current version.
    await q.query(`CREATE VIRTUAL TABLE "document_fts" USING fts5("filename", "body", tokenize = 'unicode61 remove_diacritics 2')`);
  }

  public async down(q: QueryRunner): Promise<void> {
    for (const t of ["document_fts", "dossier_document", "document_version", "document", "blob"]) await q.query(`DROP TABLE "${t}"`);
  }
}
