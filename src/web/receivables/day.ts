/** "Ma journée": the collector's prioritised worklist (the order explained per line), customers over their credit limit, credit notes to enter. */
import { api } from "../shared/api.js";
import { h } from "../shared/dom.js";
import { t } from "../shared/i18n.js";
import { registerTab } from "./tabs.js";
import { card, frDay, table } from "./ui.js";

interface Line { dossierReference: string; customer: string; dueText: string; daysOverdue: number; score: number; explanation: string; invoices: number; tasks: Array<{ key: string; name: string }>; segment: string }
interface Day { today: string; lines: Line[]; overLimit: Array<{ customer: string; dossierReference: string; dueText: string; limitText: string; overText: string }>; creditNotes: Array<{ invoiceNumber: string; dossierReference: string; reason: string | null; message: string | null; openedOn: string; grossText: string }> }

registerTab({
  id: "day", order: 10, permission: "invoices.read", label: () => t("rcv.tab.day"),
  async render(host) {
    const day = await api<Day>("GET", "/api/receivables/worklist");
    const rows = day.lines.map((l, i) => h("tr", { "data-testid": "worklist-line" },
      h("td", { class: "num" }, String(i + 1)),
      h("td", {}, h("a", { href: `/dossiers/${encodeURIComponent(l.dossierReference)}` }, l.customer), h("div", { class: "rcv-why" }, l.explanation)),
      h("td", { class: "num" }, l.dueText), h("td", { class: "num" }, `${l.daysOverdue} j`), h("td", { class: "num" }, String(l.score)),
      h("td", {}, ...l.tasks.map((x) => h("div", {}, h("a", { href: `/inbox?task=${x.key}` }, x.name))))));
    host.replaceChildren(
      card(`${t("rcv.day.title")} — ${frDay(day.today)}`, h("p", { class: "rcv-why" }, t("rcv.day.why")),
        table([["#", "num"], t("rcv.day.customer"), [t("rcv.day.due"), "num"], [t("rcv.day.days"), "num"], [t("rcv.day.score"), "num"], t("rcv.day.tasks")], rows, t("rcv.day.none"))),
      h("div", { class: "rcv-split" },
        card(t("rcv.day.over"), table([t("rcv.day.customer"), [t("rcv.day.due"), "num"], [t("rcv.day.limit"), "num"], ["+", "num"]],
          day.overLimit.map((o) => h("tr", {}, h("td", {}, h("a", { href: `/dossiers/${encodeURIComponent(o.dossierReference)}` }, o.customer)), h("td", { class: "num" }, o.dueText), h("td", { class: "num" }, o.limitText), h("td", { class: "num rcv-overdue" }, o.overText))), t("rcv.day.noOver"))),
        card(t("rcv.day.credit"), table([t("rcv.inv.number"), t("rcv.inv.dossier"), t("rcv.inv.note"), ""],
          day.creditNotes.map((c) => h("tr", {}, h("td", {}, c.invoiceNumber, h("div", { class: "rcv-why" }, c.grossText)), h("td", {}, c.dossierReference), h("td", {}, c.message ?? c.reason ?? ""),
            h("td", {}, h("button", { type: "button", onclick: async () => { await api("POST", `/api/invoices/${encodeURIComponent(c.invoiceNumber)}/credit-note-entered`, {}); await this.render(host, undefined as never); } }, t("rcv.day.entered"))))), t("rcv.day.noCredit"))),
      ),
    );
  },
});
