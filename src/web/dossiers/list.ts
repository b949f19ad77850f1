/**
 * /dossiers: type tabs, the saved views of the type, filters (text, state, owner, sector, any field
 * of the type), columns chosen per view, sort by clicking a header, server-side paging, CSV/XLSX
 * export of the same list. The list's state lives in the URL, so a list can be bookmarked or shared.
 */
import type { Session } from "../shared/api.js";
import { h } from "../shared/dom.js";
import { formatDate, lang, t } from "../shared/i18n.js";
import { showError } from "../shared/shell.js";
import { deleteView, dossierMeta, dossierTypes, getParty, label, listDossiers, saveView, views, type DossierSummary, type SavedView, type TypeDefinition } from "./data.js";
import { formatValue } from "./fields.js";
import { closeOnOutside, fill, stateBadge } from "./widgets.js";

const PAGE_SIZE = 25;
const BASE_COLUMNS = ["reference", "title", "type", "state", "customer", "owner", "sector", "createdAt", "updatedAt"] as const;
const DEFAULT_COLUMNS = ["reference", "title", "type", "state", "customer", "owner", "updatedAt"];
const SORTABLE = new Set(["reference", "title", "state", "createdAt", "updatedAt"]);

interface ListState {
  type: string;
  view: string;
  q: string;
  state: string;
  owner: string;
  sector: string;
  /** A party id (the global search's "see their files"). */
  party: string;
  /** `f.<field>[.<op>]` → value, as the API takes them (`f.montant.gte`: "1000"). */
  fields: Record<string, string>;
  columns: string[];
  sort: string;
  page: number;
}

function fromUrl(): ListState {
  const p = new URLSearchParams(location.search);
  const fields: Record<string, string> = {};
  for (const [k, v] of p) if (k.startsWith("f.")) fields[k] = v;
  return {
    type: p.get("type") ?? "", view: p.get("view") ?? "", q: p.get("q") ?? "", state: p.get("state") ?? "",
    owner: p.get("owner") ?? "", sector: p.get("sector") ?? "", party: p.get("party") ?? "", fields,
    columns: p.get("columns")?.split(",").filter(Boolean) ?? [...DEFAULT_COLUMNS],
    sort: p.get("sort") ?? "-updatedAt", page: Math.max(1, Number(p.get("page") ?? 1) || 1),
  };
}

/** The API query of a list state (filters, sort, page). */
function query(s: ListState, withPage = true): URLSearchParams {
  const q = new URLSearchParams();
  for (const key of ["type", "q", "state", "owner", "sector", "party"] as const) if (s[key]) q.set(key, s[key]);
  for (const [k, v] of Object.entries(s.fields)) q.append(k, v);
  if (s.sort) q.set("sort", s.sort);
  if (withPage) { q.set("page", String(s.page)); q.set("pageSize", String(PAGE_SIZE)); }
  return q;
}

/** The query as sent and as kept in the address. */
function queryString(q: URLSearchParams): string {
  return q.toString();
}

const OPS: Record<string, string> = { eq: "=", ne: "≠", gt: ">", gte: "≥", lt: "<", lte: "≤", contains: "∋" };

export class DossierList {
  private state = fromUrl();
  private types: TypeDefinition[] = [];
  private saved: SavedView[] = [];
  private sectors: Array<{ id: string; name: string }> = [];
  private generation = 0;
  private readonly tabs = h("div", { class: "tabs", role: "tablist", "aria-label": t("dossiers.types") });
  private readonly viewsBar = h("div", { class: "views-bar" });
  private readonly filters = h("form", { class: "dossier-filters", role: "search", onsubmit: (e: Event) => e.preventDefault() });
  private readonly status = h("p", { class: "list-status muted", role: "status", "aria-live": "polite" });
  private readonly table = h("div", { class: "table-host" });
  private readonly pager = h("nav", { class: "pager", "aria-label": t("dossiers.pager") });
  private readonly exports = h("span", { class: "exports" });

  constructor(private readonly session: Session, private readonly main: HTMLElement) {}

  async start(): Promise<void> {
    const canWrite = this.session.permissions.includes("dossiers.write");
    this.main.replaceChildren(h("div", { class: "dossier-list" },
      h("div", { class: "list-head" },
        h("h1", {}, t("dossiers.title")),
        this.exports,
        canWrite ? h("a", { class: "button primary", href: "/dossiers/new", "data-action": "new" }, t("dossiers.new")) : null),
      this.tabs, this.viewsBar, this.filters, this.status, this.table, this.pager));
    const [types, saved, meta] = await Promise.all([dossierTypes(), views().catch(() => []), dossierMeta().catch(() => null)]);
    this.types = types;
    this.saved = saved;
    this.sectors = meta?.sectors ?? [];
    if (this.state.view) this.applyView(this.saved.find((v) => String(v.id) === this.state.view), false);
    this.renderAll();
    window.addEventListener("popstate", () => { this.state = fromUrl(); this.renderAll(); });
  }

  private get type(): TypeDefinition | undefined {
    return this.types.find((x) => x.id === this.state.type);
  }

  private renderAll(): void {
    this.renderTabs();
    this.renderViews();
    this.renderFilters();
    void this.load();
  }

  private set(patch: Partial<ListState>, rerender: "all" | "filters" | "none" = "none"): void {
    this.state = { ...this.state, page: 1, ...patch };
    const q = query(this.state, false);
    if (this.state.view) q.set("view", this.state.view);
    if (this.state.page > 1) q.set("page", String(this.state.page));
    if (this.state.columns.join(",") !== DEFAULT_COLUMNS.join(",")) q.set("columns", this.state.columns.join(","));
    history.replaceState(null, "", `/dossiers${[...q].length ? `?${queryString(q)}` : ""}`);
    if (rerender === "all") this.renderAll();
    else { if (rerender === "filters") { this.renderViews(); this.renderFilters(); } void this.load(); }
  }

  private renderTabs(): void {
    const tab = (id: string, text: string) => h("button", {
      type: "button", role: "tab", class: "tab", "data-type": id || "all", "aria-selected": String(this.state.type === id), tabindex: this.state.type === id ? "0" : "-1",
      onclick: () => this.set({ type: id, view: "", fields: {}, state: "", columns: this.state.columns.filter((c) => !c.startsWith("data.")) }, "all"),
    }, text);
    this.tabs.replaceChildren(tab("", t("dossiers.allTypes")), ...this.types.map((x) => tab(x.id, label(x.name, x.id))));
    this.tabs.onkeydown = (e: KeyboardEvent) => {
      if (e.key !== "ArrowRight" && e.key !== "ArrowLeft") return;
      const all = [...this.tabs.querySelectorAll<HTMLButtonElement>("button")];
      const i = all.indexOf(document.activeElement as HTMLButtonElement);
      const next = all[(i + (e.key === "ArrowRight" ? 1 : all.length - 1)) % all.length];
      next?.focus();
      next?.click();
    };
  }

  private renderViews(): void {
    const mine = this.saved.filter((v) => (v.type ?? "") === this.state.type);
    const select = h("select", { name: "view", "aria-label": t("dossiers.views"), onchange: () => {
      const view = mine.find((v) => String(v.id) === select.value);
      if (view) this.applyView(view, true); else this.set({ view: "" }, "filters");
    } }, h("option", { value: "" }, t("dossiers.views.none")),
    ...mine.map((v) => h("option", { value: String(v.id), selected: String(v.id) === this.state.view }, v.name + (v.shared ? ` (${t("dossiers.views.shared")})` : ""))));
    const name = h("input", { name: "viewName", placeholder: t("dossiers.views.name"), "aria-label": t("dossiers.views.name"), hidden: true });
    const shared = h("label", { class: "check", hidden: true }, h("input", { type: "checkbox", name: "viewShared" }), " ", t("dossiers.views.share"));
    const save = h("button", { type: "button", "data-action": "save-view", onclick: async () => {
      if (name.hidden) { name.hidden = false; shared.hidden = false; name.focus(); return; }
      if (!name.value.trim()) return name.focus();
      try {
        const created = await saveView({ name: name.value.trim(), type: this.state.type || null, filters: this.filterMap(), columns: this.state.columns, sort: this.state.sort,
          shared: (shared.querySelector("input") as HTMLInputElement).checked });
        this.saved.push(created);
        this.set({ view: String(created.id) }, "filters");
      } catch (e) { showError(e); }
    } }, t("dossiers.views.save"));
    const current = mine.find((v) => String(v.id) === this.state.view);
    const remove = current ? h("button", { type: "button", class: "link", "data-action": "delete-view", onclick: async () => {
      if (!confirm(t("dossiers.views.confirmDelete", { name: current.name }))) return;
      try {
        await deleteView(current.id);
        this.saved = this.saved.filter((v) => v !== current);
        this.set({ view: "" }, "filters");
      } catch (e) { showError(e); }
    } }, t("dossiers.views.delete")) : null;
    fill(this.viewsBar, h("span", { class: "muted" }, t("dossiers.views")), select, name, shared, save, remove, this.columnsPicker());
  }

  /** The filters of a saved view, as stored (the API query's parameter names). */
  private filterMap(): Record<string, string> {
    const out: Record<string, string> = { ...this.state.fields };
    for (const key of ["q", "state", "owner", "sector", "party"] as const) if (this.state[key]) out[key] = this.state[key];
    return out;
  }

  private applyView(view: SavedView | undefined, load: boolean): void {
    if (!view) return;
    const f = view.filters ?? {};
    const fields: Record<string, string> = {};
    for (const [k, v] of Object.entries(f)) if (k.startsWith("f.")) fields[k] = v;
    const patch: Partial<ListState> = { view: String(view.id), type: view.type ?? "", q: f["q"] ?? "", state: f["state"] ?? "", owner: f["owner"] ?? "", sector: f["sector"] ?? "", party: f["party"] ?? "",
      fields, columns: view.columns?.length ? view.columns : [...DEFAULT_COLUMNS], sort: view.sort || "-updatedAt" };
    if (load) this.set(patch, "all"); else this.state = { ...this.state, ...patch };
  }

  private columnsPicker(): HTMLElement {
    const all = [...BASE_COLUMNS, ...(this.type?.fields ?? []).map((f) => `data.${f.id}`)];
    return closeOnOutside(h("details", { class: "columns-picker" },
      h("summary", {}, t("dossiers.columns")),
      h("fieldset", {}, h("legend", { class: "visually-hidden" }, t("dossiers.columns")),
        ...all.map((c) => h("label", { class: "check" }, h("input", { type: "checkbox", value: c, checked: this.state.columns.includes(c), onchange: (e: Event) => {
          const on = (e.target as HTMLInputElement).checked;
          const columns = on ? all.filter((x) => x === c || this.state.columns.includes(x)) : this.state.columns.filter((x) => x !== c);
          this.set({ columns, page: this.state.page });
        } }), " ", this.columnLabel(c))))));
  }

  private columnLabel(column: string): string {
    if (column.startsWith("data.")) {
      const field = this.type?.fields.find((f) => f.id === column.slice(5));
      return label(field?.label, column.slice(5));
    }
    return t(`dossiers.col.${column}`);
  }

  private renderFilters(): void {
    let timer = 0;
    const text = h("input", { name: "q", type: "search", value: this.state.q, placeholder: t("dossiers.filter.text.placeholder"), autocomplete: "off",
      oninput: () => { window.clearTimeout(timer); timer = window.setTimeout(() => this.set({ q: text.value.trim() }), 300); } });
    const states = this.type ? this.type.states : uniqueStates(this.types);
    const state = h("select", { name: "state", onchange: () => this.set({ state: state.value }) },
      h("option", { value: "" }, t("dossiers.filter.all")),
      ...states.map((s) => h("option", { value: s.id, selected: s.id === this.state.state }, label(s.label, s.id))));
    const owner = h("input", { name: "owner", value: this.state.owner, placeholder: t("dossiers.filter.owner.placeholder"), autocomplete: "off",
      onchange: () => this.set({ owner: owner.value.trim() }) });
    const mineButton = h("button", { type: "button", class: "link", onclick: () => { owner.value = this.session.username; this.set({ owner: this.session.username }); } }, t("dossiers.filter.mine"));
    const sector = h("select", { name: "sector", onchange: () => this.set({ sector: sector.value }) },
      h("option", { value: "" }, t("dossiers.filter.all")),
      ...this.sectors.map((s) => h("option", { value: s.id, selected: s.id === this.state.sector }, s.name)));
    const field = (labelText: string, control: HTMLElement, extra?: HTMLElement) =>
      h("label", { class: "field" }, h("span", {}, labelText), extra ? h("span", { class: "row nowrap" }, control, extra) : control);
    fill(this.filters, 
      field(t("dossiers.filter.text"), text),
      field(t("dossiers.filter.state"), state),
      field(t("dossiers.filter.owner"), owner, mineButton),
      this.sectors.length ? field(t("dossiers.filter.sector"), sector) : null,
      this.type ? this.fieldFilter(this.type) : null,
      h("div", { class: "chips" }, this.state.party ? this.partyChip() : null, ...Object.entries(this.state.fields).map(([k, v]) => {
        const m = /^f\.([\w-]+)(?:\.(\w+))?$/.exec(k);
        const f = this.type?.fields.find((x) => x.id === m?.[1]);
        const op = m?.[2] ?? "eq";
        const shown = op === "empty" ? "" : ` ${f ? formatValue(f, f.type === "amount" || f.type === "number" ? Number(v) : f.type === "boolean" ? v === "true" : v) : v}`;
        const text = `${label(f?.label, m?.[1] ?? k)} ${op === "empty" ? (v === "true" ? t("dossiers.op.empty") : t("dossiers.op.filled")) : OPS[op] ?? op}${shown}`;
        return h("span", { class: "chip" }, text, h("button", { type: "button", class: "link", "aria-label": t("dossiers.filter.remove", { name: text }), onclick: () => {
          const fields = { ...this.state.fields };
          delete fields[k];
          this.set({ fields }, "filters");
        } }, "×"));
      })),
    );
  }

  /** The party the list is narrowed to, by name once known. */
  private partyChip(): HTMLElement {
    const name = h("span", {}, `${t("dossiers.filter.party")} #${this.state.party}`);
    void getParty(this.state.party).then((p) => (name.textContent = `${t("dossiers.filter.party")} : ${p.name}`), () => undefined);
    return h("span", { class: "chip", "data-testid": "party-chip" }, name,
      h("button", { type: "button", class: "link", "aria-label": t("dossiers.filter.remove", { name: t("dossiers.filter.party") }), onclick: () => this.set({ party: "" }, "filters") }, "×"));
  }

  /** Any field of the type: field, operator (ranges for numbers and dates), value. */
  private fieldFilter(type: TypeDefinition): HTMLElement {
    const which = h("select", { name: "filterField", "aria-label": t("dossiers.filter.field") },
      ...type.fields.map((f) => h("option", { value: f.id }, label(f.label, f.id))));
    const op = h("select", { name: "filterOp", "aria-label": t("dossiers.filter.op") });
    const valueHost = h("span", { class: "filter-value" });
    const sync = () => {
      const f = type.fields.find((x) => x.id === which.value);
      // The API's operators (docs/api-dossiers.md): eq ne gt gte lt lte contains empty.
      const ranged = f && ["number", "amount", "date"].includes(f.type);
      const texty = f && ["text", "longText", "email", "phone"].includes(f.type);
      const ops = ["eq", "ne", ...(ranged ? ["gte", "lte", "gt", "lt"] : []), ...(texty ? ["contains"] : []), "empty", "filled"];
      op.replaceChildren(...ops.map((o) => h("option", { value: o }, o === "empty" ? t("dossiers.op.empty") : o === "filled" ? t("dossiers.op.filled") : `${OPS[o]} (${t(`dossiers.op.${o}`)})`)));
      op.onchange = () => { valueHost.hidden = op.value === "empty" || op.value === "filled"; };
      valueHost.hidden = false;
      const input = f?.type === "choice" || f?.type === "multiChoice"
        ? h("select", { name: "filterValue", "aria-label": t("dossiers.filter.value") }, ...(f.options ?? []).map((o) => h("option", { value: o.value }, label(o.label, o.value))))
        : f?.type === "boolean"
          ? h("select", { name: "filterValue", "aria-label": t("dossiers.filter.value") }, h("option", { value: "true" }, t("dossiers.yes")), h("option", { value: "false" }, t("dossiers.no")))
          : h("input", { name: "filterValue", "aria-label": t("dossiers.filter.value"), type: f?.type === "date" ? "date" : f && ["number", "amount"].includes(f.type) ? "number" : "text",
            onkeydown: (e: KeyboardEvent) => { if (e.key === "Enter") { e.preventDefault(); add(); } } });
      valueHost.replaceChildren(input);
    };
    const add = () => {
      const empty = op.value === "empty" || op.value === "filled";
      const value = empty ? String(op.value === "empty") : (valueHost.firstElementChild as HTMLInputElement | null)?.value.trim();
      if (!value) return;
      const key = `f.${which.value}${op.value === "eq" ? "" : `.${empty ? "empty" : op.value}`}`;
      this.set({ fields: { ...this.state.fields, [key]: value } }, "filters");
    };
    which.onchange = sync;
    sync();
    return h("div", { class: "field field-filter" }, h("span", {}, t("dossiers.filter.byField")),
      h("span", { class: "row" }, which, op, valueHost, h("button", { type: "button", "data-action": "add-filter", onclick: add }, t("dossiers.filter.add"))));
  }

  private async load(): Promise<void> {
    const generation = ++this.generation;
    const s = this.state;
    this.renderExports();
    this.status.textContent = t("common.loading");
    let page;
    try {
      page = await listDossiers(queryString(query(s)));
    } catch (e) {
      if (generation === this.generation) { this.status.textContent = ""; showError(e); }
      return;
    }
    if (generation !== this.generation) return;
    const pages = Math.max(1, Math.ceil(page.total / (page.pageSize || PAGE_SIZE)));
    const total = new Intl.NumberFormat(lang() === "fr" ? "fr-FR" : "en-GB").format(page.total);
    this.status.textContent = page.hasMoreTotalItems ? t("dossiers.list.countMore", { total }) : t("dossiers.list.count", { total });
    this.renderTable(page.items);
    this.pager.replaceChildren(
      h("button", { type: "button", disabled: s.page <= 1, "data-action": "prev", onclick: () => this.set({ page: s.page - 1 }) }, t("dossiers.pager.prev")),
      h("span", {}, t("dossiers.pager.page", { page: s.page, pages })),
      h("button", { type: "button", disabled: s.page >= pages, "data-action": "next", onclick: () => this.set({ page: s.page + 1 }) }, t("dossiers.pager.next")));
  }

  private renderExports(): void {
    const q = query(this.state, false);
    q.set("columns", this.state.columns.map((c) => (c === "customer" ? "customer" : c)).join(","));
    const link = (format: "csv" | "xlsx") => {
      const p = new URLSearchParams(q);
      p.set("format", format);
      return h("a", { class: "button", href: `/api/dossiers/export?${queryString(p)}`, download: "", "data-export": format }, t(`dossiers.export.${format}`));
    };
    this.exports.replaceChildren(link("csv"), link("xlsx"));
  }

  private renderTable(items: DossierSummary[]): void {
    const columns = this.state.columns.filter((c) => c !== "type" || !this.state.type);
    const sortKey = this.state.sort.replace(/^-/, "");
    const desc = this.state.sort.startsWith("-");
    const head = columns.map((c) => {
      const sortable = SORTABLE.has(c) || c.startsWith("data.");
      const current = sortKey === c;
      return h("th", { scope: "col", "aria-sort": current ? (desc ? "descending" : "ascending") : null, "data-col": c },
        sortable ? h("button", { type: "button", class: "sort", onclick: () => this.set({ sort: current && !desc ? `-${c}` : c, page: 1 }) },
          this.columnLabel(c), current ? (desc ? " ▼" : " ▲") : "") : this.columnLabel(c));
    });
    if (items.length === 0) {
      this.table.replaceChildren(h("p", { class: "empty muted" }, t("dossiers.list.empty")));
      return;
    }
    this.table.replaceChildren(h("table", { class: "dossiers", "data-testid": "dossier-table" },
      h("thead", {}, h("tr", {}, ...head)),
      h("tbody", {}, ...items.map((d) => h("tr", { "data-reference": d.reference }, ...columns.map((c) => h("td", { "data-col": c }, this.cell(d, c))))))));
  }

  private cell(d: DossierSummary, column: string): Node | string {
    const href = `/dossiers/${encodeURIComponent(d.reference)}`;
    switch (column) {
      case "reference": return h("a", { href, class: "ref" }, d.reference);
      case "title": return h("a", { href }, d.title);
      case "type": return d.typeName ?? label(this.types.find((x) => x.id === d.type)?.name, d.type);
      case "state": return stateBadge(d.state, d.stateLabel ?? label(this.types.find((x) => x.id === d.type)?.states.find((s) => s.id === d.state)?.label, d.state));
      case "customer": return d.customer?.name ?? "—";
      case "owner": return d.owner ?? "—";
      case "sector": return d.sector ?? "—";
      case "createdAt": return formatDate(d.createdAt);
      case "updatedAt": return formatDate(d.updatedAt);
      default: {
        const id = column.slice(5);
        const field = this.types.find((x) => x.id === d.type)?.fields.find((f) => f.id === id);
        return formatValue(field, d.data?.[id]);
      }
    }
  }
}

function uniqueStates(types: TypeDefinition[]) {
  const seen = new Map<string, TypeDefinition["states"][number]>();
  for (const type of types) for (const s of type.states) if (!seen.has(s.id)) seen.set(s.id, s);
  return [...seen.values()];
}
