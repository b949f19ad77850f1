import { Column, Entity, Index, PrimaryColumn } from "typeorm";

/**
 * An open wait for an event: a timer (due_date), a message (name + correlation key) or a signal
 * (name). Owned by a waiting element instance (catch event, receive task), by an activity for its
 * boundary events, by a scope for its event sub-processes, by an event-based gateway, or by a
 * process definition for its start events (process_instance_key null).
 */
@Entity("event_subscription")
@Index("ix_event_subscription_due", ["kind", "dueDate"])
@Index("ix_event_subscription_name", ["kind", "name", "correlationKey"])
@Index("ix_event_subscription_owner", ["elementInstanceKey"])
@Index("ix_event_subscription_process_instance", ["processInstanceKey"])
@Index("ix_event_subscription_definition", ["processDefinitionKey"])
export class EventSubscriptionEntity {
  @PrimaryColumn("bigint") key!: number;
  @Column("varchar", { length: 16 }) kind!: string;
  @Column("bigint", { name: "process_definition_key" }) processDefinitionKey!: number;
  @Column("varchar", { name: "bpmn_process_id", length: 255 }) bpmnProcessId!: string;
  @Column("bigint", { name: "process_instance_key", nullable: true }) processInstanceKey!: number | null;
  @Column("bigint", { name: "element_instance_key", nullable: true }) elementInstanceKey!: number | null;
  @Column("varchar", { name: "element_id", length: 255 }) elementId!: string;
  @Column("varchar", { length: 255, nullable: true }) name!: string | null;
  @Column("varchar", { name: "correlation_key", length: 255, nullable: true }) correlationKey!: string | null;
  @Column("bigint", { name: "due_date", nullable: true }) dueDate!: number | null;
  @Column("varchar", { length: 255, nullable: true }) cycle!: string | null;
  @Column("integer", { nullable: true }) repetitions!: number | null;
  @Column("boolean", { default: true }) interrupting!: boolean;
  @Column("bigint", { name: "created_at" }) createdAt!: number;
}
