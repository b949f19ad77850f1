import { expect } from "chai";
import { dossierVisibility } from "../../src/dossiers/access.js";
import { ftsQuery } from "../../src/dossiers/index-text.js";
import { startHarness, USERS, type Harness } from "./harness.js";
import { docx, eml, odt, pdf, png, zip } from "./fixtures.js";

describe("documents: text extraction and search", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
    h.dossier("CLI-1", { title: "Boulangerie Martin" });
    h.dossier("CLI-2", { title: "Garage Dupont", sector: "sales" });
  });
  afterEach(() => h.close());

  const text = (id: number) => (h.db.prepare(`SELECT b.text FROM blob b JOIN document_version v ON v.sha256 = b.sha256 WHERE v.document_id = ?`).get(id) as { text: string | null }).text;
  const search = (user: string, q: string) => h.library.searchText(dossierVisibility(USERS[user]!, "d"), q, 20);

  it("should extract the text of a PDF with pdftotext and find it by a word inside, prefix, accents and case ignored", async () => {
    // given a PDF whose text speaks of "factures" with accents
    const res = await h.upload("CLI-1", [["releve.pdf", pdf(["Relevé des factures impayées", "Échéance dépassée au 30 novembre"])]], { documentType: "facture" });
    const [doc] = res.body.items;
    expect(text(doc.id)).to.contain("Relevé des factures impayées");
    // when searched by "facture" (singular), "IMPAYEE" (no accent, capitals), "echeance"
    for (const q of ["facture", "IMPAYEE", "echeance depassee", "relevé"]) {
      const hits = search("agent", q);
      // then it is found, with the dossier it shows in and a snippet
      expect(hits.map((d) => d.id), q).to.deep.equal([doc.id]);
      expect(hits[0]).to.include({ filename: "releve.pdf", documentType: "facture" });
      expect(hits[0]!.dossiers).to.deep.equal([{ reference: "CLI-1", title: "Boulangerie Martin" }]);
    }
    expect(search("agent", "facture")[0]!.snippet).to.contain("<mark>factures</mark>");
    expect(search("agent", "fournisseur")).to.deep.equal([]);
  });

  it("should index text files as they are, e-mails, and images without text", async () => {
    const res = await h.upload("CLI-1", [["note.txt", Buffer.from("Client très satisfait <b>du devis</b>", "utf8")], ["mail.eml", eml()], ["photo.png", png()]]);
    const [note, mail, photo] = res.body.items;
    expect(note.hasText).to.equal(true);
    expect(photo.hasText).to.equal(false);
    expect(text(photo.id)).to.equal(null);
    expect(search("agent", "tres satisf").map((d) => d.id)).to.deep.equal([note.id]);
    expect(search("agent", "tres")[0]!.snippet).to.equal("Client <mark>très</mark> satisfait &lt;b&gt;du devis&lt;/b&gt;");
    expect(search("agent", "attestation assurance").map((d) => d.id)).to.deep.equal([mail.id]);
  });

  it("should index the words of DOCX, XLSX and ODT documents from their XML", async () => {
    const sheet = zip([
      ["[Content_Types].xml", `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/></Types>`],
      ["xl/workbook.xml", "<workbook/>"],
      ["xl/sharedStrings.xml", `<sst><si><t>Montant HT</t></si><si><t>Échéancier &amp; pénalités</t></si></sst>`],
    ], true);
    const res = await h.upload("CLI-1", [
      ["cgv.docx", docx(["Conditions générales de vente", "Clause de résiliation anticipée"])],
      ["budget.xlsx", sheet],
      ["compte-rendu.odt", odt(["Réunion de chantier", "Toiture à reprendre"])],
    ]);
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    const [cgv, budget, cr] = res.body.items;
    expect(res.body.items.map((d: any) => d.hasText)).to.deep.equal([true, true, true]);
    expect(text(cgv.id)).to.equal("Conditions générales de vente\nClause de résiliation anticipée");
    expect(search("agent", "resiliation").map((d) => d.id)).to.deep.equal([cgv.id]);
    expect(search("agent", "penalites").map((d) => d.id)).to.deep.equal([budget.id]);
    expect(search("agent", "toiture reprendre").map((d) => d.id)).to.deep.equal([cr.id]);
  });

  it("should keep an Office document whose XML inflates past the cap, without text (a zip bomb)", async () => {
    const bomb = Buffer.concat([Buffer.from("<w:document><w:body><w:p><w:r><w:t>"), Buffer.alloc(40 * 1024 * 1024, 0x61), Buffer.from("</w:t></w:r></w:p></w:body></w:document>")]);
    const res = await h.upload("CLI-1", [["bombe.docx", docx([], bomb)]]);
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(res.body.items[0].hasText).to.equal(false);
  });

  it("should index an e-mail by its headers and decoded text parts, not its base64", async () => {
    const body = Buffer.from("Veuillez trouver ci-joint l'attestation décennale.\n", "utf8").toString("base64");
    const mail = [
      "From: =?utf-8?Q?Fran=C3=A7ois_Lef=C3=A8vre?= <f@example.fr>", "To: contact@dossier.example", "Subject: =?utf-8?B?" + Buffer.from("Réclamation chantier", "utf8").toString("base64") + "?=",
      "Date: Mon, 7 Dec 2026 10:00:00 +0100", "Message-ID: <2@example.fr>", "MIME-Version: 1.0", 'Content-Type: multipart/mixed; boundary="b1"', "",
      "--b1", 'Content-Type: multipart/alternative; boundary="b2"', "",
      "--b2", "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: base64", "", body,
      "--b2", "Content-Type: text/html; charset=utf-8", "Content-Transfer-Encoding: quoted-printable", "", "<p>Veuillez trouver l'attestation d=C3=A9cennale</p>",
      "--b2--",
      "--b1", "Content-Type: application/pdf; name=attestation.pdf", "Content-Disposition: attachment; filename=attestation-2026.pdf", "Content-Transfer-Encoding: base64", "", "JVBERi0xLjQKJcOkw7zDtsOfCg==",
      "--b1--", "",
    ].join("\r\n");
    const res = await h.upload("CLI-1", [["reclamation.eml", Buffer.from(mail, "utf8")]]);
    const [doc] = res.body.items;
    expect(doc.mime).to.equal("message/rfc822; charset=utf-8");
    expect(text(doc.id)).to.equal(
      "From: François Lefèvre <f@example.fr>\nTo: contact@dossier.example\nSubject: Réclamation chantier\nDate: Mon, 7 Dec 2026 10:00:00 +0100\n\nVeuillez trouver ci-joint l'attestation décennale.\n\nattestation-2026.pdf",
    );
    for (const q of ["decennale", "lefevre", "reclamation chantier", "attestation 2026"]) expect(search("agent", q).map((d) => d.id), q).to.deep.equal([doc.id]);
    expect(search("agent", "JVBERi0xLjQKJcOkw7zDtsOfCg")).to.deep.equal([]);
  });

  it("should find only documents shown in a dossier the user sees (the predicate is in the query)", async () => {
    const ours = await h.upload("CLI-1", [["a.pdf", pdf(["contrat de maintenance"])]]);
    const theirs = await h.upload("CLI-2", [["b.pdf", pdf(["contrat de leasing"])]], { as: "sales" });
    expect(search("agent", "contrat").map((d) => d.id)).to.deep.equal([ours.body.items[0].id]);
    expect(search("sales", "contrat").map((d) => d.id)).to.deep.equal([theirs.body.items[0].id]);
    expect(search("auditor", "contrat")).to.have.length(2);
  });

  it("should treat what the user types as words, never as FTS syntax", async () => {
    await h.upload("CLI-1", [["a.txt", Buffer.from("NEAR OR AND", "utf8")]]);
    expect(ftsQuery(`"xy" OR y* -z NEAR(ab)`)).to.equal(`"xy"* "OR"* "y" "z" "NEAR"* "ab"*`);
    expect(ftsQuery("  ,;  ")).to.equal(null);
    expect(search("agent", `") OR ("`)).to.have.length(1);
    expect(search("agent", "")).to.deep.equal([]);
  });

  it("should not run pdftotext again for bytes already stored", async () => {
    const bytes = pdf(["Attestation URSSAF"]);
    await h.upload("CLI-1", [["a.pdf", bytes]]);
    h.db.prepare(`UPDATE blob SET text = 'texte déjà extrait'`).run();
    const again = await h.upload("CLI-1", [["b.pdf", bytes]]);
    expect(search("agent", "deja extrait").map((d) => d.id)).to.deep.equal([again.body.items[0].id]);
  });

  it("should keep a damaged PDF without text rather than refuse it", async () => {
    const broken = Buffer.from("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ngarbage", "latin1");
    const res = await h.upload("CLI-1", [["scan.pdf", broken]]);
    expect(res.status).to.equal(201);
    expect(res.body.items[0].hasText).to.equal(false);
  });
});
