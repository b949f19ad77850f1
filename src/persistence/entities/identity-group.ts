import { Column, Entity, PrimaryColumn } from "typeorm";

/** A team (e.g. `agents`, `reviewers`): the candidate groups of user tasks name these ids. */
@Entity("identity_group")
export class IdentityGroupEntity {
  @PrimaryColumn("varchar", { name: "group_id", length: 256 }) groupId!: string;
  @Column("varchar", { length: 256 }) name!: string;
  @Column("varchar", { length: 1024, nullable: true }) description!: string | null;
  @Column("bigint", { name: "created_at" }) createdAt!: number;
}
