/**
 * The helpers every template gets. Locale comes from the render (`@locale`, "fr" by default).
 *
 *  date d "long"|"short"|"datetime"|"iso"   "7 décembre 2026" / "December 7, 2026" (1er for the first in French)
 *  money cents "EUR"                        amounts are CENTS by default (123456 → "1 234,56 €" / "€1,234.56");
 *                                           `from="decimal"` for 1234.56; a dossier amount field
 *                                           ({amount: 1840, currency: "EUR"}, decimal) is taken as it is
 *  amountInWords cents "EUR"                "mille deux cent trente-quatre euros et cinquante-six centimes"
 *  words n                                  a whole number in words
 *  number n decimals=2                      "1 234,5"
 *  percent x                                a FRACTION (0.2 → "20 %" / "20%"); `decimals=1`
 *  eq ne lt lte gt gte and or not           conditionals ({{#if (eq dossier.state "client")}})
 *  sum list "field" · multiply a b · add a b · subtract a b · count list
 *  default value "fallback"                 the first of its values that is not missing, null or "" (any number of them)
 *  upper lower capitalize                   "DUPONT", "dupont", "Dupont"
 *  join list ", "                           a list of strings
 *  paragraphs text                          plain text (escaped) as <p> paragraphs, line breaks kept
 */
import Handlebars, { type HelperDelegate, type HelperOptions } from "handlebars";
import { amountToWords, numberToWords, type WordsLocale } from "./words.js";

export type Locale = "fr" | "en";
const TAGS: Record<Locale, string> = { fr: "fr-FR", en: "en-US" };

function localeOf(options: HelperOptions | undefined): Locale {
  const value = (options?.data as { locale?: unknown } | undefined)?.locale;
  return value === "en" ? "en" : "fr";
}

/** The trailing options object Handlebars passes to every helper. */
function split(args: unknown[]): { params: unknown[]; options: HelperOptions } {
  const options = args[args.length - 1] as HelperOptions;
  return { params: args.slice(0, -1), options };
}

/** Narrow no-break spaces (U+202F, Intl's French group separator) become plain no-break spaces: every font has that glyph. */
function printable(text: string): string {
  return text.replace(/\u202f/g, "\u00a0");
}

function toNumber(helper: string, value: unknown): number {
  const number = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  if (typeof number !== "number" || !Number.isFinite(number)) throw new TypeError(`${helper}: expected a number, but found ${describe(value)}`);
  return number;
}

function describe(value: unknown): string {
  if (value === undefined) return "nothing (undefined)";
  if (value === null) return "null";
  if (typeof value === "string") return `'${value.length > 40 ? `${value.slice(0, 40)}…` : value}'`;
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "an object";
  return String(value);
}

/** A dossier's amount field ({amount: 1840, currency: "EUR"}, a decimal amount). */
function amountField(value: unknown): { amount: unknown; currency?: string } | undefined {
  if (value && typeof value === "object" && !Array.isArray(value) && "amount" in value) {
    const o = value as { amount: unknown; currency?: unknown };
    return { amount: o.amount, ...(typeof o.currency === "string" ? { currency: o.currency } : {}) };
  }
  return undefined;
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

function toDate(value: unknown): { date: Date; dateOnly: boolean } {
  if (value instanceof Date && !Number.isNaN(value.getTime())) return { date: value, dateOnly: false };
  if (typeof value === "string" && DATE_ONLY.test(value)) return { date: new Date(`${value}T00:00:00Z`), dateOnly: true };
  if (typeof value === "string" || typeof value === "number") {
    const date = new Date(value);
    if (!Number.isNaN(date.getTime())) return { date, dateOnly: false };
  }
  throw new TypeError(`date: expected a date (2026-12-07, an ISO timestamp or milliseconds), but found ${describe(value)}`);
}

export interface HelperSettings {
  /** Time zone of dates with a time of day (RENDER_TIME_ZONE, Europe/Paris). */
  timeZone: string;
}

export function createHelpers(settings: HelperSettings): Record<string, HelperDelegate> {
  const date: HelperDelegate = (...args: unknown[]) => {
    const { params, options } = split(args);
    const locale = localeOf(options);
    const style = params[1] === undefined ? "long" : String(params[1]);
    const { date: d, dateOnly } = toDate(params[0]);
    const timeZone = dateOnly ? "UTC" : settings.timeZone;
    if (style === "iso") return dateOnly ? String(params[0]) : d.toISOString();
    const formats: Record<string, Intl.DateTimeFormatOptions> = {
      long: { day: "numeric", month: "long", year: "numeric" },
      short: { day: "2-digit", month: "2-digit", year: "numeric" },
      datetime: { day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit" },
      month: { month: "long", year: "numeric" },
    };
    const format = formats[style];
    if (!format) throw new TypeError(`date: expected a style among ${[...Object.keys(formats), "iso"].join(", ")}, but found '${style}'`);
    let text = new Intl.DateTimeFormat(TAGS[locale], { ...format, timeZone }).format(d);
    if (locale === "fr" && (style === "long" || style === "datetime")) text = text.replace(/^1 /, "1er ");
    return printable(text);
  };

  const money: HelperDelegate = (...args: unknown[]) => {
    const { params, options } = split(args);
    const field = amountField(params[0]);
    const currency = params[1] === undefined ? (field?.currency ?? "EUR") : String(params[1]).toUpperCase();
    const from = field ? "decimal" : ((options.hash as { from?: unknown }).from ?? "cents");
    const raw = toNumber("money", field ? field.amount : params[0]);
    let amount: number;
    if (from === "cents") {
      if (!Number.isInteger(raw)) throw new TypeError(`money: expected an amount in cents (a whole number), but found ${raw}; write money value "${currency}" from="decimal" for a decimal amount`);
      amount = raw / 100;
    } else if (from === "decimal") amount = raw;
    else throw new TypeError(`money: expected from="cents" or from="decimal", but found '${String(from)}'`);
    try {
      return printable(new Intl.NumberFormat(TAGS[localeOf(options)], { style: "currency", currency }).format(amount));
    } catch {
      throw new TypeError(`money: expected a currency code such as EUR, but found '${currency}'`);
    }
  };

  const amountInWords: HelperDelegate = (...args: unknown[]) => {
    const { params, options } = split(args);
    const field = amountField(params[0]);
    const from = field ? "decimal" : ((options.hash as { from?: unknown }).from ?? "cents");
    const raw = toNumber("amountInWords", field ? field.amount : params[0]);
    const cents = from === "decimal" ? Math.round(raw * 100) : raw;
    return amountToWords(cents, params[1] === undefined ? (field?.currency ?? "EUR") : String(params[1]), localeOf(options) as WordsLocale);
  };

  const words: HelperDelegate = (...args: unknown[]) => {
    const { params, options } = split(args);
    return numberToWords(toNumber("words", params[0]), localeOf(options) as WordsLocale);
  };

  const number: HelperDelegate = (...args: unknown[]) => {
    const { params, options } = split(args);
    const decimals = (options.hash as { decimals?: unknown }).decimals;
    const digits = decimals === undefined ? undefined : toNumber("number decimals", decimals);
    return printable(new Intl.NumberFormat(TAGS[localeOf(options)], digits === undefined ? {} : { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(toNumber("number", params[0])));
  };

  const percent: HelperDelegate = (...args: unknown[]) => {
    const { params, options } = split(args);
    const decimals = (options.hash as { decimals?: unknown }).decimals;
    const digits = decimals === undefined ? undefined : toNumber("percent decimals", decimals);
    return printable(new Intl.NumberFormat(TAGS[localeOf(options)], { style: "percent", maximumFractionDigits: digits ?? 2, minimumFractionDigits: digits ?? 0 }).format(toNumber("percent", params[0])));
  };

  const listOf = (helper: string, value: unknown): unknown[] => {
    if (value === undefined || value === null) return [];
    if (!Array.isArray(value)) throw new TypeError(`${helper}: expected a list, but found ${describe(value)}`);
    return value;
  };

  const sum: HelperDelegate = (...args: unknown[]) => {
    const { params } = split(args);
    const field = params[1] === undefined ? undefined : String(params[1]);
    return listOf("sum", params[0]).reduce<number>((total, item) => {
      const value = field === undefined ? item : field.split(".").reduce<unknown>((v, key) => (v && typeof v === "object" ? (v as Record<string, unknown>)[key] : undefined), item);
      return total + (value === undefined || value === null || value === "" ? 0 : toNumber(`sum of '${field ?? "items"}'`, value));
    }, 0);
  };

  const numeric = (name: string, fn: (a: number, b: number) => number): HelperDelegate => (...args: unknown[]) => {
    const { params } = split(args);
    return fn(toNumber(name, params[0]), toNumber(name, params[1]));
  };

  const compare = (fn: (a: unknown, b: unknown) => boolean): HelperDelegate => (...args: unknown[]) => {
    const { params } = split(args);
    return fn(params[0], params[1]);
  };

  const text = (name: string, fn: (s: string, locale: Locale) => string): HelperDelegate => (...args: unknown[]) => {
    const { params, options } = split(args);
    const value = params[0];
    if (value === undefined || value === null) return "";
    return fn(String(value), localeOf(options));
  };

  return {
    date, money, amountInWords, words, number, percent, sum,
    multiply: numeric("multiply", (a, b) => a * b),
    add: numeric("add", (a, b) => a + b),
    subtract: numeric("subtract", (a, b) => a - b),
    // Amount in cents times a quantity or rate: rounded to the cent.
    multiplyCents: numeric("multiplyCents", (a, b) => Math.round(a * b)),
    count: (...args: unknown[]) => listOf("count", split(args).params[0]).length,
    eq: compare((a, b) => a === b || (a !== null && b !== null && a !== undefined && b !== undefined && String(a) === String(b) && typeof a !== "object")),
    ne: compare((a, b) => !(a === b || (a !== null && b !== null && a !== undefined && b !== undefined && String(a) === String(b) && typeof a !== "object"))),
    lt: compare((a, b) => Number(a) < Number(b)),
    lte: compare((a, b) => Number(a) <= Number(b)),
    gt: compare((a, b) => Number(a) > Number(b)),
    gte: compare((a, b) => Number(a) >= Number(b)),
    // As JavaScript's && and ||: the deciding value itself, so (and list (sum list "x")) is nothing without a list.
    and: (...args: unknown[]) => {
      const params = split(args).params;
      const falsy = params.findIndex((v) => !v);
      return falsy === -1 ? params[params.length - 1] : params[falsy];
    },
    or: (...args: unknown[]) => {
      const params = split(args).params;
      const truthy = params.findIndex(Boolean);
      return truthy === -1 ? params[params.length - 1] : params[truthy];
    },
    not: (...args: unknown[]) => !split(args).params[0],
    // The first value that is not missing, null or "": {{default variables.x dossier.fields.x "à définir"}}.
    default: (...args: unknown[]) => split(args).params.find((value) => value !== undefined && value !== null && value !== ""),
    upper: text("upper", (s, l) => s.toLocaleUpperCase(TAGS[l])),
    lower: text("lower", (s, l) => s.toLocaleLowerCase(TAGS[l])),
    capitalize: text("capitalize", (s, l) => s.charAt(0).toLocaleUpperCase(TAGS[l]) + s.slice(1)),
    // Plain text with blank lines as paragraphs and line breaks kept, every character escaped first.
    paragraphs: (...args: unknown[]) => {
      const value = split(args).params[0];
      if (value === undefined || value === null || value === "") return "";
      const html = String(value).replace(/\r\n?/g, "\n").split(/\n\s*\n/).map((p) => `<p>${Handlebars.Utils.escapeExpression(p.trim()).replace(/\n/g, "<br>")}</p>`).join("\n");
      return new Handlebars.SafeString(html);
    },
    join: (...args: unknown[]) => {
      const { params } = split(args);
      return listOf("join", params[0]).filter((v) => v !== undefined && v !== null && v !== "").map(String).join(params[1] === undefined ? ", " : String(params[1]));
    },
  };
}
