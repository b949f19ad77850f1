/**
 * An editable table of rows (fields, states, transitions, …) bound to an array of the draft type:
 * each cell edits one property in place; rows can be added, moved up or down and removed.
 */
import { h } from "../shared/dom.js";
import { t } from "../shared/i18n.js";

type Item = Record<string, unknown>;

export interface Column {
  /** A property path: "id", "label.fr", "options" … */
  key: string;
  title: string;
  kind?: "text" | "number" | "checkbox" | "select" | "csv" | "multi" | "radio" | "options";
  /** Choices of a select / multi (recomputed at each render). */
  choices?: () => Array<{ value: string; label: string }>;
  placeholder?: string;
  width?: string;
}

function get(item: Item, key: string): unknown {
  return key.split(".").reduce<unknown>((o, k) => (o && typeof o === "object" ? (o as Item)[k] : undefined), item);
}

function set(item: Item, key: string, value: unknown): void {
  const parts = key.split(".");
  let o = item;
  for (const p of parts.slice(0, -1)) o = (o[p] && typeof o[p] === "object" ? o[p] : (o[p] = {})) as Item;
  const last = parts[parts.length - 1]!;
  // Labels keep both languages ({fr, en}: the server wants the pair, an empty English one falls back to French).
  if (parts[0] === "label" && value === "") o[last] = "";
  else if (value === undefined || value === "" || (Array.isArray(value) && value.length === 0 && last !== "options")) delete o[last];
  else o[last] = value;
}

/** "pro=Professionnel|Business" per line ⇄ [{value, label: {fr, en}}]. */
function optionsText(options: unknown): string {
  return (Array.isArray(options) ? options : []).map((o: { value: string; label?: { fr?: string; en?: string } }) =>
    `${o.value}=${o.label?.fr ?? ""}${o.label?.en ? `|${o.label.en}` : ""}`).join("\n");
}
function parseOptions(text: string): Array<{ value: string; label: { fr: string; en?: string } }> {
  return text.split("\n").map((l) => l.trim()).filter(Boolean).map((l) => {
    const [value, rest = ""] = l.split("=");
    const [fr, en] = rest.split("|");
    return { value: value!.trim(), label: { fr: (fr ?? value!).trim() || value!.trim(), ...(en ? { en: en.trim() } : {}) } };
  });
}

export function rowsEditor(path: string, items: Item[], columns: Column[], make: () => Item, onChange: () => void, addLabel: string): HTMLElement {
  const host = h("div", { class: "rows-editor", "data-path": path });
  const render = () => {
    const body = h("tbody", {}, ...items.map((item, i) => h("tr", { "data-path": `${path}[${i}]`, "data-index": i },
      ...columns.map((c) => h("td", { "data-key": c.key }, cell(item, c, i))),
      h("td", { class: "row-tools" },
        h("button", { type: "button", class: "small", "aria-label": t("admin.rows.up"), title: t("admin.rows.up"), disabled: i === 0, onclick: () => move(i, -1) }, "↑"),
        h("button", { type: "button", class: "small", "aria-label": t("admin.rows.down"), title: t("admin.rows.down"), disabled: i === items.length - 1, onclick: () => move(i, 1) }, "↓"),
        h("button", { type: "button", class: "small danger", "aria-label": t("admin.rows.remove"), title: t("admin.rows.remove"), "data-action": "remove-row", onclick: () => { items.splice(i, 1); changed(); } }, "✕")))));
    host.replaceChildren(
      h("div", { class: "table-scroll" }, h("table", { class: "rows" },
        h("thead", {}, h("tr", {}, ...columns.map((c) => h("th", { style: c.width ? `width:${c.width}` : null }, c.title)), h("th", {}, h("span", { class: "visually-hidden" }, t("admin.rows.tools"))))),
        body)),
      h("button", { type: "button", class: "small", "data-action": `add-${path}`, onclick: () => {
        items.push(make());
        changed();
        host.querySelector<HTMLElement>("tbody tr:last-child input, tbody tr:last-child select")?.focus();
      } }, addLabel));
  };
  const changed = () => { render(); onChange(); };
  const move = (i: number, by: number) => {
    const [item] = items.splice(i, 1);
    items.splice(i + by, 0, item!);
    changed();
    host.querySelectorAll<HTMLElement>("tbody tr")[i + by]?.querySelector<HTMLElement>(by < 0 ? "button" : "button:nth-of-type(2)")?.focus();
  };
  const cell = (item: Item, c: Column, i: number): HTMLElement => {
    const value = get(item, c.key);
    const aria = `${c.title} (${i + 1})`;
    switch (c.kind) {
      case "checkbox":
        return h("input", { type: "checkbox", "aria-label": aria, name: c.key, checked: value === true, onchange: (e: Event) => { set(item, c.key, (e.target as HTMLInputElement).checked || undefined); onChange(); } });
      case "radio":
        return h("input", { type: "radio", "aria-label": aria, name: `${path}-${c.key}`, checked: value === true, onchange: () => {
          for (const other of items) delete other[c.key];
          set(item, c.key, true);
          onChange();
        } });
      case "select":
        return h("select", { "aria-label": aria, name: c.key, onchange: (e: Event) => { set(item, c.key, (e.target as HTMLSelectElement).value || undefined); onChange(); render(); } },
          h("option", { value: "" }, "—"),
          ...(c.choices?.() ?? []).map((o) => h("option", { value: o.value, selected: o.value === value }, o.label)),
          // A value the choices do not know (a process not deployed here, a state renamed) stays visible, not silently dropped.
          typeof value === "string" && value && !(c.choices?.() ?? []).some((o) => o.value === value) ? h("option", { value, selected: true }, `${value} (?)`) : null);
      case "multi": {
        const values = Array.isArray(value) ? (value as string[]) : [];
        return h("div", { class: "multi" }, ...(c.choices?.() ?? []).map((o) => h("label", { class: "check" },
          h("input", { type: "checkbox", value: o.value, checked: values.includes(o.value), "aria-label": `${aria}: ${o.label}`, onchange: (e: Event) => {
            const on = (e.target as HTMLInputElement).checked;
            const now = Array.isArray(get(item, c.key)) ? [...(get(item, c.key) as string[])] : [];
            set(item, c.key, on ? [...now, o.value] : now.filter((v) => v !== o.value));
            onChange();
          } }), o.label)));
      }
      case "csv":
        return h("input", { "aria-label": aria, name: c.key, value: Array.isArray(value) ? value.join(", ") : "", placeholder: c.placeholder ?? "",
          onchange: (e: Event) => {
            const parts = (e.target as HTMLInputElement).value.split(",").map((s) => s.trim()).filter(Boolean);
            set(item, c.key, parts.map((p) => (/^\d+$/.test(p) && c.key === "remindDaysBefore" ? Number(p) : p)));
            onChange();
          } });
      case "options":
        if (!["choice", "multiChoice"].includes(String(item["type"]))) return h("span", { class: "muted" }, "—");
        return h("textarea", { "aria-label": aria, name: c.key, rows: 2, placeholder: "pro=Professionnel|Business",
          onchange: (e: Event) => { item["options"] = parseOptions((e.target as HTMLTextAreaElement).value); onChange(); } }, optionsText(value));
      case "number":
        return h("input", { type: "number", "aria-label": aria, name: c.key, value: value === undefined ? "" : String(value),
          onchange: (e: Event) => { const v = (e.target as HTMLInputElement).value; set(item, c.key, v === "" ? undefined : Number(v)); onChange(); } });
      default:
        return h("input", { "aria-label": aria, name: c.key, value: value === undefined || value === null ? "" : String(value), placeholder: c.placeholder ?? "",
          oninput: (e: Event) => { set(item, c.key, (e.target as HTMLInputElement).value); onChange(); } });
    }
  };
  render();
  return host;
}
