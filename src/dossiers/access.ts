/**
 * Who sees which dossier — ONE predicate, as an SQL condition, used by every list, search, count,
 * export, journal and document query ("never load then filter").
 *
 * A user sees a dossier when it is in one of their sectors (a sector is an identity group), when
 * they own it, or when they hold or are offered an open task of a process started for it (or of a
 * process that one called). Holders
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
  // An open task of one of the dossier's processes, or of a process one of them called, that the
  // user holds or is offered: correlated look-ups by index (dossier → its processes → [the processes
  // they called →] their open tasks → the candidate projection), evaluated only for rows the sector
  // and owner terms did not already admit.
  const offered = ["(c.kind = 'U' AND c.name = ?)", ...(groups.length > 0 ? [`(c.kind = 'G' AND c.name IN (${marks(groups.length)}))`] : [])];
  const held = `+ut.state = 'CREATED' AND (ut.assignee = ? OR EXISTS (SELECT 1 FROM user_task_candidate c WHERE c.task_key = ut.key AND (${offered.join(" OR ")})))`;
  const heldParams = [principal.username, principal.username, ...groups];
  parts.push(
    `EXISTS (SELECT 1 FROM dossier_process dp JOIN user_task ut ON ut.process_instance_key = dp.process_instance_key WHERE dp.dossier_id = ${alias}.id AND ${held})`,
    `EXISTS (SELECT 1 FROM dossier_process dp JOIN process_instance pi ON pi.parent_process_instance_key = dp.process_instance_key JOIN user_task ut ON ut.process_instance_key = pi.key WHERE dp.dossier_id = ${alias}.id AND ${held})`,
  );
  params.push(...heldParams, ...heldParams);
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
