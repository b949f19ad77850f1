import { MigrationInterface, QueryRunner } from "typeorm";

/** Templates edited in the UI (versions) and rendered documents. (Filled by the templates module.) */
export class Templates1797000200000 implements MigrationInterface {
  name = "Templates1797000200000";

  public async up(_q: QueryRunner): Promise<void> {}

  public async down(_q: QueryRunner): Promise<void> {}
}
