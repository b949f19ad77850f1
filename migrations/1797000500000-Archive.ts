import { MigrationInterface, QueryRunner } from "typeorm";

/** Archive: records, retention rules, holds, archive journal, seals, audits, disposals. (Filled by the archive module.) */
export class Archive1797000500000 implements MigrationInterface {
  name = "Archive1797000500000";

  public async up(_q: QueryRunner): Promise<void> {}

  public async down(_q: QueryRunner): Promise<void> {}
}
