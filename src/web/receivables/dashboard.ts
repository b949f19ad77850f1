/** "Indicateurs": this month's receivables KPIs at a glance, with a link to the dashboards page (charts, drill-down, export). */
import { api } from "../shared/api.js";
import { h } from "../shared/dom.js";
import { formatAmount, lang, register, t } from "../shared/i18n.js";
import { registerTab } from "./tabs.js";
import "./dashboard.css";

register({
  fr: {
    "rcvdash.tab": "Indicateurs", "rcvdash.at": "Fin du mois en cours, sur les factures que vous pouvez voir", "rcvdash.open": "Graphiques, détail et export : Tableaux de bord",
    "rcvdash.due": "Encours total", "rcvdash.overdue": "Échu", "rcvdash.disputed": "En litige", "rcvdash.dso": "DSO (épuisement)", "rcvdash.best": "Meilleur DSO possible", "rcvdash.cei": "CEI", "rcvdash.days": "{n} j",
  },
  en: {
    "rcvdash.tab": "KPIs", "rcvdash.at": "End of this month, over the invoices you may see", "rcvdash.open": "Charts, drill-down and export: Dashboards",
    "rcvdash.due": "Total due", "rcvdash.overdue": "Overdue", "rcvdash.disputed": "Disputed", "rcvdash.dso": "DSO (countback)", "rcvdash.best": "Best possible DSO", "rcvdash.cei": "CEI", "rcvdash.days": "{n} d",
  },
});

interface Month { dueCents: number; buckets: number[]; disputedCents: number; dso: number | null; bestDso: number | null; cei: number | null }

registerTab({
  id: "indicateurs",
  label: () => t("rcvdash.tab"),
  permission: "invoices.read",
  order: 90,
  async render(host) {
    const month = new Date().toISOString().slice(0, 7);
    const data = await api<{ series: Array<{ months: Month[] }> }>("GET", `/api/insights/receivables?from=${month}&to=${month}`);
    const m = data.series[0]?.months[0];
    const n = (x: number | null) => (x === null ? "—" : new Intl.NumberFormat(lang() === "fr" ? "fr-FR" : "en-GB", { maximumFractionDigits: 1 }).format(x));
    const tile = (label: string, value: string) => h("div", { class: "rcv-kpi" }, h("span", { class: "muted small" }, label), h("strong", {}, value));
    host.append(
      h("p", { class: "muted small" }, t("rcvdash.at")),
      ...(m ? [h("div", { class: "rcv-kpis", "data-testid": "rcv-kpis" },
            tile(t("rcvdash.due"), formatAmount(m.dueCents / 100)),
            tile(t("rcvdash.overdue"), formatAmount((m.dueCents - (m.buckets[0] ?? 0)) / 100)),
            tile(t("rcvdash.disputed"), formatAmount(m.disputedCents / 100)),
            tile(t("rcvdash.dso"), m.dso === null ? "—" : t("rcvdash.days", { n: n(m.dso) })),
            tile(t("rcvdash.best"), m.bestDso === null ? "—" : t("rcvdash.days", { n: n(m.bestDso) })),
            tile(t("rcvdash.cei"), m.cei === null ? "—" : `${n(m.cei)} %`))] : []),
      h("p", {}, h("a", { href: "/dashboards" }, t("rcvdash.open"))),
    );
  },
});
