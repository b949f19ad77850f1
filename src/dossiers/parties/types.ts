/**
 * The shapes of the address book: what a client sends (PartyInput, lenient), what is stored and
 * answered (PartyRow, normalised), and the short form used in lists, search and dossiers
 * (PartySummary).
 */
export const PARTY_KINDS = ["person", "organisation"] as const;
export type PartyKind = (typeof PARTY_KINDS)[number];

export const PARTY_FLAGS = ["prospect", "customer", "supplier", "partner"] as const;
export type PartyFlag = (typeof PARTY_FLAGS)[number];

export const PHONE_LABELS = ["mobile", "fixe", "fax", "autre"] as const;
export type PhoneLabel = (typeof PHONE_LABELS)[number];

export const CHANNELS = ["email", "post", "portal", "einvoicing"] as const;
export type PreferredChannel = (typeof CHANNELS)[number];

export interface Address {
  street: string | null;
  number: string | null;
  postcode: string | null;
  city: string | null;
  /** ISO 3166-1 alpha-2, upper case. */
  country: string | null;
}

export interface Phone {
  /** E.164, e.g. `+3272844318`. */
  number: string;
  label: PhoneLabel;
  /** For people: international format with spaces, e.g. `+32 72 84 43 18`. */
  display: string;
  /** National format, e.g. `072 84 43 18`. */
  national: string;
}

export interface ContactLink {
  /** A person party. */
  partyId: number;
  /** e.g. décideur, comptabilité, direction technique. */
  function: string | null;
}

/** What a client sends to create a party (or, partially, to update one). */
export interface PartyInput {
  kind?: unknown;
  /** Organisations: the name (alias: `name`). */
  organisationName?: unknown;
  name?: unknown;
  /** Persons. */
  lastName?: unknown;
  firstName?: unknown;
  flags?: unknown;
  address?: unknown;
  /** Strings, or `{number, label}`. */
  phones?: unknown;
  emails?: unknown;
  website?: unknown;
  vatSubject?: unknown;
  vatNumber?: unknown;
  tags?: unknown;
  parentId?: unknown;
  /** Organisations: `[{partyId, function}]`. */
  contacts?: unknown;
  preferredChannel?: unknown;
  language?: unknown;
  notes?: unknown;
  [other: string]: unknown;
}

/** A stored party, normalised. */
export interface PartyRow {
  id: number;
  kind: PartyKind;
  /** Display name: the organisation's name, or `lastName firstName` for a person. */
  name: string;
  organisationName: string | null;
  lastName: string | null;
  firstName: string | null;
  flags: PartyFlag[];
  address: Address;
  phones: Phone[];
  emails: string[];
  website: string | null;
  vatSubject: boolean;
  /** Upper case, with its country prefix, e.g. `BE0403170701`. */
  vatNumber: string | null;
  tags: string[];
  parentId: number | null;
  contacts: ContactLink[];
  preferredChannel: PreferredChannel | null;
  language: string | null;
  notes: string | null;
  version: number;
  createdAt: number;
  createdBy: string | null;
  updatedAt: number;
  updatedBy: string | null;
  /** Set once this party was merged into another one (it is then kept only as a pointer). */
  mergedInto: number | null;
}

/** The stored document of a party, without identity and bookkeeping. */
export type PartyDocument = Omit<PartyRow, "id" | "version" | "createdAt" | "createdBy" | "updatedAt" | "updatedBy" | "mergedInto">;

/** A type alias (not an interface), so it fits structural index-signature types such as party-directory's. */
export type PartySummary = {
  id: number;
  kind: PartyKind;
  name: string;
  email: string | null;
  /** The first phone, displayed (`+32 72 84 43 18`). */
  phone: string | null;
  city: string | null;
  flags: PartyFlag[];
};

export interface DuplicateMatch {
  party: PartySummary;
  /** e.g. `same email jean@x.fr`, `same phone +32 72 84 43 18`, `same VAT number BE0403170701`, `close name at postcode 1000`. */
  reasons: string[];
}
