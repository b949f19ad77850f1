/**
 * First start: with no user in the database, an administrator is created from the configuration
 * (default demo/demo, announced with a warning), and, for a try-out (no ADMIN_PASSWORD, demo
 * accounts not turned off), demo accounts and groups so a new user can try each role. Their
 * passwords are their usernames, below the minimum length that applies to every other password.
 * Later starts change nothing. `defaultCredentials` tells which accounts anyone could sign in to,
 * so that the server refuses to listen on the network with them.
 */
import type { Identity } from "./identity.js";
import { verifyPassword } from "./passwords.js";
import type { RoleId } from "./roles.js";

export interface BootstrapOptions {
  adminUsername: string;
  adminPassword: string;
  /** True when the password is the built-in default (then it is printed, with a warning). */
  adminPasswordIsDefault: boolean;
  demoAccounts: boolean;
}

export const DEFAULT_ADMIN_PASSWORD = "demo";

const DEMO_GROUPS = [
  { groupId: "agents", name: "Agents", description: "Front-office agents: collect documents, take new requests" },
  { groupId: "reviewers", name: "Reviewers", description: "Check the conformity of customer files" },
  { groupId: "sales", name: "Sales", description: "Sales managers: contracts and appointments" },
  { groupId: "archivists", name: "Archivists", description: "Keep the archive: integrity incidents, disposal reviews" },
];

const DEMO_USERS: Array<{ username: string; name: string; role: RoleId; groups: string[] }> = [
  { username: "agent", name: "Alex Agent", role: "agent", groups: ["agents", "reviewers"] },
  { username: "designer", name: "Dana Designer", role: "designer", groups: [] },
  { username: "manager", name: "Morgan Manager", role: "manager", groups: ["sales"] },
  { username: "auditor", name: "Avery Auditor", role: "auditor", groups: [] },
  { username: "archivist", name: "Camille Archiviste", role: "archivist", groups: ["archivists"] },
];

/** Demo passwords (the username, 'demo') are shorter than the rule for chosen ones. */
const DEMO_PASSWORDS = { minPasswordLength: 1 };

/** Returns the lines to print (warnings first); empty when the database already had users. */
export async function bootstrapIdentity(identity: Identity, options: BootstrapOptions): Promise<string[]> {
  if (identity.store.countUsers() > 0) return [];
  const { directory } = identity;
  const lines: string[] = [];
  await directory.createUser({ username: options.adminUsername, password: options.adminPassword, name: "Administrator" }, options.adminPasswordIsDefault ? DEMO_PASSWORDS : {});
  directory.assignRole("administrator", "USER", options.adminUsername);
  lines.push(
    options.adminPasswordIsDefault
      ? `WARNING: created the administrator '${options.adminUsername}' with the default password '${options.adminPassword}'. Change it now (PUT /v2/users/${options.adminUsername} {"password": …, "currentPassword": "${options.adminPassword}"}), or start with ADMIN_USERNAME / ADMIN_PASSWORD set.`
      : `created the administrator '${options.adminUsername}' (password from ADMIN_PASSWORD)`,
  );
  if (!options.demoAccounts || !options.adminPasswordIsDefault) return lines;
  for (const group of DEMO_GROUPS) directory.createGroup(group);
  for (const user of DEMO_USERS) {
    await directory.createUser({ username: user.username, password: user.username, name: user.name }, DEMO_PASSWORDS);
    directory.assignRole(user.role, "USER", user.username);
    for (const group of user.groups) directory.addUserToGroup(group, user.username);
  }
  lines.push(
    `WARNING: created demo accounts (password = username): ${DEMO_USERS.map((u) => `${u.username} (${u.role}${u.groups.length ? `, groups ${u.groups.join("+")}` : ""})`).join(", ")}. Start with DEMO_ACCOUNTS=false to skip them, or delete them.`,
  );
  return lines;
}

/**
 * The accounts whose password anyone can guess: those the first start would create with one, or
 * the administrator and demo accounts that still have it ('demo', password = username).
 */
export async function defaultCredentials(identity: Identity, options: BootstrapOptions): Promise<string[]> {
  if (identity.store.countUsers() === 0) {
    if (!options.adminPasswordIsDefault) return [];
    return [
      `the administrator '${options.adminUsername}' would be created with the password '${DEFAULT_ADMIN_PASSWORD}'`,
      ...(options.demoAccounts ? [`demo accounts would be created with password = username`] : []),
    ];
  }
  const found: string[] = [];
  const candidates = [{ username: options.adminUsername, password: DEFAULT_ADMIN_PASSWORD }, ...DEMO_USERS.map((u) => ({ username: u.username, password: u.username }))];
  for (const { username, password } of candidates) {
    const row = identity.store.user(username);
    if (row && (await verifyPassword(password, row.passwordHash))) found.push(`'${username}' still has the password '${password}'`);
  }
  return found;
}
