/**
 * Numbers and amounts in words, for contracts ("la prime annuelle de 1 234,56 € (mille deux cent
 * trente-quatre euros et cinquante-six centimes)").
 *
 * French follows the TRADITIONAL spelling (the one French contracts and cheques still use, and the
 * example of the issue): hyphens only between tens and units below one hundred ("vingt et un",
 * "soixante et onze", "quatre-vingt-un", "deux cent trente-quatre"); "cent" and "quatre-vingt" take
 * an s when multiplied and ending the number or before "million"/"milliard" (nouns): "deux cents",
 * "quatre-vingts", "deux cents millions", but "deux cent mille", "quatre-vingt mille" (mille is an
 * invariable adjective). An amount that ends on million/milliard takes "d'euros" ("un million d'euros").
 * English is US style without "and": "one thousand two hundred thirty-four".
 */

export type WordsLocale = "fr" | "en";

const FR_UNITS = ["zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix", "onze", "douze", "treize", "quatorze", "quinze", "seize", "dix-sept", "dix-huit", "dix-neuf"];
const FR_TENS = ["", "dix", "vingt", "trente", "quarante", "cinquante", "soixante"];

function frBelow100(n: number, final: boolean): string {
  if (n < 20) return FR_UNITS[n]!;
  const tens = Math.floor(n / 10);
  const unit = n % 10;
  if (tens === 7) return unit === 1 ? "soixante et onze" : `soixante-${FR_UNITS[10 + unit]!}`;
  if (tens === 8) return unit === 0 ? (final ? "quatre-vingts" : "quatre-vingt") : `quatre-vingt-${FR_UNITS[unit]!}`;
  if (tens === 9) return `quatre-vingt-${FR_UNITS[10 + unit]!}`;
  if (unit === 0) return FR_TENS[tens]!;
  if (unit === 1) return `${FR_TENS[tens]!} et un`;
  return `${FR_TENS[tens]!}-${FR_UNITS[unit]!}`;
}

/** 0 < n < 1000; `final` = nothing but a noun (million, milliard) or the end follows (plural s of cent/quatre-vingts). */
function frBelow1000(n: number, final: boolean): string {
  const hundreds = Math.floor(n / 100);
  const rest = n % 100;
  const parts: string[] = [];
  if (hundreds === 1) parts.push("cent");
  else if (hundreds > 1) parts.push(`${FR_UNITS[hundreds]!} ${rest === 0 && final ? "cents" : "cent"}`);
  if (rest > 0) parts.push(frBelow100(rest, final));
  return parts.join(" ");
}

function frWords(n: number): string {
  if (n === 0) return "zéro";
  const parts: string[] = [];
  const scales: Array<[number, string, string]> = [[1e12, "billion", "billions"], [1e9, "milliard", "milliards"], [1e6, "million", "millions"]];
  let rest = n;
  for (const [size, one, many] of scales) {
    const count = Math.floor(rest / size);
    rest %= size;
    if (count > 0) parts.push(`${frBelow1000Big(count)} ${count > 1 ? many : one}`);
  }
  const thousands = Math.floor(rest / 1000);
  rest %= 1000;
  if (thousands === 1) parts.push("mille");
  else if (thousands > 1) parts.push(`${frBelow1000(thousands, false)} mille`);
  if (rest > 0) parts.push(frBelow1000(rest, true));
  return parts.join(" ");
}

/** A multiplier of million/milliard below 1000 (nouns: "deux cents millions"). */
function frBelow1000Big(n: number): string {
  return frBelow1000(n, true);
}

const EN_UNITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"];
const EN_TENS = ["", "ten", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"];

function enBelow1000(n: number): string {
  const hundreds = Math.floor(n / 100);
  const rest = n % 100;
  const parts: string[] = [];
  if (hundreds > 0) parts.push(`${EN_UNITS[hundreds]!} hundred`);
  if (rest > 0) {
    if (rest < 20) parts.push(EN_UNITS[rest]!);
    else parts.push(rest % 10 === 0 ? EN_TENS[rest / 10]! : `${EN_TENS[Math.floor(rest / 10)]!}-${EN_UNITS[rest % 10]!}`);
  }
  return parts.join(" ");
}

function enWords(n: number): string {
  if (n === 0) return "zero";
  const parts: string[] = [];
  let rest = n;
  for (const [size, name] of [[1e12, "trillion"], [1e9, "billion"], [1e6, "million"], [1e3, "thousand"]] as Array<[number, string]>) {
    const count = Math.floor(rest / size);
    rest %= size;
    if (count > 0) parts.push(`${enBelow1000(count)} ${name}`);
  }
  if (rest > 0) parts.push(enBelow1000(rest));
  return parts.join(" ");
}

const MAX = 999_999_999_999_999;

/** A whole number in words. Throws for anything else than a whole number of at most 15 digits. */
export function numberToWords(value: number, locale: WordsLocale = "fr"): string {
  if (!Number.isSafeInteger(value) || Math.abs(value) > MAX) {
    throw new RangeError(`words: expected a whole number of at most 15 digits, but found ${String(value)}`);
  }
  const words = locale === "en" ? enWords(Math.abs(value)) : frWords(Math.abs(value));
  return value < 0 ? `${locale === "en" ? "minus" : "moins"} ${words}` : words;
}

interface CurrencyWords { one: string; many: string; minorOne: string; minorMany: string }
const CURRENCIES: Record<WordsLocale, Record<string, CurrencyWords>> = {
  fr: {
    EUR: { one: "euro", many: "euros", minorOne: "centime", minorMany: "centimes" },
    USD: { one: "dollar", many: "dollars", minorOne: "cent", minorMany: "cents" },
    GBP: { one: "livre sterling", many: "livres sterling", minorOne: "penny", minorMany: "pence" },
    CHF: { one: "franc suisse", many: "francs suisses", minorOne: "centime", minorMany: "centimes" },
  },
  en: {
    EUR: { one: "euro", many: "euros", minorOne: "cent", minorMany: "cents" },
    USD: { one: "dollar", many: "dollars", minorOne: "cent", minorMany: "cents" },
    GBP: { one: "pound", many: "pounds", minorOne: "penny", minorMany: "pence" },
    CHF: { one: "Swiss franc", many: "Swiss francs", minorOne: "centime", minorMany: "centimes" },
  },
};

/** The currencies `amountInWords` names. */
export const WORDS_CURRENCIES = Object.keys(CURRENCIES.fr);

/**
 * An amount given in CENTS (minor units, a whole number) in words:
 * 123456 EUR → "mille deux cent trente-quatre euros et cinquante-six centimes".
 */
export function amountToWords(cents: number, currency = "EUR", locale: WordsLocale = "fr"): string {
  if (!Number.isSafeInteger(cents)) throw new RangeError(`amountInWords: expected an amount in cents (a whole number), but found ${String(cents)}`);
  const names = CURRENCIES[locale][currency.toUpperCase()];
  if (!names) throw new RangeError(`amountInWords: expected a currency among ${WORDS_CURRENCIES.join(", ")}, but found '${currency}'`);
  const negative = cents < 0;
  const major = Math.floor(Math.abs(cents) / 100);
  const minor = Math.abs(cents) % 100;
  const parts: string[] = [];
  if (major > 0 || minor === 0) {
    const words = numberToWords(major, locale);
    const unit = major > 1 ? names.many : names.one;
    // "un million d'euros", "deux milliards d'euros": a number ending on a noun takes "de".
    const de = locale === "fr" && /(million|milliard|billion)s?$/.test(words);
    parts.push(de ? `${words} ${/^[aeiouyéh]/i.test(unit) ? "d'" : "de "}${unit}`.replace(/ d' /, " d'") : `${words} ${unit}`);
  }
  if (minor > 0) parts.push(`${numberToWords(minor, locale)} ${minor > 1 ? names.minorMany : names.minorOne}`);
  const text = parts.join(locale === "en" ? " and " : " et ");
  return negative ? `${locale === "en" ? "minus" : "moins"} ${text}` : text;
}
