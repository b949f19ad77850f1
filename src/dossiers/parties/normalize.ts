/**
 * Validation and normalisation of a party, field by field, collecting every problem (never the
 * first one only): phones to E.164 with the party's country as default region (FR without one),
 * e-mails lower-cased, the VAT number with its country prefix and checked per country (jsvat),
 * the display name of a person built from last name + first name.
 */
import { getCountries, parsePhoneNumberFromString, type CountryCode } from "libphonenumber-js/max";
import { checkVAT, countries as vatCountries } from "jsvat";
import type { FieldProblem } from "../errors.js";
import { vatKey } from "./keys.js";
import {
  CHANNELS, PARTY_FLAGS, PARTY_KINDS, PHONE_LABELS,
  type Address, type ContactLink, type PartyDocument, type PartyFlag, type PartyInput, type PartyKind, type Phone, type PhoneLabel, type PreferredChannel,
} from "./types.js";

export const DEFAULT_COUNTRY = "FR";
const COUNTRIES = new Set<string>(getCountries());
const KNOWN = new Set([
  "kind", "organisationName", "name", "lastName", "firstName", "flags", "address", "phones", "phone", "emails", "email", "website",
  "vatSubject", "vatNumber", "tags", "parentId", "contacts", "preferredChannel", "language", "notes",
]);
const EMAIL = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[^\s@<>(),;:".]{2,}$/;

export interface Normalised {
  doc: PartyDocument;
  problems: FieldProblem[];
}

const isBlank = (v: unknown) => v === undefined || v === null || (typeof v === "string" && v.trim() === "");

/** Checks and normalises a whole party; the document keeps whatever was valid (duplicate checks use it). */
export function normaliseParty(input: PartyInput): Normalised {
  const problems: FieldProblem[] = [];
  const bad = (field: string, message: string) => void problems.push({ field, message });
  if (input === null || typeof input !== "object" || Array.isArray(input)) {
    bad("party", "expected an object");
    input = {};
  }
  for (const key of Object.keys(input)) if (!KNOWN.has(key)) bad(key, "is not a field of a party");

  const text = (field: string, value: unknown, max: number): string | null => {
    if (isBlank(value)) return null;
    if (typeof value !== "string" && typeof value !== "number") return void bad(field, `expected a text, but found ${typeof value}`), null;
    const s = String(value).trim().replace(/\s+/g, " ");
    if (s.length > max) return void bad(field, `expected at most ${max} characters, but found ${s.length}`), null;
    return s;
  };
  const list = (field: string, value: unknown): unknown[] => {
    if (isBlank(value)) return [];
    if (Array.isArray(value)) return value;
    if (typeof value === "string") return value.split(/[,|]/).map((s) => s.trim()).filter((s) => s !== "");
    bad(field, "expected a list");
    return [];
  };

  let kind: PartyKind = "person";
  if (isBlank(input.kind)) bad("kind", `expected one of ${PARTY_KINDS.join(", ")}, but found none`);
  else if (!(PARTY_KINDS as readonly unknown[]).includes(input.kind)) bad("kind", `expected one of ${PARTY_KINDS.join(", ")}, but found '${String(input.kind)}'`);
  else kind = input.kind as PartyKind;

  let organisationName: string | null = null;
  let lastName: string | null = null;
  let firstName: string | null = null;
  if (kind === "organisation") {
    const field = isBlank(input.organisationName) && !isBlank(input.name) ? "name" : "organisationName";
    organisationName = text(field, input.organisationName ?? input.name, 256);
    if (organisationName === null && !problems.some((p) => p.field === field)) bad("organisationName", "an organisation needs a name");
  } else {
    lastName = text("lastName", input.lastName, 128);
    firstName = text("firstName", input.firstName, 128);
    if (lastName === null && !problems.some((p) => p.field === "lastName")) bad("lastName", "a person needs a last name");
    if (!isBlank(input.name)) bad("name", "a person's name is made of lastName and firstName (name is for organisations)");
  }
  const name = kind === "organisation" ? organisationName ?? "" : [lastName, firstName].filter(Boolean).join(" ");

  const flags: PartyFlag[] = [];
  list("flags", input.flags).forEach((f, i) => {
    const v = typeof f === "string" ? f.trim().toLowerCase() : f;
    if (!(PARTY_FLAGS as readonly unknown[]).includes(v)) bad(`flags[${i}]`, `expected one of ${PARTY_FLAGS.join(", ")}, but found '${String(f)}'`);
    else if (!flags.includes(v as PartyFlag)) flags.push(v as PartyFlag);
  });
  flags.sort((a, b) => PARTY_FLAGS.indexOf(a) - PARTY_FLAGS.indexOf(b));

  const address: Address = { street: null, number: null, postcode: null, city: null, country: null };
  if (!isBlank(input.address)) {
    if (typeof input.address !== "object" || Array.isArray(input.address)) bad("address", "expected an object {street, number, postcode, city, country}");
    else {
      const a = input.address as Record<string, unknown>;
      for (const key of Object.keys(a)) if (!(key in address)) bad(`address.${key}`, "is not a field of an address (street, number, postcode, city, country)");
      address.street = text("address.street", a["street"], 256);
      address.number = text("address.number", a["number"], 32);
      address.postcode = text("address.postcode", a["postcode"], 16);
      if (address.postcode !== null && !/^[\p{L}\p{N}][\p{L}\p{N} -]*$/u.test(address.postcode)) {
        bad("address.postcode", `expected letters and digits, but found '${address.postcode}'`);
        address.postcode = null;
      }
      if (address.postcode !== null) address.postcode = address.postcode.toUpperCase();
      address.city = text("address.city", a["city"], 128);
      const country = text("address.country", a["country"], 2);
      if (country !== null) {
        if (!COUNTRIES.has(country.toUpperCase())) bad("address.country", `expected an ISO 3166 two-letter country code (FR, BE, …), but found '${country}'`);
        else address.country = country.toUpperCase();
      }
    }
  }
  const region = (address.country ?? DEFAULT_COUNTRY) as CountryCode;

  const phones: Phone[] = [];
  const phoneInputs = !isBlank(input.phones) ? list("phones", input.phones).map((p, i) => ({ p, field: `phones[${i}]` })) : [];
  if (!isBlank(input.phone)) phoneInputs.unshift({ p: input.phone, field: "phone" });
  for (const { p, field } of phoneInputs) {
    const raw = typeof p === "object" && p !== null ? (p as Record<string, unknown>)["number"] : p;
    const rawLabel = typeof p === "object" && p !== null ? (p as Record<string, unknown>)["label"] : undefined;
    if (typeof raw !== "string" && typeof raw !== "number") {
      bad(field, "expected a phone number (text) or {number, label}");
      continue;
    }
    const phone = normalisePhone(String(raw), region);
    if (!phone) {
      bad(field, `expected a phone number (e.g. 06 12 34 56 78 or +32 472 84 43 18), but found '${String(raw)}'`);
      continue;
    }
    if (!isBlank(rawLabel)) {
      const label = String(rawLabel).trim().toLowerCase();
      if (!(PHONE_LABELS as readonly string[]).includes(label)) {
        bad(`${field}.label`, `expected one of ${PHONE_LABELS.join(", ")}, but found '${String(rawLabel)}'`);
        continue;
      }
      phone.label = label as PhoneLabel;
    }
    if (!phones.some((x) => x.number === phone.number)) phones.push(phone);
  }
  if (phones.length > 20) bad("phones", `expected at most 20 phones, but found ${phones.length}`);

  const emails: string[] = [];
  const emailInputs = !isBlank(input.emails) ? list("emails", input.emails).map((e, i) => ({ e, field: `emails[${i}]` })) : [];
  if (!isBlank(input.email)) emailInputs.unshift({ e: input.email, field: "email" });
  for (const { e, field } of emailInputs) {
    const s = typeof e === "string" ? e.trim().toLowerCase() : "";
    if (s.length > 254 || !EMAIL.test(s)) bad(field, `expected an e-mail address (name@example.fr), but found '${String(e)}'`);
    else if (!emails.includes(s)) emails.push(s);
  }
  if (emails.length > 20) bad("emails", `expected at most 20 e-mail addresses, but found ${emails.length}`);

  let website = text("website", input.website, 512);
  if (website !== null) {
    const withScheme = /^[a-z][a-z0-9+.-]*:/i.test(website) ? website : `https://${website}`;
    let url: URL | undefined;
    try {
      url = new URL(withScheme);
    } catch {
      url = undefined;
    }
    if (!url || !/^https?:$/.test(url.protocol) || !url.hostname.includes(".") || /\s/.test(website)) {
      bad("website", `expected a web address (www.example.fr), but found '${website}'`);
      website = null;
    } else website = url.href.replace(/\/$/, "");
  }

  let vatSubject = false;
  if (!isBlank(input.vatSubject)) {
    if (typeof input.vatSubject !== "boolean") bad("vatSubject", `expected true or false, but found '${String(input.vatSubject)}'`);
    else vatSubject = input.vatSubject;
  }
  let vatNumber: string | null = null;
  const vatText = text("vatNumber", input.vatNumber, 32);
  if (vatText !== null) {
    const checked = checkVat(vatText, address.country ?? DEFAULT_COUNTRY);
    if (typeof checked !== "string") bad("vatNumber", checked.problem);
    else {
      vatNumber = checked;
      if (input.vatSubject === false) bad("vatNumber", "a party not subject to VAT (vatSubject: false) has no VAT number");
      else vatSubject = true;
    }
  } else if (vatSubject && !problems.some((p) => p.field === "vatNumber")) bad("vatNumber", "a party subject to VAT (vatSubject: true) needs a VAT number");

  const tags: string[] = [];
  list("tags", input.tags).forEach((t, i) => {
    const s = text(`tags[${i}]`, t, 64);
    if (s !== null && !tags.includes(s)) tags.push(s);
  });
  if (tags.length > 50) bad("tags", `expected at most 50 tags, but found ${tags.length}`);

  let parentId: number | null = null;
  if (!isBlank(input.parentId)) {
    if (!Number.isSafeInteger(input.parentId) || (input.parentId as number) <= 0) bad("parentId", `expected a party id, but found '${String(input.parentId)}'`);
    else parentId = input.parentId as number;
  }

  const contacts: ContactLink[] = [];
  if (!isBlank(input.contacts)) {
    if (!Array.isArray(input.contacts)) bad("contacts", "expected a list of {partyId, function}");
    else if (kind !== "organisation" && input.contacts.length > 0) bad("contacts", "only an organisation has contacts (persons with their function)");
    else
      input.contacts.forEach((c, i) => {
        const o = (typeof c === "object" && c !== null ? c : {}) as Record<string, unknown>;
        const id = o["partyId"];
        if (!Number.isSafeInteger(id) || (id as number) <= 0) return bad(`contacts[${i}].partyId`, `expected a party id, but found '${String(id)}'`);
        const fn = text(`contacts[${i}].function`, o["function"], 128);
        if (contacts.some((x) => x.partyId === id)) return bad(`contacts[${i}].partyId`, `party ${String(id)} is listed twice`);
        contacts.push({ partyId: id as number, function: fn });
      });
  }

  let preferredChannel: PreferredChannel | null = null;
  if (!isBlank(input.preferredChannel)) {
    if (!(CHANNELS as readonly unknown[]).includes(input.preferredChannel)) bad("preferredChannel", `expected one of ${CHANNELS.join(", ")}, but found '${String(input.preferredChannel)}'`);
    else preferredChannel = input.preferredChannel as PreferredChannel;
  }
  let language: string | null = null;
  if (!isBlank(input.language)) {
    const l = typeof input.language === "string" ? input.language.trim().toLowerCase() : "";
    if (!/^[a-z]{2}$/.test(l)) bad("language", `expected a two-letter language code (fr, en, nl, de, …), but found '${String(input.language)}'`);
    else language = l;
  }
  const notes = text("notes", typeof input.notes === "string" ? input.notes.replace(/\s+/g, " ") : input.notes, 10_000);

  return {
    doc: {
      kind, name, organisationName, lastName, firstName, flags, address, phones, emails, website, vatSubject, vatNumber, tags, parentId, contacts,
      preferredChannel, language, notes: typeof input.notes === "string" && notes !== null ? input.notes.trim() : notes,
    },
    problems,
  };
}

/** A phone in E.164 with its displays, or undefined when it cannot be a phone number. */
export function normalisePhone(raw: string, region: CountryCode): Phone | undefined {
  const cleaned = raw.trim().replace(/^00/, "+");
  if (!/^\+?[\d\s.\-/()]{4,}$/.test(cleaned)) return undefined;
  const parsed = parsePhoneNumberFromString(cleaned, region);
  if (!parsed || !parsed.isPossible()) return undefined;
  const type = parsed.getType();
  return {
    number: parsed.number,
    label: type === "MOBILE" ? "mobile" : "fixe",
    display: parsed.formatInternational(),
    national: parsed.formatNational(),
  };
}

/** The VAT number with its country prefix, checked for that country; a problem otherwise. */
export function checkVat(raw: string, country: string): string | { problem: string } {
  let key = vatKey(raw);
  if (!/^[A-Z]{2}/.test(key)) key = (country === "GR" ? "EL" : country) + key;
  // Canonical forms: Belgian numbers have 10 digits since 2007 (the old 9 get a leading 0); a Swiss
  // number without its MWST / TVA / IVA suffix.
  if (/^BE\d{9}$/.test(key)) key = `BE0${key.slice(2)}`;
  if (/^CHE\d{9}(MWST|TVA|IVA)$/.test(key)) key = key.replace(/(MWST|TVA|IVA)$/, "");
  const prefix = key.slice(0, 2);
  const result = checkVAT(key, vatCountries);
  if (result.isSupportedCountry) {
    if (!result.isValid) return { problem: `expected a valid ${result.country?.name ?? prefix} VAT number, but '${raw}' is not one (format or check digits)` };
    return key;
  }
  if (!/^[A-Z]{2}[A-Z0-9]{4,14}$/.test(key)) return { problem: `expected a VAT number (country prefix and 4 to 14 letters or digits), but found '${raw}'` };
  return key;
}
