/**
 * The "Recouvrement" page (bundled into public/build/receivables.js): /receivables/<tab>. Each tab
 * file registers itself (tabs.ts) and is imported here once:
 */
import { showError, startPage } from "../shared/shell.js";
import { h } from "../shared/dom.js";
import { TABS } from "./tabs.js";
import "./texts.js";
import "./receivables.css";
import "./day.js";
import "./invoices.js";
import "./bulk.js";
import "./reasons.js";
import "./imports.js";
import "./scenarios.js";
// The dashboards (insights) add their tab files here, one line each.
import "./dashboard.js";

try {
  const { session, main } = await startPage("receivables");
  const tabs = TABS.filter((tab) => session.permissions.includes(tab.permission));
  const wanted = location.pathname.replace(/^\/receivables\/?/, "").replace(/\/.*$/, "");
  const current = tabs.find((tab) => tab.id === wanted) ?? tabs[0];
  const host = h("div", { class: "rcv-tab", "data-tab": current?.id ?? "" });
  main.append(
    h("nav", { class: "mail-tabs rcv-tabs", role: "tablist" }, ...tabs.map((tab) =>
      h("a", { href: `/receivables/${tab.id}`, role: "tab", class: tab === current ? "active" : "", "aria-selected": tab === current ? "true" : "false", "data-tab": tab.id }, tab.label()))),
    host,
  );
  if (current) await current.render(host, session);
} catch (error) {
  if (!(error instanceof Error && error.message === "not signed in")) showError(error);
}
