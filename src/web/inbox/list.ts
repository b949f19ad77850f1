/**
 * The left pane: view tabs with counts, the filter bar and the task list. Rows are links to
 * `#task=<key>` so Tab reaches them, Enter opens them and the browser's Back returns to the list;
 * ↑/↓ move between rows.
 */
import { h } from "../shared/dom.js";
import { formatDate, t } from "../shared/i18n.js";
import type { Dossier, ProcessOption, Task } from "./tasks.js";
import { dueState, priorityLevel, type DueFilter, type Filters, type SortId, type ViewId } from "./views.js";

export function renderTabs(views: ViewId[], active: ViewId, counts: Partial<Record<ViewId, number>>, onSelect: (view: ViewId) => void): HTMLElement {
  const tabs = views.map((view) => {
    const selected = view === active;
    return h("button", {
      type: "button", role: "tab", id: `tab-${view}`, class: "tab", "data-view": view, "aria-selected": String(selected),
      "aria-controls": "task-list", tabindex: selected ? "0" : "-1", title: t(`inbox.view.${view}.hint`), onclick: () => onSelect(view),
    }, t(`inbox.view.${view}`), " ", h("span", { class: "count", "data-testid": `count-${view}` }, counts[view] === undefined ? "…" : String(counts[view])));
  });
  const list = h("div", { class: "tabs", role: "tablist", "aria-label": t("inbox.title") }, ...tabs);
  // Arrow keys move between tabs (the WAI-ARIA tabs pattern); Tab leaves the tab list.
  list.addEventListener("keydown", (event: KeyboardEvent) => {
    const index = views.indexOf(active);
    const next = event.key === "ArrowRight" ? index + 1 : event.key === "ArrowLeft" ? index - 1 : -2;
    if (next === -2) return;
    event.preventDefault();
    const view = views[(next + views.length) % views.length]!;
    onSelect(view);
  });
  return list;
}

function select<T extends string | number>(name: string, label: string, value: T, options: Array<[T, string]>, onChange: (value: string) => void): HTMLElement {
  const el = h("select", { name, onchange: (e: Event) => onChange((e.target as HTMLSelectElement).value) },
    ...options.map(([v, text]) => h("option", { value: String(v), selected: v === value }, text)));
  return h("label", { class: "field" }, h("span", {}, label), el);
}

export function filtersActive(filters: Filters): boolean {
  return Boolean(filters.text || filters.process || filters.reference || filters.due || filters.priority);
}

export function renderFilters(filters: Filters, processes: ProcessOption[], onChange: (patch: Partial<Filters>) => void): HTMLElement {
  let timer: number | undefined;
  const typed = (field: "text" | "reference") => (e: Event) => {
    const value = (e.target as HTMLInputElement).value;
    window.clearTimeout(timer);
    timer = window.setTimeout(() => onChange({ [field]: value }), 200);
  };
  const dues: Array<[DueFilter, string]> = [["", t("inbox.filter.due.all")], ["overdue", t("inbox.filter.due.overdue")], ["today", t("inbox.filter.due.today")], ["week", t("inbox.filter.due.week")], ["none", t("inbox.filter.due.none")]];
  const priorities: Array<[number, string]> = [[0, t("inbox.filter.priority.all")], [26, t("inbox.filter.priority.medium")], [51, t("inbox.filter.priority.high")], [76, t("inbox.filter.priority.critical")]];
  const sorts: Array<[SortId, string]> = [["due", t("inbox.sort.due")], ["priority", t("inbox.sort.priority")], ["newest", t("inbox.sort.newest")], ["oldest", t("inbox.sort.oldest")], ["name", t("inbox.sort.name")]];
  return h("form", { class: "filters", role: "search", "aria-label": t("inbox.filters"), onsubmit: (e: Event) => e.preventDefault() },
    h("label", { class: "field wide" }, h("span", {}, t("inbox.filter.text")),
      h("input", { type: "search", name: "text", value: filters.text, placeholder: t("inbox.filter.text.placeholder"), oninput: typed("text") })),
    select("process", t("inbox.filter.process"), filters.process, [["", t("inbox.filter.process.all")], ...processes.map((p): [string, string] => [p.processDefinitionId, p.name])], (v) => onChange({ process: v })),
    h("label", { class: "field" }, h("span", {}, t("inbox.filter.reference")),
      h("input", { type: "search", name: "reference", value: filters.reference, placeholder: t("inbox.filter.reference.placeholder"), oninput: typed("reference") })),
    select("due", t("inbox.filter.due"), filters.due, dues, (v) => onChange({ due: v as DueFilter })),
    select("priority", t("inbox.filter.priority"), filters.priority, priorities, (v) => onChange({ priority: Number(v) })),
    select("sort", t("inbox.sort"), filters.sort, sorts, (v) => onChange({ sort: v as SortId })),
    h("button", { type: "button", class: "link reset", hidden: !filtersActive(filters), onclick: () => onChange({ text: "", process: "", reference: "", due: "", priority: 0 }) }, t("inbox.filter.reset")),
  );
}

export function dueBadge(dueDate: string | null, now = Date.now()): HTMLElement | null {
  const state = dueState(dueDate, now);
  if (state === "none") return null;
  const date = formatDate(dueDate);
  const text = state === "overdue" ? t("inbox.due.overdue", { date }) : state === "soon" ? t("inbox.due.soon", { date }) : t("inbox.due.on", { date });
  return h("span", { class: `badge due due-${state}`, "data-due": state }, text);
}

export function priorityBadge(priority: number): HTMLElement {
  const level = priorityLevel(priority);
  return h("span", { class: `badge priority priority-${level}`, title: String(priority) }, t(`inbox.priority.${level}`));
}

export function assigneeText(task: Task, me: string): string {
  if (!task.assignee) return task.candidateGroups.length ? t("inbox.groups", { groups: task.candidateGroups.join(", ") }) : t("inbox.assignee.none");
  return t("inbox.assignee", { name: task.assignee === me ? t("inbox.assignee.me") : task.assignee });
}

export interface ListModel {
  tasks: Task[];
  dossiers: Map<string, Dossier>;
  selectedKey: string | null;
  fresh: Set<string>;
  me: string;
}

function row(task: Task, model: ListModel, now: number): HTMLElement {
  const dossier = model.dossiers.get(task.processInstanceKey);
  const state = dueState(task.dueDate, now);
  const selected = task.userTaskKey === model.selectedKey;
  return h("li", { class: `task-item due-${state}${selected ? " selected" : ""}${model.fresh.has(task.userTaskKey) ? " fresh" : ""}` },
    h("a", { href: `#task=${task.userTaskKey}`, class: "task-row", "data-key": task.userTaskKey, "data-element": task.elementId, "aria-current": selected ? "true" : null },
      h("span", { class: "task-name" }, task.name ?? task.elementId),
      h("span", { class: "task-process muted" }, task.processName ?? task.processDefinitionId, " · ",
        h("span", { class: "task-ref" }, dossier?.dossierReference ?? `#${task.processInstanceKey}`),
        dossier?.customerName ? ` · ${dossier.customerName}` : ""),
      h("span", { class: "task-meta" }, priorityBadge(task.priority), dueBadge(task.dueDate, now),
        h("span", { class: "muted assignee" }, assigneeText(task, model.me))),
    ));
}

export function renderTaskList(model: ListModel, emptyText: string, now = Date.now()): HTMLElement {
  if (model.tasks.length === 0) return h("p", { class: "empty muted", id: "task-list" }, emptyText);
  const list = h("ul", { class: "task-list", id: "task-list", "aria-label": t("inbox.list.label") }, ...model.tasks.map((task) => row(task, model, now)));
  list.addEventListener("keydown", (event: KeyboardEvent) => {
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    const rows = [...list.querySelectorAll<HTMLElement>("a.task-row")];
    const index = rows.indexOf(document.activeElement as HTMLElement);
    if (index < 0) return;
    event.preventDefault();
    rows[Math.max(0, Math.min(rows.length - 1, index + (event.key === "ArrowDown" ? 1 : -1)))]!.focus();
  });
  return list;
}
