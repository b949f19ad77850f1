/**
 * The deployed processes, every version, with how many instances run, are stuck in an incident,
 * ended or were canceled; each row opens the diagram with counts per element or the instances.
 */
import { h } from "../shared/dom.js";
import { t } from "../shared/i18n.js";
import { getDefinitionCounts, type DefinitionCounts } from "./data.js";
import { poll } from "./poll.js";
import { type View } from "./views.js";

function table(items: DefinitionCounts[]): HTMLElement {
  if (items.length === 0) return h("p", { class: "muted" }, t("op.processes.empty"));
  const search = (d: DefinitionCounts, state = "") => `/operate?definition=${d.processDefinitionKey}${state ? `&state=${state}` : ""}`;
  const count = (n: number, href: string, cls: string) => (n > 0 ? h("a", { href, class: `op-count ${cls}` }, String(n)) : h("span", { class: "muted" }, "0"));
  return h("table", { class: "op-table", "data-testid": "processes" },
    h("thead", {}, h("tr", {}, h("th", {}, t("op.col.process")), h("th", {}, t("op.col.version")), h("th", { class: "num" }, t("op.col.active")),
      h("th", { class: "num" }, t("op.col.incidents")), h("th", { class: "num" }, t("op.col.completed")), h("th", { class: "num" }, t("op.col.terminated")), h("th", {}))),
    h("tbody", {}, ...items.map((d) => h("tr", { "data-definition": d.processDefinitionKey, "data-process": d.processDefinitionId },
      h("td", {}, h("strong", {}, d.name ?? d.processDefinitionId), h("br"), h("span", { class: "muted mono small" }, d.processDefinitionId)),
      h("td", {}, `v${d.version}${d.versionTag ? ` (${d.versionTag})` : ""}`),
      h("td", { class: "num" }, count(d.active, search(d, "ACTIVE"), "active")),
      h("td", { class: "num" }, count(d.withIncident, search(d, "INCIDENT"), "incident")),
      h("td", { class: "num" }, count(d.completed, search(d, "COMPLETED"), "")),
      h("td", { class: "num" }, count(d.terminated, search(d, "TERMINATED"), "")),
      h("td", {}, h("a", { href: `/operate?diagram=${d.processDefinitionKey}` }, t("op.processes.open")))))));
}

export function processesView(main: HTMLElement): View {
  const box = h("div", {}, h("p", { class: "muted" }, t("common.loading")));
  main.append(h("h1", {}, t("op.processes.title")), box);
  const poller = poll(async () => { box.replaceChildren(table(await getDefinitionCounts())); }, 5000);
  void poller.now();
  return { dispose: () => poller.stop() };
}
