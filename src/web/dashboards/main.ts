/**
 * The dashboards page (bundled into public/build/dashboards.js): receivables KPIs per month, with
 * their definitions, per segment or collector, charts whose bars open the list of invoices behind
 * them, an XLSX export; and the case activity (dossiers by type and state, process cycle times,
 * overdue tasks, workload per agent and group). Everything within what the user may see (the API decides).
 */
import { api, type Session } from "../shared/api.js";
import { clear, h } from "../shared/dom.js";
import { formatAmount, formatDate, lang, t } from "../shared/i18n.js";
import { showError, startPage } from "../shared/shell.js";
import { chartCard, color, PALETTE } from "./charts.js";
import "./texts.js";
import "./dashboards.css";

interface MonthKpis {
  month: string; monthEnd: string; invoicedCents: number; settledCents: number; dueCents: number; buckets: [number, number, number, number, number]; disputedCents: number;
  dso: number | null; bestDso: number | null; cei: number | null; remindersSent: number; callsLogged: number; promisesKept: number; promisesBroken: number; promisesKeptRate: number | null;
}
interface Series { key: string; months: MonthKpis[] }
interface DrillRow { id: number; number: string; dossierReference: string | null; dossierTitle: string | null; issueDate: string; dueDate: string; grossCents: number; balanceCents: number; daysPastDue: number; segment: string | null; collector: string | null; currency: string }
interface Product {
  dossiers: Array<{ type: string; state: string; count: number }>;
  cycleTimes: Array<{ process: string; completed: number; averageHours: number; medianHours: number; p90Hours: number }>;
  tasks: null | { open: number; overdue: number; overdueByProcess: Array<{ process: string; name: string | null; count: number }>; byAgent: Array<{ assignee: string; open: number; overdue: number }>; byGroup: Array<{ group: string; open: number; overdue: number; unassigned: number }>; scope: "all" | "own" };
}

const euros = (cents: number) => formatAmount(cents / 100);
const number = (n: number | null, digits = 1) => (n === null ? "—" : new Intl.NumberFormat(lang() === "fr" ? "fr-FR" : "en-GB", { maximumFractionDigits: digits }).format(n));
const monthLabel = (m: string) => new Intl.DateTimeFormat(lang() === "fr" ? "fr-FR" : "en-GB", { month: "short", year: "numeric", timeZone: "UTC" }).format(new Date(`${m}-15T00:00:00Z`));
const METRICS = ["current", "d1_30", "d31_60", "d61_90", "d90p"] as const;
const BUCKET_LABELS = () => [t("dash.b0"), t("dash.b1"), t("dash.b2"), t("dash.b3"), t("dash.b4")];
const seriesName = (key: string) => (key === "*" ? t("dash.group.none") : key || t("dash.none"));

function monthsBack(n: number): string {
  const d = new Date();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() - n);
  return d.toISOString().slice(0, 7);
}

class Dashboards {
  private readonly params = new URLSearchParams(location.search);
  private readonly drill = h("section", { class: "card drill", "data-testid": "drill" }, h("p", { class: "muted" }, t("dash.drill.hint")));

  constructor(private readonly session: Session, private readonly main: HTMLElement) {}

  get from() { return this.params.get("from") || monthsBack(11); }
  get to() { return this.params.get("to") || monthsBack(0); }
  get groupBy() { return this.params.get("groupBy") || ""; }

  async start() {
    const can = (p: string) => this.session.permissions.includes(p);
    clear(this.main);
    this.main.append(h("h1", {}, t("dash.title")));
    if (can("invoices.read")) await this.receivables();
    if (can("dossiers.read")) await this.product();
  }

  private query(extra: Record<string, string> = {}) {
    const q = new URLSearchParams({ from: this.from, to: this.to, ...(this.groupBy ? { groupBy: this.groupBy } : {}), ...extra });
    return q.toString();
  }

  private filters(): HTMLElement {
    const from = h("input", { type: "month", name: "from", value: this.from, required: true });
    const to = h("input", { type: "month", name: "to", value: this.to, required: true });
    const group = h("select", { name: "groupBy" }, ...["", "segment", "collector"].map((g) => h("option", { value: g, selected: g === this.groupBy }, t(`dash.group.${g || "none"}`))));
    const form = h("form", { class: "filters row", onsubmit: (e: Event) => {
      e.preventDefault();
      const q = new URLSearchParams({ from: from.value, to: to.value, ...(group.value ? { groupBy: group.value } : {}) });
      location.assign(`/dashboards?${q.toString()}`);
    } },
      h("label", { class: "field" }, h("span", {}, t("dash.from")), from),
      h("label", { class: "field" }, h("span", {}, t("dash.to")), to),
      h("label", { class: "field" }, h("span", {}, t("dash.groupBy")), group),
      h("button", { type: "submit", class: "primary" }, t("dash.apply")),
      h("a", { class: "button", href: `/api/insights/receivables/export.xlsx?${this.query({ lang: lang() })}`, download: "", "data-testid": "export" }, t("dash.export")),
    );
    return form;
  }

  private async receivables() {
    const data = await api<{ series: Series[] }>("GET", `/api/insights/receivables?${this.query()}`);
    const all = this.session.permissions.includes("dossiers.all");
    this.main.append(h("h2", { class: "section" }, t("dash.receivables")), this.filters(), h("p", { class: "muted small" }, t(all ? "dash.scope.receivablesAll" : "dash.scope.receivables")));
    const series = data.series;
    const total = series.length === 1 ? series[0]! : undefined;
    const months = series[0]?.months.map((m) => m.month) ?? [];
    const last = (s: Series) => s.months[s.months.length - 1];
    if (total && last(total)) {
      const m = last(total)!;
      const tile = (label: string, value: string, def: string, id: string) => h("div", { class: "kpi", title: t(def), "data-testid": `kpi-${id}` }, h("span", { class: "kpi-label" }, label), h("strong", {}, value));
      this.main.append(h("div", { class: "kpis" },
        h("p", { class: "muted small kpi-at" }, t("dash.at", { month: monthLabel(m.month) })),
        tile(t("dash.kpi.due"), euros(m.dueCents), "dash.def.due", "due"),
        tile(t("dash.kpi.disputed"), euros(m.disputedCents), "dash.def.disputed", "disputed"),
        tile(t("dash.kpi.dso"), m.dso === null ? "—" : t("dash.days", { n: number(m.dso) }), "dash.def.dso", "dso"),
        tile(t("dash.kpi.bestDso"), m.bestDso === null ? "—" : t("dash.days", { n: number(m.bestDso) }), "dash.def.bestDso", "best-dso"),
        tile(t("dash.kpi.cei"), m.cei === null ? "—" : `${number(m.cei)} %`, "dash.def.cei", "cei"),
        tile(t("dash.kpi.sent"), number(m.remindersSent, 0), "dash.def.activity", "sent"),
        tile(t("dash.kpi.calls"), number(m.callsLogged, 0), "dash.def.activity", "calls"),
        tile(t("dash.kpi.kept"), `${number(m.promisesKept, 0)}${m.promisesKeptRate === null ? "" : ` (${number(m.promisesKeptRate, 0)} %)`}`, "dash.def.activity", "kept"),
      ));
    }
    this.main.append(h("details", { class: "card definitions" }, h("summary", {}, t("dash.definitions")),
      h("dl", {}, ...(["due", "aging", "disputed", "dso", "bestDso", "cei", "activity"] as const).flatMap((k) => [h("dt", {}, t(k === "aging" ? "dash.chart.aging" : k === "activity" ? "dash.chart.activity" : `dash.kpi.${k}`)), h("dd", {}, t(`dash.def.${k}`))]))));
    const axis = { type: "category", data: months.map(monthLabel) };
    const money = { type: "value", axisLabel: { formatter: (v: number) => new Intl.NumberFormat(lang() === "fr" ? "fr-FR" : "en-GB", { notation: "compact" }).format(v / 100) } };
    const tooltipMoney = { trigger: "axis", valueFormatter: (v: number) => euros(Number(v)) };
    const grid = { left: 60, right: 60, top: 40, bottom: 30 };
    const row = h("div", { class: "charts" });
    if (total) {
      const option = {
        color: [...PALETTE.slice(0, 5), color(5)], tooltip: tooltipMoney, legend: { top: 0 }, grid, xAxis: axis, yAxis: money,
        series: [
          ...BUCKET_LABELS().map((name, i) => ({ name, type: "bar", stack: "due", data: total.months.map((m) => m.buckets[i]) })),
          { name: t("dash.disputed"), type: "line", data: total.months.map((m) => m.disputedCents) },
        ],
      };
      row.append(chartCard(t("dash.chart.aging"), option, "chart-aging", (s, i) => void this.openDrill(months[i]!, s < 5 ? METRICS[s]! : "disputed", {}, s < 5 ? BUCKET_LABELS()[s]! : t("dash.disputed"))));
    } else {
      const option = { color: PALETTE, tooltip: tooltipMoney, legend: { top: 0, type: "scroll" }, grid, xAxis: axis, yAxis: money, series: series.map((s) => ({ name: seriesName(s.key), type: "bar", stack: "due", data: s.months.map((m) => m.dueCents) })) };
      row.append(chartCard(t("dash.chart.dueBy", { group: t(`dash.group.${this.groupBy}`).toLowerCase() }), option, "chart-aging", (s, i) => {
        const key = series[s]!.key;
        void this.openDrill(months[i]!, "due", { [this.groupBy]: key }, `${t("dash.kpi.due")} · ${seriesName(key)}`);
      }));
    }
    const dsoSeries = series.flatMap((s, i) => [
      { name: `${t("dash.kpi.dso")}${total ? "" : ` · ${seriesName(s.key)}`}`, type: "line", data: s.months.map((m) => m.dso), color: color(i) },
      ...(total ? [{ name: t("dash.kpi.bestDso"), type: "line", lineStyle: { type: "dashed" }, data: s.months.map((m) => m.bestDso) }, { name: t("dash.kpi.cei"), type: "line", yAxisIndex: 1, data: s.months.map((m) => m.cei) }] : []),
    ]);
    row.append(chartCard(t("dash.chart.dso"), { tooltip: { trigger: "axis" }, legend: { top: 0, type: "scroll" }, grid, xAxis: axis, yAxis: [{ type: "value", name: t("dash.days", { n: "" }).trim() }, { type: "value", name: "%", max: 100, min: 0 }], series: dsoSeries }, "chart-dso"));
    const sum = (pick: (m: MonthKpis) => number) => months.map((_, i) => series.reduce((acc, s) => acc + pick(s.months[i]!), 0));
    row.append(chartCard(t("dash.chart.activity"), {
      color: [color(0), color(7), color(6), color(3)], tooltip: { trigger: "axis" }, legend: { top: 0 }, grid, xAxis: axis, yAxis: { type: "value", minInterval: 1 },
      series: [
        { name: t("dash.series.sent"), type: "bar", data: sum((m) => m.remindersSent) }, { name: t("dash.series.calls"), type: "bar", data: sum((m) => m.callsLogged) },
        { name: t("dash.series.kept"), type: "bar", data: sum((m) => m.promisesKept) }, { name: t("dash.series.broken"), type: "bar", data: sum((m) => m.promisesBroken) },
      ],
    }, "chart-activity"));
    this.main.append(row, this.drill);
  }

  private async openDrill(month: string, metric: string, filter: Record<string, string>, label: string) {
    try {
      const q = new URLSearchParams({ month, metric, ...filter });
      const r = await api<{ totalCents: number; count: number; rows: DrillRow[]; truncated: boolean }>("GET", `/api/insights/receivables/list?${q.toString()}`);
      const cols = ["number", "dossier", "issue", "due", "gross", "balance", "late", "segment", "collector"];
      clear(this.drill);
      this.drill.append(
        h("h2", {}, t("dash.drill.title", { metric: label, month: monthLabel(month) })),
        h("p", { "data-testid": "drill-total" }, t("dash.drill.total", { total: euros(r.totalCents), count: r.count })),
        h("table", { class: "list" }, h("thead", {}, h("tr", {}, ...cols.map((c) => h("th", {}, t(`dash.col.${c}`))))),
          h("tbody", {}, ...r.rows.map((row) => h("tr", { "data-testid": "drill-row" },
            h("td", {}, row.number),
            h("td", {}, row.dossierReference ? h("a", { href: `/dossiers/${encodeURIComponent(row.dossierReference)}` }, `${row.dossierReference} · ${row.dossierTitle ?? ""}`) : "—"),
            h("td", {}, formatDate(row.issueDate, false)), h("td", {}, formatDate(row.dueDate, false)),
            h("td", { class: "num" }, formatAmount(row.grossCents / 100, row.currency)), h("td", { class: "num" }, formatAmount(row.balanceCents / 100, row.currency)),
            h("td", { class: "num" }, String(row.daysPastDue)), h("td", {}, row.segment ?? "—"), h("td", {}, row.collector ?? "—"))))),
        ...(r.truncated ? [h("p", { class: "muted small" }, t("dash.drill.truncated", { n: r.rows.length }))] : []),
      );
      this.drill.scrollIntoView({ behavior: "smooth", block: "start" });
    } catch (error) {
      showError(error);
    }
  }

  private async product() {
    const p = await api<Product>("GET", "/api/insights/product");
    this.main.append(h("h2", { class: "section" }, t("dash.product")));
    const row = h("div", { class: "charts" });
    const types = [...new Set(p.dossiers.map((d) => d.type))];
    const states = [...new Set(p.dossiers.map((d) => d.state))];
    row.append(chartCard(t("dash.dossiers"), {
      color: PALETTE, tooltip: { trigger: "axis" }, legend: { top: 0, type: "scroll" }, grid: { left: 50, right: 20, top: 40, bottom: 30 },
      xAxis: { type: "category", data: types, axisLabel: { interval: 0 } }, yAxis: { type: "value", minInterval: 1 },
      series: states.map((s) => ({ name: s, type: "bar", stack: "n", data: types.map((ty) => p.dossiers.find((d) => d.type === ty && d.state === s)?.count ?? 0) })),
    }, "chart-dossiers"));
    if (p.tasks) {
      const agents = p.tasks.byAgent.slice(0, 15);
      row.append(chartCard(t("dash.workload.agent"), {
        color: [color(0), color(3)], tooltip: { trigger: "axis" }, legend: { top: 0 }, grid: { left: 90, right: 20, top: 40, bottom: 30 },
        xAxis: { type: "value", minInterval: 1 }, yAxis: { type: "category", data: agents.map((a) => a.assignee) },
        series: [{ name: t("dash.open"), type: "bar", data: agents.map((a) => a.open) }, { name: t("dash.late"), type: "bar", data: agents.map((a) => a.overdue) }],
      }, "chart-agents"));
      const groups = p.tasks.byGroup.slice(0, 15);
      row.append(chartCard(t("dash.workload.group"), {
        color: [color(0), color(3), color(1)], tooltip: { trigger: "axis" }, legend: { top: 0 }, grid: { left: 90, right: 20, top: 40, bottom: 30 },
        xAxis: { type: "value", minInterval: 1 }, yAxis: { type: "category", data: groups.map((g) => g.group) },
        series: [{ name: t("dash.open"), type: "bar", data: groups.map((g) => g.open) }, { name: t("dash.late"), type: "bar", data: groups.map((g) => g.overdue) }, { name: t("dash.unassigned"), type: "bar", data: groups.map((g) => g.unassigned) }],
      }, "chart-groups"));
    }
    this.main.append(row);
    const hours = (n: number) => (n >= 48 ? t("dash.days", { n: number(n / 24) }) : t("dash.hours", { n: number(n) }));
    this.main.append(h("div", { class: "charts" },
      h("section", { class: "card" }, h("h2", {}, t("dash.cycle")),
        h("table", { class: "list", "data-testid": "cycle-times" }, h("thead", {}, h("tr", {}, ...["process", "completed", "avg", "median", "p90"].map((c) => h("th", {}, t(`dash.col.${c}`))))),
          h("tbody", {}, ...(p.cycleTimes.length ? [] : [h("tr", {}, h("td", { colspan: "5", class: "muted" }, t("common.none")))]), ...p.cycleTimes.map((c) => h("tr", {}, h("td", {}, c.process), h("td", { class: "num" }, String(c.completed)), h("td", { class: "num" }, hours(c.averageHours)), h("td", { class: "num" }, hours(c.medianHours)), h("td", { class: "num" }, hours(c.p90Hours))))))),
      h("section", { class: "card" }, h("h2", {}, t("dash.overdue")),
        p.tasks
          ? [h("p", { "data-testid": "overdue" }, t("dash.overdueCount", { overdue: p.tasks.overdue, open: p.tasks.open })), h("p", { class: "muted small" }, t(p.tasks.scope === "all" ? "dash.scope.all" : "dash.scope.own")),
             h("table", { class: "list" }, h("thead", {}, h("tr", {}, h("th", {}, t("dash.col.process")), h("th", {}, t("dash.col.name")), h("th", {}, t("dash.col.count")))),
               h("tbody", {}, ...(p.tasks.overdueByProcess.length ? [] : [h("tr", {}, h("td", { colspan: "3", class: "muted" }, t("common.none")))]), ...p.tasks.overdueByProcess.slice(0, 20).map((o) => h("tr", {}, h("td", {}, o.process), h("td", {}, o.name ?? "—"), h("td", { class: "num" }, String(o.count))))))]
          : h("p", { class: "muted" }, t("dash.noTasks"))),
    ));
  }
}

try {
  const { session, main } = await startPage("dashboards");
  await new Dashboards(session, main).start();
} catch (error) {
  if (!(error instanceof Error && error.message === "not signed in")) showError(error);
}
