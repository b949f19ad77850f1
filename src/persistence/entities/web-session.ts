import { Column, Entity, Index, PrimaryColumn } from "typeorm";

/** A browser session (cookie); only a SHA-256 of the cookie value is kept. Expires when idle. */
@Entity("web_session")
@Index("ix_web_session_username", ["username"])
export class WebSessionEntity {
  @PrimaryColumn("varchar", { name: "id_hash", length: 64 }) idHash!: string;
  @Column("varchar", { length: 256 }) username!: string;
  @Column("varchar", { name: "csrf_token", length: 64 }) csrfToken!: string;
  @Column("bigint", { name: "created_at" }) createdAt!: number;
  @Column("bigint", { name: "last_seen_at" }) lastSeenAt!: number;
}
