import { Column, Entity, Index, PrimaryColumn } from "typeorm";

/**
 * While an instance started by a message with a correlation key is active, no second instance of
 * the same process starts for that key. Removed when the instance ends.
 */
@Entity("message_start_lock")
@Index("ux_message_start_lock", ["bpmnProcessId", "correlationKey"], { unique: true })
export class MessageStartLockEntity {
  @PrimaryColumn("bigint", { name: "process_instance_key" }) processInstanceKey!: number;
  @Column("varchar", { name: "bpmn_process_id", length: 255 }) bpmnProcessId!: string;
  @Column("varchar", { name: "correlation_key", length: 255 }) correlationKey!: string;
}
