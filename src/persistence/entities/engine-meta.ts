import { Column, Entity, PrimaryColumn } from "typeorm";

/** Small engine counters, e.g. the next key to hand out (written once per commit). */
@Entity("engine_meta")
export class EngineMetaEntity {
  @PrimaryColumn("varchar", { length: 64 }) name!: string;
  @Column("bigint") value!: number;
}
