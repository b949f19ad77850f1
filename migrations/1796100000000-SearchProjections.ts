import { MigrationInterface, QueryRunner } from "typeorm";

/**
 * Search projections (issue 8, part 4): user_task.due_at / follow_up_at (epoch ms of the ISO texts),
 * user_task_candidate (one row per candidate group / user, with the task state) and
 * element_statistics (finished element instances per definition and element), each filled from the
 * existing rows here and then kept by the engine's store in the same transaction as the rows they
 * project.
 */
export class SearchProjections1796100000000 implements MigrationInterface {
    name = 'SearchProjections1796100000000'

    public async up(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`ALTER TABLE "user_task" ADD COLUMN "due_at" bigint`);
        await queryRunner.query(`ALTER TABLE "user_task" ADD COLUMN "follow_up_at" bigint`);
        await queryRunner.query(`CREATE INDEX "ix_user_task_state_due" ON "user_task" ("state", "due_at") `);
        await queryRunner.query(`CREATE TABLE "user_task_candidate" ("task_key" bigint NOT NULL, "kind" varchar(1) NOT NULL, "name" varchar(255) NOT NULL, "state" varchar(16) NOT NULL, PRIMARY KEY ("task_key", "kind", "name"))`);
        await queryRunner.query(`CREATE INDEX "ix_user_task_candidate_name" ON "user_task_candidate" ("kind", "name", "state", "task_key") `);
        await queryRunner.query(`CREATE TABLE "element_statistics" ("process_definition_key" bigint NOT NULL, "element_id" varchar(255) NOT NULL, "completed" integer NOT NULL, "terminated" integer NOT NULL, PRIMARY KEY ("process_definition_key", "element_id"))`);

        const tasks = (await queryRunner.query(`SELECT key, state, candidate_groups, candidate_users, due_date, follow_up_date FROM user_task`)) as Array<Record<string, any>>;
        const ms = (text: string | null) => {
            const t = text ? Date.parse(text.replace(/\[.*\]$/, "")) : NaN;
            return Number.isNaN(t) ? null : t;
        };
        for (const t of tasks) {
            if (t.due_date || t.follow_up_date) await queryRunner.query(`UPDATE "user_task" SET "due_at" = ?, "follow_up_at" = ? WHERE "key" = ?`, [ms(t.due_date), ms(t.follow_up_date), t.key]);
            for (const [kind, list] of [["G", t.candidate_groups], ["U", t.candidate_users]] as const) {
                for (const name of new Set(JSON.parse(list) as string[])) {
                    await queryRunner.query(`INSERT INTO "user_task_candidate" ("task_key", "kind", "name", "state") VALUES (?, ?, ?, ?)`, [t.key, kind, name, t.state]);
                }
            }
        }
        const counts = new Map<string, { definition: number; elementId: string; completed: number; terminated: number }>();
        const history = (await queryRunner.query(`SELECT p.process_definition_key AS d, h.records FROM history h JOIN process_instance p ON p.key = h.process_instance_key`)) as Array<{ d: number; records: string }>;
        for (const h of history) {
            for (const r of JSON.parse(h.records) as Array<{ type: string; elementId?: string; elementType?: string }>) {
                if ((r.type !== "ELEMENT_COMPLETED" && r.type !== "ELEMENT_TERMINATED") || r.elementType === "PROCESS" || !r.elementId) continue;
                const id = `${h.d}\u0000${r.elementId}`;
                const c = counts.get(id) ?? { definition: h.d, elementId: r.elementId, completed: 0, terminated: 0 };
                if (r.type === "ELEMENT_COMPLETED") c.completed++;
                else c.terminated++;
                counts.set(id, c);
            }
        }
        for (const c of counts.values()) {
            await queryRunner.query(`INSERT INTO "element_statistics" ("process_definition_key", "element_id", "completed", "terminated") VALUES (?, ?, ?, ?)`, [c.definition, c.elementId, c.completed, c.terminated]);
        }
    }

    public async down(queryRunner: QueryRunner): Promise<void> {
        await queryRunner.query(`DROP TABLE "element_statistics"`);
        await queryRunner.query(`DROP INDEX "ix_user_task_candidate_name"`);
        await queryRunner.query(`DROP TABLE "user_task_candidate"`);
        await queryRunner.query(`DROP INDEX "ix_user_task_state_due"`);
        await queryRunner.query(`ALTER TABLE "user_task" DROP COLUMN "follow_up_at"`);
        await queryRunner.query(`ALTER TABLE "user_task" DROP COLUMN "due_at"`);
    }
}
