import { Column, Entity, Index, PrimaryColumn } from "typeorm";

/**
 * Search projection of user_task's candidate lists: one row per candidate group (`kind` G) or
 * user (U) of a task, with the task's state, so that "tasks offered to my groups" is an index
 * range per group instead of a scan of every task's JSON list. Written with the task, in the same
 * transaction (sqlite-store.ts); the JSON columns of user_task stay the source of truth.
 */
@Entity("user_task_candidate")
@Index("ix_user_task_candidate_name", ["kind", "name", "state", "taskKey"])
export class UserTaskCandidateEntity {
  @PrimaryColumn("bigint", { name: "task_key" }) taskKey!: number;
  @PrimaryColumn("varchar", { length: 1 }) kind!: string;
  @PrimaryColumn("varchar", { length: 255 }) name!: string;
  @Column("varchar", { length: 16 }) state!: string;
}
