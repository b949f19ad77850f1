/**
 * Rows of the address book in SQLite: the party document (JSON) beside its searchable keys, the
 * e-mail and phone key rows, the organisation's contacts and the full-text row. Every write of a
 * party rewrites all of its keys, so they never drift from the document.
 */
import type Database from "better-sqlite3";
import { fold } from "./keys.js";
import type { ContactLink, PartyDocument, PartyRow, PartySummary } from "./types.js";

type Raw = Record<string, any>;

export class PartyStore {
  private readonly s: Record<string, Database.Statement>;

  constructor(readonly db: Database.Database) {
    const p = (sql: string) => db.prepare(sql);
    this.s = {
      insert: p(
        `INSERT INTO party (kind, name, name_key, flags, postcode, city, country, vat_key, vat_local, parent_id, data, version, created_at, created_by, updated_at, updated_by) ` +
          `VALUES (@kind, @name, @name_key, @flags, @postcode, @city, @country, @vat_key, @vat_local, @parent_id, @data, 1, @at, @actor, @at, @actor)`,
      ),
      update: p(
        `UPDATE party SET kind = @kind, name = @name, name_key = @name_key, flags = @flags, postcode = @postcode, city = @city, country = @country, vat_key = @vat_key, ` +
          `vat_local = @vat_local, parent_id = @parent_id, data = @data, version = version + 1, updated_at = @at, updated_by = @actor WHERE id = @id`,
      ),
      byId: p(`SELECT * FROM party WHERE id = ?`),
      byIds: p(`SELECT * FROM party WHERE id IN (SELECT value FROM json_each(?))`),
      contactsOf: p(`SELECT person_id, function FROM party_contact WHERE organisation_id = ? ORDER BY position`),
      contactsOfMany: p(`SELECT organisation_id, person_id, function FROM party_contact WHERE organisation_id IN (SELECT value FROM json_each(?)) ORDER BY organisation_id, position`),
      delEmails: p(`DELETE FROM party_email WHERE party_id = ?`),
      addEmail: p(`INSERT OR IGNORE INTO party_email (party_id, email) VALUES (?, ?)`),
      delPhones: p(`DELETE FROM party_phone WHERE party_id = ?`),
      addPhone: p(`INSERT OR IGNORE INTO party_phone (party_id, e164, digits, nsn) VALUES (?, ?, ?, ?)`),
      delContacts: p(`DELETE FROM party_contact WHERE organisation_id = ?`),
      addContact: p(`INSERT OR IGNORE INTO party_contact (organisation_id, person_id, function, position) VALUES (?, ?, ?, ?)`),
      delFts: p(`DELETE FROM party_fts WHERE rowid = ?`),
      addFts: p(`INSERT INTO party_fts (rowid, name, emails, place, extra) VALUES (?, ?, ?, ?, ?)`),
    };
  }

  private columns(doc: PartyDocument, at: number, actor: string | null) {
    const { contacts: _c, parentId: _p, ...data } = doc;
    const vat = doc.vatNumber;
    return {
      kind: doc.kind, name: doc.name, name_key: fold(doc.name), flags: `,${doc.flags.join(",")},`, postcode: doc.address.postcode, city: doc.address.city,
      country: doc.address.country, vat_key: vat, vat_local: vat ? vat.slice(2) : null, parent_id: doc.parentId, data: JSON.stringify(data), at, actor,
    };
  }

  insert(doc: PartyDocument, at: number, actor: string | null): number {
    const id = Number(this.s["insert"]!.run(this.columns(doc, at, actor)).lastInsertRowid);
    this.writeKeys(id, doc);
    return id;
  }

  /** Rewrites the document and its keys, and bumps the version. */
  update(id: number, doc: PartyDocument, at: number, actor: string | null): void {
    this.s["update"]!.run({ ...this.columns(doc, at, actor), id });
    this.writeKeys(id, doc);
  }

  private writeKeys(id: number, doc: PartyDocument): void {
    this.s["delEmails"]!.run(id);
    for (const e of doc.emails) this.s["addEmail"]!.run(id, e);
    this.s["delPhones"]!.run(id);
    for (const ph of doc.phones) {
      const digits = ph.number.slice(1);
      const nsn = ph.national.replace(/\D/g, "").replace(/^0/, "");
      this.s["addPhone"]!.run(id, ph.number, digits, nsn);
    }
    this.s["delContacts"]!.run(id);
    doc.contacts.forEach((c, i) => this.s["addContact"]!.run(id, c.partyId, c.function, i));
    this.s["delFts"]!.run(id);
    const a = doc.address;
    const place = [a.street, a.number, a.postcode, a.city].filter(Boolean).join(" ");
    const extra = [...doc.tags, doc.vatNumber ?? "", doc.website ? doc.website.replace(/^https?:\/\//, "") : ""].join(" ");
    this.s["addFts"]!.run(id, doc.name, doc.emails.join(" "), place, extra);
  }

  /** Removes a merged party from every key (it stays as a row pointing at its survivor). */
  clearKeys(id: number): void {
    this.s["delEmails"]!.run(id);
    this.s["delPhones"]!.run(id);
    this.s["delContacts"]!.run(id);
    this.s["delFts"]!.run(id);
  }

  raw(id: number): Raw | undefined {
    return this.s["byId"]!.get(id) as Raw | undefined;
  }

  load(id: number): PartyRow | undefined {
    const r = this.raw(id);
    if (!r) return undefined;
    const contacts = (this.s["contactsOf"]!.all(id) as Raw[]).map((c) => ({ partyId: c["person_id"], function: c["function"] }));
    return toRow(r, contacts);
  }

  loadMany(ids: number[]): PartyRow[] {
    if (ids.length === 0) return [];
    const json = JSON.stringify(ids);
    const contacts = new Map<number, ContactLink[]>();
    for (const c of this.s["contactsOfMany"]!.all(json) as Raw[]) {
      const list = contacts.get(c["organisation_id"]) ?? [];
      list.push({ partyId: c["person_id"], function: c["function"] });
      contacts.set(c["organisation_id"], list);
    }
    return (this.s["byIds"]!.all(json) as Raw[]).map((r) => toRow(r, contacts.get(r["id"]) ?? []));
  }
}

export function toRow(r: Raw, contacts: ContactLink[]): PartyRow {
  const data = JSON.parse(r["data"]) as Omit<PartyDocument, "contacts" | "parentId">;
  return {
    id: r["id"], ...data, parentId: r["parent_id"] ?? null, contacts, version: r["version"], createdAt: Number(r["created_at"]),
    createdBy: r["created_by"], updatedAt: Number(r["updated_at"]), updatedBy: r["updated_by"], mergedInto: r["merged_into"] ?? null,
  };
}

/** The document of a row (what normalisation produced), without identity and bookkeeping. */
export function documentOf(row: PartyRow): PartyDocument {
  const { id: _i, version: _v, createdAt: _ca, createdBy: _cb, updatedAt: _ua, updatedBy: _ub, mergedInto: _m, ...doc } = row;
  return doc;
}

export function summaryOf(row: PartyRow): PartySummary {
  return {
    id: row.id, kind: row.kind, name: row.name, email: row.emails[0] ?? null, phone: row.phones[0]?.display ?? null, city: row.address.city, flags: row.flags,
  };
}
