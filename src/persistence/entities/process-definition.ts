import { Column, Entity, Index, PrimaryColumn } from "typeorm";

/** A version of a deployed process model, with its XML. */
@Entity("process_definition")
@Index("ux_process_definition_version", ["bpmnProcessId", "version"], { unique: true })
export class ProcessDefinitionEntity {
  @PrimaryColumn("bigint") key!: number;
  @Column("varchar", { name: "bpmn_process_id", length: 255 }) bpmnProcessId!: string;
  @Column("integer") version!: number;
  @Column("varchar", { length: 255, nullable: true }) name!: string | null;
  @Column("varchar", { name: "version_tag", length: 255, nullable: true }) versionTag!: string | null;
  @Column("varchar", { name: "resource_name", length: 255 }) resourceName!: string;
  @Column("varchar", { length: 64 }) checksum!: string;
  @Column("text") xml!: string;
  @Column("bigint", { name: "deployment_key" }) deploymentKey!: number;
  @Column("varchar", { name: "tenant_id", length: 64, default: "<default>" }) tenantId!: string;
  @Column("bigint", { name: "created_at" }) createdAt!: number;
}
