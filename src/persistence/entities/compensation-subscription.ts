import { Column, Entity, Index, PrimaryColumn } from "typeorm";

/**
 * A completed activity that has a compensation handler: a compensation throw in one of the scopes
 * around it (scope_path) runs the handler once. Deleted once compensated or when the instance ends.
 */
@Entity("compensation_subscription")
@Index("ix_compensation_subscription_process_instance", ["processInstanceKey"])
export class CompensationSubscriptionEntity {
  @PrimaryColumn("bigint") key!: number;
  @Column("bigint", { name: "process_instance_key" }) processInstanceKey!: number;
  @Column("bigint", { name: "element_instance_key" }) elementInstanceKey!: number;
  @Column("varchar", { name: "element_id", length: 255 }) elementId!: string;
  @Column("varchar", { name: "handler_id", length: 255 }) handlerId!: string;
  @Column("bigint", { name: "scope_key" }) scopeKey!: number;
  /** ",k1,k2,…," — the keys of every scope around the activity, innermost first. */
  @Column("text", { name: "scope_path" }) scopePath!: string;
  @Column("bigint", { name: "created_at" }) createdAt!: number;
}
