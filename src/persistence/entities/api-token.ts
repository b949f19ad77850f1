import { Column, Entity, Index, PrimaryColumn } from "typeorm";

/** A bearer token an API client uses instead of a password; only a SHA-256 of its secret is kept. */
@Entity("api_token")
@Index("ix_api_token_username", ["username"])
export class ApiTokenEntity {
  @PrimaryColumn("varchar", { length: 32 }) id!: string;
  @Column("varchar", { length: 256 }) username!: string;
  @Column("varchar", { length: 256 }) name!: string;
  @Column("varchar", { name: "secret_hash", length: 64 }) secretHash!: string;
  @Column("bigint", { name: "created_at" }) createdAt!: number;
  @Column("bigint", { name: "expires_at", nullable: true }) expiresAt!: number | null;
  @Column("bigint", { name: "last_used_at", nullable: true }) lastUsedAt!: number | null;
}
