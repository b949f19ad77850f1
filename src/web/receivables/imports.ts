/** "Imports": invoices and payments from files (dry run + line report), the virtual printer (folder, patterns, test, last files), payments to match. */
import { api, ApiProblem } from "../shared/api.js";
import { h } from "../shared/dom.js";
import { formatDate, t } from "../shared/i18n.js";
import { registerTab } from "./tabs.js";
import { card, frDay, money, table } from "./ui.js";

function importForm(path: string, title: string): HTMLElement {
  const file = h("input", { type: "file", name: "file", accept: ".csv,.json,text/csv,application/json" });
  const out = h("div", {});
  const send = async (dryRun: boolean) => {
    const f = file.files?.[0];
    if (!f) return;
    const form = new FormData();
    form.append("file", f);
    form.append("dryRun", String(dryRun));
    let report: any;
    try {
      report = await api("POST", path, form);
    } catch (e) {
      if (!(e instanceof ApiProblem)) throw e;
      out.replaceChildren(h("p", { class: "portal-error rcv-msg" }, e.message));
      return;
    }
    out.replaceChildren(h("p", { class: "rcv-msg" }, t("rcv.imp.report", { total: report.total, errors: report.errors }), " — ", Object.entries(report.counts).map(([k, v]) => `${k}: ${v}`).join(", ")),
      table(["#", "N°", "", ""], report.lines.map((l: any) => h("tr", {}, h("td", {}, String(l.line)), h("td", {}, l.key ?? ""), h("td", {}, l.status), h("td", { class: "rcv-why" }, (l.problems ?? []).join(" ; ")))), "—"));
  };
  return card(title, h("div", { class: "rcv-form" }, file, h("button", { type: "button", onclick: () => void send(true) }, t("rcv.imp.dry")), h("button", { type: "button", class: "primary", onclick: () => void send(false) }, t("rcv.imp.run"))), out);
}

registerTab({
  id: "imports", order: 50, permission: "invoices.manage", label: () => t("rcv.tab.imports"),
  async render(host, session) {
    const printer = await api<any>("GET", "/api/receivables/printer");
    const unmatched = await api<{ items: any[] }>("GET", "/api/payments/unmatched");
    const area = h("textarea", { class: "rcv-mono", rows: "12", name: "patterns" }, JSON.stringify(printer.patterns, null, 2));
    const sample = h("textarea", { class: "rcv-mono", rows: "5", name: "sample", placeholder: "FACTURE N° F-2026-0042 …" });
    const out = h("div", {});
    host.replaceChildren(
      importForm("/api/invoices/import", t("rcv.imp.invoices")),
      importForm("/api/payments/import", t("rcv.imp.payments")),
      card(t("rcv.imp.printer"), h("p", {}, t("rcv.imp.inbox", { dir: printer.inbox })),
        h("button", { type: "button", class: "primary", onclick: async () => { const r = await api<{ results: any[] }>("POST", "/api/receivables/printer/scan", {}); out.replaceChildren(h("pre", { class: "rcv-mono" }, JSON.stringify(r.results, null, 2))); } }, t("rcv.imp.scan")), out,
        h("h4", {}, t("rcv.imp.patterns")), area,
        h("div", { class: "rcv-form" }, h("button", { type: "button", onclick: async () => { await api("PUT", "/api/receivables/printer/patterns", { patterns: JSON.parse(area.value) }); out.replaceChildren(h("p", { class: "rcv-msg" }, t("rcv.saved"))); } }, t("rcv.imp.savePatterns"))),
        sample, h("div", { class: "rcv-form" }, h("button", { type: "button", onclick: async () => { const r = await api("POST", "/api/receivables/printer/test", { text: sample.value, patterns: JSON.parse(area.value) }); out.replaceChildren(h("pre", { class: "rcv-mono" }, JSON.stringify(r, null, 2))); } }, t("rcv.imp.test"))),
        h("h4", {}, t("rcv.imp.files")), table([t("rcv.inv.date"), "Fichier", t("rcv.inv.status"), ""], printer.files.map((f: any) => h("tr", {}, h("td", {}, formatDate(f.at)), h("td", {}, f.name), h("td", {}, f.state), h("td", { class: "rcv-why" }, (f.detail?.problems ?? []).join(" ; ")))), "—")),
      card(t("rcv.imp.unmatched"), table([t("rcv.inv.date"), [t("rcv.inv.amount"), "num"], "Libellé"], unmatched.items.map((p) => h("tr", {}, h("td", {}, frDay(p.received_on)), h("td", { class: "num" }, money(Number(p.amount_cents))), h("td", {}, p.reference ?? ""))), "—")),
    );
    void session;
  },
});
