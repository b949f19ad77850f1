import { Column, Entity, Index, PrimaryColumn } from "typeorm";

/** A token that arrived at a converging gateway through one incoming flow and waits for the others. */
@Entity("join_token")
@Index("ix_join_token_process_instance", ["processInstanceKey"])
export class JoinTokenEntity {
  @PrimaryColumn("bigint") key!: number;
  @Column("bigint", { name: "process_instance_key" }) processInstanceKey!: number;
  @Column("bigint", { name: "scope_key" }) scopeKey!: number;
  @Column("varchar", { name: "gateway_id", length: 255 }) gatewayId!: string;
  @Column("varchar", { name: "flow_id", length: 255 }) flowId!: string;
}
