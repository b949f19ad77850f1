import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PDFDocument } from "pdf-lib";
import { SignPdf } from "@signpdf/signpdf";
import { P12Signer } from "@signpdf/signer-p12";
import { pdflibAddPlaceholder } from "@signpdf/placeholder-pdf-lib";
import { CertificateError, generateSelfSigned, loadOrganisationCertificate } from "../../src/signature/certificate.js";

describe("the organisation certificate", () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), "cert-"));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("should generate a self-signed certificate on first start, keep it, and seal a PDF that pdfsig finds valid", async () => {
    // given an empty data directory and no SIGNING_P12
    const first = loadOrganisationCertificate({ dataDir: dir, organisationName: "Mutuelle Générale de l'Ouest" });
    // then a self-signed certificate is generated, readable by the server's user only, and the next start reuses it
    expect(first.selfSigned).to.equal(true);
    expect(first.subject).to.contain("Mutuelle Generale de l'Ouest");
    expect(statSync(first.source).mode & 0o077).to.equal(0);
    expect(loadOrganisationCertificate({ dataDir: dir }).fingerprint256).to.equal(first.fingerprint256);
    // and it signs bytes (archive seals) and seals a PDF (PAdES) that poppler validates
    const signature = first.sign(Buffer.from("racine de Merkle"));
    expect(first.verify(Buffer.from("racine de Merkle"), signature)).to.equal(true);
    expect(first.verify(Buffer.from("racine de merkle"), signature)).to.equal(false);
    const doc = await PDFDocument.create();
    doc.addPage();
    pdflibAddPlaceholder({ pdfDoc: doc, reason: "Scellement", contactInfo: "contact@example.fr", name: "Mutuelle", location: "Nantes", signatureLength: 8192 });
    const sealed = await new SignPdf().sign(Buffer.from(await doc.save({ useObjectStreams: false })), new P12Signer(first.p12, { passphrase: first.passphrase }));
    const file = path.join(dir, "sealed.pdf");
    writeFileSync(file, sealed);
    let out = "";
    try {
      out = execFileSync("pdfsig", [file], { encoding: "utf8" });
    } catch (error) {
      out = String((error as { stdout?: string }).stdout ?? ""); // pdfsig exits 1 for an untrusted issuer on some builds
    }
    expect(out).to.contain("Signature is Valid.");
    expect(out).to.contain("Certificate issuer is unknown.");
  });

  it("should load SIGNING_P12 with its passphrase and refuse a wrong one clearly", () => {
    // given the organisation's own PKCS#12 file
    const file = path.join(dir, "own.p12");
    writeFileSync(file, generateSelfSigned("Cabinet Durand", "s3cret"));
    // then it loads as the organisation's certificate (not the generated one)
    const own = loadOrganisationCertificate({ dataDir: dir, p12Path: file, p12Password: "s3cret" });
    expect(own).to.include({ selfSigned: false, source: file });
    // and a wrong passphrase, a missing one or a missing file stop the start with the setting's name
    expect(() => loadOrganisationCertificate({ dataDir: dir, p12Path: file, p12Password: "wrong" })).to.throw(CertificateError, /SIGNING_P12_PASSWORD|PKCS#12/);
    expect(() => loadOrganisationCertificate({ dataDir: dir, p12Path: file })).to.throw(CertificateError, /SIGNING_P12_PASSWORD/);
    expect(() => loadOrganisationCertificate({ dataDir: dir, p12Path: path.join(dir, "none.p12"), p12Password: "x" })).to.throw(CertificateError, /SIGNING_P12: expected a readable/);
  });
});
