/**
 * Field values checked against their type, server side: every wrong field is listed with the
 * reason (one 400), values are normalised (numbers, amounts, dates, phones to E.164), unknown
 * fields are refused, and the fields required in a state are checked when the dossier enters it.
 */
import { parsePhoneNumberFromString } from "libphonenumber-js";
import type { FieldProblem } from "./errors.js";
import type { FieldDefinition, TypeDefinition } from "./type-definition.js";

const EMAIL = /^[^\s@]{1,64}@[^\s@]{1,255}\.[^\s@]{2,}$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

const show = (v: unknown) => (typeof v === "string" ? `'${v.length > 60 ? `${v.slice(0, 60)}…` : v}'` : JSON.stringify(v)?.slice(0, 60) ?? String(v));

export function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || v === "" || (Array.isArray(v) && v.length === 0);
}

function validDate(text: string): boolean {
  const m = DATE.exec(text);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
}

function toNumber(v: unknown): number | undefined {
  if (typeof v === "number" && Number.isFinite(v)) return v;
  if (typeof v === "string" && /^-?\d+([.,]\d+)?$/.test(v.trim())) return Number(v.trim().replace(",", "."));
  return undefined;
}

/** One value → its normalised form, or the reason it is wrong. */
export function checkValue(field: FieldDefinition, v: unknown): { value: unknown } | { error: string } {
  if (v === null) return { value: null };
  switch (field.type) {
    case "text":
    case "longText": {
      if (typeof v !== "string") return { error: `expected text, but found ${show(v)}` };
      const max = field.maxLength ?? (field.type === "text" ? 500 : 20_000);
      if (v.length > max) return { error: `expected at most ${max} characters, but found ${v.length}` };
      return { value: field.type === "text" ? v.trim() : v };
    }
    case "number": {
      const n = toNumber(v);
      return n === undefined ? { error: `expected a number, but found ${show(v)}` } : { value: n };
    }
    case "amount": {
      const currency = field.currency ?? "EUR";
      if (v && typeof v === "object" && !Array.isArray(v)) {
        const o = v as Record<string, unknown>;
        const n = toNumber(o["amount"]);
        const c = o["currency"] ?? currency;
        if (n === undefined) return { error: `expected {amount, currency} with a number amount, but found ${show(o["amount"])}` };
        if (typeof c !== "string" || !/^[A-Z]{3}$/.test(c)) return { error: `expected an ISO 4217 currency such as EUR, but found ${show(c)}` };
        return { value: { amount: Math.round(n * 100) / 100, currency: c } };
      }
      const n = toNumber(v);
      return n === undefined ? { error: `expected an amount (a number or {amount, currency}), but found ${show(v)}` } : { value: { amount: Math.round(n * 100) / 100, currency } };
    }
    case "date":
      return typeof v === "string" && validDate(v) ? { value: v } : { error: `expected a date as YYYY-MM-DD, but found ${show(v)}` };
    case "boolean":
      return typeof v === "boolean" ? { value: v } : { error: `expected true or false, but found ${show(v)}` };
    case "choice": {
      const values = (field.options ?? []).map((o) => o.value);
      return typeof v === "string" && values.includes(v) ? { value: v } : { error: `expected one of ${values.join(", ")}, but found ${show(v)}` };
    }
    case "multiChoice": {
      const values = (field.options ?? []).map((o) => o.value);
      if (!Array.isArray(v)) return { error: `expected a list of ${values.join(", ")}, but found ${show(v)}` };
      const wrong = v.filter((x) => typeof x !== "string" || !values.includes(x));
      return wrong.length ? { error: `expected only ${values.join(", ")}, but found ${wrong.map(show).join(", ")}` } : { value: [...new Set(v)] };
    }
    case "email":
      return typeof v === "string" && EMAIL.test(v.trim()) ? { value: v.trim().toLowerCase() } : { error: `expected an email address, but found ${show(v)}` };
    case "phone": {
      if (typeof v !== "string") return { error: `expected a phone number, but found ${show(v)}` };
      const phone = parsePhoneNumberFromString(v, "FR");
      return phone?.isValid() ? { value: phone.number } : { error: `expected a valid phone number (e.g. +33 1 23 45 67 89 or 01 23 45 67 89), but found ${show(v)}` };
    }
    case "party":
    case "document":
      return Number.isSafeInteger(v) && (v as number) > 0 ? { value: v } : { error: `expected the id of a ${field.type}, but found ${show(v)}` };
  }
}

/**
 * Checks `data` against the type. `partial`: only the fields given change (PATCH); `null` clears
 * a field. Returns the merged data and every problem as `data.<field>`.
 */
export function checkData(type: TypeDefinition, data: unknown, current: Record<string, unknown> = {}): { data: Record<string, unknown>; problems: FieldProblem[] } {
  const problems: FieldProblem[] = [];
  const out: Record<string, unknown> = Object.assign(Object.create(null) as Record<string, unknown>, current);
  if (data === undefined || data === null) return { data: { ...out }, problems };
  if (typeof data !== "object" || Array.isArray(data)) return { data: { ...out }, problems: [{ field: "data", message: `expected an object of field values, but found ${show(data)}` }] };
  const byId = new Map(type.fields.map((f) => [f.id, f]));
  for (const [name, value] of Object.entries(data as Record<string, unknown>)) {
    const field = byId.get(name);
    if (!field) {
      problems.push({ field: `data.${name}`, message: `expected one of the fields of '${type.id}' (${type.fields.map((f) => f.id).join(", ")}), but found an unknown field` });
      continue;
    }
    if (isEmpty(value)) {
      delete out[name];
      continue;
    }
    const checked = checkValue(field, value);
    if ("error" in checked) problems.push({ field: `data.${name}`, message: checked.error });
    else out[name] = checked.value;
  }
  return { data: { ...out }, problems };
}

/** The fields required in `state` (always-required ones included) that are still empty. */
export function missingFor(type: TypeDefinition, state: string, data: Record<string, unknown>): FieldDefinition[] {
  return type.fields.filter((f) => (f.required || (f.requiredInStates ?? []).includes(state)) && isEmpty(data[f.id]));
}

/** Text of the field values for the full-text index and exports. */
export function displayValue(field: FieldDefinition | undefined, v: unknown, lang = "fr"): string {
  if (isEmpty(v)) return "";
  if (!field) return typeof v === "string" ? v : JSON.stringify(v);
  switch (field.type) {
    case "amount": {
      const a = v as { amount: number; currency: string };
      return new Intl.NumberFormat(lang === "en" ? "en-GB" : "fr-FR", { style: "currency", currency: a.currency }).format(a.amount);
    }
    case "boolean":
      return v ? (lang === "en" ? "yes" : "oui") : lang === "en" ? "no" : "non";
    case "choice":
      return field.options?.find((o) => o.value === v)?.label[lang === "en" ? "en" : "fr"] ?? String(v);
    case "multiChoice":
      return (v as string[]).map((x) => field.options?.find((o) => o.value === x)?.label[lang === "en" ? "en" : "fr"] ?? x).join(", ");
    default:
      return String(v);
  }
}
