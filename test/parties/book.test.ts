import { expect } from "chai";
import { DossierError } from "../../src/dossiers/errors.js";
import type { PartyInput } from "../../src/dossiers/parties/types.js";
import { startParties, type PartiesHarness } from "./harness.js";

async function rejection(p: Promise<unknown>): Promise<DossierError> {
  try {
    await p;
  } catch (e) {
    expect(e).to.be.instanceOf(DossierError);
    return e as DossierError;
  }
  throw new Error("expected a rejection");
}

describe("address book (PartyBook)", () => {
  let h: PartiesHarness;
  beforeEach(async () => {
    h = await startParties();
  });
  afterEach(async () => h.close());

  describe("validation", () => {
    it("should list every wrong field at once: bad email, phone, Belgian VAT, country", async () => {
      const e = await rejection(h.create({ kind: "person", lastName: "Dupont", email: "jean@", phones: ["12", "0472 84 43 18"], vatNumber: "BE0123456789", address: { country: "XX" } }));
      expect(e.code).to.equal("VALIDATION_FAILED");
      expect(e.problems.map((p) => p.field)).to.have.members(["email", "phones[0]", "vatNumber", "address.country"]);
      expect(e.message).to.match(/^Expected the party to be valid, but 4 fields are wrong/);
    });

    it("should check a French VAT number's key and require one when the party is subject to VAT", async () => {
      const bad = await rejection(h.create({ kind: "organisation", organisationName: "Acme", vatNumber: "FR41303265045" }));
      expect(bad.problems).to.deep.include({ field: "vatNumber", message: "expected a valid France VAT number, but 'FR41303265045' is not one (format or check digits)" });
      const missing = await rejection(h.create({ kind: "organisation", organisationName: "Acme", vatSubject: true }));
      expect(missing.problems.map((p) => p.field)).to.deep.equal(["vatNumber"]);
      const be = await h.create({ kind: "organisation", organisationName: "Brasserie", address: { country: "BE" }, vatNumber: "403.170.701" });
      expect(be.vatNumber).to.equal("BE0403170701");
      const ok = await h.create({ kind: "organisation", organisationName: "Acme", vatNumber: "40 303 265 045" });
      expect(ok.vatNumber).to.equal("FR40303265045");
      expect(ok.vatSubject).to.equal(true);
    });

    it("should need a kind, a last name for a person and a name for an organisation, and refuse unknown fields", async () => {
      const e = await rejection(h.create({ kind: "organisation", colour: "blue" }));
      expect(e.problems.map((p) => p.field)).to.have.members(["colour", "organisationName"]);
      const p = await rejection(h.create({ kind: "person", firstName: "Jean" }));
      expect(p.problems.map((x) => x.field)).to.deep.equal(["lastName"]);
      const k = await rejection(h.create({ lastName: "X" }));
      expect(k.problems.map((x) => x.field)).to.deep.equal(["kind"]);
    });

    it("should refuse a parent company that is a person and contacts that are organisations", async () => {
      const person = await h.create({ kind: "person", lastName: "Martin" });
      const org = await h.create({ kind: "organisation", organisationName: "Holding" });
      const e = await rejection(h.create({ kind: "organisation", organisationName: "Filiale", parentId: person.id, contacts: [{ partyId: org.id, function: "décideur" }] }));
      expect(e.problems.map((x) => x.field)).to.have.members(["parentId", "contacts[0].partyId"]);
    });
  });

  describe("normalisation", () => {
    it("should store phones in E.164 with the party's country as default region and show them with spaces", async () => {
      const be = await h.create({ kind: "person", lastName: "Peeters", firstName: "An", address: { country: "be" }, phones: ["072 84 43 18", { number: "0472/84.43.18", label: "mobile" }] });
      expect(be.phones).to.deep.equal([
        { number: "+3272844318", label: "fixe", display: "+32 72 84 43 18", national: "072 84 43 18" },
        { number: "+32472844318", label: "mobile", display: "+32 472 84 43 18", national: "0472 84 43 18" },
      ]);
      const fr = await h.create({ kind: "person", lastName: "Durand", phone: "06 12 34 56 78" });
      expect(fr.phones[0]).to.include({ number: "+33612345678", label: "mobile", display: "+33 6 12 34 56 78" });
      expect(h.book.summary(fr).phone).to.equal("+33 6 12 34 56 78");
    });

    it("should name a person last name + first name, lower-case e-mails and complete a web address", async () => {
      const p = await h.create({ kind: "person", lastName: "DUPONT", firstName: " Jean ", emails: ["Jean.Dupont@Example.FR", "jean.dupont@example.fr"], website: "www.dupont.fr" });
      expect(p).to.include({ name: "DUPONT Jean", website: "https://www.dupont.fr" });
      expect(p.emails).to.deep.equal(["jean.dupont@example.fr"]);
      expect(h.book.summary(p)).to.deep.equal({ id: p.id, kind: "person", name: "DUPONT Jean", email: "jean.dupont@example.fr", phone: null, city: null, flags: [] });
    });
  });

  describe("search as you type", () => {
    beforeEach(async () => {
      await h.create({ kind: "organisation", organisationName: "Société Générale", address: { postcode: "75009", city: "Paris" }, email: "contact@socgen.fr", vatNumber: "FR40303265045" });
      await h.create({ kind: "person", lastName: "Peeters", firstName: "Anneleen", address: { city: "Liège", country: "BE" }, phones: ["0472 84 43 18"] });
      await h.create({ kind: "person", lastName: "Lefèvre", firstName: "Éloïse", address: { city: "Lyon" }, email: "eloise@lefevre.fr", flags: ["customer"] });
    });
    const names = (q: string, filters = {}) => h.book.search(q, 10, filters).map((s) => s.name);

    it("should find a name by prefixes, accents and case ignored", () => {
      expect(names("societe gen")).to.deep.equal(["Société Générale"]);
      expect(names("SOCIÉTÉ")).to.deep.equal(["Société Générale"]);
      expect(names("lefev")).to.deep.equal(["Lefèvre Éloïse"]);
      expect(names("eloise lef")).to.deep.equal(["Lefèvre Éloïse"]);
    });

    it("should find a phone in any format", () => {
      for (const q of ["0472 84 43 18", "+32472844318", "0032 472 84 43 18", "+32 472", "04728", "472 84 43"]) expect(names(q), q).to.deep.equal(["Peeters Anneleen"]);
    });

    it("should find an e-mail, a VAT number with or without its prefix, and a city", () => {
      expect(names("eloise@lef")).to.deep.equal(["Lefèvre Éloïse"]);
      expect(names("contact@socgen.fr")).to.deep.equal(["Société Générale"]);
      expect(names("FR40303265045")).to.deep.equal(["Société Générale"]);
      expect(names("40303265")).to.deep.equal(["Société Générale"]);
      expect(names("liege")).to.deep.equal(["Peeters Anneleen"]);
    });

    it("should show bare digits as a postcode first and as a phone after", async () => {
      await h.create({ kind: "person", lastName: "Mobile", phone: "06 90 03 11 22" });
      await h.create({ kind: "person", lastName: "Voisin", address: { postcode: "69003", city: "Lyon" } });
      expect(names("69003")).to.deep.equal(["Voisin", "Mobile"]);
      expect(names("0690 03")).to.deep.equal(["Mobile"]);
    });

    it("should filter by kind and flag, and list everything by name without a text", () => {
      expect(names("", { kind: "person" })).to.deep.equal(["Lefèvre Éloïse", "Peeters Anneleen"]);
      expect(names("", { flag: "customer" })).to.deep.equal(["Lefèvre Éloïse"]);
      expect(names("lyon", { flag: "supplier" })).to.deep.equal([]);
    });
  });

  describe("duplicates", () => {
    it("should warn about the same e-mail, phone, VAT number, or a close name at the same postcode", async () => {
      const a = await h.create({ kind: "organisation", organisationName: "Boulangerie Martin", address: { postcode: "69003", city: "Lyon" }, email: "pain@martin.fr", phone: "04 78 00 00 01", vatNumber: "FR40303265045" });
      const check = (input: PartyInput) => h.book.duplicatesOf(input).map((d) => ({ id: d.party.id, reasons: d.reasons }));
      expect(check({ kind: "person", lastName: "X", email: "PAIN@martin.fr" })).to.deep.equal([{ id: a.id, reasons: ["same email pain@martin.fr"] }]);
      expect(check({ kind: "person", lastName: "X", phone: "+33478000001" })).to.deep.equal([{ id: a.id, reasons: ["same phone +33 4 78 00 00 01"] }]);
      expect(check({ organisationName: "Autre", vatNumber: "FR 403 032 650 45" })).to.deep.equal([{ id: a.id, reasons: ["same VAT number FR40303265045"] }]);
      expect(check({ organisationName: "Boulangerie Martain", address: { postcode: "69003" } })).to.deep.equal([{ id: a.id, reasons: ["close name (Boulangerie Martin) at postcode 69003"] }]);
      expect(check({ organisationName: "Martin Boulangerie", address: { postcode: "69003" } })).to.have.length(1);
      expect(check({ organisationName: "Boulangerie Martin", address: { postcode: "75001" } })).to.deep.equal([]);
      await h.create({ kind: "organisation", organisationName: "Agence Lyon 3", address: { postcode: "69003" } });
      expect(check({ organisationName: "Agence Lyon 4", address: { postcode: "69003" } })).to.deep.equal([]);
      expect(check({ organisationName: "Agense Lyon 3", address: { postcode: "69003" } })).to.have.length(1);
      expect(h.book.duplicatesOf({ email: "pain@martin.fr" }, a.id)).to.deep.equal([]);
    });
  });

  describe("versions", () => {
    it("should refuse a change based on an older version, naming the current one", async () => {
      const p = await h.create({ kind: "person", lastName: "Roux" });
      const v2 = await h.test.engine.transaction(() => h.book.update(p.id, { firstName: "Léa" }, 1, "agent"));
      expect(v2).to.include({ version: 2, name: "Roux Léa", updatedBy: "agent" });
      const e = await rejection(h.test.engine.transaction(() => h.book.update(p.id, { firstName: "Zoé" }, 1, "other")));
      expect(e.code).to.equal("VERSION_CONFLICT");
      expect(e.extra).to.deep.equal({ currentVersion: 2 });
      expect(h.book.get(p.id)!.firstName).to.equal("Léa");
    });

    it("should merge the address field by field and keep the version when nothing changes", async () => {
      const p = await h.create({ kind: "person", lastName: "Roux", address: { city: "Lyon", postcode: "69001" } });
      const same = await h.test.engine.transaction(() => h.book.update(p.id, { lastName: "Roux" }, 1, "agent"));
      expect(same.version).to.equal(1);
      const moved = await h.test.engine.transaction(() => h.book.update(p.id, { address: { street: "rue Neuve" } }, 1, "agent"));
      expect(moved.address).to.include({ street: "rue Neuve", city: "Lyon", postcode: "69001" });
      expect(h.book.search("rue neuve", 5).map((s) => s.id)).to.deep.equal([p.id]);
    });
  });

  describe("merge", () => {
    it("should keep every reference: hooks, contacts, subsidiaries, e-mails and phones; the merged id resolves to the survivor", async () => {
      const person = await h.create({ kind: "person", lastName: "Moreau", email: "moreau@a.fr" });
      const dup = await h.create({ kind: "person", lastName: "Moreau", firstName: "Paul", email: "paul@b.fr", phone: "06 11 22 33 44", tags: ["vip"] });
      const org = await h.create({ kind: "organisation", organisationName: "Acme", contacts: [{ partyId: dup.id, function: "comptabilité" }] });
      const dupOrg = await h.create({ kind: "organisation", organisationName: "ACME SA" });
      const child = await h.create({ kind: "organisation", organisationName: "Acme Lyon", parentId: dupOrg.id });
      // A reference held by another module, rewritten by its hook in the same transaction.
      h.test.engine.store.db.exec(`CREATE TABLE ref (party_id integer)`);
      h.test.engine.store.db.prepare(`INSERT INTO ref VALUES (?)`).run(dup.id);
      const calls: Array<[number, number]> = [];
      h.book.onMerge((from, into) => {
        calls.push([from, into]);
        h.test.engine.store.db.prepare(`UPDATE ref SET party_id = ? WHERE party_id = ?`).run(into, from);
      });

      const survivor = await h.test.engine.transaction(() => h.book.merge(dup.id, person.id, "manager"));
      expect(calls).to.deep.equal([[dup.id, person.id]]);
      expect(h.test.engine.store.db.prepare(`SELECT party_id FROM ref`).get()).to.deep.equal({ party_id: person.id });
      expect(survivor).to.include({ id: person.id, firstName: "Paul", version: 2 });
      expect(survivor.emails).to.deep.equal(["moreau@a.fr", "paul@b.fr"]);
      expect(survivor.phones.map((p) => p.number)).to.deep.equal(["+33611223344"]);
      expect(survivor.tags).to.deep.equal(["vip"]);
      expect(h.book.get(org.id)!.contacts).to.deep.equal([{ partyId: person.id, function: "comptabilité" }]);
      expect(h.book.get(dup.id)!.id).to.equal(person.id);
      expect(h.book.getExact(dup.id)!.mergedInto).to.equal(person.id);
      expect(h.book.getMany([dup.id]).get(dup.id)!.id).to.equal(person.id);
      expect(h.book.search("paul@b.fr", 5).map((s) => s.id)).to.deep.equal([person.id]);
      expect(h.book.search("moreau", 5).map((s) => s.id)).to.deep.equal([person.id]);

      await h.test.engine.transaction(() => h.book.merge(dupOrg.id, org.id, "manager"));
      expect(h.book.get(child.id)!.parentId).to.equal(org.id);
      expect(h.book.related(h.book.get(org.id)!).subsidiaries.map((s) => s.id)).to.deep.equal([child.id]);
    });

    it("should never leave the survivor under one of its own subsidiaries", async () => {
      const group = await h.create({ kind: "organisation", organisationName: "Groupe" });
      const branch = await h.create({ kind: "organisation", organisationName: "Agence", parentId: group.id });
      const office = await h.create({ kind: "organisation", organisationName: "Bureau", parentId: branch.id });
      // The group merged into its grand-child: the branch now hangs under the survivor, which must not hang under the branch.
      const survivor = await h.test.engine.transaction(() => h.book.merge(group.id, office.id, "m"));
      expect(survivor.parentId).to.equal(null);
      expect(h.book.get(branch.id)!.parentId).to.equal(office.id);
    });

    it("should roll the whole merge back when a hook fails, and refuse merging a merged party or different kinds", async () => {
      const a = await h.create({ kind: "person", lastName: "A", email: "a@a.fr" });
      const b = await h.create({ kind: "person", lastName: "B", email: "b@b.fr" });
      const o = await h.create({ kind: "organisation", organisationName: "O" });
      h.book.onMerge(() => {
        throw new Error("hook failed");
      });
      try {
        await h.test.engine.transaction(() => h.book.merge(b.id, a.id, "m"));
        expect.fail("merge should fail");
      } catch (e) {
        expect((e as Error).message).to.equal("hook failed");
      }
      expect(h.book.getExact(b.id)!.mergedInto).to.equal(null);
      expect(h.book.get(a.id)!.emails).to.deep.equal(["a@a.fr"]);
      expect((await rejection(h.test.engine.transaction(() => h.book.merge(o.id, a.id, "m")))).code).to.equal("INVALID_STATE");
    });
  });
});
