/** "Relance groupée": a chosen level to every customer matching the criteria, previewed first. */
import { api } from "../shared/api.js";
import { h } from "../shared/dom.js";
import { t } from "../shared/i18n.js";
import { registerTab } from "./tabs.js";
import { card, table } from "./ui.js";

registerTab({
  id: "bulk", order: 30, permission: "invoices.manage", label: () => t("rcv.tab.bulk"),
  async render(host) {
    const level = h("select", { name: "level" }, ...[1, 2, 3, 4].map((n) => h("option", { value: String(n) }, String(n))));
    const channel = h("select", { name: "channel" }, h("option", { value: "email" }, "E-mail"), h("option", { value: "letter" }, "Courrier"));
    const segment = h("select", { name: "segment" }, h("option", { value: "" }, t("rcv.bulk.any")), ...["small_business", "large_account", "public_body", "bad_payer"].map((s) => h("option", { value: s }, t(`rcv.seg.${s}`))));
    const days = h("input", { type: "number", min: "0", name: "days", value: "15" });
    const min = h("input", { type: "number", min: "0", step: "1", name: "min", value: "0" });
    const out = h("div", { "data-testid": "bulk-preview" });
    const body = (preview: boolean) => ({ level: Number(level.value), channel: channel.value, segment: segment.value || null, minDaysOverdue: Number(days.value), minAmountCents: Math.round(Number(min.value) * 100), preview });
    const preview = async () => {
      const r = await api<{ preview: Array<{ dossierReference: string; customer: string; email: string | null; invoices: string[]; totalText: string }> }>("POST", "/api/receivables/bulk-reminder", body(true));
      out.replaceChildren(...[table([t("rcv.day.customer"), "E-mail", t("rcv.tab.invoices"), [t("rcv.day.due"), "num"]], r.preview.map((p) => h("tr", {}, h("td", {}, p.customer, h("div", { class: "rcv-why" }, p.dossierReference)), h("td", {}, p.email ?? "—"), h("td", {}, p.invoices.join(", ")), h("td", { class: "num" }, p.totalText))), "—"),
        r.preview.length ? h("button", { type: "button", class: "primary", "data-action": "bulk-send", onclick: async () => { const s = await api<{ sent: number }>("POST", "/api/receivables/bulk-reminder", body(false)); out.replaceChildren(h("p", { class: "rcv-msg" }, t("rcv.bulk.sent", { n: s.sent }))); } }, t("rcv.bulk.send", { n: r.preview.length })) : null].filter((x): x is HTMLElement => x !== null));
    };
    host.replaceChildren(card(t("rcv.bulk.title"),
      h("form", { class: "rcv-form", onsubmit: (e: Event) => { e.preventDefault(); void preview(); } },
        h("label", {}, t("rcv.bulk.level"), level), h("label", {}, t("rcv.bulk.channel"), channel), h("label", {}, t("rcv.bulk.segment"), segment),
        h("label", {}, t("rcv.bulk.days"), days), h("label", {}, t("rcv.bulk.min"), min), h("button", { type: "submit" }, t("rcv.bulk.preview"))),
      out));
  },
});
