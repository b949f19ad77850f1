/** Small formatting helpers of the receivables module (French by default). */

/** The ISO day (UTC) of a timestamp. */
export function isoDay(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (ISO days); negative when `to` is before. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

export function addDays(day: string, n: number): string {
  return isoDay(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000);
}

/** 123456 → "1 234,56 €" (no-break spaces), or "€1,234.56" in English. */
export function money(cents: number, currency = "EUR", locale: "fr" | "en" = "fr"): string {
  return new Intl.NumberFormat(locale === "en" ? "en-GB" : "fr-FR", { style: "currency", currency }).format(cents / 100).replace(/\u202f/g, "\u00a0");
}

/** "2026-12-08" → "08/12/2026". */
export function frDate(day: string): string {
  const [y, m, d] = day.split("-");
  return `${d}/${m}/${y}`;
}
