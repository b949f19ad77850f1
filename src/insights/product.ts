/**
 * Figures for the whole product, each restricted to what the reader may see:
 * - dossiers by type and state: the dossier access predicate (src/dossiers/access.ts);
 * - cycle time per process (completed instances since a date): every instance for holders of
 *   `instances.read` or `dossiers.all`, else the processes started for a dossier one sees (and those they called);
 * - overdue open tasks and workload per agent and per group: every task with `tasks.all`, else one's
 *   own tasks and those offered to oneself or one's groups; nothing without `tasks.read`.
 */
import type Database from "better-sqlite3";
import type { Principal } from "../identity/identity.js";
import { dossierVisibility } from "../dossiers/access.js";
import { statement } from "../persistence/statements.js";

export interface ProductFigures {
  dossiers: Array<{ type: string; state: string; count: number }>;
  cycleTimes: Array<{ process: string; completed: number; averageHours: number; medianHours: number; p90Hours: number }>;
  tasks: null | {
    open: number;
    overdue: number;
    overdueByProcess: Array<{ process: string; name: string | null; count: number }>;
    byAgent: Array<{ assignee: string; open: number; overdue: number }>;
    byGroup: Array<{ group: string; open: number; overdue: number; unassigned: number }>;
    scope: "all" | "own";
  };
}

const hours = (ms: number) => Math.round((ms / 3_600_000) * 10) / 10;

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

export function productFigures(db: Database.Database, principal: Principal, now: number, since: number): ProductFigures {
  const vis = dossierVisibility(principal, "d");
  const dossiers = (statement(db, `SELECT d."type_id" AS type, d."state" AS state, COUNT(*) AS count FROM "dossier" d WHERE ${vis.sql} GROUP BY d."type_id", d."state" ORDER BY 1, 2`).all(...vis.params) as ProductFigures["dossiers"]);
  const allInstances = principal.permissions.has("instances.read") || principal.permissions.has("dossiers.all");
  const instanceScope = allInstances
    ? { sql: "1 = 1", params: [] as unknown[] }
    : {
        sql: `EXISTS (SELECT 1 FROM "dossier_process" dp JOIN "dossier" d ON d."id" = dp."dossier_id" WHERE (dp."process_instance_key" = pi."key" OR dp."process_instance_key" = pi."parent_process_instance_key") AND ${vis.sql})`,
        params: vis.params,
      };
  const durations = statement(db,
    `SELECT pi."bpmn_process_id" AS process, pi."end_date" - pi."start_date" AS ms FROM "process_instance" pi WHERE pi."state" = 'COMPLETED' AND pi."end_date" >= ? AND ${instanceScope.sql}`,
  ).all(since, ...instanceScope.params) as Array<{ process: string; ms: number }>;
  const byProcess = new Map<string, number[]>();
  for (const d of durations) {
    let list = byProcess.get(d.process);
    if (!list) byProcess.set(d.process, (list = []));
    list.push(Number(d.ms));
  }
  const cycleTimes = [...byProcess].map(([process, list]) => {
    list.sort((a, b) => a - b);
    return { process, completed: list.length, averageHours: hours(list.reduce((s, x) => s + x, 0) / list.length), medianHours: hours(quantile(list, 0.5)), p90Hours: hours(quantile(list, 0.9)) };
  }).sort((a, b) => a.process.localeCompare(b.process));
  let tasks: ProductFigures["tasks"] = null;
  if (principal.permissions.has("tasks.read")) {
    const all = principal.permissions.has("tasks.all");
    const groups = principal.groups;
    const marks = groups.map(() => "?").join(", ");
    const own = all
      ? { sql: "1 = 1", params: [] as unknown[] }
      : {
          sql: `(t."assignee" = ? OR EXISTS (SELECT 1 FROM "user_task_candidate" c WHERE c."task_key" = t."key" AND ((c."kind" = 'U' AND c."name" = ?)${groups.length ? ` OR (c."kind" = 'G' AND c."name" IN (${marks}))` : ""})))`,
          params: [principal.username, principal.username, ...groups],
        };
    const open = statement(db,
      `SELECT t."bpmn_process_id" AS process, t."name" AS name, t."assignee" AS assignee, CASE WHEN t."due_at" IS NOT NULL AND t."due_at" < ? THEN 1 ELSE 0 END AS overdue, t."key" AS key ` +
        `FROM "user_task" t WHERE t."state" = 'CREATED' AND ${own.sql}`,
    ).all(now, ...own.params) as Array<{ process: string; name: string | null; assignee: string | null; overdue: number; key: number }>;
    const overdueByProcess = new Map<string, { process: string; name: string | null; count: number }>();
    const byAgent = new Map<string, { assignee: string; open: number; overdue: number }>();
    for (const t of open) {
      if (t.overdue) {
        const k = `${t.process}\u001f${t.name ?? ""}`;
        const e = overdueByProcess.get(k) ?? { process: t.process, name: t.name, count: 0 };
        e.count++;
        overdueByProcess.set(k, e);
      }
      if (t.assignee) {
        const e = byAgent.get(t.assignee) ?? { assignee: t.assignee, open: 0, overdue: 0 };
        e.open++;
        e.overdue += t.overdue;
        byAgent.set(t.assignee, e);
      }
    }
    const groupScope = all ? { sql: "1 = 1", params: [] as unknown[] } : groups.length ? { sql: `c."name" IN (${marks})`, params: [...groups] } : { sql: "1 = 0", params: [] };
    const byGroup = statement(db,
      `SELECT c."name" AS "group", COUNT(*) AS open, SUM(CASE WHEN t."due_at" IS NOT NULL AND t."due_at" < ? THEN 1 ELSE 0 END) AS overdue, SUM(CASE WHEN t."assignee" IS NULL THEN 1 ELSE 0 END) AS unassigned ` +
        `FROM "user_task_candidate" c JOIN "user_task" t ON t."key" = c."task_key" WHERE c."kind" = 'G' AND c."state" = 'CREATED' AND ${groupScope.sql} GROUP BY c."name" ORDER BY 2 DESC`,
    ).all(now, ...groupScope.params) as Array<{ group: string; open: number; overdue: number; unassigned: number }>;
    tasks = {
      open: open.length,
      overdue: open.filter((t) => t.overdue).length,
      overdueByProcess: [...overdueByProcess.values()].sort((a, b) => b.count - a.count),
      byAgent: [...byAgent.values()].sort((a, b) => b.open - a.open),
      byGroup: byGroup.map((g) => ({ group: g.group, open: Number(g.open), overdue: Number(g.overdue ?? 0), unassigned: Number(g.unassigned ?? 0) })),
      scope: all ? "all" : "own",
    };
  }
  return { dossiers, cycleTimes, tasks };
}
