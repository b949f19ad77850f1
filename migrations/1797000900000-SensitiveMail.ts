import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Mails that carry a secret (a personal link, a sign-in code): flagged, so that their body is never
 * shown in the back office when a real mail server delivers them, and is erased once accepted.
 */
export class SensitiveMail1797000900000 implements MigrationInterface {
  name = "SensitiveMail1797000900000";

  public async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "mail_outbound" ADD COLUMN "sensitive" integer NOT NULL DEFAULT 0`);
  }

  public async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE "mail_outbound" DROP COLUMN "sensitive"`);
  }
}
