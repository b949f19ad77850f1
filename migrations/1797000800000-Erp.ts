import { MigrationInterface, QueryRunner } from "typeorm";

/** ERP connection (Dolibarr): ids of third parties and projects, pull cursors. (Filled by the erp module.) */
export class Erp1797000800000 implements MigrationInterface {
  name = "Erp1797000800000";

  public async up(_q: QueryRunner): Promise<void> {}

  public async down(_q: QueryRunner): Promise<void> {}
}
