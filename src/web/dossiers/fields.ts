/**
 * Fields of a dossier type: how a value reads (dates and amounts in the user's locale) and the
 * input that edits it, generated from the field's type. `readField` turns the input back into the
 * value the API expects (undefined = left empty).
 */
import { h } from "../shared/dom.js";
import { formatAmount, formatDate, lang, t } from "../shared/i18n.js";
import { label, type FieldDef } from "./data.js";

const locale = () => (lang() === "fr" ? "fr-FR" : "en-GB");

export function formatValue(field: FieldDef | undefined, value: unknown): string {
  if (value === null || value === undefined || value === "") return "—";
  switch (field?.type) {
    case "amount": {
      if (typeof value === "object" && value && "amount" in value) {
        const v = value as { amount: number; currency?: string };
        return formatAmount(Number(v.amount), v.currency ?? field.currency ?? "EUR");
      }
      return formatAmount(Number(value), field.currency ?? "EUR");
    }
    case "number": return new Intl.NumberFormat(locale()).format(Number(value));
    case "date": return formatDate(String(value), false);
    case "boolean": return value ? t("dossiers.yes") : t("dossiers.no");
    case "choice": return label(field.options?.find((o) => o.value === value)?.label, String(value));
    case "multiChoice": return (Array.isArray(value) ? value : [value]).map((v) => label(field.options?.find((o) => o.value === v)?.label, String(v))).join(", ");
    default:
      if (typeof value === "object") return JSON.stringify(value);
      return String(value);
  }
}

/** The input(s) of one field, named `field.id`; a wrapper `.field` with the label and a problem slot. */
export function fieldInput(field: FieldDef, value: unknown, required = false): HTMLElement {
  const id = `f-${field.id}`;
  const name = field.id;
  let input: HTMLElement;
  const req = required || field.required === true;
  switch (field.type) {
    case "longText":
      input = h("textarea", { id, name, rows: 3, required: req }, value === undefined || value === null ? "" : String(value));
      break;
    case "number":
      input = h("input", { id, name, type: "number", step: "any", required: req, value: value === undefined || value === null ? "" : String(value) });
      break;
    case "amount": {
      const amount = typeof value === "object" && value ? (value as { amount?: number }).amount : value;
      input = h("input", { id, name, type: "number", step: "0.01", inputmode: "decimal", required: req, value: amount === undefined || amount === null ? "" : String(amount), "data-currency": field.currency ?? "EUR" });
      break;
    }
    case "date":
      input = h("input", { id, name, type: "date", required: req, value: value ? String(value).slice(0, 10) : "" });
      break;
    case "boolean":
      input = h("input", { id, name, type: "checkbox", checked: value === true });
      break;
    case "choice":
      input = h("select", { id, name, required: req },
        h("option", { value: "" }, "—"),
        ...(field.options ?? []).map((o) => h("option", { value: o.value, selected: o.value === value }, label(o.label, o.value))));
      break;
    case "multiChoice": {
      const values = Array.isArray(value) ? value : [];
      input = h("div", { id, class: "multi", role: "group", "data-name": name },
        ...(field.options ?? []).map((o) => h("label", { class: "check" },
          h("input", { type: "checkbox", name, value: o.value, checked: values.includes(o.value) }), " ", label(o.label, o.value))));
      break;
    }
    case "email":
      input = h("input", { id, name, type: "email", required: req, value: value ? String(value) : "", autocomplete: "off" });
      break;
    case "phone":
      input = h("input", { id, name, type: "tel", required: req, value: value ? String(value) : "" });
      break;
    default:
      input = h("input", { id, name, type: "text", required: req, value: value === undefined || value === null ? "" : String(value) });
  }
  const suffix = field.type === "amount" ? h("span", { class: "muted" }, field.currency ?? "EUR") : null;
  return h("div", { class: `field field-${field.type}`, "data-field": field.id },
    h("label", { for: id }, label(field.label, field.id), req ? h("span", { class: "req", "aria-hidden": "true" }, " *") : null),
    suffix ? h("span", { class: "with-suffix" }, input, suffix) : input,
    h("p", { class: "field-problem", id: `${id}-problem`, role: "alert", hidden: true }));
}

/** The value of a field in `form`, as the API wants it; undefined when empty. */
export function readField(form: HTMLElement, field: FieldDef): unknown {
  const el = form.querySelector<HTMLInputElement>(`[name="${CSS.escape(field.id)}"]`);
  if (field.type === "multiChoice") {
    return [...form.querySelectorAll<HTMLInputElement>(`input[name="${CSS.escape(field.id)}"]:checked`)].map((i) => i.value);
  }
  if (!el) return undefined;
  if (field.type === "boolean") return el.checked;
  const raw = el.value.trim();
  if (raw === "") return undefined;
  if (field.type === "number") return Number(raw);
  if (field.type === "amount") return { amount: Number(raw), currency: field.currency ?? "EUR" };
  return raw;
}

/** Shows the 400's problems next to their fields; returns those that name no field of the form. */
export function showProblems(form: HTMLElement, problems: Array<{ field?: string; elementId?: string; message: string }>): string[] {
  for (const p of form.querySelectorAll<HTMLElement>(".field-problem")) { p.hidden = true; p.textContent = ""; }
  for (const f of form.querySelectorAll(".field.invalid")) f.classList.remove("invalid");
  const rest: string[] = [];
  for (const problem of problems) {
    const name = (problem.field ?? problem.elementId ?? "").replace(/^data\./, "");
    const wrapper = name ? form.querySelector<HTMLElement>(`.field[data-field="${CSS.escape(name)}"]`) : null;
    const slot = wrapper?.querySelector<HTMLElement>(".field-problem");
    if (!wrapper || !slot) { rest.push(problem.field ? `${problem.field}: ${problem.message}` : problem.message); continue; }
    wrapper.classList.add("invalid");
    slot.textContent = slot.textContent ? `${slot.textContent} · ${problem.message}` : problem.message;
    slot.hidden = false;
    wrapper.querySelector<HTMLElement>("input, select, textarea")?.setAttribute("aria-describedby", slot.id);
  }
  form.querySelector<HTMLElement>(".field.invalid input, .field.invalid select, .field.invalid textarea")?.focus();
  return rest;
}
