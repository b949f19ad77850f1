/**
 * The operate page: one bundle, four views chosen by the address —
 *   /operate?instance=KEY     one process instance
 *   /operate?diagram=KEY      one process definition (version) with counts per element
 *   /operate?view=processes   the deployed processes and their instance counts
 *   /operate[?criteria]       the instance search
 * Links inside the page switch views without reloading it (history.pushState); back and forward work.
 */
import "camunda-bpmn-js/dist/assets/camunda-cloud-navigated-viewer.css";
import "./operate.css";
import "./texts.js";
import { h } from "../shared/dom.js";
import { t } from "../shared/i18n.js";
import { showError, startPage } from "../shared/shell.js";
import { definitionView } from "./definition.js";
import { instanceView } from "./instance.js";
import { processesView } from "./processes.js";
import { searchView } from "./search.js";
import type { View } from "./views.js";

const { session, main } = await startPage("operate");
let current: View | undefined;

function tabs(active: "instances" | "processes"): HTMLElement {
  const tab = (name: "instances" | "processes", href: string) =>
    h("a", { href, class: name === active ? "active" : "", "aria-current": name === active ? "page" : null }, t(`op.tab.${name}`));
  return h("nav", { class: "op-tabs", "aria-label": t("nav.operate") }, tab("instances", "/operate"), tab("processes", "/operate?view=processes"));
}

function route(): void {
  current?.dispose();
  main.replaceChildren();
  window.scrollTo(0, 0);
  if (!session.permissions.includes("instances.read")) {
    main.append(h("p", { class: "banner error", role: "alert" }, t("op.forbidden")));
    return;
  }
  const params = new URLSearchParams(location.search);
  const instance = params.get("instance");
  const diagram = params.get("diagram");
  try {
    if (instance) {
      main.append(tabs("instances"));
      current = instanceView(main, instance, session);
    } else if (diagram) {
      main.append(tabs("processes"));
      current = definitionView(main, diagram, go);
    } else if (params.get("view") === "processes") {
      main.append(tabs("processes"));
      current = processesView(main);
    } else {
      main.append(tabs("instances"));
      current = searchView(main, params, go);
    }
  } catch (error) {
    showError(error);
  }
}

function go(url: string): void {
  history.pushState(null, "", url);
  route();
}

// Links to the operate page itself are handled here, without a page load.
document.addEventListener("click", (event) => {
  const link = (event.target as Element | null)?.closest?.("a");
  if (!link || event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey || link.target) return;
  const url = new URL(link.href, location.href);
  if (url.origin !== location.origin || url.pathname !== "/operate") return;
  event.preventDefault();
  go(url.pathname + url.search);
});
window.addEventListener("popstate", route);
route();
