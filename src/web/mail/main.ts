/**
 * The "Courrier" page (bundled into public/build/mail.js): /mail/<tab>. The tabs register
 * themselves (tabs.ts); each tab file is imported here once:
 */
import { showError, startPage } from "../shared/shell.js";
import { h } from "../shared/dom.js";
import { TABS } from "./tabs.js";
import "./texts.js";
import "./mail.css";
import "./sent.js";
import "./sms.js";
// The intake's tabs (received mails, quarantine, mailboxes, rules) are imported here, one line each.
import "./intake-tabs.js";

try {
  const { session, main } = await startPage("mail");
  const tabs = TABS.filter((tab) => session.permissions.includes(tab.permission));
  const wanted = location.pathname.replace(/^\/mail\/?/, "").replace(/\/$/, "");
  const current = tabs.find((tab) => tab.id === wanted) ?? tabs[0];
  const host = h("div", { class: "mail-tab", "data-tab": current?.id ?? "" });
  main.append(
    h("nav", { class: "mail-tabs", role: "tablist" }, ...tabs.map((tab) =>
      h("a", { href: `/mail/${tab.id}`, role: "tab", class: tab === current ? "active" : "", "aria-selected": tab === current ? "true" : "false", "data-tab": tab.id }, tab.label()))),
    host,
  );
  if (current) await current.render(host, session);
} catch (error) {
  if (!(error instanceof Error && error.message === "not signed in")) showError(error);
}
