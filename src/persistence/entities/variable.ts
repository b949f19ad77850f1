import { Column, Entity, Index, PrimaryColumn } from "typeorm";

/** A variable in a scope (the process instance, a sub-process or an element's local scope); value is JSON. */
@Entity("variable")
@Index("ux_variable_scope_name", ["scopeKey", "name"], { unique: true })
@Index("ix_variable_process_instance", ["processInstanceKey"])
export class VariableEntity {
  @PrimaryColumn("bigint") key!: number;
  @Column("bigint", { name: "process_instance_key" }) processInstanceKey!: number;
  @Column("bigint", { name: "scope_key" }) scopeKey!: number;
  @Column("varchar", { length: 255 }) name!: string;
  @Column("text") value!: string;
}
