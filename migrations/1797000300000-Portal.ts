import { MigrationInterface, QueryRunner } from "typeorm";

/** Portal: public pages, portal accounts and sessions, party tasks, messages. (Filled by the portal module.) */
export class Portal1797000300000 implements MigrationInterface {
  name = "Portal1797000300000";

  public async up(_q: QueryRunner): Promise<void> {}

  public async down(_q: QueryRunner): Promise<void> {}
}
