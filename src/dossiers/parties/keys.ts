/**
 * Normalised keys of a party, shared by storage, search and duplicate detection: folded names
 * (accents and case ignored), name tokens, a bounded Levenshtein distance, and the reading of a
 * phone number typed in any format (`0472 84 43 18`, `+32472844318`, `0032…`) as index ranges.
 */

/** Lower case, accents removed, every run of non-letters/digits turned into one space, trimmed. */
export function fold(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/\p{M}+/gu, "")
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, " ")
    .trim();
}

/** The words of a text, folded. */
export function tokens(text: string): string[] {
  const f = fold(text);
  return f === "" ? [] : f.split(" ");
}

/** Name key: folded words, sorted, so "Dupont Jean" and "Jean Dupont" compare equal. */
export function nameKey(name: string): string {
  return tokens(name).sort().join(" ");
}

/** Levenshtein distance, or `max + 1` as soon as it is known to exceed `max` (cheap on long names). */
export function levenshtein(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a.charCodeAt(i - 1) === b.charCodeAt(j - 1) ? 0 : 1;
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > max) return max + 1;
    prev = cur;
  }
  return prev[b.length]!;
}

/**
 * Two names are close when their keys are equal or at most 2 edits apart (on names of 5+ letters)
 * with the same numbers: "Agence Lyon 3" and "Agence Lyon 4" are two agencies, not a typo.
 */
export function closeNames(a: string, b: string): boolean {
  if (a === "" || b === "") return false;
  if (a === b) return true;
  const shortest = Math.min(a.length, b.length);
  if (shortest < 5) return false;
  if ((a.match(/\d+/g) ?? []).join(" ") !== (b.match(/\d+/g) ?? []).join(" ")) return false;
  return levenshtein(a, b, 2) <= 2;
}

/** The half-open range [from, to) of every string starting with `prefix` (index-friendly LIKE 'p%'). */
export function prefixRange(prefix: string): [string, string] {
  return [prefix, prefix + "\uffff"];
}

/** How a typed phone fragment is looked up: prefixes of the E.164 digits and/or of the national number. */
export interface PhoneQuery {
  /** Prefix of the E.164 digits without `+` (e.g. `3247`). */
  digits: string[];
  /** Prefix of the national significant number (e.g. `47284`). */
  nsn: string[];
}

/** Reads a search text as a phone number when it is one (digits, spaces, `+ . - / ( )`, at least 4 digits). */
export function phoneQuery(text: string): PhoneQuery | undefined {
  const t = text.trim();
  if (!/^\+?[\d\s.\-/()]+$/.test(t)) return undefined;
  const d = t.replace(/\D/g, "");
  if (d.length < 4) return undefined;
  if (t.startsWith("+")) return { digits: [d], nsn: [] };
  if (d.startsWith("00")) return { digits: [d.slice(2)], nsn: [] };
  // A national number: its trunk 0 is not part of the national significant number (except in Italy).
  if (d.startsWith("0")) return { digits: [], nsn: [d.slice(1), d] };
  return { digits: [d], nsn: [d] };
}

/** A VAT number as stored: upper case letters and digits only. */
export function vatKey(text: string): string {
  return text.toUpperCase().replace(/[^A-Z0-9]/g, "");
}

/** Reads a search text as (a prefix of) a VAT number: 2 letters + digits, or 6+ digits. */
export function vatQuery(text: string): { full?: string; local?: string } | undefined {
  const t = text.trim();
  if (!/^[A-Za-z]{0,2}[\d\s.\-]+$/.test(t)) return undefined;
  const k = vatKey(t);
  if (/^[A-Z]{2}\d{4,}/.test(k)) return { full: k };
  if (/^\d{6,}$/.test(k)) return { local: k };
  return undefined;
}
