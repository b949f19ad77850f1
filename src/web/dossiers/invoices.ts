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
  fr: { "inv.title": "Factures", "inv.balance": "Reste dû : {amount}", "inv.channel": "Envoi par : {channel}", "inv.sends": "Derniers envois", "inv.all": "Tout voir dans Recouvrement" },
  en: { "inv.title": "Invoices", "inv.balance": "Balance: {amount}", "inv.channel": "Sent by: {channel}", "inv.sends": "Last sends", "inv.all": "See all in Receivables" },
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
    if (!data.invoices.length) return void this.element.replaceChildren();
    this.element.replaceChildren(section("invoices", t("inv.title"),
      h("p", {}, t("inv.balance", { amount: formatAmount(data.balanceCents / 100) }), " · ", t("inv.channel", { channel: data.channel })),
      h("table", { class: "rcv-table", "data-testid": "dossier-invoices" }, h("tbody", {}, ...data.invoices.slice(0, 10).map((i: any) =>
        h("tr", {}, h("td", {}, h("a", { href: `/receivables/invoices?invoice=${i.id}&q=${encodeURIComponent(i.number)}` }, i.number)), h("td", {}, day(i.dueDate)), h("td", { class: "num" }, i.grossText), h("td", { class: "num" }, i.balanceText),
          h("td", {}, h("span", { class: `badge${i.overdue ? " due-overdue" : ""}`, "data-status": i.status }, statusText(i.status))))))),
      data.sends.length ? h("p", { class: "muted" }, `${t("inv.sends")} : `, data.sends.slice(0, 3).map((s: any) => `${s.channel} ${s.status}`).join(" · ")) : null,
      h("p", {}, h("a", { href: `/receivables/invoices?q=${encodeURIComponent(this.reference)}` }, t("inv.all")))));
  }
}
