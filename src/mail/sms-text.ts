/**
 * SMS text and numbers: the encoding a text needs (GSM-7 when every character is in the GSM 03.38
 * alphabet, its extension table counting two septets; UCS-2 otherwise), its length in the
 * encoding's units and the number of segments (160/153 for GSM-7, 70/67 for UCS-2); numbers checked
 * as E.164 with libphonenumber-js.
 */
import { parsePhoneNumberFromString } from "libphonenumber-js";
import { DossierError } from "../dossiers/errors.js";

const GSM_BASIC = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
const GSM_EXTENDED = "^{}\\[~]|€\f";
const BASIC = new Set(GSM_BASIC);
const EXTENDED = new Set(GSM_EXTENDED);

export interface SmsMeasure {
  encoding: "GSM-7" | "UCS-2";
  /** Septets (GSM-7) or UTF-16 code units (UCS-2). */
  length: number;
  segments: number;
}

export function measureSms(text: string): SmsMeasure {
  let septets = 0;
  let gsm = true;
  for (const ch of text) {
    if (BASIC.has(ch)) septets += 1;
    else if (EXTENDED.has(ch)) septets += 2;
    else {
      gsm = false;
      break;
    }
  }
  if (gsm) return { encoding: "GSM-7", length: septets, segments: septets === 0 ? 1 : septets <= 160 ? 1 : Math.ceil(septets / 153) };
  const units = text.length;
  return { encoding: "UCS-2", length: units, segments: units <= 70 ? 1 : Math.ceil(units / 67) };
}

/** The number in E.164, or a clear error: a national number (0612345678) is refused, as the interface says. */
export function e164(value: unknown): string {
  if (typeof value !== "string" || !value.trim()) throw new DossierError("INVALID_ARGUMENT", `Expected a phone number in E.164 (e.g. +33612345678), but found ${JSON.stringify(value)}`);
  const raw = value.replace(/[\s.()-]/g, "");
  if (!/^\+\d{6,15}$/.test(raw)) throw new DossierError("INVALID_ARGUMENT", `Expected a phone number in E.164 (e.g. +33612345678), but found '${value.slice(0, 40)}'`);
  const parsed = parsePhoneNumberFromString(raw);
  if (!parsed || !parsed.isValid()) throw new DossierError("INVALID_ARGUMENT", `Expected a valid phone number in E.164, but '${value.slice(0, 40)}' is not a number in use in any country plan`);
  return parsed.number;
}
