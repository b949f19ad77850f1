import { Column, Entity, Index, PrimaryColumn } from "typeorm";

/**
 * Search projection of user_task's candidate lists: one row per candidate group (`kind` G) or
 * user (U) of a task, with what the inbox filters and sorts on (state, assignee, due date,
 * priority, creation), so that "tasks offered to my groups" is answered from one covering index
 * range per group instead of a scan of every task's JSON list. Written with the task, in the same
 * transaction (sqlite-store.ts); the JSON columns of user_task stay the source of truth.
 */
@Entity("user_task_candidate")
@Index("ix_user_task_candidate_inbox", ["kind", "name", "state", "assignee", "dueAt", "priority", "createdAt", "taskKey"])
export class UserTaskCandidateEntity {
  @PrimaryColumn("bigint", { name: "task_key" }) taskKey!: number;
  @PrimaryColumn("varchar", { length: 1 }) kind!: string;
  @PrimaryColumn("varchar", { length: 255 }) name!: string;
  @Column("varchar", { length: 16 }) state!: string;
  @Column("varchar", { length: 255, nullable: true }) assignee!: string | null;
  @Column("bigint", { name: "due_at", nullable: true }) dueAt!: number | null;
  @Column("integer", { nullable: true }) priority!: number | null;
  @Column("bigint", { name: "created_at", nullable: true }) createdAt!: number | null;
}
