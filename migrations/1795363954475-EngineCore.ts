import { MigrationInterface, QueryRunner } from "typeorm";

export class EngineCore1795363954475 implements MigrationInterface {
    name = 'EngineCore1795363954475'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`CREATE TABLE "deployment" ("key" bigint PRIMARY KEY NOT NULL, "tenant_id" varchar(64) NOT NULL DEFAULT ('<default>'), "created_at" bigint NOT NULL)`);
        await queryRunner.query(`CREATE TABLE "process_definition" ("key" bigint PRIMARY KEY NOT NULL, "bpmn_process_id" varchar(255) NOT NULL, "version" integer NOT NULL, "name" varchar(255), "version_tag" varchar(255), "resource_name" varchar(255) NOT NULL, "checksum" varchar(64) NOT NULL, "xml" text NOT NULL, "deployment_key" bigint NOT NULL, "tenant_id" varchar(64) NOT NULL DEFAULT ('<default>'), "created_at" bigint NOT NULL)`);
        await queryRunner.query(`CREATE UNIQUE INDEX "ux_process_definition_version" ON "process_definition" ("bpmn_process_id", "version") `);
        await queryRunner.query(`CREATE TABLE "form" ("key" bigint PRIMARY KEY NOT NULL, "form_id" varchar(255) NOT NULL, "version" integer NOT NULL, "resource_name" varchar(255) NOT NULL, "checksum" varchar(64) NOT NULL, "schema" text NOT NULL, "deployment_key" bigint NOT NULL, "tenant_id" varchar(64) NOT NULL DEFAULT ('<default>'), "created_at" bigint NOT NULL)`);
        await queryRunner.query(`CREATE UNIQUE INDEX "ux_form_version" ON "form" ("form_id", "version") `);
        await queryRunner.query(`CREATE TABLE "process_instance" ("key" bigint PRIMARY KEY NOT NULL, "process_definition_key" bigint NOT NULL, "bpmn_process_id" varchar(255) NOT NULL, "version" integer NOT NULL, "state" varchar(16) NOT NULL, "start_date" bigint NOT NULL, "end_date" bigint, "parent_process_instance_key" bigint, "parent_element_instance_key" bigint, "tenant_id" varchar(64) NOT NULL DEFAULT ('<default>'))`);
        await queryRunner.query(`CREATE INDEX "ix_process_instance_process" ON "process_instance" ("bpmn_process_id", "version") `);
        await queryRunner.query(`CREATE INDEX "ix_process_instance_state" ON "process_instance" ("state") `);
        await queryRunner.query(`CREATE TABLE "element_instance" ("key" bigint PRIMARY KEY NOT NULL, "process_instance_key" bigint NOT NULL, "flow_scope_key" bigint NOT NULL, "element_id" varchar(255) NOT NULL, "element_type" varchar(32) NOT NULL, "state" varchar(16) NOT NULL, "incident_key" bigint, "data" text, "created_at" bigint NOT NULL)`);
        await queryRunner.query(`CREATE INDEX "ix_element_instance_process_instance" ON "element_instance" ("process_instance_key") `);
        await queryRunner.query(`CREATE TABLE "variable" ("key" bigint PRIMARY KEY NOT NULL, "process_instance_key" bigint NOT NULL, "scope_key" bigint NOT NULL, "name" varchar(255) NOT NULL, "value" text NOT NULL)`);
        await queryRunner.query(`CREATE INDEX "ix_variable_process_instance" ON "variable" ("process_instance_key") `);
        await queryRunner.query(`CREATE UNIQUE INDEX "ux_variable_scope_name" ON "variable" ("scope_key", "name") `);
        await queryRunner.query(`CREATE TABLE "join_token" ("key" bigint PRIMARY KEY NOT NULL, "process_instance_key" bigint NOT NULL, "scope_key" bigint NOT NULL, "gateway_id" varchar(255) NOT NULL, "flow_id" varchar(255) NOT NULL)`);
        await queryRunner.query(`CREATE INDEX "ix_join_token_process_instance" ON "join_token" ("process_instance_key") `);
        await queryRunner.query(`CREATE TABLE "job" ("key" bigint PRIMARY KEY NOT NULL, "type" varchar(255) NOT NULL, "state" varchar(16) NOT NULL, "retries" integer NOT NULL, "worker" varchar(255), "deadline" bigint, "retry_at" bigint, "error_message" text, "error_code" varchar(255), "custom_headers" text NOT NULL, "process_instance_key" bigint NOT NULL, "element_instance_key" bigint NOT NULL, "element_id" varchar(255) NOT NULL, "process_definition_key" bigint NOT NULL, "bpmn_process_id" varchar(255) NOT NULL, "process_definition_version" integer NOT NULL, "created_at" bigint NOT NULL)`);
        await queryRunner.query(`CREATE INDEX "ix_job_element_instance" ON "job" ("element_instance_key") `);
        await queryRunner.query(`CREATE INDEX "ix_job_activation" ON "job" ("type", "state", "key") `);
        await queryRunner.query(`CREATE TABLE "user_task" ("key" bigint PRIMARY KEY NOT NULL, "state" varchar(16) NOT NULL, "element_instance_key" bigint NOT NULL, "process_instance_key" bigint NOT NULL, "process_definition_key" bigint NOT NULL, "bpmn_process_id" varchar(255) NOT NULL, "process_definition_version" integer NOT NULL, "element_id" varchar(255) NOT NULL, "name" varchar(255), "assignee" varchar(255), "candidate_groups" text NOT NULL, "candidate_users" text NOT NULL, "due_date" varchar(64), "follow_up_date" varchar(64), "priority" integer NOT NULL, "form_key" bigint, "external_form_reference" varchar(1024), "custom_headers" text NOT NULL, "created_at" bigint NOT NULL, "completed_at" bigint)`);
        await queryRunner.query(`CREATE INDEX "ix_user_task_element_instance" ON "user_task" ("element_instance_key") `);
        await queryRunner.query(`CREATE INDEX "ix_user_task_process_instance" ON "user_task" ("process_instance_key") `);
        await queryRunner.query(`CREATE INDEX "ix_user_task_state_assignee" ON "user_task" ("state", "assignee") `);
        await queryRunner.query(`CREATE TABLE "incident" ("key" bigint PRIMARY KEY NOT NULL, "state" varchar(16) NOT NULL, "error_type" varchar(64) NOT NULL, "error_message" text NOT NULL, "process_instance_key" bigint NOT NULL, "process_definition_key" bigint NOT NULL, "bpmn_process_id" varchar(255) NOT NULL, "element_instance_key" bigint NOT NULL, "element_id" varchar(255) NOT NULL, "job_key" bigint, "created_at" bigint NOT NULL, "resolved_at" bigint)`);
        await queryRunner.query(`CREATE INDEX "ix_incident_state" ON "incident" ("state") `);
        await queryRunner.query(`CREATE INDEX "ix_incident_process_instance" ON "incident" ("process_instance_key") `);
        await queryRunner.query(`CREATE TABLE "history" ("position" integer PRIMARY KEY NOT NULL, "process_instance_key" bigint NOT NULL, "created_at" bigint NOT NULL, "records" text NOT NULL)`);
        await queryRunner.query(`CREATE INDEX "ix_history_process_instance" ON "history" ("process_instance_key") `);
        await queryRunner.query(`CREATE TABLE "engine_meta" ("name" varchar(64) PRIMARY KEY NOT NULL, "value" bigint NOT NULL)`);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TABLE "engine_meta"`);
        await queryRunner.query(`DROP INDEX "ix_history_process_instance"`);
        await queryRunner.query(`DROP TABLE "history"`);
        await queryRunner.query(`DROP INDEX "ix_incident_process_instance"`);
        await queryRunner.query(`DROP INDEX "ix_incident_state"`);
        await queryRunner.query(`DROP TABLE "incident"`);
        await queryRunner.query(`DROP INDEX "ix_user_task_state_assignee"`);
        await queryRunner.query(`DROP INDEX "ix_user_task_process_instance"`);
        await queryRunner.query(`DROP INDEX "ix_user_task_element_instance"`);
        await queryRunner.query(`DROP TABLE "user_task"`);
        await queryRunner.query(`DROP INDEX "ix_job_activation"`);
        await queryRunner.query(`DROP INDEX "ix_job_element_instance"`);
        await queryRunner.query(`DROP TABLE "job"`);
        await queryRunner.query(`DROP INDEX "ix_join_token_process_instance"`);
        await queryRunner.query(`DROP TABLE "join_token"`);
        await queryRunner.query(`DROP INDEX "ux_variable_scope_name"`);
        await queryRunner.query(`DROP INDEX "ix_variable_process_instance"`);
        await queryRunner.query(`DROP TABLE "variable"`);
        await queryRunner.query(`DROP INDEX "ix_element_instance_process_instance"`);
        await queryRunner.query(`DROP TABLE "element_instance"`);
        await queryRunner.query(`DROP INDEX "ix_process_instance_state"`);
        await queryRunner.query(`DROP INDEX "ix_process_instance_process"`);
        await queryRunner.query(`DROP TABLE "process_instance"`);
        await queryRunner.query(`DROP INDEX "ux_form_version"`);
        await queryRunner.query(`DROP TABLE "form"`);
        await queryRunner.query(`DROP INDEX "ux_process_definition_version"`);
        await queryRunner.query(`DROP TABLE "process_definition"`);
        await queryRunner.query(`DROP TABLE "deployment"`);
    }

}
