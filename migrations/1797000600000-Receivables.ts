import { MigrationInterface, QueryRunner } from "typeorm";

/** Receivables: invoices, payments, sends, dunning, reasons, promises. (Filled by the receivables module.) */
export class Receivables1797000600000 implements MigrationInterface {
  name = "Receivables1797000600000";

  public async up(_q: QueryRunner): Promise<void> {}

  public async down(_q: QueryRunner): Promise<void> {}
}
