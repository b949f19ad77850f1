import { Column, Entity, Index, PrimaryColumn } from "typeorm";

/** Something an operator must look at: the instance waits until the incident is resolved. */
@Entity("incident")
@Index("ix_incident_process_instance", ["processInstanceKey"])
@Index("ix_incident_state", ["state"])
export class IncidentEntity {
  @PrimaryColumn("bigint") key!: number;
  @Column("varchar", { length: 16 }) state!: string;
  @Column("varchar", { name: "error_type", length: 64 }) errorType!: string;
  @Column("text", { name: "error_message" }) errorMessage!: string;
  @Column("bigint", { name: "process_instance_key" }) processInstanceKey!: number;
  @Column("bigint", { name: "process_definition_key" }) processDefinitionKey!: number;
  @Column("varchar", { name: "bpmn_process_id", length: 255 }) bpmnProcessId!: string;
  @Column("bigint", { name: "element_instance_key" }) elementInstanceKey!: number;
  @Column("varchar", { name: "element_id", length: 255 }) elementId!: string;
  @Column("bigint", { name: "job_key", nullable: true }) jobKey!: number | null;
  @Column("bigint", { name: "created_at" }) createdAt!: number;
  @Column("bigint", { name: "resolved_at", nullable: true }) resolvedAt!: number | null;
}
