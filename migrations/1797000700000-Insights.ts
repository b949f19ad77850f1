import { MigrationInterface, QueryRunner } from "typeorm";

/** KPIs and dashboards: monthly aggregates of receivables and dossiers. (Filled by the insights module.) */
export class Insights1797000700000 implements MigrationInterface {
  name = "Insights1797000700000";

  public async up(_q: QueryRunner): Promise<void> {}

  public async down(_q: QueryRunner): Promise<void> {}
}
