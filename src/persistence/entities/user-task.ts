import { Column, Entity, Index, PrimaryColumn } from "typeorm";

/** A Camunda user task (`zeebe:userTask`): what the inbox shows. Kept after completion for history. */
@Entity("user_task")
@Index("ix_user_task_state_assignee", ["state", "assignee"])
@Index("ix_user_task_process_instance", ["processInstanceKey"])
@Index("ix_user_task_element_instance", ["elementInstanceKey"])
@Index("ix_user_task_state_due", ["state", "dueAt"])
export class UserTaskEntity {
  @PrimaryColumn("bigint") key!: number;
  @Column("varchar", { length: 16 }) state!: string;
  @Column("bigint", { name: "element_instance_key" }) elementInstanceKey!: number;
  @Column("bigint", { name: "process_instance_key" }) processInstanceKey!: number;
  @Column("bigint", { name: "process_definition_key" }) processDefinitionKey!: number;
  @Column("varchar", { name: "bpmn_process_id", length: 255 }) bpmnProcessId!: string;
  @Column("integer", { name: "process_definition_version" }) processDefinitionVersion!: number;
  @Column("varchar", { name: "element_id", length: 255 }) elementId!: string;
  @Column("varchar", { length: 255, nullable: true }) name!: string | null;
  @Column("varchar", { length: 255, nullable: true }) assignee!: string | null;
  @Column("text", { name: "candidate_groups" }) candidateGroups!: string;
  @Column("text", { name: "candidate_users" }) candidateUsers!: string;
  @Column("varchar", { name: "due_date", length: 64, nullable: true }) dueDate!: string | null;
  @Column("varchar", { name: "follow_up_date", length: 64, nullable: true }) followUpDate!: string | null;
  @Column("integer") priority!: number;
  @Column("bigint", { name: "form_key", nullable: true }) formKey!: number | null;
  @Column("varchar", { name: "external_form_reference", length: 1024, nullable: true }) externalFormReference!: string | null;
  @Column("text", { name: "custom_headers" }) customHeaders!: string;
  @Column("bigint", { name: "created_at" }) createdAt!: number;
  @Column("bigint", { name: "completed_at", nullable: true }) completedAt!: number | null;
  /** due_date and follow_up_date as epoch ms, for filtering and sorting in SQL (search projection). */
  @Column("bigint", { name: "due_at", nullable: true }) dueAt!: number | null;
  @Column("bigint", { name: "follow_up_at", nullable: true }) followUpAt!: number | null;
}
