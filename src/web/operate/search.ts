/**
 * The instance search: process, version, state, a file reference (any variable's value, or one
 * named variable's), start date range. The criteria live in the address (?process=…&state=…), so a
 * search can be bookmarked, shared and reached with the back button; results refresh while visible.
 */
import { h } from "../shared/dom.js";
import { formatDate, t } from "../shared/i18n.js";
import { searchDefinitions, searchInstances, searchVariables, type Definition, type Instance } from "./data.js";
import { poll } from "./poll.js";
import { showValue, stateBadge, type View } from "./views.js";

const PAGE_SIZE = 50;
const STATES = ["", "ACTIVE", "INCIDENT", "COMPLETED", "TERMINATED"] as const;

/** `*` and `?` are wildcards of `$like`; a reference containing them is searched literally. */
const likeEscape = (text: string) => text.replace(/[\\*?]/g, (c) => `\\${c}`);

/** Local midnight of a yyyy-mm-dd date input, plus `days`, as ISO. */
function dayStart(value: string, days = 0): string {
  const [y, m, d] = value.split("-").map(Number);
  return new Date(y!, m! - 1, d! + days).toISOString();
}

interface Criteria {
  process: string; version: string; state: string; ref: string; refVar: string; from: string; to: string; definition: string; page: number;
}

function criteriaOf(params: URLSearchParams): Criteria {
  const get = (name: string) => params.get(name) ?? "";
  return {
    process: get("process"), version: get("version"), state: get("state"), ref: get("ref"), refVar: get("refVar"),
    from: get("from"), to: get("to"), definition: get("definition"), page: Math.max(0, Number(params.get("page") ?? 0) || 0),
  };
}

function toParams(c: Criteria): URLSearchParams {
  const out = new URLSearchParams();
  for (const [k, v] of Object.entries(c)) if (v !== "" && !(k === "page" && v === 0)) out.set(k, String(v));
  return out;
}

/** Runs the search; with a reference, matching variables first narrow the instances. */
async function run(c: Criteria): Promise<{ items: Instance[]; total: number; references: Map<string, string> }> {
  const filter: Record<string, unknown> = {};
  const references = new Map<string, string>();
  if (c.definition) filter["processDefinitionKey"] = c.definition;
  else {
    if (c.process) filter["processDefinitionId"] = c.process;
    if (c.process && c.version) filter["processDefinitionVersion"] = Number(c.version);
  }
  if (c.state === "INCIDENT") Object.assign(filter, { state: "ACTIVE", hasIncident: true });
  else if (c.state) filter["state"] = c.state;
  const range: Record<string, string> = {};
  if (c.from) range["$gte"] = dayStart(c.from);
  if (c.to) range["$lt"] = dayStart(c.to, 1);
  if (Object.keys(range).length) filter["startDate"] = range;
  if (c.ref.trim()) {
    const variables = await searchVariables({ ...(c.refVar.trim() ? { name: c.refVar.trim() } : {}), value: { $like: `*${likeEscape(c.ref.trim())}*` } });
    for (const v of variables) if (!references.has(v.processInstanceKey)) references.set(v.processInstanceKey, `${v.name} = ${showValue(v.value)}`);
    if (references.size === 0) return { items: [], total: 0, references };
    filter["processInstanceKey"] = { $in: [...references.keys()] };
  }
  const result = await searchInstances({ filter, sort: [{ field: "startDate", order: "DESC" }], page: { from: c.page * PAGE_SIZE, limit: PAGE_SIZE } });
  return { items: result.items, total: result.page.totalItems, references };
}

export function searchView(main: HTMLElement, params: URLSearchParams, go: (url: string) => void): View {
  const c = criteriaOf(params);
  let definitions: Definition[] = [];
  const process = h("select", { name: "process", "aria-label": t("op.search.process") }, h("option", { value: "" }, t("op.search.anyProcess")));
  const version = h("select", { name: "version", "aria-label": t("op.search.version") }, h("option", { value: "" }, t("op.search.anyVersion")));
  const state = h("select", { name: "state" }, ...STATES.map((s) => h("option", { value: s, selected: s === c.state }, t(`op.state.${s || "any"}`))));
  const ref = h("input", { name: "ref", type: "search", value: c.ref, placeholder: t("op.search.referenceHint"), size: 22 });
  const refVar = h("input", { name: "refVar", value: c.refVar, placeholder: t("op.search.anyVariable"), size: 14 });
  const from = h("input", { name: "from", type: "date", value: c.from });
  const to = h("input", { name: "to", type: "date", value: c.to });

  const fillVersions = () => {
    const current = c.version;
    version.replaceChildren(h("option", { value: "" }, t("op.search.anyVersion")),
      ...definitions.filter((d) => d.processDefinitionId === process.value).map((d) => h("option", { value: String(d.version), selected: String(d.version) === current }, `v${d.version}${d.versionTag ? ` (${d.versionTag})` : ""}`)));
    version.disabled = !process.value;
  };
  process.addEventListener("change", () => { c.version = ""; fillVersions(); });

  const submit = (event: Event) => {
    event.preventDefault();
    go(`/operate?${toParams({ process: process.value, version: version.value, state: state.value, ref: ref.value.trim(), refVar: refVar.value.trim(), from: from.value, to: to.value, definition: "", page: 0 })}`);
  };
  const definitionNote = h("p", { class: "op-note", hidden: !c.definition });
  const form = h("form", { class: "op-search", role: "search", onsubmit: submit },
    h("label", {}, t("op.search.process"), process),
    h("label", {}, t("op.search.version"), version),
    h("label", {}, t("op.search.state"), state),
    h("label", { class: "wide" }, t("op.search.reference"), ref),
    h("label", {}, t("op.search.variable"), refVar),
    h("label", {}, t("op.search.from"), from),
    h("label", {}, t("op.search.to"), to),
    h("div", { class: "actions" },
      h("button", { class: "primary", type: "submit" }, t("op.search.submit")),
      h("button", { type: "button", onclick: () => go("/operate") }, t("op.search.reset"))),
  );
  const summary = h("p", { class: "muted", "aria-live": "polite" }, t("common.loading"));
  const results = h("div", { class: "op-results" });
  main.append(h("h1", {}, t("op.search.title")), form, definitionNote, summary, results);

  void searchDefinitions().then((list) => {
    definitions = list;
    const ids = [...new Map(list.map((d) => [d.processDefinitionId, d.name ?? d.processDefinitionId])).entries()].sort((a, b) => a[1].localeCompare(b[1]));
    process.append(...ids.map(([id, name]) => h("option", { value: id, selected: id === c.process }, name)));
    fillVersions();
    const definition = list.find((d) => d.processDefinitionKey === c.definition);
    if (definition) {
      definitionNote.replaceChildren(t("op.search.definitionFilter", { version: definition.version, name: definition.name ?? definition.processDefinitionId }), " · ",
        h("a", { href: `/operate?${toParams({ ...c, definition: "", process: definition.processDefinitionId, page: 0 })}` }, t("op.search.clearDefinition")));
    }
  });

  const render = (found: Awaited<ReturnType<typeof run>>) => {
    const first = c.page * PAGE_SIZE;
    summary.textContent = found.total === 0 ? t("op.search.empty")
      : `${t("op.search.results", { count: found.total })} · ${t("op.search.page", { from: first + 1, to: first + found.items.length, total: found.total })}`;
    if (found.items.length === 0) return results.replaceChildren();
    const withRef = found.references.size > 0;
    const table = h("table", { class: "op-table", "data-testid": "instances" },
      h("thead", {}, h("tr", {}, h("th", {}, t("op.col.key")), h("th", {}, t("op.col.process")), h("th", {}, t("op.col.version")),
        withRef && h("th", {}, t("op.col.reference")), h("th", {}, t("op.col.state")), h("th", {}, t("op.col.start")), h("th", {}, t("op.col.end")))),
      h("tbody", {}, ...found.items.map((i) => h("tr", { "data-key": i.processInstanceKey },
        h("td", {}, h("a", { href: `/operate?instance=${i.processInstanceKey}`, class: "mono" }, i.processInstanceKey)),
        h("td", {}, i.processDefinitionName ?? i.processDefinitionId),
        h("td", {}, h("a", { href: `/operate?diagram=${i.processDefinitionKey}`, title: t("op.processes.open") }, `v${i.processDefinitionVersion}`)),
        withRef && h("td", { class: "mono" }, found.references.get(i.processInstanceKey) ?? ""),
        h("td", {}, stateBadge(i.state, i.hasIncident)),
        h("td", {}, formatDate(i.startDate)),
        h("td", {}, formatDate(i.endDate))))),
    );
    const pager = h("div", { class: "op-pager" },
      h("button", { type: "button", disabled: c.page === 0, onclick: () => go(`/operate?${toParams({ ...c, page: c.page - 1 })}`) }, t("op.search.prev")),
      h("button", { type: "button", disabled: first + found.items.length >= found.total, onclick: () => go(`/operate?${toParams({ ...c, page: c.page + 1 })}`) }, t("op.search.next")));
    results.replaceChildren(table, found.total > PAGE_SIZE ? pager : "");
  };

  const refresh = async () => {
    try {
      render(await run(c));
      summary.classList.remove("error");
    } catch (error) {
      summary.textContent = (error as Error).message;
      summary.classList.add("error");
    }
  };
  const poller = poll(refresh, 5000);
  void poller.now();
  return { dispose: () => poller.stop() };
}
