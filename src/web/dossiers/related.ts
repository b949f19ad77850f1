/** The sections about what runs on a dossier: open tasks, child dossiers, processes. */
import type { Session } from "../shared/api.js";
import { h } from "../shared/dom.js";
import { formatDate, t } from "../shared/i18n.js";
import { documents, getDossier, type Dossier } from "./data.js";
import { section, stateBadge } from "./widgets.js";

/** The inbox opens a task from its hash (`/inbox#task=<key>`). */
export const inboxLink = (key: string) => `/inbox#task=${encodeURIComponent(key)}`;
export const operateLink = (key: string) => `/operate?instance=${encodeURIComponent(key)}`;

export function tasksSection(d: Dossier): HTMLElement {
  const tasks = d.tasks ?? [];
  return section("tasks", `${t("dossiers.tasks")} (${tasks.length})`,
    tasks.length === 0 ? h("p", { class: "muted" }, t("dossiers.tasks.none")) : h("ul", { class: "items", "data-testid": "tasks" },
      ...tasks.map((task) => h("li", { "data-task": task.userTaskKey },
        h("div", {}, h("strong", {}, task.name ?? task.userTaskKey),
          h("span", { class: "muted" }, " · ", task.assignee ? t("dossiers.tasks.heldBy", { name: task.assignee })
            : t("dossiers.tasks.offered", { groups: (task.candidateGroups ?? []).join(", ") || "—" }),
          task.dueDate ? ` · ${t("dossiers.tasks.due", { date: formatDate(task.dueDate) })}` : "")),
        h("a", { href: inboxLink(task.userTaskKey), class: "button small", "data-action": "open-task" }, t("dossiers.tasks.open"))))));
}

/** Child dossiers (a customer's contracts): state, and, fetched per child, documents and work in progress. */
export function childrenSection(d: Dossier, _session: Session): HTMLElement {
  const children = d.children ?? [];
  if (!children.length) return h("span", { hidden: true });
  const section_ = section("children", `${t("dossiers.children")} (${children.length})`,
    h("ul", { class: "items", "data-testid": "children" },
      ...children.map((c) => {
        const details = h("div", { class: "muted small child-details", "data-child": c.reference }, c.typeName ?? c.type);
        void childDetails(c.reference, details, c.typeName ?? c.type);
        return h("li", {},
          h("div", {}, h("a", { href: `/dossiers/${encodeURIComponent(c.reference)}`, class: "ref" }, c.reference), " ", c.title, " ",
            stateBadge(c.state, c.stateLabel ?? c.state)),
          details);
      })));
  return section_;
}

/** "Contrat · 2 document(s) · 1 tâche(s) en cours (Préparer le contrat) · 1 action(s) en cours". */
async function childDetails(reference: string, host: HTMLElement, typeName: string): Promise<void> {
  try {
    const [child, docs] = await Promise.all([getDossier(reference), documents(reference)]);
    const tasks = child.tasks ?? [];
    const running = (child.processes ?? []).filter((p) => !p.endDate).length;
    host.textContent = [typeName, t("dossiers.children.documents", { count: docs.length }),
      t("dossiers.children.tasks", { count: tasks.length }) + (tasks.length ? ` (${tasks.map((x) => x.name ?? x.userTaskKey).join(", ")})` : ""),
      t("dossiers.children.processes", { count: running })].join(" · ");
  } catch {
    // the child's details are a bonus; its line stays
  }
}

export function processesSection(d: Dossier, session: Session): HTMLElement {
  const canOperate = session.permissions.includes("instances.read");
  const processes = [...(d.processes ?? [])].sort((a, b) => (a.endDate ? 1 : 0) - (b.endDate ? 1 : 0) || b.startDate.localeCompare(a.startDate));
  return section("processes", `${t("dossiers.processes")} (${processes.length})`,
    processes.length === 0 ? h("p", { class: "muted" }, t("dossiers.processes.none")) : h("ul", { class: "items", "data-testid": "processes" },
      ...processes.map((p) => {
        const running = p.state === "ACTIVE" || !p.endDate;
        return h("li", { "data-process": p.processInstanceKey, "data-kind": p.kind },
          h("div", {}, h("strong", {}, p.name ?? p.bpmnProcessId), " ",
            h("span", { class: `badge ${running ? "running" : "finished"}` }, running ? t("dossiers.processes.running") : t(`dossiers.processes.${String(p.state).toLowerCase()}`) === `dossiers.processes.${String(p.state).toLowerCase()}` ? t("dossiers.processes.finished") : t(`dossiers.processes.${String(p.state).toLowerCase()}`)),
            h("div", { class: "muted small" }, t(`dossiers.processes.kind.${p.kind}`), " · ", formatDate(p.startDate), p.endDate ? ` → ${formatDate(p.endDate)}` : "")),
          canOperate ? h("a", { href: operateLink(p.processInstanceKey), class: "button small", "data-action": "operate" }, t("dossiers.processes.open")) : null);
      })));
}
