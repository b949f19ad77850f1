import { Column, Entity, PrimaryColumn } from "typeorm";

/** A role users and groups are assigned to; its permissions are defined in src/identity/roles.ts. */
@Entity("identity_role")
export class IdentityRoleEntity {
  @PrimaryColumn("varchar", { name: "role_id", length: 64 }) roleId!: string;
  @Column("varchar", { length: 256 }) name!: string;
  @Column("varchar", { length: 1024, nullable: true }) description!: string | null;
}
