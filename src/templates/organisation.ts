/**
 * The organisation's own details printed on every document (letterhead, legal footer, contract
 * parties): stored in the database (`organisation_setting`, edited on /templates → Paramètres),
 * each defaulting to its ORGANISATION_* variable, else to a French demo company.
 */
import type Database from "better-sqlite3";
import type { Engine } from "../engine/engine.js";
import { DossierError } from "../dossiers/errors.js";
import { statement } from "../persistence/statements.js";

export interface Organisation {
  name: string;
  legalForm: string;
  capital: string;
  street: string;
  postcode: string;
  city: string;
  country: string;
  siren: string;
  rcs: string;
  vatNumber: string;
  iban: string;
  bic: string;
  email: string;
  phone: string;
  website: string;
  /** A data: URI (PNG, JPEG or SVG), printed in the letterhead; empty for none. */
  logo: string;
  /** The signatory of the company on contracts ("Claire Dubois, directrice générale"). */
  signatory: string;
}

export const ORGANISATION_KEYS = ["name", "legalForm", "capital", "street", "postcode", "city", "country", "siren", "rcs", "vatNumber", "iban", "bic", "email", "phone", "website", "logo", "signatory"] as const satisfies ReadonlyArray<keyof Organisation>;

const ENV: Record<keyof Organisation, string> = {
  name: "ORGANISATION_NAME", legalForm: "ORGANISATION_LEGAL_FORM", capital: "ORGANISATION_CAPITAL", street: "ORGANISATION_STREET", postcode: "ORGANISATION_POSTCODE",
  city: "ORGANISATION_CITY", country: "ORGANISATION_COUNTRY", siren: "ORGANISATION_SIREN", rcs: "ORGANISATION_RCS", vatNumber: "ORGANISATION_VAT_NUMBER",
  iban: "ORGANISATION_IBAN", bic: "ORGANISATION_BIC", email: "ORGANISATION_EMAIL", phone: "ORGANISATION_PHONE", website: "ORGANISATION_WEBSITE",
  logo: "ORGANISATION_LOGO", signatory: "ORGANISATION_SIGNATORY",
};

/** A simple vector logo (a blue shield with an H) for the demo company. */
const DEMO_LOGO = `data:image/svg+xml;base64,${Buffer.from(
  `<svg xmlns="http://www.w3.org/2000/svg" width="120" height="120" viewBox="0 0 120 120"><path d="M60 6 L108 24 V58 C108 88 86 106 60 114 C34 106 12 88 12 58 V24 Z" fill="#1f4e8c"/><path d="M40 36 V84 M80 36 V84 M40 60 H80" stroke="#ffffff" stroke-width="11" stroke-linecap="round" fill="none"/></svg>`,
).toString("base64")}`;

export const DEMO_ORGANISATION: Organisation = {
  name: "Horizon Assurances", legalForm: "SAS", capital: "150\u00a0000\u00a0€", street: "18 rue des Tanneurs", postcode: "69002", city: "Lyon", country: "FR",
  siren: "493 827 166", rcs: "RCS Lyon 493 827 166", vatNumber: "FR25493827166", iban: "FR76 3000 4000 0312 3456 7890 143", bic: "BNPAFRPPXXX",
  email: "contact@horizon-assurances.example", phone: "04 72 00 11 22", website: "https://horizon-assurances.example", logo: DEMO_LOGO,
  signatory: "Claire Dubois, directrice générale",
};

const MAX_LOGO = 400 * 1024;

/** Checks one value; a problem message "expected …, but found …" or undefined. */
export function checkSetting(key: string, value: unknown): string | undefined {
  if (!(ORGANISATION_KEYS as readonly string[]).includes(key)) return `expected one of ${ORGANISATION_KEYS.join(", ")}, but found '${key}'`;
  if (typeof value !== "string") return `expected a text, but found ${JSON.stringify(value)?.slice(0, 40)}`;
  if (key === "logo") {
    if (value === "") return undefined;
    if (!/^data:image\/(png|jpeg|svg\+xml);base64,[A-Za-z0-9+/=]+$/.test(value)) return "expected a data: URI of a PNG, JPEG or SVG image (data:image/png;base64,…), but found something else";
    if (value.length > MAX_LOGO) return `expected a logo of at most ${Math.round(MAX_LOGO / 1024)} KB (as data: URI), but found ${Math.round(value.length / 1024)} KB`;
    return undefined;
  }
  if (value.length > 300) return `expected at most 300 characters, but found ${value.length}`;
  if (key === "name" && value.trim() === "") return "expected the organisation's name, but found nothing";
  if (key === "iban" && value.trim() !== "" && !ibanValid(value)) return `expected an IBAN such as FR76 3000 4000 0312 3456 7890 143 (its check digits right), but found '${value}'`;
  if (key === "vatNumber" && value.trim() !== "" && !/^[A-Z]{2}[0-9A-Z]{2,13}$/.test(value.replace(/\s/g, "").toUpperCase())) return `expected a VAT number with its country prefix such as FR25493827166, but found '${value}'`;
  return undefined;
}

/** IBAN lengths of the countries customers here bank in (others: 15 to 34 characters). */
const IBAN_LENGTHS: Record<string, number> = { FR: 27, MC: 27, BE: 16, LU: 20, CH: 21, DE: 22, ES: 24, IT: 27, NL: 18, PT: 25, GB: 22, IE: 22, AT: 20 };

export function ibanValid(raw: string): boolean {
  const iban = raw.replace(/\s/g, "").toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban)) return false;
  const length = IBAN_LENGTHS[iban.slice(0, 2)];
  if (length !== undefined && iban.length !== length) return false;
  const digits = (iban.slice(4) + iban.slice(0, 4)).replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  let rest = 0;
  for (const d of digits) rest = (rest * 10 + Number(d)) % 97;
  return rest === 1;
}

export class OrganisationSettings {
  constructor(private readonly db: Database.Database, private readonly engine: Engine, private readonly env: NodeJS.ProcessEnv) {}

  /** The defaults: ORGANISATION_* where set, else the demo company. */
  defaults(): Organisation {
    const out = { ...DEMO_ORGANISATION };
    for (const key of ORGANISATION_KEYS) {
      const value = this.env[ENV[key]];
      if (value !== undefined && value.trim() !== "") out[key] = value.trim();
    }
    return out;
  }

  get(): Organisation & { updatedAt: string | null; updatedBy: string | null } {
    const out = this.defaults();
    let updatedAt: number | null = null;
    let updatedBy: string | null = null;
    for (const row of statement(this.db, `SELECT key, value, updated_at, updated_by FROM organisation_setting`).all() as Array<{ key: string; value: string; updated_at: number; updated_by: string | null }>) {
      if ((ORGANISATION_KEYS as readonly string[]).includes(row.key)) out[row.key as keyof Organisation] = row.value;
      if (updatedAt === null || row.updated_at > updatedAt) {
        updatedAt = row.updated_at;
        updatedBy = row.updated_by;
      }
    }
    return { ...out, updatedAt: updatedAt === null ? null : new Date(updatedAt).toISOString(), updatedBy };
  }

  /** Saves some values (all checked first: one wrong value saves nothing). */
  async update(values: Record<string, unknown>, actor: string): Promise<Organisation> {
    if (!values || typeof values !== "object" || Array.isArray(values)) throw new DossierError("INVALID_ARGUMENT", "Expected an object of organisation settings, but found something else");
    const problems = Object.entries(values).map(([key, value]) => ({ field: key, message: checkSetting(key, value) })).filter((p): p is { field: string; message: string } => p.message !== undefined);
    if (problems.length) throw new DossierError("INVALID_ARGUMENT", `Expected valid organisation settings: ${problems.map((p) => `${p.field}: ${p.message}`).join("; ")}`, problems);
    await this.engine.transaction((tx) => {
      for (const [key, value] of Object.entries(values)) {
        const text = key === "vatNumber" ? String(value).replace(/\s/g, "").toUpperCase() : String(value).trim();
        statement(this.db, `INSERT INTO organisation_setting (key, value, updated_at, updated_by) VALUES (?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by`).run(key, text, tx.now, actor);
      }
    });
    return this.get();
  }
}

/** The legal line of the page footer: "Horizon Assurances SAS au capital de 150 000 € · RCS Lyon … · TVA FR… ". */
export function legalLine(o: Organisation): string {
  const head = [o.name, o.legalForm, o.capital ? `au capital de ${o.capital}` : ""].filter(Boolean).join(" ");
  return [head, o.street && `${o.street}, ${[o.postcode, o.city].filter(Boolean).join(" ")}`, o.rcs || (o.siren && `SIREN ${o.siren}`), o.vatNumber && `TVA ${o.vatNumber}`].filter(Boolean).join(" · ");
}
