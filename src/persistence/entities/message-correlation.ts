import { Column, Entity, Index, PrimaryColumn } from "typeorm";

/** A buffered message reached this process instance: it never reaches the same instance twice. */
@Entity("message_correlation")
@Index("ux_message_correlation", ["messageKey", "processInstanceKey"], { unique: true })
export class MessageCorrelationEntity {
  @PrimaryColumn("bigint") key!: number;
  @Column("bigint", { name: "message_key" }) messageKey!: number;
  @Column("bigint", { name: "process_instance_key" }) processInstanceKey!: number;
}
