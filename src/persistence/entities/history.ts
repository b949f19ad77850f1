import { Column, Entity, Index, PrimaryColumn } from "typeorm";

/**
 * Append-only audit log. One row per committed command and process instance, holding the ordered
 * records (element transitions, taken flows, variable changes, jobs, tasks, incidents) as a JSON
 * array: one insert per command instead of one per record.
 */
@Entity("history")
@Index("ix_history_process_instance", ["processInstanceKey"])
export class HistoryEntity {
  @PrimaryColumn("integer") position!: number;
  @Column("bigint", { name: "process_instance_key" }) processInstanceKey!: number;
  @Column("bigint", { name: "created_at" }) createdAt!: number;
  @Column("text") records!: string;
}
