/**
 * One process instance: its diagram (active elements, completed path, incidents), open incidents
 * with retry, the variables with their scope, modification, cancel, and the history timeline.
 * The audit log's last position is polled every 2 s while the tab is visible; when it moves, the
 * whole page is reloaded from the API — so a task completed elsewhere shows up without a reload.
 */
import { ApiProblem, type Session } from "../shared/api.js";
import { h } from "../shared/dom.js";
import { formatDate, lang, t } from "../shared/i18n.js";
import { showError } from "../shared/shell.js";
import { act, type InstanceContext, type InstanceData } from "./context.js";
import { cancelInstance, elementInstancesOf, getHistory, getInstance, getXml, incidentsOf, searchVariables } from "./data.js";
import { Diagram, type Badge } from "./diagram.js";
import { incidentsPanel } from "./incidents.js";
import { modifyPanel } from "./modify.js";
import { poll } from "./poll.js";
import { timeline } from "./timeline.js";
import { VariablesPanel } from "./variables.js";
import { section, stateBadge, type View } from "./views.js";

async function load(key: string): Promise<InstanceData> {
  const [instance, history, elements, incidents, variables] = await Promise.all([
    getInstance(key), getHistory(key), elementInstancesOf(key), incidentsOf(key), searchVariables({ processInstanceKey: key }),
  ]);
  return { instance, history, elements, incidents, variables };
}

/** Markers and badges of the diagram: one state class per element, taken flows, counts when several. */
function paint(diagram: Diagram, data: InstanceData): void {
  const state = new Map<string, { active: number; incidents: number; completed: number; terminated: number }>();
  for (const e of data.elements) {
    const s = state.get(e.elementId) ?? { active: 0, incidents: 0, completed: 0, terminated: 0 };
    if (e.state === "ACTIVE" && e.hasIncident) s.incidents++;
    else if (e.state === "ACTIVE") s.active++;
    else if (e.state === "COMPLETED") s.completed++;
    else s.terminated++;
    state.set(e.elementId, s);
  }
  const markers = new Map<string, string[]>();
  const badges: Badge[] = [];
  for (const [id, s] of state) {
    markers.set(id, [s.incidents ? "op-incident" : s.active ? "op-active" : s.completed ? "op-completed" : "op-terminated"]);
    if (s.active) badges.push({ elementId: id, className: "active", text: String(s.active), title: t("op.badge.active", { count: s.active }) });
    if (s.incidents) badges.push({ elementId: id, className: "incident", text: `⚠ ${s.incidents}`, title: t("op.badge.incidents", { count: s.incidents }) });
  }
  for (const f of data.history.takenFlows) markers.set(f.elementId, ["op-taken"]);
  diagram.mark(markers);
  diagram.badges(badges);
}

export function instanceView(main: HTMLElement, key: string, session: Session): View {
  const canOperate = session.permissions.includes("instances.operate");
  const canWork = session.permissions.includes("instances.work");
  const header = h("div", { class: "op-header" }, h("h1", {}, t("common.loading")));
  const diagramBox = h("div", { class: "op-diagram" });
  const legend = h("p", { class: "op-legend" },
    h("span", { class: "l-active" }, t("op.legend.active")), h("span", { class: "l-completed" }, t("op.legend.completed")),
    h("span", { class: "l-incident" }, t("op.legend.incident")), h("span", { class: "l-taken" }, t("op.legend.taken")));
  const incidents = h("div", {});
  const modify = h("div", {});
  const variables = new VariablesPanel();
  const history = h("div", { class: "op-history-box" });
  const showAll = h("input", { type: "checkbox", name: "showAll" });
  const stamp = h("span", { class: "muted small", "data-testid": "refreshed" });
  main.append(
    h("p", {}, h("a", { href: "/operate" }, t("op.back"))),
    header,
    h("section", { class: "op-panel op-diagram-panel", "aria-label": "BPMN" }, diagramBox, h("div", { class: "op-diagram-foot" }, legend, stamp)),
    h("div", { class: "op-columns" },
      h("div", {}, section(t("op.incidents.title"), "incidents", incidents), section(t("op.modify.title"), "modify", modify)),
      section(t("op.vars.title"), "variables", variables.element)),
    section(t("op.history.title"), "history", h("label", { class: "small" }, showAll, " ", t("op.history.all")), history),
  );
  const diagram = new Diagram(diagramBox);
  let selected: string | undefined;
  let lastSeen = -1;
  let data: InstanceData | undefined;
  let disposed = false;

  const ctx: InstanceContext = {
    key, diagram, canOperate, canWork,
    get data() { return data!; },
    refresh: () => refresh(true),
    select: (elementId) => {
      selected = elementId;
      diagram.select(elementId);
      const pick = modify.querySelector<HTMLSelectElement>("select[name=activate]");
      if (pick && [...pick.options].some((o) => o.value === (elementId ?? ""))) pick.value = elementId ?? "";
    },
    selected: () => selected,
  };
  diagram.onClick((id) => ctx.select(id));
  const drawHistory = () => data && history.replaceChildren(timeline(data.history.entries, showAll.checked, (id) => ctx.select(id)));
  showAll.addEventListener("change", drawHistory);

  const render = () => {
    const { instance } = data!;
    const cancel = canOperate && instance.state === "ACTIVE"
      ? h("button", { type: "button", class: "danger", "data-action": "cancel" }, t("op.instance.cancel")) : null;
    cancel?.addEventListener("click", () => {
      if (confirm(t("op.instance.cancelConfirm", { key }))) void act(ctx, cancel, () => cancelInstance(key), t("op.instance.canceled"));
    });
    header.replaceChildren(
      h("h1", {}, t("op.instance.title", { name: instance.processDefinitionName ?? instance.processDefinitionId, key })),
      h("p", { class: "op-meta" }, stateBadge(instance.state, instance.hasIncident), " ",
        h("a", { href: `/operate?diagram=${instance.processDefinitionKey}` }, t("op.instance.definition", { version: instance.processDefinitionVersion })), " · ",
        t("op.instance.started", { date: formatDate(instance.startDate) }),
        instance.endDate ? `, ${t("op.instance.ended", { date: formatDate(instance.endDate) })}` : ""),
      cancel ?? "",
      !canOperate ? h("p", { class: "muted small" }, t("op.readonly")) : "",
    );
    paint(diagram, data!);
    incidents.replaceChildren(...incidentsPanel(ctx));
    modify.replaceChildren(...modifyPanel(ctx));
    variables.update(ctx);
    drawHistory();
    stamp.textContent = t("op.refreshed", { time: new Date().toLocaleTimeString(lang() === "en" ? "en-GB" : "fr-FR") });
    main.dataset["position"] = String(data!.history.lastPosition);
  };

  /** Reloads when the audit log moved (or when forced after an action). */
  async function refresh(force = false): Promise<void> {
    if (!force && data) {
      const latest = await getHistory(key);
      if (latest.lastPosition === lastSeen) return;
    }
    const next = await load(key);
    if (disposed) return;
    const first = data === undefined;
    data = next;
    lastSeen = next.history.lastPosition;
    if (first) await diagram.load(await getXml(next.instance.processDefinitionKey));
    render();
  }

  const poller = poll(() => refresh(false), 2000);
  refresh(true).catch((error: unknown) => {
    if (error instanceof ApiProblem && error.status === 404) {
      poller.stop();
      header.replaceChildren(h("h1", {}, t("op.notFound", { key })));
    } else showError(error);
  });
  return { dispose: () => { disposed = true; poller.stop(); diagram.destroy(); } };
}
