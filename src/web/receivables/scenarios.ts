/** "Scénarios": the FEEL rules choosing a scenario per customer, the shipped models (designer links), running cases, the daily run and the print batch on demand. */
import { api } from "../shared/api.js";
import { h } from "../shared/dom.js";
import { t } from "../shared/i18n.js";
import { registerTab } from "./tabs.js";
import { card, frDay, table } from "./ui.js";

registerTab({
  id: "scenarios", order: 60, permission: "invoices.read", label: () => t("rcv.tab.scenarios"),
  async render(host, session) {
    const data = await api<any>("GET", "/api/receivables/scenarios");
    const manage = session.permissions.includes("invoices.manage");
    const rules = h("textarea", { class: "rcv-mono", rows: "8", name: "rules" }, JSON.stringify(data.rules, null, 2));
    const out = h("div", {});
    host.replaceChildren(
      card(t("rcv.sc.rules"), rules, manage ? h("div", { class: "rcv-form" },
        h("button", { type: "button", onclick: async () => { await api("PUT", "/api/receivables/scenarios/rules", { rules: JSON.parse(rules.value) }); out.replaceChildren(h("p", { class: "rcv-msg" }, t("rcv.saved"))); } }, t("rcv.sc.save")),
        h("button", { type: "button", class: "primary", onclick: async () => { const r = await api<any>("POST", "/api/receivables/dunning/run", {}); out.replaceChildren(h("p", { class: "rcv-msg" }, `${r.started} — ${JSON.stringify(r.byScenario)}`)); } }, t("rcv.sc.run")),
        h("button", { type: "button", onclick: async () => { const r = await api<any>("POST", "/api/receivables/print/run", {}); out.replaceChildren(h("p", { class: "rcv-msg" }, r.batch ? `${r.batch.batch} : ${r.batch.letters}` : "—")); } }, t("rcv.sc.print")),
        h("button", { type: "button", "data-action": "demo", onclick: async () => { const r = await api<any>("POST", "/api/receivables/demo", {}); out.replaceChildren(h("p", { class: "rcv-msg" }, String(r.created))); } }, t("rcv.sc.demo"))) : null,
        out, h("p", { class: "rcv-why" }, t("rcv.sc.last", { day: frDay(data.lastRun) }))),
      card(t("rcv.sc.models"), table(["BPMN", ""], data.scenarios.map((s: any) => h("tr", {}, h("td", {}, s.name, h("div", { class: "rcv-why" }, s.id)), h("td", {}, h("a", { href: `/designer?process=${encodeURIComponent(s.id)}` }, t("rcv.sc.open"))))), "—")),
      card(t("rcv.sc.cases"), table(["BPMN", "", ["n", "num"]], data.cases.map((c: any) => h("tr", {}, h("td", {}, c.scenario), h("td", {}, c.state), h("td", { class: "num" }, String(c.n)))), "—")),
    );
  },
});
