import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Personal links for people outside the company (portal tasks, sign-in, signatures): only the
 * SHA-256 of the 256-bit token is stored; a link is bound to one party, one purpose and one
 * subject (a task, a signer), expires, and can be revoked.
 */
export class Links1797000000000 implements MigrationInterface {
  name = "Links1797000000000";

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "access_link" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "token_hash" varchar(64) NOT NULL, "party_id" integer NOT NULL, ` +
        `"purpose" varchar(64) NOT NULL, "subject" varchar(128) NOT NULL, "dossier_id" integer, "created_at" bigint NOT NULL, "created_by" varchar(256), ` +
        `"expires_at" bigint NOT NULL, "revoked_at" bigint, "revoked_by" varchar(256), "revoked_reason" varchar(512), "last_used_at" bigint, "uses" integer NOT NULL DEFAULT 0, ` +
        `"replaced_by" integer)`,
    );
    await q.query(`CREATE UNIQUE INDEX "ux_access_link_token" ON "access_link" ("token_hash")`);
    await q.query(`CREATE INDEX "ix_access_link_subject" ON "access_link" ("purpose", "subject")`);
    await q.query(`CREATE INDEX "ix_access_link_dossier" ON "access_link" ("dossier_id")`);
    await q.query(`CREATE INDEX "ix_access_link_party" ON "access_link" ("party_id")`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE "access_link"`);
  }
}
