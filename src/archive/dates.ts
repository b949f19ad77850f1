/**
 * Calendar dates of retention: ISO 8601 durations (PnYnMnWnD, dates only) added to ISO dates
 * (YYYY-MM-DD, UTC) with month-end clamping (29 February + 1 year = 28 February), and the end of
 * the fiscal year that contains a date.
 */
export const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const DURATION = /^P(?:(\d{1,4})Y)?(?:(\d{1,5})M)?(?:(\d{1,5})W)?(?:(\d{1,6})D)?$/;

export interface Duration {
  years: number;
  months: number;
  days: number;
}

/** Parses PnYnMnWnD; throws "Expected …, but found …" on anything else. */
export function parseDuration(text: unknown): Duration {
  const m = typeof text === "string" && text !== "P" ? DURATION.exec(text) : null;
  if (!m) throw new RangeError(`Expected an ISO 8601 duration of whole years, months, weeks or days such as P10Y, P6M or P90D, but found ${JSON.stringify(text)}`);
  return { years: Number(m[1] ?? 0), months: Number(m[2] ?? 0), days: Number(m[3] ?? 0) * 7 + Number(m[4] ?? 0) };
}

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate(); // month 1..12
}

function parts(date: string): [number, number, number] {
  if (!ISO_DATE.test(date)) throw new RangeError(`Expected a date YYYY-MM-DD, but found ${JSON.stringify(date)}`);
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  if (m < 1 || m > 12 || d < 1 || d > daysIn(y, m)) throw new RangeError(`Expected a date of the calendar, but found ${JSON.stringify(date)}`);
  return [y, m, d];
}

const fmt = (y: number, m: number, d: number) => `${String(y).padStart(4, "0")}-${String(m).padStart(2, "0")}-${String(d).padStart(2, "0")}`;

export function isDate(value: unknown): value is string {
  try {
    parts(String(value));
    return true;
  } catch {
    return false;
  }
}

/** date + duration: years and months first (the day clamped to the month's end), then days. */
export function addDuration(date: string, duration: Duration): string {
  const [y0, m0, d0] = parts(date);
  const monthIndex = (y0 + duration.years) * 12 + (m0 - 1) + duration.months;
  const y = Math.floor(monthIndex / 12);
  const m = (monthIndex % 12) + 1;
  const d = Math.min(d0, daysIn(y, m));
  const t = Date.UTC(y, m - 1, d) + duration.days * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

/** The ISO date (UTC) of a time in ms. */
export function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * The last day of the fiscal year that contains `date`, the fiscal year ending on `end` (MM-DD,
 * e.g. 12-31, 03-31, 06-30; a day past the month's end means its last day, so 02-29 is the end of
 * February every year).
 */
export function fiscalYearEnd(date: string, end: string): string {
  const [y, m, d] = parts(date);
  const em = /^(\d{2})-(\d{2})$/.exec(end);
  if (!em || Number(em[1]) < 1 || Number(em[1]) > 12 || Number(em[2]) < 1 || Number(em[2]) > 31) throw new RangeError(`Expected a fiscal year end MM-DD such as 12-31, but found ${JSON.stringify(end)}`);
  const endMonth = Number(em[1]);
  const endDay = Number(em[2]);
  const endIn = (year: number) => fmt(year, endMonth, Math.min(endDay, daysIn(year, endMonth)));
  const candidate = endIn(y);
  return fmt(y, m, d) <= candidate ? candidate : endIn(y + 1);
}
