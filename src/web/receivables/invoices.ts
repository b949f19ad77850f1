/** "Factures": the list (filters), and the invoice picked: amounts, sends with their status, payments, reminders/calls/promises, history; record a payment, a late reason, send again. */
import { api } from "../shared/api.js";
import { h } from "../shared/dom.js";
import { formatDate, t } from "../shared/i18n.js";
import { registerTab } from "./tabs.js";
import { badge, card, frDay, money, table } from "./ui.js";

registerTab({
  id: "invoices", order: 20, permission: "invoices.read", label: () => t("rcv.tab.invoices"),
  async render(host, session) {
    const params = new URLSearchParams(location.search);
    const q = h("input", { type: "search", name: "q", value: params.get("q") ?? "", placeholder: "F-2026-…, client, CLI-…" });
    const status = h("select", { name: "status" }, ...[["", t("rcv.inv.all")], ["open", t("rcv.inv.open")], ["overdue", t("rcv.inv.overdue")], ["paid", t("rcv.status.paid")], ["disputed", t("rcv.status.disputed")]].map(([v, l]) => h("option", { value: v!, selected: (params.get("status") ?? "") === v }, l!)));
    const list = h("div", {});
    const detail = h("div", { "data-testid": "invoice-detail" }, h("p", { class: "muted" }, t("rcv.inv.pick")));
    const reasons = (await api<{ reasons: Array<{ id: string; fr: string; en: string; active: boolean }> }>("GET", "/api/receivables/reasons")).reasons;
    const canWrite = session.permissions.includes("invoices.write");
    const show = async (id: number) => {
      const d = await api<any>("GET", `/api/invoices/${id}`);
      list.querySelectorAll("tr.selected").forEach((r) => r.classList.remove("selected"));
      list.querySelector(`tr[data-id="${id}"]`)?.classList.add("selected");
      const amount = h("input", { type: "number", step: "0.01", min: "0.01", name: "amount", value: (d.balanceCents / 100).toFixed(2) });
      const date = h("input", { type: "date", name: "date", value: new Date().toISOString().slice(0, 10) });
      const kind = h("select", { name: "kind" }, ...["payment", "credit_note", "write_off"].map((k) => h("option", { value: k }, t(`rcv.kind.${k}`))));
      const reason = h("select", { name: "reason" }, h("option", { value: "" }, "—"), ...reasons.map((r) => h("option", { value: r.id, selected: d.lateReason === r.id }, r.fr)));
      const note = h("input", { type: "text", name: "note", value: d.lateReasonNote ?? "" });
      detail.replaceChildren(
        card(`${t("rcv.inv.number")} ${d.number} — ${d.customer}`,
          h("p", {}, badge(d.status), " ", h("span", { class: d.overdue ? "rcv-overdue" : "" }, `${t("rcv.inv.balance")} : ${d.balanceText}`), ` / ${d.grossText} · ${t("rcv.inv.due")} ${frDay(d.dueDate)} · `,
            h("a", { href: `/dossiers/${encodeURIComponent(d.dossierReference)}` }, d.dossierReference), d.documentId ? [" · ", h("a", { href: `/api/documents/${d.documentId}/content`, target: "_blank" }, "PDF")] : null),
          d.dunning ? h("p", { class: "rcv-why" }, `${d.dunning.scenario} — ${d.dunning.state}`) : null),
        card(t("rcv.inv.sends"), table([t("rcv.inv.date"), t("rcv.bulk.channel"), t("rcv.inv.kind"), t("rcv.inv.status"), ""], d.sends.map((s: any) =>
          h("tr", { "data-testid": "send" }, h("td", {}, formatDate(s.createdAt)), h("td", {}, s.channel), h("td", {}, s.kind), h("td", {}, badge(s.status, s.status)), h("td", { class: "rcv-why" }, s.recipient ?? "", s.detail?.error ? ` — ${s.detail.error}` : ""))), "—"),
          canWrite ? h("button", { type: "button", onclick: async () => { await api("POST", `/api/invoices/${id}/send`, {}); await show(id); } }, t("rcv.inv.resend")) : null),
        card(t("rcv.inv.payments"), table([t("rcv.inv.date"), t("rcv.inv.kind"), [t("rcv.inv.amount"), "num"], "Réf."], d.payments.map((p: any) => h("tr", {}, h("td", {}, frDay(p.receivedOn)), h("td", {}, t(`rcv.kind.${p.kind}`)), h("td", { class: "num" }, money(p.amountCents)), h("td", {}, p.reference ?? p.method ?? ""))), "—"),
          canWrite ? h("form", { class: "rcv-form", onsubmit: async (e: Event) => { e.preventDefault(); await api("POST", `/api/invoices/${id}/payments`, { amountCents: Math.round(Number(amount.value) * 100), receivedOn: date.value, kind: kind.value }); await show(id); await load(); } },
            h("label", {}, t("rcv.inv.amount"), amount), h("label", {}, t("rcv.inv.date"), date), h("label", {}, t("rcv.inv.kind"), kind), h("button", { type: "submit", class: "primary" }, t("rcv.inv.record"))) : null),
        card(t("rcv.inv.actions"), table([t("rcv.inv.date"), t("rcv.bulk.channel"), t("rcv.bulk.level"), t("rcv.inv.status")], [
          ...d.actions.map((a: any) => h("tr", {}, h("td", {}, frDay(a.on_date)), h("td", {}, a.channel), h("td", {}, a.level ?? ""), h("td", {}, badge(a.outcome, a.outcome)))),
          ...d.promises.map((p: any) => h("tr", {}, h("td", {}, frDay(p.created_on)), h("td", {}, "promesse"), h("td", {}, frDay(p.promised_on)), h("td", {}, badge(p.status, p.status)))),
          ...d.disputes.map((x: any) => h("tr", {}, h("td", {}, frDay(x.opened_on)), h("td", {}, "litige"), h("td", {}, x.reason ?? ""), h("td", {}, badge(x.closed_on ? "paid" : "disputed", x.closed_on ? `clos ${frDay(x.closed_on)}` : "ouvert")))),
        ], "—"),
          canWrite ? h("form", { class: "rcv-form", onsubmit: async (e: Event) => { e.preventDefault(); await api("PUT", `/api/invoices/${id}/reason`, { reason: reason.value || null, note: note.value }); await show(id); } },
            h("label", {}, t("rcv.inv.reason"), reason), h("label", {}, t("rcv.inv.note"), note), h("button", { type: "submit" }, t("rcv.inv.save"))) : null),
        card(t("rcv.inv.history"), h("ul", {}, ...d.history.map((e: any) => h("li", {}, h("span", { class: "rcv-why" }, formatDate(e.at), " "), e.summary ?? e.action)))),
      );
    };
    const load = async () => {
      const query = new URLSearchParams();
      if (q.value.trim()) query.set("q", q.value.trim());
      if (status.value) query.set("status", status.value);
      history.replaceState(null, "", `/receivables/invoices${query.size ? `?${query}` : ""}`);
      const { items } = await api<{ items: any[] }>("GET", `/api/invoices?${query}`);
      list.replaceChildren(table([t("rcv.inv.number"), t("rcv.inv.customer"), t("rcv.inv.issue"), t("rcv.inv.due"), [t("rcv.inv.gross"), "num"], [t("rcv.inv.balance"), "num"], t("rcv.inv.status")],
        items.map((i) => h("tr", { "data-id": String(i.id), "data-testid": "invoice-row", onclick: () => void show(i.id) }, h("td", {}, i.number), h("td", {}, i.customer), h("td", {}, frDay(i.issueDate)),
          h("td", { class: i.overdue ? "rcv-overdue" : "" }, frDay(i.dueDate)), h("td", { class: "num" }, i.grossText), h("td", { class: "num" }, i.balanceText), h("td", {}, badge(i.status)))), t("rcv.inv.none")));
    };
    host.replaceChildren(
      h("form", { class: "rcv-form", onsubmit: (e: Event) => { e.preventDefault(); void load(); } }, h("label", {}, t("rcv.inv.search"), q), h("label", {}, t("rcv.inv.status"), status), h("button", { type: "submit" }, t("rcv.inv.search"))),
      h("div", { class: "rcv-split" }, list, detail),
    );
    await load();
    const first = new URLSearchParams(location.search).get("invoice");
    if (first) await show(Number(first));
  },
});
