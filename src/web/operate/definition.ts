/**
 * One process definition (a version): its diagram with, on each element, how many instances wait
 * there, how many are stuck in an incident, and how many passed (end events: how many ended
 * there); a table of the same counts; links to the other versions and to the instances.
 */
import { h } from "../shared/dom.js";
import { t } from "../shared/i18n.js";
import { showError } from "../shared/shell.js";
import { getElementCounts, getXml, searchDefinitions, type Definition, type ElementCounts } from "./data.js";
import { Diagram, type Badge } from "./diagram.js";
import { poll } from "./poll.js";
import { section, type View } from "./views.js";

function paint(diagram: Diagram, counts: ElementCounts[]): void {
  const markers = new Map<string, string[]>();
  const badges: Badge[] = [];
  for (const c of counts) {
    if (c.incidents) markers.set(c.elementId, ["op-incident"]);
    else if (c.active) markers.set(c.elementId, ["op-active"]);
    const waiting = c.active - c.incidents;
    if (waiting > 0) badges.push({ elementId: c.elementId, className: "active", text: String(waiting), title: t("op.badge.active", { count: waiting }), position: "bottom-left" });
    if (c.incidents) badges.push({ elementId: c.elementId, className: "incident", text: `⚠ ${c.incidents}`, title: t("op.badge.incidents", { count: c.incidents }), position: "bottom-right" });
    if (c.canceled) badges.push({ elementId: c.elementId, className: "canceled", text: String(c.canceled), title: t("op.badge.canceled", { count: c.canceled }), position: "top-left" });
    if (c.completed && isEndEvent(diagram, c.elementId)) badges.push({ elementId: c.elementId, className: "completed", text: String(c.completed), title: t("op.badge.completed", { count: c.completed }), position: "top-right" });
  }
  diagram.mark(markers);
  diagram.badges(badges);
}

/** Completed counts are shown on end events only (elsewhere they would crowd the diagram). */
function isEndEvent(diagram: Diagram, elementId: string): boolean {
  return diagram.typeOf(elementId) === "bpmn:EndEvent";
}

function table(counts: ElementCounts[]): HTMLElement {
  const rows = counts.filter((c) => c.active || c.incidents || c.completed || c.canceled).sort((a, b) => b.active - a.active || b.incidents - a.incidents || a.elementName.localeCompare(b.elementName));
  if (rows.length === 0) return h("p", { class: "muted" }, t("op.definition.noCounts"));
  return h("table", { class: "op-table", "data-testid": "element-counts" },
    h("thead", {}, h("tr", {}, h("th", {}, t("op.col.element")), h("th", { class: "num" }, t("op.col.active")), h("th", { class: "num" }, t("op.col.incidents")),
      h("th", { class: "num" }, t("op.col.completed")), h("th", { class: "num" }, t("op.col.terminated")))),
    h("tbody", {}, ...rows.map((c) => h("tr", { "data-element": c.elementId },
      h("td", {}, c.elementName), h("td", { class: "num" }, String(c.active - c.incidents)), h("td", { class: "num" }, String(c.incidents)),
      h("td", { class: "num" }, String(c.completed)), h("td", { class: "num" }, String(c.canceled))))));
}

export function definitionView(main: HTMLElement, key: string, go: (url: string) => void): View {
  const title = h("h1", {}, t("common.loading"));
  const versions = h("select", { name: "version", "aria-label": t("op.definition.versions") });
  versions.addEventListener("change", () => go(`/operate?diagram=${versions.value}`));
  const diagramBox = h("div", { class: "op-diagram" });
  const counts = h("div", {});
  main.append(
    h("p", {}, h("a", { href: "/operate?view=processes" }, t("op.backProcesses"))),
    h("div", { class: "op-header" }, title,
      h("p", { class: "op-meta" }, h("label", {}, t("op.definition.versions"), " ", versions), " · ",
        h("a", { href: `/operate?definition=${key}`, "data-testid": "definition-instances", onclick: (e: Event) => { e.preventDefault(); go(`/operate?definition=${key}`); } }, t("op.definition.instances")))),
    h("section", { class: "op-panel op-diagram-panel", "aria-label": "BPMN" }, diagramBox,
      h("div", { class: "op-diagram-foot" }, h("p", { class: "op-legend" }, h("span", { class: "l-active" }, t("op.legend.active")), h("span", { class: "l-incident" }, t("op.legend.incident")),
        h("span", { class: "l-done" }, t("op.legend.ended")), h("span", { class: "l-canceled" }, t("op.legend.canceled"))))),
    section(t("op.definition.counts"), "counts", counts),
  );
  const diagram = new Diagram(diagramBox);
  let loaded = false;
  let disposed = false;

  let failed = false;
  const refresh = async () => {
    try {
      await update();
      failed = false;
    } catch (error) {
      // One banner per outage, not one per poll.
      if (!failed) showError(error);
      failed = true;
    }
  };
  const update = async () => {
    if (!loaded) {
      const [xml, all] = await Promise.all([getXml(key), searchDefinitions()]);
      const self: Definition | undefined = all.find((d) => d.processDefinitionKey === key);
      if (self) {
        title.textContent = t("op.definition.title", { name: self.name ?? self.processDefinitionId, version: self.version });
        versions.replaceChildren(...all.filter((d) => d.processDefinitionId === self.processDefinitionId)
          .map((d) => h("option", { value: d.processDefinitionKey, selected: d.processDefinitionKey === key }, `v${d.version}${d.versionTag ? ` (${d.versionTag})` : ""}`)));
      }
      await diagram.load(xml);
      loaded = true;
    }
    const stats = await getElementCounts(key);
    if (disposed) return;
    paint(diagram, stats);
    counts.replaceChildren(table(stats));
  };
  const poller = poll(refresh, 5000);
  void poller.now();
  return { dispose: () => { disposed = true; poller.stop(); diagram.destroy(); } };
}
