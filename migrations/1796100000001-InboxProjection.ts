import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * user_task_candidate also carries what the inbox filters and sorts on (assignee, due date,
 * priority, creation), so that a view of "my groups" is answered from one covering index without
 * reading the tasks it does not show (issue 8, part 4: 1,000,000 tasks, p95 under 50 ms).
 */
export class InboxProjection1796100000001 implements MigrationInterface {
    name = 'InboxProjection1796100000001'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "user_task_candidate" ADD COLUMN "assignee" varchar(255)`);
        await queryRunner.query(`ALTER TABLE "user_task_candidate" ADD COLUMN "due_at" bigint`);
        await queryRunner.query(`ALTER TABLE "user_task_candidate" ADD COLUMN "priority" integer`);
        await queryRunner.query(`ALTER TABLE "user_task_candidate" ADD COLUMN "created_at" bigint`);
        await queryRunner.query(`UPDATE "user_task_candidate" SET
            "assignee" = (SELECT t."assignee" FROM "user_task" t WHERE t."key" = "user_task_candidate"."task_key"),
            "due_at" = (SELECT t."due_at" FROM "user_task" t WHERE t."key" = "user_task_candidate"."task_key"),
            "priority" = (SELECT t."priority" FROM "user_task" t WHERE t."key" = "user_task_candidate"."task_key"),
            "created_at" = (SELECT t."created_at" FROM "user_task" t WHERE t."key" = "user_task_candidate"."task_key")`);
        await queryRunner.query(`DROP INDEX "ix_user_task_candidate_name"`);
        await queryRunner.query(`CREATE INDEX "ix_user_task_candidate_inbox" ON "user_task_candidate" ("kind", "name", "state", "assignee", "due_at", "priority", "created_at", "task_key") `);
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP INDEX "ix_user_task_candidate_inbox"`);
        await queryRunner.query(`CREATE INDEX "ix_user_task_candidate_name" ON "user_task_candidate" ("kind", "name", "state", "task_key") `);
        await queryRunner.query(`ALTER TABLE "user_task_candidate" DROP COLUMN "created_at"`);
        await queryRunner.query(`ALTER TABLE "user_task_candidate" DROP COLUMN "priority"`);
        await queryRunner.query(`ALTER TABLE "user_task_candidate" DROP COLUMN "due_at"`);
        await queryRunner.query(`ALTER TABLE "user_task_candidate" DROP COLUMN "assignee"`);
    }
}
