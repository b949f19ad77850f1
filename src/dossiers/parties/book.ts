/**
 * The central address book: persons and organisations declared once and referenced everywhere.
 * Every method is synchronous: writes run inside `engine.transaction(tx => …)` (the write lane),
 * reads anywhere. Validation collects every wrong field (VALIDATION_FAILED with `problems`), a
 * stale version is a VERSION_CONFLICT with `currentVersion`.
 *
 * A merged party stays as a row pointing at its survivor (`mergedInto`): `get(mergedId)` and
 * `getMany` answer the survivor (its `id` is the survivor's), so an old reference still resolves;
 * search, lists and duplicate checks never show it; `update` refuses it (INVALID_STATE with
 * `mergedInto`).
 */
import type Database from "better-sqlite3";
import { DossierError, failOn, type FieldProblem } from "../errors.js";
import { canonical } from "../journal.js";
import { fold } from "./keys.js";
import { normaliseParty } from "./normalize.js";
import { PartySearch, type PartyFilters } from "./search.js";
import { documentOf, PartyStore, summaryOf } from "./store.js";
import { PARTY_FLAGS, type DuplicateMatch, type PartyDocument, type PartyInput, type PartyRow, type PartySummary } from "./types.js";

export interface PartyRelations {
  parent: PartySummary | null;
  contacts: Array<{ partyId: number; function: string | null; party: PartySummary }>;
  contactOf: Array<{ partyId: number; function: string | null; party: PartySummary }>;
  subsidiaries: PartySummary[];
}

export type MergeHook = (fromId: number, intoId: number) => void;

const MAX_MERGE_HOPS = 32;

export function notFoundParty(id: number | string): DossierError {
  return new DossierError("NOT_FOUND", `Expected to find a party ${id}, but none was found`);
}

export class PartyBook {
  private readonly store: PartyStore;
  private readonly finder: PartySearch;
  private readonly hooks: MergeHook[] = [];

  constructor(
    private readonly db: Database.Database,
    private readonly now: () => number,
  ) {
    this.store = new PartyStore(db);
    this.finder = new PartySearch(db);
  }

  /** Validates, normalises and stores a new party. */
  create(input: PartyInput, actor: string | null): PartyRow {
    const { doc, problems } = this.check(input);
    failOn(problems, "the party");
    return this.insert(doc, actor);
  }

  /** Normalises a new party and lists its problems (links to other parties included), storing nothing. */
  check(input: PartyInput): { doc: PartyDocument; problems: FieldProblem[] } {
    const { doc, problems } = normaliseParty(input);
    this.checkLinks(doc, undefined, problems);
    return { doc, problems };
  }

  /** Stores a document that `check` found without problems. */
  insert(doc: PartyDocument, actor: string | null): PartyRow {
    const id = this.store.insert(doc, this.now(), actor);
    return this.store.load(id)!;
  }

  /**
   * Changes the fields given in `patch` (top-level fields replace the stored ones; `address` is
   * merged field by field; `null` clears), based on `expectedVersion`.
   */
  update(id: number, patch: PartyInput, expectedVersion: number, actor: string | null): PartyRow {
    const row = this.store.load(id);
    if (!row) throw notFoundParty(id);
    if (row.mergedInto !== null) {
      throw new DossierError("INVALID_STATE", `Expected a party that can be changed, but party ${id} was merged into party ${row.mergedInto}`, [], { mergedInto: row.mergedInto });
    }
    if (row.version !== expectedVersion) {
      throw new DossierError("VERSION_CONFLICT", `Expected party ${id} at version ${expectedVersion}, but it is at version ${row.version} (changed since it was read)`, [], {
        currentVersion: row.version,
      });
    }
    if (patch === null || typeof patch !== "object" || Array.isArray(patch)) failOn([{ field: "party", message: "expected an object" }], "the change");
    const { doc, problems } = normaliseParty(applyPatch(inputOf(row), patch));
    this.checkLinks(doc, id, problems);
    failOn(problems, "the party");
    if (canonical(doc) === canonical(documentOf(row))) return row;
    this.store.update(id, doc, this.now(), actor);
    return this.store.load(id)!;
  }

  /** The party, or its survivor when it was merged (see the module comment); undefined when unknown. */
  get(id: number): PartyRow | undefined {
    let row = this.store.load(id);
    for (let hops = 0; row && row.mergedInto !== null && hops < MAX_MERGE_HOPS; hops++) row = this.store.load(row.mergedInto);
    return row;
  }

  /** The party exactly as stored, merged ones included (with `mergedInto`). */
  getExact(id: number): PartyRow | undefined {
    return this.store.load(id);
  }

  /** Parties by id (each requested id maps to its party, or to its survivor when merged); unknown ids are absent. */
  getMany(ids: number[]): Map<number, PartyRow> {
    const out = new Map<number, PartyRow>();
    const unique = [...new Set(ids)];
    for (const row of this.store.loadMany(unique)) {
      out.set(row.id, row.mergedInto === null ? row : (this.get(row.id) ?? row));
    }
    return out;
  }

  summary(row: PartyRow): PartySummary {
    return summaryOf(row);
  }

  /** Search as you type (name prefix, e-mail, phone in any format, VAT number, city), best first. */
  search(q: string, limit = 20, filters: PartyFilters = {}): PartySummary[] {
    return this.find(q, limit, filters).map(summaryOf);
  }

  /** Like search, whole rows (exports). */
  find(q: string, limit: number, filters: PartyFilters = {}): PartyRow[] {
    return this.rowsOf(this.findIds(q, limit, filters));
  }

  /** Like search, only the ids, best first (exports read the rows in batches). */
  findIds(q: string, limit: number, filters: PartyFilters = {}): number[] {
    return this.finder.ids(q, Math.max(1, Math.min(limit, 1_000_000)), filters);
  }

  /** Live organisations whose name is this one (accents, case and punctuation ignored). */
  organisationsNamed(name: string): number[] {
    const rows = this.db.prepare(`SELECT id FROM party WHERE name_key = ? AND kind = 'organisation' AND merged_into IS NULL ORDER BY id LIMIT 5`).all(fold(name)) as Array<{ id: number }>;
    return rows.map((r) => r.id);
  }

  /** The stored rows of these ids, in their order (unknown ids skipped, merged ones as stored). */
  rowsOf(ids: number[]): PartyRow[] {
    const rows = new Map(this.store.loadMany(ids).map((r) => [r.id, r]));
    return ids.map((id) => rows.get(id)).filter((r): r is PartyRow => r !== undefined);
  }

  /**
   * Parties that may be the same as this input: same e-mail, same phone, same VAT number, or a close
   * name (equal words in any order, or at most 2 edits) at the same postcode. Lenient: the input
   * may be incomplete or partly invalid (what is valid is compared).
   */
  duplicatesOf(input: PartyInput, excludeId?: number): DuplicateMatch[] {
    const guess: PartyInput = { ...input };
    if (guess.kind === undefined || guess.kind === null || guess.kind === "") {
      guess.kind = guess.organisationName || (guess.name && !guess.lastName) ? "organisation" : "person";
    }
    const { doc } = normaliseParty(guess);
    return this.duplicatesOfDocument(doc, excludeId);
  }

  duplicatesOfDocument(doc: PartyDocument, excludeId?: number): DuplicateMatch[] {
    const matches = this.finder.duplicates(doc, excludeId);
    const rows = new Map(this.store.loadMany(matches.map((m) => m.id)).map((r) => [r.id, r]));
    return matches.flatMap((m) => {
      const row = rows.get(m.id);
      return row ? [{ party: summaryOf(row), reasons: m.reasons }] : [];
    });
  }

  /** The parties around one: its parent company, its contacts, the organisations it is a contact of, its subsidiaries. */
  related(row: PartyRow): PartyRelations {
    const contactOf = this.db.prepare(`SELECT organisation_id AS id, function FROM party_contact WHERE person_id = ? ORDER BY organisation_id`).all(row.id) as Array<{ id: number; function: string | null }>;
    const subsidiaries = this.db.prepare(`SELECT id FROM party WHERE parent_id = ? AND merged_into IS NULL ORDER BY name_key LIMIT 500`).all(row.id) as Array<{ id: number }>;
    const ids = [...(row.parentId !== null ? [row.parentId] : []), ...row.contacts.map((c) => c.partyId), ...contactOf.map((c) => c.id), ...subsidiaries.map((s) => s.id)];
    const rows = new Map(this.store.loadMany([...new Set(ids)]).map((r) => [r.id, summaryOf(r)]));
    const link = (partyId: number, fn: string | null) => (rows.has(partyId) ? [{ partyId, function: fn, party: rows.get(partyId)! }] : []);
    return {
      parent: row.parentId !== null ? (rows.get(row.parentId) ?? null) : null,
      contacts: row.contacts.flatMap((c) => link(c.partyId, c.function)),
      contactOf: contactOf.flatMap((c) => link(c.id, c.function)),
      subsidiaries: subsidiaries.flatMap((s) => (rows.has(s.id) ? [rows.get(s.id)!] : [])),
    };
  }

  /** Registers a function called (synchronously, in the merge's transaction) on every merge. */
  onMerge(fn: MergeHook): void {
    this.hooks.push(fn);
  }

  /**
   * Merges `fromId` into `intoId`, keeping every reference: the survivor keeps its own values and
   * gains the merged party's e-mails, phones, tags, flags and the fields it lacks; contacts,
   * subsidiaries and parties merged earlier move to it; every `onMerge` hook rewrites its own
   * references; the merged party then points at the survivor.
   */
  merge(fromId: number, intoId: number, actor: string | null): PartyRow {
    if (fromId === intoId) throw new DossierError("INVALID_ARGUMENT", `Expected two different parties to merge, but found party ${fromId} twice`);
    const from = this.store.load(fromId);
    const into = this.store.load(intoId);
    if (!from) throw notFoundParty(fromId);
    if (!into) throw notFoundParty(intoId);
    for (const p of [from, into]) {
      if (p.mergedInto !== null) {
        throw new DossierError("INVALID_STATE", `Expected party ${p.id} not merged yet, but it was merged into party ${p.mergedInto}`, [], { mergedInto: p.mergedInto });
      }
    }
    if (from.kind !== into.kind) {
      throw new DossierError("INVALID_STATE", `Expected two parties of the same kind, but party ${fromId} is a ${from.kind} and party ${intoId} a ${into.kind}`);
    }
    const at = this.now();
    const doc = mergedDocument(from, into);
    // References held by other parties.
    const run = (sql: string, ...params: unknown[]) => this.db.prepare(sql).run(...params);
    const touched = new Set<number>();
    for (const r of this.db.prepare(`SELECT id FROM party WHERE parent_id = ? AND id <> ?`).all(fromId, intoId) as Array<{ id: number }>) touched.add(r.id);
    run(`UPDATE party SET parent_id = ? WHERE parent_id = ? AND id <> ?`, intoId, fromId, intoId);
    for (const r of this.db.prepare(`SELECT organisation_id AS id FROM party_contact WHERE person_id = ?`).all(fromId) as Array<{ id: number }>) touched.add(r.id);
    run(`INSERT OR IGNORE INTO party_contact (organisation_id, person_id, function, position) SELECT organisation_id, ?, function, position FROM party_contact WHERE person_id = ?`, intoId, fromId);
    run(`DELETE FROM party_contact WHERE person_id = ?`, fromId);
    run(`UPDATE party SET merged_into = ? WHERE merged_into = ?`, intoId, fromId);
    touched.delete(intoId);
    touched.delete(fromId);
    for (const id of touched) run(`UPDATE party SET version = version + 1, updated_at = ?, updated_by = ? WHERE id = ?`, at, actor, id);
    for (const hook of this.hooks) hook(fromId, intoId);
    // The merged party: a pointer, out of every key.
    this.store.clearKeys(fromId);
    run(`UPDATE party SET merged_into = ?, merged_at = ?, version = version + 1, updated_at = ?, updated_by = ? WHERE id = ?`, intoId, at, at, actor, fromId);
    // Contacts were just rewritten in the table: re-read them into the survivor's document.
    doc.contacts = mergeContacts(doc.contacts, this.store.load(intoId)!.contacts).filter((c) => c.partyId !== intoId);
    // The merged party's subsidiaries now hang under the survivor: the survivor must not end up
    // under one of them (or under the merged party itself).
    if (doc.parentId === fromId) doc.parentId = from.parentId === intoId ? null : from.parentId;
    for (let cursor = doc.parentId, hops = 0; cursor !== null && hops < 64; hops++) {
      if (cursor === intoId) {
        doc.parentId = null;
        break;
      }
      cursor = (this.store.raw(cursor)?.["parent_id"] as number | null | undefined) ?? null;
    }
    this.store.update(intoId, doc, at, actor);
    return this.store.load(intoId)!;
  }

  /** Parent company and contacts must be live parties of the right kind; no parent cycles. */
  private checkLinks(doc: PartyDocument, selfId: number | undefined, problems: FieldProblem[]): void {
    if (doc.parentId !== null) {
      const parent = this.store.raw(doc.parentId);
      if (!parent || parent["merged_into"] !== null) problems.push({ field: "parentId", message: `expected an existing party, but party ${doc.parentId} ${parent ? "was merged" : "does not exist"}` });
      else if (parent["kind"] !== "organisation") problems.push({ field: "parentId", message: `expected an organisation as parent company, but party ${doc.parentId} is a person` });
      else if (selfId !== undefined) {
        let cursor: number | null = doc.parentId;
        for (let hops = 0; cursor !== null && hops < 64; hops++) {
          if (cursor === selfId) {
            problems.push({ field: "parentId", message: `party ${doc.parentId} is a subsidiary of this party (a parent company cannot be its own subsidiary)` });
            break;
          }
          cursor = (this.store.raw(cursor)?.["parent_id"] as number | null | undefined) ?? null;
        }
      }
    }
    doc.contacts.forEach((c, i) => {
      const person = this.store.raw(c.partyId);
      if (!person || person["merged_into"] !== null) problems.push({ field: `contacts[${i}].partyId`, message: `expected an existing party, but party ${c.partyId} ${person ? "was merged" : "does not exist"}` });
      else if (person["kind"] !== "person") problems.push({ field: `contacts[${i}].partyId`, message: `expected a person as contact, but party ${c.partyId} is an organisation` });
      else if (c.partyId === selfId) problems.push({ field: `contacts[${i}].partyId`, message: "a party is not its own contact" });
    });
  }
}

/** A stored party as input again (phones with their labels), for patching. */
function inputOf(row: PartyRow): PartyInput {
  const d = documentOf(row);
  return {
    kind: d.kind, organisationName: d.organisationName, lastName: d.lastName, firstName: d.firstName, flags: d.flags, address: d.address,
    phones: d.phones.map((p) => ({ number: p.number, label: p.label })), emails: d.emails, website: d.website, vatSubject: d.vatSubject,
    vatNumber: d.vatNumber, tags: d.tags, parentId: d.parentId, contacts: d.contacts, preferredChannel: d.preferredChannel, language: d.language, notes: d.notes,
  };
}

function applyPatch(base: PartyInput, patch: PartyInput): PartyInput {
  const out: PartyInput = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    if (key === "address" && value && typeof value === "object" && !Array.isArray(value)) out.address = { ...(base.address as object), ...value };
    else out[key] = value;
  }
  // Aliases replace the lists they stand for.
  if ("email" in patch && !("emails" in patch)) delete out.emails;
  if ("phone" in patch && !("phones" in patch)) delete out.phones;
  if ("name" in patch && !("organisationName" in patch)) delete out.organisationName;
  return out;
}

function mergeContacts(a: PartyDocument["contacts"], b: PartyDocument["contacts"]): PartyDocument["contacts"] {
  const out = [...a];
  for (const c of b) if (!out.some((x) => x.partyId === c.partyId)) out.push(c);
  return out;
}

/** The survivor's document after absorbing the merged party. */
function mergedDocument(from: PartyRow, into: PartyRow): PartyDocument {
  const d = documentOf(into);
  const f = documentOf(from);
  const union = <T>(a: T[], b: T[], same: (x: T, y: T) => boolean) => [...a, ...b.filter((y) => !a.some((x) => same(x, y)))];
  const emptyAddress = Object.values(d.address).every((v) => v === null);
  return {
    ...d,
    lastName: d.lastName ?? f.lastName,
    firstName: d.firstName ?? f.firstName,
    flags: union(d.flags, f.flags, (x, y) => x === y).sort((x, y) => PARTY_FLAGS.indexOf(x) - PARTY_FLAGS.indexOf(y)),
    address: emptyAddress ? f.address : d.address,
    phones: union(d.phones, f.phones, (x, y) => x.number === y.number),
    emails: union(d.emails, f.emails, (x, y) => x === y),
    website: d.website ?? f.website,
    vatSubject: d.vatSubject || f.vatSubject,
    vatNumber: d.vatNumber ?? f.vatNumber,
    tags: union(d.tags, f.tags, (x, y) => x === y),
    parentId: d.parentId ?? (f.parentId === into.id ? null : f.parentId),
    contacts: union(d.contacts, f.contacts, (x, y) => x.partyId === y.partyId),
    preferredChannel: d.preferredChannel ?? f.preferredChannel,
    language: d.language ?? f.language,
    notes: d.notes && f.notes && d.notes !== f.notes ? `${d.notes}\n\n${f.notes}` : (d.notes ?? f.notes),
  };
}
