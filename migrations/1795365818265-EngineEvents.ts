import { MigrationInterface, QueryRunner } from "typeorm";

export class EngineEvents1795365818265 implements MigrationInterface {
    name = 'EngineEvents1795365818265'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "event_subscription" ("key" bigint PRIMARY KEY NOT NULL, "kind" varchar(16) NOT NULL, "process_definition_key" bigint NOT NULL, "bpmn_process_id" varchar(255) NOT NULL, "process_instance_key" bigint, "element_instance_key" bigint, "element_id" varchar(255) NOT NULL, "name" varchar(255), "correlation_key" varchar(255), "due_date" bigint, "cycle" varchar(255), "repetitions" integer, "interrupting" boolean NOT NULL DEFAULT (1), "created_at" bigint NOT NULL)`);
        await queryRunner.query(`CREATE INDEX "ix_event_subscription_definition" ON "event_subscription" ("process_definition_key") `);
        await queryRunner.query(`CREATE INDEX "ix_event_subscription_process_instance" ON "event_subscription" ("process_instance_key") `);
        await queryRunner.query(`CREATE INDEX "ix_event_subscription_owner" ON "event_subscription" ("element_instance_key") `);
        await queryRunner.query(`CREATE INDEX "ix_event_subscription_name" ON "event_subscription" ("kind", "name", "correlation_key") `);
        await queryRunner.query(`CREATE INDEX "ix_event_subscription_due" ON "event_subscription" ("kind", "due_date") `);
        await queryRunner.query(`CREATE TABLE "message" ("key" bigint PRIMARY KEY NOT NULL, "name" varchar(255) NOT NULL, "correlation_key" varchar(255) NOT NULL, "variables" text NOT NULL, "message_id" varchar(255), "expires_at" bigint NOT NULL, "created_at" bigint NOT NULL)`);
        await queryRunner.query(`CREATE INDEX "ix_message_expiry" ON "message" ("expires_at") `);
        await queryRunner.query(`CREATE INDEX "ix_message_id" ON "message" ("message_id") `);
        await queryRunner.query(`CREATE INDEX "ix_message_name" ON "message" ("name", "correlation_key") `);
        await queryRunner.query(`CREATE TABLE "message_correlation" ("key" bigint PRIMARY KEY NOT NULL, "message_key" bigint NOT NULL, "bpmn_process_id" varchar(255) NOT NULL, "process_instance_key" bigint NOT NULL)`);
        await queryRunner.query(`CREATE UNIQUE INDEX "ux_message_correlation" ON "message_correlation" ("message_key", "bpmn_process_id") `);
        await queryRunner.query(`CREATE TABLE "message_start_lock" ("process_instance_key" bigint PRIMARY KEY NOT NULL, "bpmn_process_id" varchar(255) NOT NULL, "correlation_key" varchar(255) NOT NULL)`);
        await queryRunner.query(`CREATE UNIQUE INDEX "ux_message_start_lock" ON "message_start_lock" ("bpmn_process_id", "correlation_key") `);
        await queryRunner.query(`CREATE TABLE "compensation_subscription" ("key" bigint PRIMARY KEY NOT NULL, "process_instance_key" bigint NOT NULL, "element_instance_key" bigint NOT NULL, "element_id" varchar(255) NOT NULL, "handler_id" varchar(255) NOT NULL, "scope_key" bigint NOT NULL, "scope_path" text NOT NULL, "created_at" bigint NOT NULL)`);
        await queryRunner.query(`CREATE INDEX "ix_compensation_subscription_process_instance" ON "compensation_subscription" ("process_instance_key") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "ix_compensation_subscription_process_instance"`);
        await queryRunner.query(`DROP TABLE "compensation_subscription"`);
        await queryRunner.query(`DROP INDEX "ux_message_start_lock"`);
        await queryRunner.query(`DROP TABLE "message_start_lock"`);
        await queryRunner.query(`DROP INDEX "ux_message_correlation"`);
        await queryRunner.query(`DROP TABLE "message_correlation"`);
        await queryRunner.query(`DROP INDEX "ix_message_name"`);
        await queryRunner.query(`DROP INDEX "ix_message_id"`);
        await queryRunner.query(`DROP INDEX "ix_message_expiry"`);
        await queryRunner.query(`DROP TABLE "message"`);
        await queryRunner.query(`DROP INDEX "ix_event_subscription_due"`);
        await queryRunner.query(`DROP INDEX "ix_event_subscription_name"`);
        await queryRunner.query(`DROP INDEX "ix_event_subscription_owner"`);
        await queryRunner.query(`DROP INDEX "ix_event_subscription_process_instance"`);
        await queryRunner.query(`DROP INDEX "ix_event_subscription_definition"`);
        await queryRunner.query(`DROP TABLE "event_subscription"`);
    }

}
