import { Column, Entity, Index, PrimaryColumn } from "typeorm";

/** A published message buffered for its time-to-live, so a subscription opened later can still take it. */
@Entity("message")
@Index("ix_message_name", ["name", "correlationKey"])
@Index("ix_message_id", ["messageId"])
@Index("ix_message_expiry", ["expiresAt"])
export class MessageEntity {
  @PrimaryColumn("bigint") key!: number;
  @Column("varchar", { length: 255 }) name!: string;
  @Column("varchar", { name: "correlation_key", length: 255 }) correlationKey!: string;
  @Column("text") variables!: string;
  @Column("varchar", { name: "message_id", length: 255, nullable: true }) messageId!: string | null;
  @Column("bigint", { name: "expires_at" }) expiresAt!: number;
  @Column("bigint", { name: "created_at" }) createdAt!: number;
}
