/**
 * Users, groups and role assignments: validated changes on the identity tables. Roles are the
 * fixed set of roles.ts (stored so they can be listed and assigned); users and groups are free.
 */
import { IdentityError } from "./errors.js";
import { hashPassword } from "./passwords.js";
import { isRoleId, ROLES, ROLE_IDS } from "./roles.js";
import type { GroupRow, IdentityStore, MemberType, RoleRow, UserRow } from "./store.js";

const ID = /^[A-Za-z0-9_@.+-]{1,256}$/;
/** For every password chosen through the API or ADMIN_PASSWORD; only the demo seeding goes below. */
export const MIN_PASSWORD_LENGTH = 8;

export interface UserInput {
  username: string;
  password: string;
  name?: string | null;
  email?: string | null;
}

export type PublicUser = Omit<UserRow, "passwordHash">;

function checkId(value: unknown, what: string): string {
  if (typeof value !== "string" || !ID.test(value)) {
    throw new IdentityError("INVALID_ARGUMENT", `Expected ${what} of 1 to 256 letters, digits or _@.+-, but found '${String(value)}'`);
  }
  return value;
}

function checkText(value: unknown, what: string, max = 256): string | null {
  if (value === undefined || value === null || value === "") return null;
  if (typeof value !== "string" || value.length > max) throw new IdentityError("INVALID_ARGUMENT", `Expected ${what} to be a text of at most ${max} characters, but found '${String(value)}'`);
  return value;
}

function checkPassword(value: unknown, min = MIN_PASSWORD_LENGTH): string {
  if (typeof value !== "string" || value.length < min || value.length > 1024) {
    throw new IdentityError("INVALID_ARGUMENT", `Expected a password of ${min} to 1024 characters, but found ${typeof value === "string" ? `${value.length} characters` : "none"}`);
  }
  return value;
}

const publicUser = ({ passwordHash: _hidden, ...rest }: UserRow): PublicUser => rest;

/**
 * Called after a user's password changed or the user was deleted: whatever proved the old
 * credentials (sessions, API tokens, remembered Basic checks) must end; `keepSession` is the
 * session cookie of a user who changed their own password.
 */
export type CredentialsChanged = (username: string, keepSession?: string) => void;

export class Directory {
  constructor(private readonly store: IdentityStore, private readonly onCredentialsChanged: CredentialsChanged, private readonly now: () => number = Date.now) {}

  /** Makes sure the built-in roles exist (idempotent; run at every start). */
  ensureRoles(): void {
    for (const id of ROLE_IDS) this.store.upsertRole({ roleId: id, name: ROLES[id].name, description: ROLES[id].description });
  }

  // ── users ─────────────────────────────────────────────────────────────────────────────────────
  /** `minPasswordLength` is lowered only by the demo seeding (password = username). */
  async createUser(input: UserInput, { minPasswordLength = MIN_PASSWORD_LENGTH } = {}): Promise<PublicUser> {
    const username = checkId(input.username, "a username");
    const password = checkPassword(input.password, minPasswordLength);
    const name = checkText(input.name, "the name");
    const email = checkText(input.email, "the email");
    if (this.store.user(username)) throw new IdentityError("ALREADY_EXISTS", `Expected a new username, but a user '${username}' already exists`);
    const passwordHash = await hashPassword(password);
    if (this.store.user(username)) throw new IdentityError("ALREADY_EXISTS", `Expected a new username, but a user '${username}' already exists`);
    const now = this.now();
    const row: UserRow = { username, name, email, passwordHash, createdAt: now, updatedAt: now };
    this.store.insertUser(row);
    return publicUser(row);
  }

  user(username: string): PublicUser {
    const row = this.store.user(username);
    if (!row) throw new IdentityError("NOT_FOUND", `Expected to find a user '${username}', but none was found`);
    return publicUser(row);
  }

  users(): PublicUser[] {
    return this.store.users().map(publicUser);
  }

  /** A new password ends the user's sessions (but `keepSession`) and API tokens. */
  async updateUser(username: string, changes: { password?: unknown; name?: unknown; email?: unknown }, { keepSession }: { keepSession?: string } = {}): Promise<PublicUser> {
    const row = this.store.user(username);
    if (!row) throw new IdentityError("NOT_FOUND", `Expected to find a user '${username}', but none was found`);
    if (changes.name !== undefined) row.name = checkText(changes.name, "the name");
    if (changes.email !== undefined) row.email = checkText(changes.email, "the email");
    if (changes.password !== undefined) row.passwordHash = await hashPassword(checkPassword(changes.password));
    row.updatedAt = this.now();
    this.store.updateUser(row);
    if (changes.password !== undefined) this.onCredentialsChanged(username, keepSession);
    return publicUser(row);
  }

  deleteUser(username: string): void {
    this.user(username);
    this.store.deleteUser(username);
    this.onCredentialsChanged(username);
  }

  // ── groups ────────────────────────────────────────────────────────────────────────────────────
  createGroup(input: { groupId: unknown; name: unknown; description?: unknown }): GroupRow {
    const groupId = checkId(input.groupId, "a group id");
    const name = checkText(input.name, "the group name") ?? groupId;
    if (this.store.group(groupId)) throw new IdentityError("ALREADY_EXISTS", `Expected a new group id, but a group '${groupId}' already exists`);
    const row: GroupRow = { groupId, name, description: checkText(input.description, "the description", 1024) };
    this.store.insertGroup(row, this.now());
    return row;
  }

  group(groupId: string): GroupRow {
    const row = this.store.group(groupId);
    if (!row) throw new IdentityError("NOT_FOUND", `Expected to find a group '${groupId}', but none was found`);
    return row;
  }

  groups(): GroupRow[] {
    return this.store.groups();
  }

  updateGroup(groupId: string, changes: { name?: unknown; description?: unknown }): GroupRow {
    const row = this.group(groupId);
    if (changes.name !== undefined) row.name = checkText(changes.name, "the group name") ?? row.name;
    if (changes.description !== undefined) row.description = checkText(changes.description, "the description", 1024);
    this.store.updateGroup(row);
    return row;
  }

  deleteGroup(groupId: string): void {
    this.group(groupId);
    this.store.deleteGroup(groupId);
  }

  addUserToGroup(groupId: string, username: string): void {
    this.group(groupId);
    this.user(username);
    this.store.addMember("GROUP", groupId, "USER", username);
  }

  removeUserFromGroup(groupId: string, username: string): void {
    this.group(groupId);
    if (!this.store.removeMember("GROUP", groupId, "USER", username)) {
      throw new IdentityError("NOT_FOUND", `Expected user '${username}' to be a member of group '${groupId}', but it is not`);
    }
  }

  groupMembers(groupId: string): string[] {
    this.group(groupId);
    return this.store.membersOf("GROUP", groupId, "USER");
  }

  // ── roles ─────────────────────────────────────────────────────────────────────────────────────
  role(roleId: string): RoleRow {
    const row = this.store.role(roleId);
    if (!row || !isRoleId(roleId)) throw new IdentityError("NOT_FOUND", `Expected to find a role '${roleId}' (one of ${ROLE_IDS.join(", ")}), but none was found`);
    return row;
  }

  roles(): RoleRow[] {
    return this.store.roles().filter((r) => isRoleId(r.roleId));
  }

  assignRole(roleId: string, memberType: MemberType, memberId: string): void {
    this.role(roleId);
    if (memberType === "USER") this.user(memberId);
    else this.group(memberId);
    this.store.addMember("ROLE", roleId, memberType, memberId);
  }

  unassignRole(roleId: string, memberType: MemberType, memberId: string): void {
    this.role(roleId);
    if (!this.store.removeMember("ROLE", roleId, memberType, memberId)) {
      throw new IdentityError("NOT_FOUND", `Expected ${memberType === "USER" ? "user" : "group"} '${memberId}' to have role '${roleId}', but it has not`);
    }
  }

  roleMembers(roleId: string, memberType: MemberType): string[] {
    this.role(roleId);
    return this.store.membersOf("ROLE", roleId, memberType);
  }

  /** Groups of a user, and roles held directly or through those groups. */
  membership(username: string): { groups: string[]; roles: string[] } {
    const groups = this.store.targetsOf("GROUP", "USER", username);
    const roles = new Set(this.store.targetsOf("ROLE", "USER", username));
    for (const g of groups) for (const r of this.store.targetsOf("ROLE", "GROUP", g)) roles.add(r);
    return { groups, roles: [...roles].filter(isRoleId).sort() };
  }
}
