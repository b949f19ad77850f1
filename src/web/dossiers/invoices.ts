/**
 * The 360° view's "Factures" section (receivables): the customer's invoices with their status and
 * balance, the preferred channel and the last sends; hidden when the dossier has none or the user may
 * not read invoices. The invoice opens on the /receivables page.
 */
import { api, type Session } from "../shared/api.js";
import { h } from "../shared/dom.js";
import { formatAmount, lang, register, t } from "../shared/i18n.js";
import { section } from "./widgets.js";

register({
  fr: { "inv.account": "Compte client (relances)", "inv.segment": "Catégorie", "inv.tone": "Ton", "inv.limit": "Encours autorisé (€)", "inv.collector": "Chargé de recouvrement", "inv.saveAccount": "Enregistrer", "inv.formal": "Formel", "inv.informal": "Familier",
    "inv.seg.small_business": "Petite entreprise", "inv.seg.large_account": "Grand compte", "inv.seg.public_body": "Secteur public", "inv.seg.bad_payer": "Mauvais payeur", "inv.title": "Factures", "inv.balance": "Reste dû : {amount}", "inv.channel": "Envoi par : {channel}", "inv.sends": "Derniers envois", "inv.all": "Tout voir dans Recouvrement" },
  en: { "inv.account": "Customer account (dunning)", "inv.segment": "Category", "inv.tone": "Tone", "inv.limit": "Credit limit (€)", "inv.collector": "Collector", "inv.saveAccount": "Save", "inv.formal": "Formal", "inv.informal": "Informal",
    "inv.seg.small_business": "Small business", "inv.seg.large_account": "Large account", "inv.seg.public_body": "Public body", "inv.seg.bad_payer": "Bad payer", "inv.title": "Invoices", "inv.balance": "Balance: {amount}", "inv.channel": "Sent by: {channel}", "inv.sends": "Last sends", "inv.all": "See all in Receivables" },
});

const day = (d: string) => d.split("-").reverse().join("/");
const STATUS: Record<string, [string, string]> = {
  issued: ["Émise", "Issued"], sent: ["Envoyée", "Sent"], partially_paid: ["Partiellement payée", "Partly paid"], paid: ["Payée", "Paid"],
  disputed: ["En litige", "Disputed"], credited: ["Avoir", "Credited"], written_off: ["Passée en perte", "Written off"],
};
const statusText = (s: string) => STATUS[s]?.[lang() === "en" ? 1 : 0] ?? s;

export class InvoicesSection {
  readonly element = h("div", {});
  constructor(private readonly reference: string, private readonly session: Session) {}

  async load(): Promise<void> {
    if (!this.session.permissions.includes("invoices.read")) return;
    let data: any;
    try {
      data = await api("GET", `/api/receivables/customers/${encodeURIComponent(this.reference)}`);
    } catch {
      return void this.element.replaceChildren();
    }
    const manage = this.session.permissions.includes("invoices.manage");
    if (!data.invoices.length && !(manage && data.dossierType === "client")) return void this.element.replaceChildren();
    const acc = data.account ?? {};
    const segment = h("select", { name: "segment" }, h("option", { value: "" }, "—"), ...["small_business", "large_account", "public_body", "bad_payer"].map((s) => h("option", { value: s, selected: acc.segment === s }, t(`inv.seg.${s}`))));
    const tone = h("select", { name: "tone" }, h("option", { value: "" }, "—"), ...["formal", "informal"].map((s) => h("option", { value: s, selected: acc.tone === s }, t(`inv.${s}`))));
    const limit = h("input", { type: "number", min: "0", step: "1", name: "creditLimit", value: acc.creditLimitCents != null ? String(acc.creditLimitCents / 100) : "" });
    const collector = h("input", { type: "text", name: "collector", value: acc.collector ?? "" });
    const accountForm = manage && data.partyId !== null ? h("form", { class: "inline-form", "data-testid": "customer-account", onsubmit: async (e: Event) => {
      e.preventDefault();
      await api("PUT", `/api/receivables/customers/${encodeURIComponent(this.reference)}/account`, { segment: segment.value || null, tone: tone.value || null, creditLimitCents: limit.value === "" ? null : Math.round(Number(limit.value) * 100), collector: collector.value.trim() || null });
      await this.load();
    } }, h("strong", {}, t("inv.account")), " ", h("label", {}, t("inv.segment"), " ", segment), " ", h("label", {}, t("inv.tone"), " ", tone), " ",
      h("label", {}, t("inv.limit"), " ", limit), " ", h("label", {}, t("inv.collector"), " ", collector), " ", h("button", { type: "submit" }, t("inv.saveAccount"))) : null;
    this.element.replaceChildren(section("invoices", t("inv.title"),
      h("p", {}, t("inv.balance", { amount: formatAmount(data.balanceCents / 100) }), " · ", t("inv.channel", { channel: data.channel })),
      h("table", { class: "rcv-table", "data-testid": "dossier-invoices" }, h("tbody", {}, ...data.invoices.slice(0, 10).map((i: any) =>
        h("tr", {}, h("td", {}, h("a", { href: `/receivables/invoices?invoice=${i.id}&q=${encodeURIComponent(i.number)}` }, i.number)), h("td", {}, day(i.dueDate)), h("td", { class: "num" }, i.grossText), h("td", { class: "num" }, i.balanceText),
          h("td", {}, h("span", { class: `badge${i.overdue ? " due-overdue" : ""}`, "data-status": i.status }, statusText(i.status))))))),
      data.sends.length ? h("p", { class: "muted" }, `${t("inv.sends")} : `, data.sends.slice(0, 3).map((s: any) => `${s.channel} ${s.status}`).join(" · ")) : null,
      accountForm,
      h("p", {}, h("a", { href: `/receivables/invoices?q=${encodeURIComponent(this.reference)}` }, t("inv.all")))));
  }
}
