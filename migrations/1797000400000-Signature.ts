import { MigrationInterface, QueryRunner } from "typeorm";

/** Signature requests, signers, one-time codes (hashed), evidence, sealed-document registry. (Filled by the signature module.) */
export class Signature1797000400000 implements MigrationInterface {
  name = "Signature1797000400000";

  public async up(_q: QueryRunner): Promise<void> {}

  public async down(_q: QueryRunner): Promise<void> {}
}
