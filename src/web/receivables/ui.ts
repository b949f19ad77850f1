/** Small helpers of the receivables page: tables, badges, money. */
import { h } from "../shared/dom.js";
import { formatAmount, t } from "../shared/i18n.js";

export const money = (cents: number) => formatAmount(cents / 100);
export const badge = (status: string, label?: string) => h("span", { class: `rcv-badge s-${status}`, "data-status": status }, label ?? (t(`rcv.status.${status}`) === `rcv.status.${status}` ? status : t(`rcv.status.${status}`)));
export const frDay = (day: string | null | undefined) => (day ? day.split("-").reverse().join("/") : "—");

export function table(headers: Array<string | [string, "num"]>, rows: HTMLElement[], empty: string): HTMLElement {
  if (rows.length === 0) return h("p", { class: "muted" }, empty);
  return h("table", { class: "rcv-table" },
    h("thead", {}, h("tr", {}, ...headers.map((x) => (Array.isArray(x) ? h("th", { class: "num" }, x[0]) : h("th", {}, x))))),
    h("tbody", {}, ...rows));
}

export const card = (title: string, ...children: Array<Node | null>) => h("section", { class: "rcv-card" }, h("h3", {}, title), ...children);
