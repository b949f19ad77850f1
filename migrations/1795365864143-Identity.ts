import { MigrationInterface, QueryRunner } from "typeorm";

export class Identity1795365864143 implements MigrationInterface {
    name = 'Identity1795365864143'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "identity_user" ("username" varchar(256) PRIMARY KEY NOT NULL, "name" varchar(256), "email" varchar(256), "password_hash" varchar(255) NOT NULL, "created_at" bigint NOT NULL, "updated_at" bigint NOT NULL)`);
        await queryRunner.query(`CREATE TABLE "identity_group" ("group_id" varchar(256) PRIMARY KEY NOT NULL, "name" varchar(256) NOT NULL, "description" varchar(1024), "created_at" bigint NOT NULL)`);
        await queryRunner.query(`CREATE TABLE "identity_role" ("role_id" varchar(64) PRIMARY KEY NOT NULL, "name" varchar(256) NOT NULL, "description" varchar(1024))`);
        await queryRunner.query(`CREATE TABLE "identity_membership" ("kind" varchar(8) NOT NULL, "target_id" varchar(256) NOT NULL, "member_type" varchar(8) NOT NULL, "member_id" varchar(256) NOT NULL, PRIMARY KEY ("kind", "target_id", "member_type", "member_id"))`);
        await queryRunner.query(`CREATE INDEX "ix_identity_membership_member" ON "identity_membership" ("member_type", "member_id") `);
        await queryRunner.query(`CREATE TABLE "api_token" ("id" varchar(32) PRIMARY KEY NOT NULL, "username" varchar(256) NOT NULL, "name" varchar(256) NOT NULL, "secret_hash" varchar(64) NOT NULL, "created_at" bigint NOT NULL, "expires_at" bigint, "last_used_at" bigint)`);
        await queryRunner.query(`CREATE INDEX "ix_api_token_username" ON "api_token" ("username") `);
        await queryRunner.query(`CREATE TABLE "web_session" ("id_hash" varchar(64) PRIMARY KEY NOT NULL, "username" varchar(256) NOT NULL, "csrf_token" varchar(64) NOT NULL, "created_at" bigint NOT NULL, "last_seen_at" bigint NOT NULL)`);
        await queryRunner.query(`CREATE INDEX "ix_web_session_username" ON "web_session" ("username") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "ix_web_session_username"`);
        await queryRunner.query(`DROP TABLE "web_session"`);
        await queryRunner.query(`DROP INDEX "ix_api_token_username"`);
        await queryRunner.query(`DROP TABLE "api_token"`);
        await queryRunner.query(`DROP INDEX "ix_identity_membership_member"`);
        await queryRunner.query(`DROP TABLE "identity_membership"`);
        await queryRunner.query(`DROP TABLE "identity_role"`);
        await queryRunner.query(`DROP TABLE "identity_group"`);
        await queryRunner.query(`DROP TABLE "identity_user"`);
    }

}
