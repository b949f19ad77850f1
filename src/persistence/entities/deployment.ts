import { Column, Entity, PrimaryColumn } from "typeorm";

/** One deployment: a set of resources deployed together. */
@Entity("deployment")
export class DeploymentEntity {
  @PrimaryColumn("bigint") key!: number;
  @Column("varchar", { name: "tenant_id", length: 64, default: "<default>" }) tenantId!: string;
  @Column("bigint", { name: "created_at" }) createdAt!: number;
}
