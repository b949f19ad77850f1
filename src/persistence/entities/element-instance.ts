import { Column, Entity, Index, PrimaryColumn } from "typeorm";

/**
 * A token that waits: an element instance that is still active after its command committed (wait
 * states, open scopes, elements stuck on an incident). Pass-through elements never get a row; their
 * whole life is in the history.
 */
@Entity("element_instance")
@Index("ix_element_instance_process_instance", ["processInstanceKey"])
export class ElementInstanceEntity {
  @PrimaryColumn("bigint") key!: number;
  @Column("bigint", { name: "process_instance_key" }) processInstanceKey!: number;
  @Column("bigint", { name: "flow_scope_key" }) flowScopeKey!: number;
  @Column("varchar", { name: "element_id", length: 255 }) elementId!: string;
  @Column("varchar", { name: "element_type", length: 32 }) elementType!: string;
  @Column("varchar", { length: 16 }) state!: string;
  @Column("bigint", { name: "incident_key", nullable: true }) incidentKey!: number | null;
  @Column("text", { nullable: true }) data!: string | null;
  @Column("bigint", { name: "created_at" }) createdAt!: number;
}
