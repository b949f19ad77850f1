/**
 * Document templates (bundled into public/build/templates.js):
 *   /templates?name=…       the editor with live preview (templates.manage)
 *   /templates/settings     the organisation's details printed on documents
 *   /templates/merge        mail merge (dossiers.write)
 */
import { showError, startPage } from "../shared/shell.js";
import { h } from "../shared/dom.js";
import { t } from "../shared/i18n.js";
import "./texts.js";
import "./templates.css";
import { TemplateEditor } from "./editor.js";
import { mergePage } from "./merge.js";
import { settingsPage } from "./settings.js";

try {
  const { session, main } = await startPage("templates");
  const section = location.pathname.replace(/^\/templates\/?/, "").replace(/\/$/, "");
  const tabs: Array<[string, string]> = [["", "tpl.tab.templates"], ["settings", "tpl.tab.settings"], ["merge", "tpl.tab.merge"]];
  main.append(h("nav", { class: "tpl-tabs", "aria-label": t("nav.templates") }, ...tabs.map(([path, key]) =>
    h("a", { href: `/templates${path ? `/${path}` : ""}`, class: section === path ? "active" : "", "aria-current": section === path ? "page" : null }, t(key)))));
  const body = h("div", {});
  main.append(body);
  if (section === "settings") await settingsPage(body);
  else if (section === "merge") await mergePage(session, body);
  else await new TemplateEditor(session, body).start();
} catch (error) {
  if (!(error instanceof Error && error.message === "not signed in")) showError(error);
}
