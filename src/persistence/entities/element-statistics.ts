import { Column, Entity, PrimaryColumn } from "typeorm";

/**
 * Finished element instances counted per process definition and element (operate's diagram
 * statistics), kept up to date by the command that appends the audit log records they are
 * counted from, in the same transaction; rebuilt from the log by the migration that created it.
 */
@Entity("element_statistics")
export class ElementStatisticsEntity {
  @PrimaryColumn("bigint", { name: "process_definition_key" }) processDefinitionKey!: number;
  @PrimaryColumn("varchar", { name: "element_id", length: 255 }) elementId!: string;
  @Column("integer") completed!: number;
  @Column("integer") terminated!: number;
}
