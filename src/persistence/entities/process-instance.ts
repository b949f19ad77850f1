import { Column, Entity, Index, PrimaryColumn } from "typeorm";

/** A process instance; kept after it ends (state COMPLETED or TERMINATED) for search and history. */
@Entity("process_instance")
@Index("ix_process_instance_state", ["state"])
@Index("ix_process_instance_process", ["bpmnProcessId", "version"])
@Index("ix_process_instance_parent", ["parentProcessInstanceKey"])
export class ProcessInstanceEntity {
  @PrimaryColumn("bigint") key!: number;
  @Column("bigint", { name: "process_definition_key" }) processDefinitionKey!: number;
  @Column("varchar", { name: "bpmn_process_id", length: 255 }) bpmnProcessId!: string;
  @Column("integer") version!: number;
  @Column("varchar", { length: 16 }) state!: string;
  @Column("bigint", { name: "start_date" }) startDate!: number;
  @Column("bigint", { name: "end_date", nullable: true }) endDate!: number | null;
  @Column("bigint", { name: "parent_process_instance_key", nullable: true }) parentProcessInstanceKey!: number | null;
  @Column("bigint", { name: "parent_element_instance_key", nullable: true }) parentElementInstanceKey!: number | null;
  @Column("varchar", { name: "tenant_id", length: 64, default: "<default>" }) tenantId!: string;
}
