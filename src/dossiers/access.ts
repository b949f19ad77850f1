/**
 * Who sees which dossier — ONE predicate, as an SQL condition, used by every list, search, count,
 * export, journal and document query ("never load then filter").
 *
 * A user sees a dossier when it is in one of their sectors (a sector is an identity group), when
 * they own it, or when they hold or are offered an open task of a process started for it. Holders
 * of `dossiers.all` (administrators, auditors) see every dossier. Anything else answers 404.
 */
import type { Principal } from "../identity/identity.js";

export interface SqlCondition {
  sql: string;
  params: unknown[];
}

const marks = (n: number) => Array.from({ length: n }, () => "?").join(", ");

/** The condition on a `dossier` row aliased `alias` that the principal may see it. */
export function dossierVisibility(principal: Principal, alias = "d"): SqlCondition {
  if (principal.permissions.has("dossiers.all")) return { sql: "1 = 1", params: [] };
  const groups = principal.groups;
  const parts: string[] = [];
  const params: unknown[] = [];
  if (groups.length > 0) {
    parts.push(`${alias}.sector IN (${marks(groups.length)})`);
    params.push(...groups);
  }
  parts.push(`${alias}.owner = ?`);
  params.push(principal.username);
  // Open tasks of the dossier's processes that the user holds or is offered (a non-correlated
  // sub-query: evaluated once per statement from the user's own tasks, not per dossier row).
  const taskTerms = ["ut.assignee = ?", "EXISTS (SELECT 1 FROM json_each(ut.candidate_users) cu WHERE cu.value = ?)"];
  params.push(principal.username, principal.username);
  if (groups.length > 0) {
    taskTerms.push(`EXISTS (SELECT 1 FROM json_each(ut.candidate_groups) cg WHERE cg.value IN (${marks(groups.length)}))`);
    params.push(...groups);
  }
  parts.push(
    `${alias}.id IN (SELECT dp.dossier_id FROM user_task ut JOIN dossier_process dp ON dp.process_instance_key = ut.process_instance_key ` +
      `WHERE ut.state = 'CREATED' AND (${taskTerms.join(" OR ")}))`,
  );
  return { sql: `(${parts.join(" OR ")})`, params };
}

/** Private journal entries and notes are for the dossier's sector (and those who see everything). */
export function seesPrivate(principal: Principal, dossier: { sector: string | null; owner: string | null }): boolean {
  return (
    principal.permissions.has("dossiers.all") ||
    dossier.owner === principal.username ||
    (dossier.sector !== null && principal.groups.includes(dossier.sector))
  );
}
