import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * ERP connection (Dolibarr): the Dolibarr ids of a dossier's third party and project, the pull's
 * cursor and state, and the invoices a pull could not import (kept and retried, never lost).
 * Plain SQL that also runs on PostgreSQL.
 */
export class Erp1797000800000 implements MigrationInterface {
  name = "Erp1797000800000";

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "erp_link" ("dossier_id" integer NOT NULL, "kind" varchar(16) NOT NULL, "system" varchar(16) NOT NULL, "external_id" varchar(64) NOT NULL, ` +
        `"external_ref" varchar(128), "created" integer NOT NULL, "at" bigint NOT NULL, PRIMARY KEY ("dossier_id", "kind", "system"))`,
    );
    await q.query(`CREATE INDEX "ix_erp_link_external" ON "erp_link" ("system", "kind", "external_id")`);
    await q.query(
      `CREATE TABLE "erp_sync" ("name" varchar(64) PRIMARY KEY NOT NULL, "cursor" varchar(64), "state" varchar(16) NOT NULL, "message" text, ` +
        `"invoices" integer NOT NULL DEFAULT (0), "payments" integer NOT NULL DEFAULT (0), "started_at" bigint, "finished_at" bigint)`,
    );
    await q.query(
      `CREATE TABLE "erp_pull_failure" ("system" varchar(16) NOT NULL, "external_id" varchar(64) NOT NULL, "external_ref" varchar(128), "message" text NOT NULL, ` +
        `"attempts" integer NOT NULL, "first_at" bigint NOT NULL, "last_at" bigint NOT NULL, PRIMARY KEY ("system", "external_id"))`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    for (const t of ["erp_pull_failure", "erp_sync", "erp_link"]) await q.query(`DROP TABLE "${t}"`);
  }
}
