/**
 * The inbox's views (tabs) and filters, turned into /v2 user-task searches. Process, due date,
 * priority and sorting run on the server; the dossier reference and the free text are matched in
 * the browser against the loaded page, since they read process variables.
 */
import type { Session } from "../shared/api.js";
import type { Dossier, SearchRequest, Task } from "./tasks.js";

export type ViewId = "mine" | "group" | "team";
export type DueFilter = "" | "overdue" | "today" | "week" | "none";
export type SortId = "due" | "priority" | "newest" | "oldest" | "name";

export interface Filters {
  text: string;
  process: string;
  reference: string;
  due: DueFilter;
  /** Minimum priority, 0 = any. */
  priority: number;
  sort: SortId;
}

export const EMPTY_FILTERS: Filters = { text: "", process: "", reference: "", due: "", priority: 0, sort: "due" };
/** How many tasks a view loads at most (the list says so when there are more). */
export const LIST_LIMIT = 200;
/** A task due within this time is "due soon". */
export const DUE_SOON_MS = 24 * 60 * 60 * 1000;

/** Views the user may open: managers (tasks.all) also get the team's tasks. */
export function viewsFor(session: Session): ViewId[] {
  return session.permissions.includes("tasks.all") ? ["mine", "group", "team"] : ["mine", "group"];
}

/** The filter of a view alone (what its count shows). */
export function viewFilter(view: ViewId, session: Session & { groups?: string[] }): Record<string, unknown> {
  const open = { state: "CREATED" };
  switch (view) {
    case "mine":
      return { ...open, assignee: session.username };
    case "group":
      // Without tasks.all the server only returns what the user may see: unassigned = their groups' (or offered to them).
      // With tasks.all, narrow to their groups explicitly.
      return session.permissions.includes("tasks.all")
        ? { ...open, assignee: { $exists: false }, candidateGroup: { $in: session.groups ?? [] } }
        : { ...open, assignee: { $exists: false } };
    case "team":
      return open;
  }
}

function endOfToday(now: number): number {
  const d = new Date(now);
  d.setHours(23, 59, 59, 999);
  return d.getTime();
}

function dueCondition(due: DueFilter, now: number): unknown {
  const at = (ms: number) => new Date(ms).toISOString();
  switch (due) {
    case "overdue": return { $lt: at(now) };
    case "today": return { $lte: at(endOfToday(now)) };
    case "week": return { $lte: at(now + 7 * DUE_SOON_MS) };
    case "none": return { $exists: false };
    default: return undefined;
  }
}

const SORTS: Record<SortId, SearchRequest["sort"]> = {
  due: [{ field: "dueDate", order: "ASC" }, { field: "priority", order: "DESC" }, { field: "creationDate", order: "ASC" }],
  priority: [{ field: "priority", order: "DESC" }, { field: "dueDate", order: "ASC" }, { field: "creationDate", order: "ASC" }],
  newest: [{ field: "creationDate", order: "DESC" }],
  oldest: [{ field: "creationDate", order: "ASC" }],
  name: [{ field: "name", order: "ASC" }, { field: "creationDate", order: "ASC" }],
};

/** The search of a view with the server-side filters applied. */
export function listRequest(view: ViewId, session: Session, filters: Filters, now = Date.now()): SearchRequest {
  const filter: Record<string, unknown> = { ...viewFilter(view, session) };
  if (filters.process) filter["processDefinitionId"] = filters.process;
  const due = dueCondition(filters.due, now);
  if (due) filter["dueDate"] = due;
  if (filters.priority > 0) filter["priority"] = { $gte: filters.priority };
  return { filter, sort: SORTS[filters.sort], page: { limit: LIST_LIMIT } };
}

const fold = (s: string) => s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();

/** Reference and text filters, applied to the loaded tasks. */
export function matchesLocally(task: Task, dossier: Dossier | undefined, filters: Filters): boolean {
  const reference = dossier?.dossierReference ?? "";
  if (filters.reference) {
    const wanted = fold(filters.reference.trim());
    if (!fold(reference).includes(wanted) && !task.processInstanceKey.includes(wanted)) return false;
  }
  if (filters.text) {
    const haystack = fold([task.name, task.elementId, task.processName, task.processDefinitionId, reference, dossier?.customerName, task.assignee, task.processInstanceKey, task.userTaskKey].filter(Boolean).join(" "));
    if (!fold(filters.text).trim().split(/\s+/).every((word) => haystack.includes(word))) return false;
  }
  return true;
}

export type PriorityLevel = "low" | "medium" | "high" | "critical";

/** Camunda's priority bands (0–100): 0–25 low, 26–50 medium, 51–75 high, 76–100 critical. */
export function priorityLevel(priority: number): PriorityLevel {
  if (priority > 75) return "critical";
  if (priority > 50) return "high";
  if (priority > 25) return "medium";
  return "low";
}

export type DueState = "overdue" | "soon" | "later" | "none";

export function dueState(dueDate: string | null, now = Date.now()): DueState {
  if (!dueDate) return "none";
  const due = Date.parse(dueDate);
  if (Number.isNaN(due)) return "none";
  if (due < now) return "overdue";
  return due - now <= DUE_SOON_MS ? "soon" : "later";
}
