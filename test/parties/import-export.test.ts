import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect } from "chai";
import ExcelJS from "exceljs";
import { startParties, type PartiesHarness } from "./harness.js";

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures");
const file = (name: string, bytes?: Buffer | string) => new File([typeof bytes === "string" ? bytes : new Uint8Array(bytes ?? readFileSync(path.join(FIXTURES, name)))], name, { type: "text/csv" });

function form(f: File, fields: Record<string, string> = {}): FormData {
  const data = new FormData();
  data.set("file", f);
  for (const [k, v] of Object.entries(fields)) data.set(k, v);
  return data;
}

describe("address book import and export", () => {
  let h: PartiesHarness;
  beforeEach(async () => {
    h = await startParties();
  });
  afterEach(async () => h.close());
  const count = () => (h.test.engine.store.db.prepare(`SELECT count(*) AS n FROM party`).get() as { n: number }).n;
  const importing = (f: File, fields: Record<string, string> = {}, roles = "manager") => h.call("POST", "/api/parties/import", { roles, form: form(f, fields) });

  it("should read a French Excel export (windows-1252, ';') with its French headers: dry run first, then for real", async () => {
    const dry = await importing(file("erp-export-fr.csv"));
    expect(dry.status).to.equal(200);
    expect(dry.body).to.include({ dryRun: true, imported: false, encoding: "windows-1252", delimiter: ";", total: 3, created: 3, errors: 0, duplicates: 0 });
    expect(dry.body.lines.map((l: { line: number; status: string; name: string }) => [l.line, l.status, l.name])).to.deep.equal([
      [2, "created", "Société Générale"], [3, "created", "Lefèvre Éloïse"], [4, "created", "Brasserie de l'Étoile"],
    ]);
    expect(count()).to.equal(0);

    const real = await importing(file("erp-export-fr.csv"), { dryRun: "false" });
    expect(real.status).to.equal(201);
    expect(real.body).to.include({ imported: true, created: 3 });
    const sg = h.book.get(real.body.lines[0].partyId)!;
    expect(sg).to.deep.include({ kind: "organisation", name: "Société Générale", flags: ["customer"], vatNumber: "FR40303265045", tags: ["banque"] });
    expect(sg.address).to.deep.equal({ street: "29 boulevard Haussmann", number: null, postcode: "75009", city: "Paris", country: "FR" });
    const eloise = h.book.get(real.body.lines[1].partyId)!;
    expect(eloise).to.deep.include({ kind: "person", lastName: "Lefèvre", firstName: "Éloïse", flags: [] });
    expect(eloise.phones).to.deep.equal([{ number: "+33612345678", label: "mobile", display: "+33 6 12 34 56 78", national: "06 12 34 56 78" }]);
    const etoile = h.book.get(real.body.lines[2].partyId)!;
    expect(etoile.phones[0]!.display).to.equal("+32 2 511 00 00");
    expect(etoile.tags).to.deep.equal(["horeca", "vip"]);
    expect(h.book.search("societe gen", 5).map((s) => s.name)).to.deep.equal(["Société Générale"]);

    const again = await importing(file("erp-export-fr.csv"), { dryRun: "false" });
    expect(again.status).to.equal(201);
    expect(again.body).to.include({ created: 0, duplicates: 3 });
    expect(again.body.lines[0].duplicates[0].reasons).to.include("same email contact@socgen.fr");
    expect(count()).to.equal(3);
  });

  it("should import nothing when one line is wrong, and say which line and column", async () => {
    const dry = await importing(file("with-errors.csv"));
    expect(dry.body).to.include({ delimiter: ",", encoding: "utf-8", created: 2, errors: 1 });
    expect(dry.body.lines[1]).to.deep.include({ line: 3, status: "error" });
    expect(dry.body.lines[1].problems.map((p: { field: string; column: string }) => [p.field, p.column])).to.deep.equal([["emails[0]", "email"], ["vatNumber", "vatNumber"]]);

    const real = await h.call("POST", "/api/parties/import?dryRun=false", { roles: "manager", form: form(file("with-errors.csv")) });
    expect(real.status).to.equal(400);
    expect(real.body.title).to.equal("VALIDATION_FAILED");
    expect(real.body.detail).to.match(/nothing was imported/);
    expect(real.body.problems[0]).to.deep.equal({ field: "line 3: email", message: "expected an e-mail address (name@example.fr), but found 'not-an-email'" });
    expect(real.body.report).to.include({ imported: false, errors: 1 });
    expect(count()).to.equal(0);
  });

  it("should follow a column mapping, report duplicates inside the file and create them on request", async () => {
    const csv = "Société;Mél;CP\nAlpha;a@alpha.fr;69001\nAlpha bis;A@alpha.fr;69001\nZèta;z@z.fr;\n";
    const mapping = JSON.stringify({ "Société": "organisationName", "Mél": "email", "CP": "postcode" });
    const skip = await importing(file("m.csv", csv), { mapping });
    expect(skip.body.lines.map((l: { status: string }) => l.status)).to.deep.equal(["created", "duplicate", "created"]);
    const create = await importing(file("m.csv", csv), { mapping, duplicates: "create", dryRun: "false" });
    expect(create.body).to.include({ created: 3, imported: true });
    expect(create.body.lines[1].duplicates[0].reasons).to.deep.equal(["same email a@alpha.fr"]);
    const unknown = await importing(file("m.csv", csv), { mapping: JSON.stringify({ "Société": "colour" }) });
    expect(unknown.status).to.equal(400);
    expect(unknown.body.detail).to.match(/mapped to one of/);
    const missing = await importing(file("m.csv", csv), { mapping: JSON.stringify({ Nope: "email" }) });
    expect(missing.status).to.equal(400);
  });

  it("should refuse an empty file, a file without any known column, too many lines and a missing file", async () => {
    expect((await importing(file("e.csv", ""))).body.detail).to.match(/empty/);
    expect((await importing(file("u.csv", "foo;bar\n1;2\n"))).body.detail).to.match(/at least one column mapped/);
    const big = "email\n" + Array.from({ length: 20_001 }, (_, i) => `p${i}@x.fr`).join("\n");
    const tooMany = await importing(file("big.csv", big));
    expect(tooMany.status).to.equal(413);
    expect(tooMany.body.detail).to.equal("Expected at most 20000 lines, but the file has 20001");
    const none = new FormData();
    none.set("dryRun", "true");
    expect((await h.call("POST", "/api/parties/import", { roles: "manager", form: none })).status).to.equal(400);
    expect(count()).to.equal(0);
  });

  it("should find a parent company by its name, stored before or on an earlier line", async () => {
    const csv = "Raison sociale;Maison mère\nGroupe Toitures;\nToitures Lyon;groupe toitures\nToitures Nice;Inconnue SA\n";
    const dry = await importing(file("p.csv", csv));
    expect(dry.body.lines.map((l: { status: string }) => l.status)).to.deep.equal(["created", "created", "error"]);
    expect(dry.body.lines[2].problems).to.deep.equal([{ field: "parentId", column: "Maison mère", message: "expected a parent company id or the name of an organisation, but no organisation is named 'Inconnue SA'" }]);
    const real = await importing(file("p.csv", csv.split("\n").slice(0, 3).join("\n")), { dryRun: "false" });
    expect(h.book.get(real.body.lines[1].partyId)!.parentId).to.equal(real.body.lines[0].partyId);
  });

  it("should need parties.manage to import", async () => {
    expect((await importing(file("with-errors.csv"), {}, "agent")).status).to.equal(403);
  });

  it("should export CSV for French Excel (';', UTF-8 BOM) that imports back", async () => {
    await h.create({ kind: "organisation", organisationName: "=HYPERLINK(\"x\")", email: "x@x.fr" });
    await h.create({ kind: "person", lastName: "Lefèvre", firstName: "Éloïse", phones: ["06 12 34 56 78"], emails: ["e@l.fr"], flags: ["customer", "partner"], tags: ["vip"], address: { city: "Lyon", postcode: "69002" } });
    const res = await h.call("GET", "/api/parties/export?format=csv");
    expect(res.status).to.equal(200);
    expect(res.type).to.match(/^text\/csv/);
    expect(res.headers.get("content-disposition")).to.match(/^attachment; filename="?parties-\d{4}-\d\d-\d\d\.csv"?$/);
    expect([...res.bytes.subarray(0, 3)]).to.deep.equal([0xef, 0xbb, 0xbf]);
    const text = res.bytes.toString("utf8").slice(1);
    const [header, ...lines] = text.split("\r\n");
    expect(header).to.match(/^id;kind;organisationName;lastName;firstName;flags;street/);
    expect(lines.find((l) => l.includes("Lefèvre"))).to.contain(";+33 6 12 34 56 78;e@l.fr;");
    expect(text).to.contain(`"'=HYPERLINK(""x"")"`);

    const other = await startParties();
    try {
      const back = await other.call("POST", "/api/parties/import", { roles: "manager", form: form(file("back.csv", res.bytes), { dryRun: "false" }) });
      expect(back.body).to.include({ imported: true, created: 2 });
      const names = other.book.search("", 10).map((s) => s.name);
      expect(names).to.have.members(["=HYPERLINK(\"x\")", "Lefèvre Éloïse"]);
      const eloise = other.book.search("eloise", 1)[0]!;
      expect(eloise).to.deep.include({ phone: "+33 6 12 34 56 78", flags: ["customer", "partner"], city: "Lyon" });
    } finally {
      await other.close();
    }
  });

  it("should export XLSX readable back with exceljs, filtered by the search text", async () => {
    await h.create({ kind: "organisation", organisationName: "Société Générale", vatNumber: "FR40303265045", address: { city: "Paris" } });
    await h.create({ kind: "person", lastName: "Autre" });
    const res = await h.call("GET", "/api/parties/export?format=xlsx&q=societe");
    expect(res.status).to.equal(200);
    expect(res.type).to.equal("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(res.bytes as unknown as ArrayBuffer);
    const sheet = workbook.getWorksheet("Parties")!;
    expect(sheet.rowCount).to.equal(2);
    const header = (sheet.getRow(1).values as unknown[]).slice(1);
    const row = (sheet.getRow(2).values as unknown[]).slice(1);
    const cell = (name: string) => row[header.indexOf(name)];
    expect(cell("organisationName")).to.equal("Société Générale");
    expect(cell("vatNumber")).to.equal("FR40303265045");
    expect(cell("city")).to.equal("Paris");
    expect((await h.call("GET", "/api/parties/export?format=pdf")).status).to.equal(400);
  });
});
