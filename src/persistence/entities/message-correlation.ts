import { Column, Entity, Index, PrimaryColumn } from "typeorm";

/**
 * A buffered message reached an instance of this process: a message correlates only once per process
 * (BPMN process id, across versions), as in Camunda 8.
 */
@Entity("message_correlation")
@Index("ux_message_correlation", ["messageKey", "bpmnProcessId"], { unique: true })
export class MessageCorrelationEntity {
  @PrimaryColumn("bigint") key!: number;
  @Column("bigint", { name: "message_key" }) messageKey!: number;
  @Column("varchar", { name: "bpmn_process_id", length: 255 }) bpmnProcessId!: string;
  @Column("bigint", { name: "process_instance_key" }) processInstanceKey!: number;
}
