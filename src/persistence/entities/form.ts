import { Column, Entity, Index, PrimaryColumn } from "typeorm";

/** A version of a deployed form-js schema, linked from user tasks by `formId`. */
@Entity("form")
@Index("ux_form_version", ["formId", "version"], { unique: true })
export class FormEntity {
  @PrimaryColumn("bigint") key!: number;
  @Column("varchar", { name: "form_id", length: 255 }) formId!: string;
  @Column("integer") version!: number;
  @Column("varchar", { name: "resource_name", length: 255 }) resourceName!: string;
  @Column("varchar", { length: 64 }) checksum!: string;
  @Column("text") schema!: string;
  @Column("bigint", { name: "deployment_key" }) deploymentKey!: number;
  @Column("varchar", { name: "tenant_id", length: 64, default: "<default>" }) tenantId!: string;
  @Column("bigint", { name: "created_at" }) createdAt!: number;
}
