/** "Motifs de retard": the configurable list, and the analysis by month (a table; the charts are the dashboards'). */
import { api } from "../shared/api.js";
import { h } from "../shared/dom.js";
import { t } from "../shared/i18n.js";
import { registerTab } from "./tabs.js";
import { card, money, table } from "./ui.js";

interface Reasons { reasons: Array<{ id: string; fr: string; en: string; active: boolean }>; byMonth: Array<{ month: string; reason: string | null; count: number; grossCents: number }> }

registerTab({
  id: "reasons", order: 40, permission: "invoices.read", label: () => t("rcv.tab.reasons"),
  async render(host, session) {
    const data = await api<Reasons>("GET", "/api/receivables/reasons");
    const label = (id: string | null) => (id === null ? t("rcv.reasons.none") : data.reasons.find((r) => r.id === id)?.fr ?? id);
    const months = [...new Set(data.byMonth.map((r) => r.month))].sort();
    const ids = [...new Set(data.byMonth.map((r) => r.reason))];
    const cell = (m: string, id: string | null) => data.byMonth.find((r) => r.month === m && r.reason === id);
    const id = h("input", { name: "id", placeholder: "missing_po" }), fr = h("input", { name: "fr" }), en = h("input", { name: "en" });
    host.replaceChildren(
      card(t("rcv.reasons.month"), table([t("rcv.inv.reason"), ...months.map((m) => [m, "num"] as [string, "num"])],
        ids.map((r) => h("tr", {}, h("td", {}, label(r)), ...months.map((m) => { const c = cell(m, r); return h("td", { class: "num" }, c ? `${c.count} · ${money(c.grossCents)}` : ""); }))), "—")),
      card(t("rcv.reasons.list"), table([t("rcv.reasons.id"), t("rcv.reasons.fr"), t("rcv.reasons.en")], data.reasons.map((r) => h("tr", {}, h("td", {}, r.id), h("td", {}, r.fr), h("td", {}, r.en))), "—"),
        session.permissions.includes("invoices.manage") ? h("form", { class: "rcv-form", onsubmit: async (e: Event) => { e.preventDefault(); await api("PUT", `/api/receivables/reasons/${encodeURIComponent(id.value.trim())}`, { fr: fr.value, en: en.value }); await this.render(host, session); } },
          h("label", {}, t("rcv.reasons.id"), id), h("label", {}, t("rcv.reasons.fr"), fr), h("label", {}, t("rcv.reasons.en"), en), h("button", { type: "submit" }, t("rcv.reasons.add"))) : null),
    );
  },
});
