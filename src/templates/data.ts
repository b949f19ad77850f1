/**
 * What a template sees when it renders for a dossier:
 *   variables     the process variables (document.render) or {} (preview, mail merge)
 *   dossier       reference, title, type, typeName, state, stateLabel, createdAt, fields (raw values by id),
 *                 display (values as text by id), labels (field labels by id), fieldList ([{id,label,value,display}]),
 *                 parties ([{role, roleLabel, name, kind, firstName, lastName, organisationName, email, phone,
 *                 vatNumber, address {street, number, postcode, city, country, line1, line2, oneLine}}]),
 *                 customer (the customer's party, else the first), party (by role: party.decisionMaker),
 *                 parent (the same without its own parent), tags
 *   organisation  the company's own details (organisation.ts)
 *   today         YYYY-MM-DD (the engine clock)
 */
import type { Domain } from "../dossiers/domain.js";
import { displayValue } from "../dossiers/fields.js";
import type { PartyRow } from "../dossiers/parties/types.js";
import type { DossierRow } from "../dossiers/rows.js";
import { dossierById } from "../dossiers/rows.js";
import { rolePriority } from "../dossiers/service.js";
import { label } from "../dossiers/type-definition.js";
import type { Organisation } from "./organisation.js";

const COUNTRIES: Record<string, { fr: string; en: string }> = {
  FR: { fr: "France", en: "France" }, BE: { fr: "Belgique", en: "Belgium" }, LU: { fr: "Luxembourg", en: "Luxembourg" },
  CH: { fr: "Suisse", en: "Switzerland" }, DE: { fr: "Allemagne", en: "Germany" }, ES: { fr: "Espagne", en: "Spain" }, IT: { fr: "Italie", en: "Italy" },
};

const nbsp = (text: string | null) => (text === null ? null : text.replace(/ /g, "\u00a0"));

export function partyView(row: PartyRow | undefined, lang: "fr" | "en") {
  if (!row) return undefined;
  const a = row.address;
  const line1 = [a.number, a.street].filter(Boolean).join(" ") || null;
  const line2 = [a.postcode, a.city].filter(Boolean).join(" ") || null;
  const country = a.country ? (COUNTRIES[a.country]?.[lang] ?? a.country) : null;
  const phone = row.phones.find((p) => p.label === "mobile") ?? row.phones[0];
  return {
    id: row.id, kind: row.kind, name: row.name, organisationName: row.organisationName, firstName: row.firstName, lastName: row.lastName,
    fullName: row.kind === "person" ? [row.firstName, row.lastName].filter(Boolean).join(" ") || row.name : row.name,
    // Phone numbers never break across lines: no-break spaces.
    email: row.emails[0] ?? null, emails: row.emails, phone: nbsp(phone?.display ?? phone?.national ?? phone?.number ?? null), mobile: nbsp(row.phones.find((p) => p.label === "mobile")?.display ?? null),
    vatNumber: row.vatNumber, website: row.website, language: row.language,
    address: { street: a.street, number: a.number, postcode: a.postcode, city: a.city, country: a.country, countryName: country, line1, line2, oneLine: [line1, line2, a.country && a.country !== "FR" ? country : null].filter(Boolean).join(", ") },
  };
}

function dossierView(domain: Domain, d: DossierRow, lang: "fr" | "en", withParent: boolean): Record<string, unknown> {
  const type = domain.types.get(d.typeId);
  const links = domain.service.partiesOf(d.id);
  const rows = domain.parties.getMany(links.map((l) => l.partyId));
  const parties = links
    .map((l) => ({ role: l.role, roleLabel: label(type?.partyRoles.find((r) => r.id === l.role)?.label, lang) || l.role, ...partyView(rows.get(l.partyId), lang)! }))
    .filter((p) => p.id !== undefined);
  const byRole: Record<string, unknown> = {};
  for (const p of [...parties].reverse()) byRole[p.role] = p;
  const customer = [...parties].sort((a, b) => rolePriority(a.role) - rolePriority(b.role))[0] ?? null;
  const fields = type?.fields ?? [];
  const display: Record<string, string> = {};
  const labels: Record<string, string> = {};
  for (const f of fields) {
    labels[f.id] = label(f.label, lang) || f.id;
    display[f.id] = displayValue(f, d.data[f.id], lang).replace(/\u202f/g, "\u00a0");
  }
  const parent = withParent && d.parentId !== null ? dossierById(domain.db, d.parentId) : undefined;
  return {
    reference: d.reference, title: d.title, type: d.typeId, typeName: label(type?.name, lang) || d.typeId,
    state: d.state, stateLabel: label(type?.states.find((s) => s.id === d.state)?.label, lang) || d.state,
    createdAt: new Date(d.createdAt).toISOString(), tags: d.tags, owner: d.owner, sector: d.sector,
    fields: { ...d.data }, display, labels,
    fieldList: fields.filter((f) => d.data[f.id] !== undefined).map((f) => ({ id: f.id, label: labels[f.id], value: d.data[f.id], display: display[f.id] })),
    parties, party: byRole, customer,
    parent: parent ? dossierView(domain, parent, lang, false) : null,
  };
}

export interface RenderData extends Record<string, unknown> {
  variables: Record<string, unknown>;
  dossier: Record<string, unknown> | null;
  organisation: Organisation;
  today: string;
}

export function renderData(input: { domain: Domain; dossier: DossierRow | null; variables?: Record<string, unknown>; organisation: Organisation; lang?: "fr" | "en" }): RenderData {
  const lang = input.lang ?? "fr";
  return {
    variables: input.variables ?? {},
    dossier: input.dossier ? dossierView(input.domain, input.dossier, lang, true) : null,
    organisation: input.organisation,
    today: new Date(input.domain.engine.clock.now()).toISOString().slice(0, 10),
  };
}

/**
 * A fictional dossier for previews by designers who see no real one (no sector): the same shape as
 * a dossier's render data, with made-up parties. Never stored.
 */
export function sampleDossier(lang: "fr" | "en" = "fr"): Record<string, unknown> {
  const customer = {
    role: "customer", roleLabel: lang === "en" ? "Customer" : "Client", id: 0, kind: "organisation", name: "FROMAGERIE EXEMPLE SARL", organisationName: "FROMAGERIE EXEMPLE SARL",
    firstName: null, lastName: null, fullName: "FROMAGERIE EXEMPLE SARL", email: "contact@fromagerie-exemple.example", emails: ["contact@fromagerie-exemple.example"],
    phone: "+33 4 78 00 00 00", mobile: null, vatNumber: "FR00123456789", website: null, language: "fr",
    address: { street: "place des Halles", number: "3", postcode: "69001", city: "Lyon", country: "FR", countryName: "France", line1: "3 place des Halles", line2: "69001 Lyon", oneLine: "3 place des Halles, 69001 Lyon" },
  };
  const decisionMaker = {
    ...customer, role: "decisionMaker", roleLabel: lang === "en" ? "Decision maker" : "Décideur", id: 0, kind: "person", name: "Exemple Camille", organisationName: null,
    firstName: "Camille", lastName: "Exemple", fullName: "Camille Exemple", email: "camille@fromagerie-exemple.example", emails: ["camille@fromagerie-exemple.example"], phone: "+33 6 00 00 00 00", mobile: "+33 6 00 00 00 00",
  };
  return {
    reference: "EXEMPLE-0001", title: "Fromagerie Exemple (dossier fictif)", type: "client", typeName: lang === "en" ? "Customer file" : "Dossier client",
    state: "prospect", stateLabel: "Prospect", createdAt: "2026-01-05T09:00:00.000Z", tags: [], owner: null, sector: null,
    fields: { segment: "professionnel", activite: "Fromagerie", chiffreAffaires: { amount: 420000, currency: "EUR" } },
    display: { segment: "Professionnel", activite: "Fromagerie", chiffreAffaires: "420 000,00 €" },
    labels: { segment: "Segment", activite: "Activité", chiffreAffaires: "Chiffre d'affaires" },
    fieldList: [{ id: "activite", label: "Activité", value: "Fromagerie", display: "Fromagerie" }],
    parties: [customer, decisionMaker], party: { customer, decisionMaker }, customer, parent: null,
  };
}
