/**
 * The five built-in roles and what each may do. Roles live in the database (so users and groups
 * can be assigned to them); their permissions are defined here, in one table, and every HTTP
 * route names the one permission it needs.
 */
export const PERMISSIONS = [
  /** Cluster topology, the signed-in user, own API tokens. */
  "cluster.read",
  /** Process definitions, their XML and forms. */
  "definitions.read",
  /** Deploy BPMN models and forms. */
  "definitions.deploy",
  /** Process instances, element instances, variables, incidents, jobs (read). */
  "instances.read",
  /** Start process instances. */
  "instances.start",
  /** Cancel, resolve incidents, update job retries, modify and migrate instances. */
  "instances.operate",
  /**
   * Work a running case: set its variables, open its on-demand (ad-hoc) activities — a new
   * contract, an amendment, a claim, the closure. Apart from `instances.operate` because those
   * are the everyday moves of the agent in charge, while cancelling, modifying or migrating an
   * instance rewrites its path and stays with designers and administrators.
   */
  "instances.work",
  /** Publish and correlate messages, broadcast signals. */
  "events.publish",
  /** Read user tasks (only those of one's assignment or candidate groups without `tasks.all`). */
  "tasks.read",
  /** Claim, complete and give back one's own tasks. */
  "tasks.work",
  /** Assign any task to anyone. */
  "tasks.assign",
  /** See (and, with tasks.work, act on) every task, not only one's own and one's groups'. */
  "tasks.all",
  /** Activate, complete and fail jobs (job workers). */
  "jobs.work",
  /** Evaluate FEEL expressions. */
  "expressions.evaluate",
  /** Pin and reset the engine clock. */
  "clock.manage",
  /** Read users, groups and roles. */
  "identity.read",
  /** Create and change users, groups, role assignments. */
  "identity.manage",
  /** Dossiers (customer files) of one's sectors, owned or holding one of one's tasks; their documents and journal. */
  "dossiers.read",
  /** Open dossiers, edit their fields, parties and state, upload documents, add notes and calls, start actions. */
  "dossiers.write",
  /** See every dossier of every sector (administrators, auditors), not only those of one's sectors. */
  "dossiers.all",
  /** Configure dossier types: fields, states, deadlines, document types, the process catalogue. */
  "dossiers.configure",
  /** The address book (persons and organisations): search and read. */
  "parties.read",
  /** Create and change parties. */
  "parties.write",
  /** Import parties from CSV and merge duplicates. */
  "parties.manage",
  /** The mail area: mails received and sent, SMS sent, the quarantine (mails of dossiers one cannot see stay hidden). */
  "mail.read",
  /** Mailboxes, intake rules, quarantine decisions (retry, assign, discard). */
  "mail.manage",
  /** Document and mail templates: edit, preview, publish. */
  "templates.manage",
  /** Publish public pages (forms at /p/<slug>) and configure the customer portal. */
  "portal.manage",
  /** The archive: archived records, their journal, audit reports, the disposal list (read). */
  "archive.read",
  /** Archivist's work: retention rules, legal holds, integrity audits, disposal review, repairs. */
  "archive.manage",
  /** Approve a disposal (a manager, after the archivist's review). */
  "archive.approve",
  /** Invoices, payments, reminders and the receivables dashboards (read). */
  "invoices.read",
  /** Collector's work: record payments, promises, late-payment reasons, disputes; send a reminder. */
  "invoices.write",
  /** Imports, dunning scenarios, bulk reminders, credit limits, ERP connection. */
  "invoices.manage",
] as const;

export type Permission = (typeof PERMISSIONS)[number];

export const ROLE_IDS = ["administrator", "designer", "agent", "manager", "auditor", "archivist"] as const;
export type RoleId = (typeof ROLE_IDS)[number];

export interface RoleDefinition {
  roleId: RoleId;
  name: string;
  description: string;
  permissions: readonly Permission[];
}

const READ: Permission[] = ["cluster.read", "definitions.read", "dossiers.read", "parties.read", "mail.read", "invoices.read"];

export const ROLES: Record<RoleId, RoleDefinition> = {
  administrator: { roleId: "administrator", name: "Administrator", description: "Everything, including users, groups and the clock", permissions: PERMISSIONS },
  designer: {
    roleId: "designer", name: "Designer", description: "Deploys models and forms, tries them out (starts, operates, runs workers)",
    permissions: [...READ, "definitions.deploy", "instances.read", "instances.start", "instances.operate", "instances.work", "events.publish", "jobs.work", "expressions.evaluate", "dossiers.configure", "templates.manage", "portal.manage"],
  },
  agent: {
    roleId: "agent", name: "Agent", description: "Works the tasks assigned to them or to their groups; starts cases",
    permissions: [...READ, "instances.start", "instances.work", "tasks.read", "tasks.work", "dossiers.write", "parties.write", "invoices.write"],
  },
  manager: {
    roleId: "manager", name: "Manager", description: "Sees the team's work and reassigns it; starts cases and publishes business events",
    permissions: [...READ, "instances.read", "instances.start", "instances.work", "events.publish", "tasks.read", "tasks.work", "tasks.assign", "tasks.all", "identity.read", "dossiers.write", "parties.write", "parties.manage", "mail.manage", "archive.read", "archive.approve", "invoices.write", "invoices.manage"],
  },
  auditor: {
    roleId: "auditor", name: "Auditor", description: "Reads everything, changes nothing",
    permissions: [...READ, "instances.read", "tasks.read", "tasks.all", "identity.read", "dossiers.all", "archive.read"],
  },
  archivist: {
    roleId: "archivist", name: "Archivist", description: "Keeps the archive: retention rules, legal holds, audits, disposal reviews (their integrity tasks in the inbox)",
    permissions: [...READ, "archive.read", "archive.manage", "tasks.read", "tasks.work"],
  },
};

export function isRoleId(value: string): value is RoleId {
  return (ROLE_IDS as readonly string[]).includes(value);
}

export function permissionsOf(roles: readonly string[]): Set<Permission> {
  const out = new Set<Permission>();
  for (const role of roles) if (isRoleId(role)) for (const p of ROLES[role].permissions) out.add(p);
  return out;
}
