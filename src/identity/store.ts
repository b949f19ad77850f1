/**
 * Identity tables through prepared statements on the shared better-sqlite3 connection. Writes are
 * rare (sign-in, user administration) and synchronous: the engine's write lane runs each batch
 * as one synchronous call, so these autocommit writes can never land inside an engine
 * transaction. Plain portable SQL.
 */
import type Database from "better-sqlite3";

export interface UserRow {
  username: string;
  name: string | null;
  email: string | null;
  passwordHash: string;
  createdAt: number;
  updatedAt: number;
}

export interface GroupRow {
  groupId: string;
  name: string;
  description: string | null;
}

export interface RoleRow {
  roleId: string;
  name: string;
  description: string | null;
}

export type MembershipKind = "GROUP" | "ROLE";
export type MemberType = "USER" | "GROUP";

export interface TokenRow {
  id: string;
  username: string;
  name: string;
  secretHash: string;
  createdAt: number;
  expiresAt: number | null;
  lastUsedAt: number | null;
}

export interface SessionRow {
  idHash: string;
  username: string;
  csrfToken: string;
  createdAt: number;
  lastSeenAt: number;
}

type Row = Record<string, any>;

const toUser = (r: Row): UserRow => ({ username: r.username, name: r.name, email: r.email, passwordHash: r.password_hash, createdAt: r.created_at, updatedAt: r.updated_at });
const toGroup = (r: Row): GroupRow => ({ groupId: r.group_id, name: r.name, description: r.description });
const toRole = (r: Row): RoleRow => ({ roleId: r.role_id, name: r.name, description: r.description });
const toToken = (r: Row): TokenRow => ({ id: r.id, username: r.username, name: r.name, secretHash: r.secret_hash, createdAt: r.created_at, expiresAt: r.expires_at, lastUsedAt: r.last_used_at });
const toSession = (r: Row): SessionRow => ({ idHash: r.id_hash, username: r.username, csrfToken: r.csrf_token, createdAt: r.created_at, lastSeenAt: r.last_seen_at });

export class IdentityStore {
  private readonly cache = new Map<string, Database.Statement>();

  constructor(readonly db: Database.Database) {}

  private stmt(sql: string): Database.Statement {
    let s = this.cache.get(sql);
    if (!s) this.cache.set(sql, (s = this.db.prepare(sql)));
    return s;
  }
  private get(sql: string, ...params: unknown[]): Row | undefined {
    return this.stmt(sql).get(...params) as Row | undefined;
  }
  private all(sql: string, ...params: unknown[]): Row[] {
    return this.stmt(sql).all(...params) as Row[];
  }
  private run(sql: string, ...params: unknown[]): number {
    return this.stmt(sql).run(...params).changes;
  }
  /** Several statements as one transaction (synchronous, so nothing can interleave). */
  atomically<T>(work: () => T): T {
    return this.db.transaction(work)();
  }

  // ── users ─────────────────────────────────────────────────────────────────────────────────────
  countUsers(): number {
    return (this.get(`SELECT COUNT(*) AS n FROM identity_user`)?.n as number) ?? 0;
  }
  user(username: string): UserRow | undefined {
    const r = this.get(`SELECT * FROM identity_user WHERE username = ?`, username);
    return r && toUser(r);
  }
  users(): UserRow[] {
    return this.all(`SELECT * FROM identity_user ORDER BY username`).map(toUser);
  }
  insertUser(u: UserRow): void {
    this.run(`INSERT INTO identity_user (username, name, email, password_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)`, u.username, u.name, u.email, u.passwordHash, u.createdAt, u.updatedAt);
  }
  updateUser(u: UserRow): void {
    this.run(`UPDATE identity_user SET name = ?, email = ?, password_hash = ?, updated_at = ? WHERE username = ?`, u.name, u.email, u.passwordHash, u.updatedAt, u.username);
  }
  deleteUser(username: string): void {
    this.atomically(() => {
      this.run(`DELETE FROM identity_membership WHERE member_type = 'USER' AND member_id = ?`, username);
      this.run(`DELETE FROM api_token WHERE username = ?`, username);
      this.run(`DELETE FROM web_session WHERE username = ?`, username);
      this.run(`DELETE FROM identity_user WHERE username = ?`, username);
    });
  }

  // ── groups and roles ──────────────────────────────────────────────────────────────────────────
  group(groupId: string): GroupRow | undefined {
    const r = this.get(`SELECT * FROM identity_group WHERE group_id = ?`, groupId);
    return r && toGroup(r);
  }
  groups(): GroupRow[] {
    return this.all(`SELECT * FROM identity_group ORDER BY group_id`).map(toGroup);
  }
  insertGroup(g: GroupRow, createdAt: number): void {
    this.run(`INSERT INTO identity_group (group_id, name, description, created_at) VALUES (?, ?, ?, ?)`, g.groupId, g.name, g.description, createdAt);
  }
  updateGroup(g: GroupRow): void {
    this.run(`UPDATE identity_group SET name = ?, description = ? WHERE group_id = ?`, g.name, g.description, g.groupId);
  }
  deleteGroup(groupId: string): void {
    this.atomically(() => {
      this.run(`DELETE FROM identity_membership WHERE (kind = 'GROUP' AND target_id = ?) OR (member_type = 'GROUP' AND member_id = ?)`, groupId, groupId);
      this.run(`DELETE FROM identity_group WHERE group_id = ?`, groupId);
    });
  }
  role(roleId: string): RoleRow | undefined {
    const r = this.get(`SELECT * FROM identity_role WHERE role_id = ?`, roleId);
    return r && toRole(r);
  }
  roles(): RoleRow[] {
    return this.all(`SELECT * FROM identity_role ORDER BY role_id`).map(toRole);
  }
  upsertRole(r: RoleRow): void {
    if (this.run(`UPDATE identity_role SET name = ?, description = ? WHERE role_id = ?`, r.name, r.description, r.roleId) === 0) {
      this.run(`INSERT INTO identity_role (role_id, name, description) VALUES (?, ?, ?)`, r.roleId, r.name, r.description);
    }
  }

  // ── memberships ───────────────────────────────────────────────────────────────────────────────
  addMember(kind: MembershipKind, targetId: string, memberType: MemberType, memberId: string): boolean {
    if (this.get(`SELECT 1 AS x FROM identity_membership WHERE kind = ? AND target_id = ? AND member_type = ? AND member_id = ?`, kind, targetId, memberType, memberId)) return false;
    this.run(`INSERT INTO identity_membership (kind, target_id, member_type, member_id) VALUES (?, ?, ?, ?)`, kind, targetId, memberType, memberId);
    return true;
  }
  removeMember(kind: MembershipKind, targetId: string, memberType: MemberType, memberId: string): boolean {
    return this.run(`DELETE FROM identity_membership WHERE kind = ? AND target_id = ? AND member_type = ? AND member_id = ?`, kind, targetId, memberType, memberId) > 0;
  }
  /** Ids of the groups or roles a user or group is a direct member of. */
  targetsOf(kind: MembershipKind, memberType: MemberType, memberId: string): string[] {
    return this.all(`SELECT target_id FROM identity_membership WHERE kind = ? AND member_type = ? AND member_id = ? ORDER BY target_id`, kind, memberType, memberId).map((r) => r.target_id as string);
  }
  membersOf(kind: MembershipKind, targetId: string, memberType: MemberType): string[] {
    return this.all(`SELECT member_id FROM identity_membership WHERE kind = ? AND target_id = ? AND member_type = ? ORDER BY member_id`, kind, targetId, memberType).map((r) => r.member_id as string);
  }

  // ── API tokens ────────────────────────────────────────────────────────────────────────────────
  token(id: string): TokenRow | undefined {
    const r = this.get(`SELECT * FROM api_token WHERE id = ?`, id);
    return r && toToken(r);
  }
  tokensOf(username: string): TokenRow[] {
    return this.all(`SELECT * FROM api_token WHERE username = ? ORDER BY created_at, id`, username).map(toToken);
  }
  insertToken(t: TokenRow): void {
    this.run(`INSERT INTO api_token (id, username, name, secret_hash, created_at, expires_at, last_used_at) VALUES (?, ?, ?, ?, ?, ?, ?)`, t.id, t.username, t.name, t.secretHash, t.createdAt, t.expiresAt, t.lastUsedAt);
  }
  touchToken(id: string, at: number): void {
    this.run(`UPDATE api_token SET last_used_at = ? WHERE id = ?`, at, id);
  }
  deleteToken(id: string): boolean {
    return this.run(`DELETE FROM api_token WHERE id = ?`, id) > 0;
  }
  deleteTokensOf(username: string): number {
    return this.run(`DELETE FROM api_token WHERE username = ?`, username);
  }

  // ── sessions ──────────────────────────────────────────────────────────────────────────────────
  session(idHash: string): SessionRow | undefined {
    const r = this.get(`SELECT * FROM web_session WHERE id_hash = ?`, idHash);
    return r && toSession(r);
  }
  insertSession(s: SessionRow): void {
    this.run(`INSERT INTO web_session (id_hash, username, csrf_token, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?)`, s.idHash, s.username, s.csrfToken, s.createdAt, s.lastSeenAt);
  }
  touchSession(idHash: string, at: number): void {
    this.run(`UPDATE web_session SET last_seen_at = ? WHERE id_hash = ?`, at, idHash);
  }
  deleteSession(idHash: string): void {
    this.run(`DELETE FROM web_session WHERE id_hash = ?`, idHash);
  }
  /** Every session of a user but the one whose id hash is `keep`. */
  deleteSessionsOf(username: string, keep = ""): number {
    return this.run(`DELETE FROM web_session WHERE username = ? AND id_hash <> ?`, username, keep);
  }
  deleteSessionsSeenBefore(cutoff: number): number {
    return this.run(`DELETE FROM web_session WHERE last_seen_at < ?`, cutoff);
  }
}
