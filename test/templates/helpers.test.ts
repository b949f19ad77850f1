/** The helpers templates use: dates, money, words, percentages, comparisons, lists, escaping, strict mode and error lines. */
import { expect } from "chai";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { TemplateError } from "../../src/templates/errors.js";
import { TemplateLibrary } from "../../src/templates/library.js";
import { amountToWords, numberToWords } from "../../src/templates/words.js";

const nb = (s: string) => s.replace(/[\u00a0\u202f]/g, " ");

describe("template helpers and library", () => {
  let dir: string;
  let lib: TemplateLibrary;
  const write = (name: string, source: string) => {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), source);
  };
  const render = (source: string, data: Record<string, unknown> = {}, locale: "fr" | "en" = "fr") => nb(lib.renderDraft("t", source, data, { locale }).output);

  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), "templates-"));
    write("letters/hello.hbs", "Bonjour {{name}}\n{{> partials/sig}}");
    write("partials/sig.hbs", "-- {{upper signer}}\n{{signer.oops.deeper}}");
    write("mail/partials/signature.hbs", "L'équipe");
    write("mail/hello.fr.subject.hbs", "Dossier {{ref}} & co");
    write("styles/base.css", "body { color: red; }");
    write("broken.hbs", "ok\n{{#if x}}\nnever closed\n");
    lib = new TemplateLibrary({ dir, timeZone: "Europe/Paris" });
    lib.load();
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("should name templates by path and register every partials/ file and style as a partial", () => {
    const names = lib.list().map((e) => `${e.name}:${e.kind}`);
    expect(names).to.include.members(["letters/hello:template", "partials/sig:partial", "mail/partials/signature:partial", "mail/hello.fr.subject:template", "styles/base:style", "broken:template"]);
    expect(render("{{> mail/partials/signature}} <style>{{> styles/base}}</style>")).to.equal("L'équipe <style>body { color: red; }</style>");
    expect(lib.entry("letters/hello")!.version).to.match(/^[0-9a-f]{12}$/);
  });

  it("should refuse a template that does not compile, naming its line", () => {
    const error = lib.entry("broken")!.error!;
    expect(error).to.be.instanceOf(TemplateError);
    expect(error.message).to.match(/^Template broken, line \d/);
    expect(() => lib.render("broken", {})).to.throw(TemplateError);
    expect(lib.check("x", "a\nb {{foo\nc")?.line).to.equal(2);
  });

  it("should format dates in French and English", () => {
    expect(render('{{date d "long"}}', { d: "2026-12-07" })).to.equal("7 décembre 2026");
    expect(render('{{date d "long"}}', { d: "2026-12-07" }, "en")).to.equal("December 7, 2026");
    expect(render('{{date d "long"}}', { d: "2026-03-01" })).to.equal("1er mars 2026");
    expect(render('{{date d "short"}}', { d: "2026-12-07" })).to.equal("07/12/2026");
    expect(render('{{date d "datetime"}}', { d: "2026-07-14T08:30:00Z" })).to.equal("14 juillet 2026 à 10:30");
    expect(() => render("{{date d}}", { d: "hier" })).to.throw(/date: expected a date/);
  });

  it("should print amounts from cents (or decimals) with their currency", () => {
    expect(render('{{money c "EUR"}}', { c: 123456 })).to.equal("1 234,56 €");
    expect(render('{{money c "EUR"}}', { c: 123456 }, "en")).to.equal("€1,234.56");
    expect(render('{{money c "EUR" from="decimal"}}', { c: 1234.56 })).to.equal("1 234,56 €");
    expect(render("{{money f}}", { f: { amount: 1840, currency: "EUR" } })).to.equal("1 840,00 €");
    expect(render('{{money c "USD"}}', { c: 5 }, "en")).to.equal("$0.05");
    expect(() => render("{{money c}}", { c: 12.5 })).to.throw(/money: expected an amount in cents \(a whole number\), but found 12.5/);
  });

  it("should write numbers in French words (traditional spelling) and in English", () => {
    const fr: Array<[number, string]> = [
      [0, "zéro"], [1, "un"], [17, "dix-sept"], [21, "vingt et un"], [71, "soixante et onze"], [72, "soixante-douze"], [80, "quatre-vingts"], [81, "quatre-vingt-un"],
      [91, "quatre-vingt-onze"], [99, "quatre-vingt-dix-neuf"], [100, "cent"], [101, "cent un"], [200, "deux cents"], [201, "deux cent un"], [280, "deux cent quatre-vingts"],
      [1000, "mille"], [1001, "mille un"], [2000, "deux mille"], [80_000, "quatre-vingt mille"], [200_000, "deux cent mille"], [1_000_000, "un million"],
      [2_000_000, "deux millions"], [200_000_000, "deux cents millions"], [1_234, "mille deux cent trente-quatre"], [1_000_000_000, "un milliard"],
    ];
    for (const [n, words] of fr) expect(numberToWords(n, "fr"), String(n)).to.equal(words);
    const en: Array<[number, string]> = [[71, "seventy-one"], [80, "eighty"], [81, "eighty-one"], [100, "one hundred"], [200, "two hundred"], [1000, "one thousand"], [1_000_000, "one million"], [1234, "one thousand two hundred thirty-four"]];
    for (const [n, words] of en) expect(numberToWords(n, "en"), String(n)).to.equal(words);
    expect(amountToWords(123456, "EUR", "fr")).to.equal("mille deux cent trente-quatre euros et cinquante-six centimes");
    expect(amountToWords(123456, "EUR", "en")).to.equal("one thousand two hundred thirty-four euros and fifty-six cents");
    expect(amountToWords(100_000_000, "EUR", "fr")).to.equal("un million d'euros");
    expect(amountToWords(101, "EUR", "fr")).to.equal("un euro et un centime");
    expect(render("{{amountInWords 8000}}")).to.equal("quatre-vingts euros");
    expect(render("{{words 91}}", {}, "en")).to.equal("ninety-one");
    expect(() => numberToWords(1.5)).to.throw(/expected a whole number/);
  });

  it("should print percentages, compare, sum lists and fall back with default", () => {
    expect(render("{{percent 0.2}}")).to.equal("20 %");
    expect(render("{{percent 0.055 decimals=1}}", {}, "en")).to.equal("5.5%");
    expect(render('{{#if (eq state "client")}}oui{{else}}non{{/if}}', { state: "client" })).to.equal("oui");
    expect(render("{{#if (and a (gt n 2))}}y{{else}}n{{/if}}", { a: true, n: 3 })).to.equal("y");
    expect(render('{{#each lines}}{{label}}={{money (multiplyCents price qty)}};{{/each}} total {{money (sum lines "total")}}', { lines: [{ label: "A", price: 1000, qty: 2, total: 2000 }, { label: "B", price: 250, qty: 3, total: 750 }] })).to.equal("A=20,00 €;B=7,50 €; total 27,50 €");
    expect(render('{{default missing "—"}} {{default "" zero "z"}}', { zero: 0 })).to.equal("— 0");
    expect(render("{{upper name}} {{capitalize word}}", { name: "Lefèvre", word: "élan" })).to.equal("LEFÈVRE Élan");
  });

  it("should escape values by default, and not in plain-text templates", () => {
    expect(render("{{name}}", { name: '<img src=x onerror="alert(1)">' })).to.equal("&lt;img src&#x3D;x onerror&#x3D;&quot;alert(1)&quot;&gt;");
    expect(render("{{paragraphs t}}", { t: "a <b>\n\nc" })).to.equal("<p>a &lt;b&gt;</p>\n<p>c</p>");
    expect(lib.render("mail/hello.fr.subject", { ref: "<CLI-1>" }).output).to.equal("Dossier <CLI-1> & co");
  });

  it("should fail on a missing field (strict), naming the template, the partial and the line", () => {
    expect(() => render("a\n\n  {{dossier.nope}}", { dossier: {} })).to.throw(TemplateError, /Template t, line 3, column 4: "nope" is not defined in this context/);
    try {
      lib.render("letters/hello", { name: "x", signer: "y" });
      expect.fail("should throw");
    } catch (error) {
      expect((error as Error).message).to.contain("partial partials/sig");
    }
    expect(() => render('x\n{{money "abc"}}')).to.throw(TemplateError, /line 2.*money: expected a number, but found 'abc'/);
  });
});
