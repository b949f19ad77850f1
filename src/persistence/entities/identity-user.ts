import { Column, Entity, PrimaryColumn } from "typeorm";

/** A person or an API client account that signs in. The password is stored as a scrypt hash only. */
@Entity("identity_user")
export class IdentityUserEntity {
  @PrimaryColumn("varchar", { length: 256 }) username!: string;
  @Column("varchar", { length: 256, nullable: true }) name!: string | null;
  @Column("varchar", { length: 256, nullable: true }) email!: string | null;
  @Column("varchar", { name: "password_hash", length: 255 }) passwordHash!: string;
  @Column("bigint", { name: "created_at" }) createdAt!: number;
  @Column("bigint", { name: "updated_at" }) updatedAt!: number;
}
