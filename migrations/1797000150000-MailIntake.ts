import { MigrationInterface, QueryRunner } from "typeorm";

/** Mail intake: mailboxes (passwords encrypted), received mails (mailbox+UIDVALIDITY+UID, Message-ID: exactly once), rules, quarantine. (Filled by the mail intake module.) */
export class MailIntake1797000150000 implements MigrationInterface {
  name = "MailIntake1797000150000";

  public async up(_q: QueryRunner): Promise<void> {}

  public async down(_q: QueryRunner): Promise<void> {}
}
