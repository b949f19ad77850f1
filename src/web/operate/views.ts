/** Small pieces shared by the operate views: the view contract, state badges, sections, notices. */
import { h } from "../shared/dom.js";
import { lang, t } from "../shared/i18n.js";

/** A mounted view; `dispose` stops its polling and frees the diagram. */
export interface View {
  dispose(): void;
}

export function stateBadge(state: string, hasIncident: boolean): HTMLElement {
  const key = state === "ACTIVE" && hasIncident ? "INCIDENT" : state;
  return h("span", { class: `op-state op-state-${key.toLowerCase()}`, "data-state": key }, t(`op.state.${key}`));
}

export function section(title: string, testId: string, ...children: Array<Node | string | null | false>): HTMLElement {
  return h("section", { class: "op-panel", "data-testid": testId, "aria-label": title }, h("h2", {}, title), ...children);
}

/** A short-lived confirmation under the page title (the shell's banner is for errors). */
export function notify(message: string): void {
  const old = document.querySelector(".op-notice");
  old?.remove();
  const notice = h("div", { class: "banner info op-notice", role: "status" }, message);
  document.querySelector("main")?.prepend(notice);
  setTimeout(() => notice.remove(), 6000);
}

/** Date and time with seconds, in the user's language. */
export function formatTime(value: string): string {
  return new Intl.DateTimeFormat(lang() === "fr" ? "fr-FR" : "en-GB", { dateStyle: "short", timeStyle: "medium" }).format(new Date(value));
}

/** A JSON value as a reader wants it: text without quotes, anything else as compact JSON. */
export function showValue(json: string): string {
  try {
    const value = JSON.parse(json) as unknown;
    return typeof value === "string" ? value : JSON.stringify(value);
  } catch {
    return json;
  }
}
