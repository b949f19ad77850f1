/** Small pieces the dossier pages share: state badges, sections, the days-left badge, a toast. */
import { h } from "../shared/dom.js";
import { t } from "../shared/i18n.js";

export function stateBadge(state: string, text: string): HTMLElement {
  return h("span", { class: `badge state state-${state.replace(/[^\w-]/g, "")}`, "data-state": state }, text);
}

export function section(id: string, title: string, ...children: Array<Node | null | false>): HTMLElement {
  return h("section", { class: "card", id: `section-${id}`, "aria-labelledby": `h-${id}`, "data-section": id },
    h("h2", { id: `h-${id}` }, title), ...children);
}

export function daysLeftBadge(days: number): HTMLElement {
  const cls = days < 0 ? "due-overdue" : days <= 30 ? "due-soon" : "due-later";
  const text = days < 0 ? t("dossiers.days.overdue", { days: -days }) : days === 0 ? t("dossiers.days.today") : t("dossiers.days.left", { days });
  return h("span", { class: `badge ${cls}`, "data-days": days }, text);
}

export function toast(message: string): void {
  let host = document.querySelector<HTMLElement>(".toasts");
  if (!host) { host = h("div", { class: "toasts", role: "status", "aria-live": "polite" }); document.body.append(host); }
  const item = h("p", { class: "toast" }, message);
  host.append(item);
  window.setTimeout(() => item.remove(), 5000);
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** replaceChildren that skips null/false children (for conditional parts). */
export function fill(element: Element, ...children: Array<Node | string | null | undefined | false>): void {
  element.replaceChildren(...children.filter((c): c is Node | string => c !== null && c !== undefined && c !== false));
}

/** A <details> menu closes when the user clicks elsewhere or presses Escape inside it. */
export function closeOnOutside(details: HTMLDetailsElement): HTMLDetailsElement {
  document.addEventListener("click", (e) => { if (details.open && !details.contains(e.target as Node)) details.open = false; });
  details.addEventListener("keydown", (e: KeyboardEvent) => {
    if (e.key === "Escape" && details.open) { details.open = false; details.querySelector("summary")?.focus(); }
  });
  return details;
}
