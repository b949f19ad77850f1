import { MigrationInterface, QueryRunner } from "typeorm";

/** Mail: mailboxes, received mails (exactly once), rules, quarantine, outbound mails and SMS. (Filled by the mail module.) */
export class Mail1797000100000 implements MigrationInterface {
  name = "Mail1797000100000";

  public async up(_q: QueryRunner): Promise<void> {}

  public async down(_q: QueryRunner): Promise<void> {}
}
