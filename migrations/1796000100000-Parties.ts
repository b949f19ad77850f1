import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The central address book (parties): persons and organisations, their e-mail addresses and phones
 * (one row each, normalised, so duplicate checks and search by phone or e-mail are index look-ups),
 * the contacts of an organisation with their function, and the full-text index for search as you
 * type. The whole party document lives in `data` (JSON); the columns beside it are its searchable
 * keys. Plain SQL that also runs on PostgreSQL, except the FTS5 table (the PostgreSQL step replaces
 * it with a tsvector column).
 */
export class Parties1796000100000 implements MigrationInterface {
  name = "Parties1796000100000";

  public async up(q: QueryRunner): Promise<void> {
    await q.query(
      `CREATE TABLE "party" ("id" integer PRIMARY KEY AUTOINCREMENT NOT NULL, "kind" varchar(16) NOT NULL, "name" varchar(512) NOT NULL, ` +
        `"name_key" varchar(512) NOT NULL, "flags" varchar(64) NOT NULL, "postcode" varchar(32), "city" varchar(256), "country" varchar(2), ` +
        `"vat_key" varchar(32), "vat_local" varchar(32), "parent_id" integer, "data" text NOT NULL, "version" integer NOT NULL, ` +
        `"created_at" bigint NOT NULL, "created_by" varchar(256), "updated_at" bigint NOT NULL, "updated_by" varchar(256), ` +
        `"merged_into" integer, "merged_at" bigint)`,
    );
    await q.query(`CREATE INDEX "ix_party_name_key" ON "party" ("name_key")`);
    await q.query(`CREATE INDEX "ix_party_postcode" ON "party" ("postcode")`);
    await q.query(`CREATE INDEX "ix_party_vat_key" ON "party" ("vat_key")`);
    await q.query(`CREATE INDEX "ix_party_vat_local" ON "party" ("vat_local")`);
    await q.query(`CREATE INDEX "ix_party_parent" ON "party" ("parent_id")`);
    await q.query(`CREATE INDEX "ix_party_merged_into" ON "party" ("merged_into")`);
    await q.query(`CREATE TABLE "party_email" ("party_id" integer NOT NULL, "email" varchar(320) NOT NULL, PRIMARY KEY ("party_id", "email"))`);
    await q.query(`CREATE INDEX "ix_party_email_email" ON "party_email" ("email")`);
    await q.query(
      `CREATE TABLE "party_phone" ("party_id" integer NOT NULL, "e164" varchar(20) NOT NULL, "digits" varchar(20) NOT NULL, "nsn" varchar(20) NOT NULL, PRIMARY KEY ("party_id", "e164"))`,
    );
    await q.query(`CREATE INDEX "ix_party_phone_digits" ON "party_phone" ("digits")`);
    await q.query(`CREATE INDEX "ix_party_phone_nsn" ON "party_phone" ("nsn")`);
    await q.query(
      `CREATE TABLE "party_contact" ("organisation_id" integer NOT NULL, "person_id" integer NOT NULL, "function" varchar(128), "position" integer NOT NULL, PRIMARY KEY ("organisation_id", "person_id"))`,
    );
    await q.query(`CREATE INDEX "ix_party_contact_person" ON "party_contact" ("person_id")`);
    // rowid = party id; accents and case folded; prefix indexes make search-as-you-type prefixes cheap.
    await q.query(
      `CREATE VIRTUAL TABLE "party_fts" USING fts5("name", "emails", "place", "extra", tokenize = 'unicode61 remove_diacritics 2', prefix = '1 2 3')`,
    );
  }

  public async down(q: QueryRunner): Promise<void> {
    for (const t of ["party_fts", "party_contact", "party_phone", "party_email", "party"]) await q.query(`DROP TABLE "${t}"`);
  }
}
