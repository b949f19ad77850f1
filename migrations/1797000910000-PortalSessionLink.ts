import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * A portal session remembers the personal link that opened it (null: signed in by code or
 * password): revoking the link ends those sessions, and such a session may not set a password
 * (security review 2026-12-08).
 */
export class PortalSessionLink1797000910000 implements MigrationInterface {
  name = "PortalSessionLink1797000910000";

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "portal_session" ADD COLUMN "link_id" integer`);
    await q.query(`CREATE INDEX "ix_portal_session_link" ON "portal_session" ("link_id")`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX "ix_portal_session_link"`);
    await q.query(`ALTER TABLE "portal_session" DROP COLUMN "link_id"`);
  }
}
