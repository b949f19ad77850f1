import { expect } from "chai";
import { routesOf } from "../../src/api/route-table.js";
import { partiesRouter } from "../../src/api/domain/parties.js";
import { startParties, type PartiesHarness } from "./harness.js";

describe("address book API (/api/parties)", () => {
  let h: PartiesHarness;
  beforeEach(async () => {
    h = await startParties();
  });
  afterEach(async () => h.close());

  const acme = { kind: "organisation", organisationName: "Acme Toitures", address: { postcode: "69003", city: "Lyon" }, email: "contact@acme.fr", phones: ["04 78 00 00 01"] };

  it("should guard every route with its permission", () => {
    const routes = routesOf(partiesRouter({ engine: h.test.engine, parties: h.book })).map((r) => `${r.method} ${r.path} ${r.permission}`);
    expect(routes).to.deep.equal([
      "GET /parties parties.read", "GET /parties/meta parties.read", "GET /parties/export parties.read", "POST /parties parties.write", "POST /parties/duplicates parties.read",
      "POST /parties/import parties.manage", "GET /parties/{id} parties.read", "PATCH /parties/{id} parties.write", "POST /parties/{id}/merge parties.manage",
    ]);
  });

  it("should create a party (201, Location, ETag) and answer it with its duplicates", async () => {
    const first = await h.call("POST", "/api/parties", { body: acme });
    expect(first.status).to.equal(201);
    expect(first.headers.get("location")).to.equal(`/api/parties/${first.body.id}`);
    expect(first.headers.get("etag")).to.equal('"1"');
    expect(first.body).to.include({ name: "Acme Toitures", version: 1, createdBy: "tester" });
    expect(first.body.createdAt).to.match(/^\d{4}-\d\d-\d\dT/);
    expect(first.body.duplicates).to.deep.equal([]);
    const second = await h.call("POST", "/api/parties", { body: { kind: "person", lastName: "Martin", email: "CONTACT@acme.fr" } });
    expect(second.status).to.equal(201);
    expect(second.body.duplicates).to.deep.equal([{ party: { id: first.body.id, kind: "organisation", name: "Acme Toitures", email: "contact@acme.fr", phone: "+33 4 78 00 00 01", city: "Lyon", flags: [] }, reasons: ["same email contact@acme.fr"] }]);
  });

  it("should refuse a duplicate with rejectDuplicates (409 listing them) and store nothing", async () => {
    await h.call("POST", "/api/parties", { body: acme });
    const res = await h.call("POST", "/api/parties", { body: { kind: "organisation", organisationName: "Acme Toiture", address: { postcode: "69003" }, rejectDuplicates: true } });
    expect(res.status).to.equal(409);
    expect(res.type).to.match(/problem\+json/);
    expect(res.body.title).to.equal("ALREADY_EXISTS");
    expect(res.body.duplicates[0].reasons).to.deep.equal(["close name (Acme Toitures) at postcode 69003"]);
    expect((await h.call("GET", "/api/parties")).body.items).to.have.length(1);
  });

  it("should answer 400 with every wrong field", async () => {
    const res = await h.call("POST", "/api/parties", { body: { kind: "organisation", organisationName: "X", email: "x@", phones: ["abc"], vatNumber: "BE0000000000", address: { country: "BE" } } });
    expect(res.status).to.equal(400);
    expect(res.body.title).to.equal("VALIDATION_FAILED");
    expect(res.body.problems.map((p: { field: string }) => p.field)).to.deep.equal(["phones[0]", "email", "vatNumber"]);
  });

  it("should check an input for duplicates before creating it (the caller may already exist)", async () => {
    await h.call("POST", "/api/parties", { body: acme });
    const res = await h.call("POST", "/api/parties/duplicates", { body: { phone: "+33 4 78 00 00 01" } });
    expect(res.status).to.equal(200);
    expect(res.body.duplicates.map((d: { reasons: string[] }) => d.reasons)).to.deep.equal([["same phone +33 4 78 00 00 01"]]);
  });

  it("should search as you type and filter by kind and flag", async () => {
    await h.call("POST", "/api/parties", { body: { ...acme, flags: ["customer"] } });
    await h.call("POST", "/api/parties", { body: { kind: "person", lastName: "Lyonnet", flags: ["prospect"] } });
    const q = async (query: string) => (await h.call("GET", `/api/parties?${query}`)).body.items.map((s: { name: string }) => s.name);
    expect(await q("q=acme%20toit")).to.deep.equal(["Acme Toitures"]);
    expect(await q("q=0478000001")).to.deep.equal(["Acme Toitures"]);
    expect(await q("q=lyon")).to.have.members(["Acme Toitures", "Lyonnet"]);
    expect(await q("q=lyon&kind=person")).to.deep.equal(["Lyonnet"]);
    expect(await q("flag=customer")).to.deep.equal(["Acme Toitures"]);
    expect((await h.call("GET", "/api/parties?kind=robot")).status).to.equal(400);
    expect((await h.call("GET", "/api/parties?limit=1000")).status).to.equal(400);
    const page1 = (await h.call("GET", "/api/parties?limit=1")).body;
    const page2 = (await h.call("GET", "/api/parties?limit=1&offset=1")).body;
    expect([page1.items[0].name, page1.more, page2.items[0].name, page2.more]).to.deep.equal(["Acme Toitures", true, "Lyonnet", false]);
  });

  it("should read a party with its contacts and parent company", async () => {
    const holding = (await h.call("POST", "/api/parties", { body: { kind: "organisation", organisationName: "Acme Holding" } })).body;
    const boss = (await h.call("POST", "/api/parties", { body: { kind: "person", lastName: "Durand", firstName: "Marc" } })).body;
    const org = (await h.call("POST", "/api/parties", { body: { ...acme, parentId: holding.id, contacts: [{ partyId: boss.id, function: "décideur" }] } })).body;
    const res = await h.call("GET", `/api/parties/${org.id}`);
    expect(res.status).to.equal(200);
    expect(res.headers.get("etag")).to.equal('"1"');
    expect(res.body.parent).to.include({ id: holding.id, name: "Acme Holding" });
    expect(res.body.contacts).to.deep.equal([{ partyId: boss.id, function: "décideur", party: { id: boss.id, kind: "person", name: "Durand Marc", email: null, phone: null, city: null, flags: [] } }]);
    const person = await h.call("GET", `/api/parties/${boss.id}`);
    expect(person.body.contactOf.map((c: { partyId: number; function: string }) => [c.partyId, c.function])).to.deep.equal([[org.id, "décideur"]]);
    const parent = await h.call("GET", `/api/parties/${holding.id}`);
    expect(parent.body.subsidiaries.map((s: { id: number }) => s.id)).to.deep.equal([org.id]);
    expect((await h.call("GET", "/api/parties/999")).status).to.equal(404);
    expect((await h.call("GET", "/api/parties/abc")).status).to.equal(404);
  });

  it("should change a party with If-Match or a body version: 409 when stale, 428 without one", async () => {
    const id = (await h.call("POST", "/api/parties", { body: acme })).body.id;
    const ok = await h.call("PATCH", `/api/parties/${id}`, { body: { tags: ["toiture"] }, headers: { "if-match": '"1"' } });
    expect(ok.status).to.equal(200);
    expect(ok.headers.get("etag")).to.equal('"2"');
    expect(ok.body).to.include({ version: 2, updatedBy: "tester" });
    const stale = await h.call("PATCH", `/api/parties/${id}`, { body: { tags: [], version: 1 } });
    expect(stale.status).to.equal(409);
    expect(stale.body).to.include({ title: "VERSION_CONFLICT", currentVersion: 2 });
    const none = await h.call("PATCH", `/api/parties/${id}`, { body: { tags: [] } });
    expect(none.status).to.equal(428);
    const invalid = await h.call("PATCH", `/api/parties/${id}`, { body: { email: "nope", version: 2 } });
    expect(invalid.status).to.equal(400);
    expect(invalid.body.problems).to.deep.equal([{ field: "email", message: "expected an e-mail address (name@example.fr), but found 'nope'" }]);
  });

  it("should let only one of two concurrent changes based on the same version through", async () => {
    const id = (await h.call("POST", "/api/parties", { body: acme })).body.id;
    const [a, b] = await Promise.all([
      h.call("PATCH", `/api/parties/${id}`, { body: { tags: ["a"], version: 1 } }),
      h.call("PATCH", `/api/parties/${id}`, { body: { tags: ["b"], version: 1 } }),
    ]);
    expect([a.status, b.status].sort()).to.deep.equal([200, 409]);
    const winner = a.status === 200 ? a : b;
    expect((await h.call("GET", `/api/parties/${id}`)).body.tags).to.deep.equal(winner.body.tags);
  });

  it("should merge (parties.manage) and resolve the merged id to the survivor", async () => {
    const keep = (await h.call("POST", "/api/parties", { body: acme })).body;
    const dup = (await h.call("POST", "/api/parties", { body: { kind: "organisation", organisationName: "ACME toitures", email: "devis@acme.fr" } })).body;
    expect((await h.call("POST", `/api/parties/${dup.id}/merge`, { body: { into: keep.id } })).status).to.equal(403);
    const merged = await h.call("POST", `/api/parties/${dup.id}/merge`, { roles: "manager", body: { into: keep.id } });
    expect(merged.status).to.equal(200);
    expect(merged.body.emails).to.deep.equal(["contact@acme.fr", "devis@acme.fr"]);
    const old = await h.call("GET", `/api/parties/${dup.id}`);
    expect(old.status).to.equal(200);
    expect(old.body).to.include({ id: keep.id, resolvedFrom: dup.id });
    expect(old.headers.get("content-location")).to.equal(`/api/parties/${keep.id}`);
    const patch = await h.call("PATCH", `/api/parties/${dup.id}`, { body: { tags: [], version: 2 } });
    expect(patch.status).to.equal(409);
    expect(patch.body).to.include({ title: "INVALID_STATE", mergedInto: keep.id });
  });

  it("should describe what the forms offer", async () => {
    const res = await h.call("GET", "/api/parties/meta");
    expect(res.status).to.equal(200);
    expect(res.body.flags.map((f: { id: string }) => f.id)).to.deep.equal(["prospect", "customer", "supplier", "partner"]);
    expect(res.body.flags[1].label).to.deep.equal({ fr: "Client", en: "Customer" });
    expect(res.body.defaultCountry).to.equal("FR");
  });

  it("should refuse without the permission and without sign-in", async () => {
    expect((await h.call("POST", "/api/parties", { roles: "auditor", body: acme })).status).to.equal(403);
    expect((await h.call("GET", "/api/parties", { roles: "auditor" })).status).to.equal(200);
    const anonymous = await fetch(`${h.base}/api/parties`);
    expect(anonymous.status).to.equal(401);
  });
});
