import { Column, Entity, Index, PrimaryColumn } from "typeorm";

/**
 * Membership of a user in a group (`kind` GROUP) and assignment of a user or a group to a role
 * (`kind` ROLE): one row per (target, member).
 */
@Entity("identity_membership")
@Index("ix_identity_membership_member", ["memberType", "memberId"])
export class IdentityMembershipEntity {
  @PrimaryColumn("varchar", { length: 8 }) kind!: string;
  @PrimaryColumn("varchar", { name: "target_id", length: 256 }) targetId!: string;
  @PrimaryColumn("varchar", { name: "member_type", length: 8 }) memberType!: string;
  @PrimaryColumn("varchar", { name: "member_id", length: 256 }) memberId!: string;
}
