import { Column, Entity, Index, PrimaryColumn } from "typeorm";

/** A unit of work for a worker (service, send, script, business-rule tasks; job-based user tasks). */
@Entity("job")
@Index("ix_job_activation", ["type", "state", "key"])
@Index("ix_job_element_instance", ["elementInstanceKey"])
export class JobEntity {
  @PrimaryColumn("bigint") key!: number;
  @Column("varchar", { length: 255 }) type!: string;
  @Column("varchar", { length: 16 }) state!: string;
  @Column("integer") retries!: number;
  @Column("varchar", { length: 255, nullable: true }) worker!: string | null;
  @Column("bigint", { nullable: true }) deadline!: number | null;
  @Column("bigint", { name: "retry_at", nullable: true }) retryAt!: number | null;
  @Column("text", { name: "error_message", nullable: true }) errorMessage!: string | null;
  @Column("varchar", { name: "error_code", length: 255, nullable: true }) errorCode!: string | null;
  @Column("text", { name: "custom_headers" }) customHeaders!: string;
  @Column("bigint", { name: "process_instance_key" }) processInstanceKey!: number;
  @Column("bigint", { name: "element_instance_key" }) elementInstanceKey!: number;
  @Column("varchar", { name: "element_id", length: 255 }) elementId!: string;
  @Column("bigint", { name: "process_definition_key" }) processDefinitionKey!: number;
  @Column("varchar", { name: "bpmn_process_id", length: 255 }) bpmnProcessId!: string;
  @Column("integer", { name: "process_definition_version" }) processDefinitionVersion!: number;
  @Column("bigint", { name: "created_at" }) createdAt!: number;
}
