import { expect } from "chai";
import { request } from "node:http";
import { existsSync, readdirSync, statSync } from "node:fs";
import { createHash } from "node:crypto";
import path from "node:path";
import { startHarness, type Harness } from "./harness.js";
import { csv, docm, docx, docxWithHiddenMacros, elf, eml, exe, oleWithVba, pdf, png, shellScript } from "./fixtures.js";

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

function storedFiles(h: Harness): string[] {
  const root = path.join(h.t.dir, "documents");
  const out: string[] = [];
  for (const a of readdirSync(root).filter((n) => /^[0-9a-f]{2}$/.test(n))) {
    for (const b of readdirSync(path.join(root, a))) out.push(...readdirSync(path.join(root, a, b)));
  }
  return out;
}
const tempFiles = (h: Harness) => readdirSync(path.join(h.t.dir, "documents", "tmp"));
const count = (h: Harness, table: string) => (h.db.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;

describe("documents: upload and download", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ limits: { maxFileBytes: 256 * 1024, maxFiles: 3 } });
    h.dossier("CLI-1");
  });
  afterEach(() => h.close());

  it("should store an uploaded PDF under its SHA-256 and list it in the dossier", async () => {
    // given a KBIS as a PDF
    const bytes = pdf(["Extrait Kbis", "Boulangerie Martin"]);
    // when it is uploaded
    const res = await h.upload("CLI-1", [["kbis.pdf", bytes]], { documentType: "kbis" });
    // then it is stored content-addressed and shown in the dossier
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    const [item] = res.body.items;
    expect(item).to.include({ documentType: "kbis", documentTypeLabel: "Extrait Kbis", status: "received", statusReason: null, filename: "kbis.pdf", mime: "application/pdf", size: bytes.length, version: 1, uploadedBy: "agent", hasText: true });
    expect(item.dossiers).to.deep.equal([{ reference: "CLI-1", title: "Dossier CLI-1" }]);
    const file = path.join(h.t.dir, "documents", sha(bytes).slice(0, 2), sha(bytes).slice(2, 4), sha(bytes));
    expect(existsSync(file)).to.equal(true);
    expect(statSync(file).mode & 0o222).to.equal(0, "stored files are read-only");
    const list = await h.call("GET", "/dossiers/CLI-1/documents");
    expect(list.status).to.equal(200);
    expect(list.body.items.map((d: any) => d.id)).to.deep.equal([item.id]);
    expect(list.body.items[0].versions).to.have.length(1);
    expect(tempFiles(h)).to.deep.equal([]);
  });

  it("should store the same bytes once, however many times they are uploaded", async () => {
    const bytes = png(3, 3, 7);
    const first = await h.upload("CLI-1", [["photo.png", bytes]]);
    const second = await h.upload("CLI-1", [["photo-encore.png", bytes], ["copie.png", bytes]]);
    expect(first.status).to.equal(201);
    expect(second.status).to.equal(201);
    expect(count(h, "document")).to.equal(3);
    expect(count(h, "blob")).to.equal(1);
    expect(storedFiles(h)).to.deep.equal([sha(bytes)]);
    expect(tempFiles(h)).to.deep.equal([]);
  });

  it("should serve the content with its sniffed type, inline only for what a browser shows safely", async () => {
    const bytes = pdf(["RIB"]);
    const { body } = await h.upload("CLI-1", [["relevé d'identité.pdf", bytes], ["liste.csv", csv()], ["contrat.docx", docx()]], { documentType: "rib" });
    const [p, c, d] = body.items;
    const got = await h.call("GET", `/documents/${p.id}/content`);
    expect(got.status).to.equal(200);
    expect(got.bytes.equals(bytes)).to.equal(true);
    expect(got.headers.get("content-type")).to.equal("application/pdf");
    expect(got.headers.get("content-disposition")).to.equal(`inline; filename="relev_ d'identit_.pdf"; filename*=UTF-8''relev%C3%A9%20d%27identit%C3%A9.pdf`);
    expect(got.headers.get("x-content-type-options")).to.equal("nosniff");
    expect(got.headers.get("content-security-policy")).to.equal("sandbox");
    expect(got.headers.get("etag")).to.equal(`"${sha(bytes)}"`);
    const again = await h.call("GET", `/documents/${p.id}/content`, { headers: { "if-none-match": `"${sha(bytes)}"` } });
    expect(again.status).to.equal(304);
    const download = await h.call("GET", `/documents/${p.id}/content?download=1`);
    expect(download.headers.get("content-disposition")).to.match(/^attachment;/);
    const csvRes = await h.call("GET", `/documents/${c.id}/content`);
    expect(csvRes.headers.get("content-type")).to.equal("text/csv; charset=utf-8");
    expect(csvRes.headers.get("content-disposition")).to.match(/^attachment;/);
    const docxRes = await h.call("GET", `/documents/${d.id}/content`);
    expect(docxRes.headers.get("content-type")).to.equal("application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    expect(docxRes.headers.get("content-disposition")).to.match(/^attachment;/);
    const meta = await h.call("GET", `/documents/${p.id}`);
    expect(meta.status).to.equal(200);
    expect(meta.body).to.include({ id: p.id, filename: "relevé d'identité.pdf", revision: 1 });
    expect(meta.headers.get("etag")).to.equal('"1"');
  });

  it("should serve byte ranges of the content (pdf.js reads a large PDF's end first)", async () => {
    const bytes = pdf(["Plan de toiture", "Échelle 1/100"]);
    const { body } = await h.upload("CLI-1", [["plan.pdf", bytes]]);
    const url = `/documents/${body.items[0].id}/content`;
    const head = await h.call("GET", url, { headers: { range: "bytes=0-7" } });
    expect(head.status).to.equal(206);
    expect(head.bytes.toString("latin1")).to.equal("%PDF-1.4");
    expect(head.headers.get("content-range")).to.equal(`bytes 0-7/${bytes.length}`);
    expect(head.headers.get("accept-ranges")).to.equal("bytes");
    const tail = await h.call("GET", url, { headers: { range: "bytes=-6" } });
    expect(tail.bytes.toString("latin1")).to.equal("%%EOF\n");
    expect((await h.call("GET", url, { headers: { range: `bytes=${bytes.length}-` } })).status).to.equal(416);
    const stale = await h.call("GET", url, { headers: { range: "bytes=0-7", "if-range": '"other"' } });
    expect(stale.status).to.equal(200);
    expect(stale.bytes.equals(bytes)).to.equal(true);
  });

  it("should accept images, text, CSV, e-mails and Office files without macros", async () => {
    const res = await h.upload("CLI-1", [["scan.png", png()], ["courrier.eml", eml()], ["notes.txt", Buffer.from("Rappeler Mme Martin à 14h", "utf8")]]);
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    expect(res.body.items.map((d: any) => d.mime)).to.deep.equal(["image/png", "message/rfc822; charset=utf-8", "text/plain; charset=utf-8"]);
  });

  it("should refuse a Windows executable renamed .pdf, saying what the name promises and what the content is", async () => {
    const res = await h.upload("CLI-1", [["rib.pdf", exe()]], { documentType: "rib" });
    expect(res.status).to.equal(415);
    expect(res.body.title).to.equal("UNSUPPORTED_MEDIA_TYPE");
    expect(res.body.detail).to.equal("Expected a PDF document as the name 'rib.pdf' says, but its content is a Windows executable");
    expect(count(h, "document")).to.equal(0);
    expect(storedFiles(h)).to.deep.equal([]);
    expect(tempFiles(h)).to.deep.equal([]);
  });

  it("should refuse executables and scripts by content and by name", async () => {
    const cases: Array<[string, Buffer, RegExp]> = [
      ["setup.exe", exe(), /^Expected no program or script, but the content of 'setup.exe' is a Windows executable: executables and scripts are refused$/],
      ["outil", elf(), /content of 'outil' is a Linux executable \(ELF\): executables and scripts are refused/],
      ["notes.txt", shellScript(), /Expected a text file as the name 'notes.txt' says, but its content is a script/],
      ["install", shellScript(), /content of 'install' is a script \('#!\/bin\/sh'\)/],
      ["macro.vbs", Buffer.from('MsgBox "hi"', "utf8"), /'macro.vbs' is a VBScript file by its name: executables and scripts are refused/],
      ["run.bat", Buffer.from("@echo off\r\ndel *.*\r\n", "utf8"), /'run.bat' is a batch script by its name/],
      ["app.js", Buffer.from("alert(1)", "utf8"), /'app.js' is a JavaScript file by its name/],
      ["x.ps1", Buffer.from("Get-ChildItem", "utf8"), /'x.ps1' is a PowerShell script by its name/],
    ];
    for (const [name, bytes, message] of cases) {
      const res = await h.upload("CLI-1", [[name, bytes]]);
      expect(res.status, name).to.equal(415);
      expect(res.body.detail, name).to.match(message);
    }
    expect(count(h, "document")).to.equal(0);
  });

  it("should refuse macro-enabled Office files: .docm, a vbaProject.bin inside a .docx, an OLE file with VBA", async () => {
    const docmRes = await h.upload("CLI-1", [["devis.docm", docm()]]);
    expect(docmRes.status).to.equal(415);
    expect(docmRes.body.detail).to.match(/^Expected an Office file without macros, but 'devis.docm' is a macro-enabled Office file by its name \(.docm\): macro-enabled Office files are refused/);
    const disguised = await h.upload("CLI-1", [["devis.docx", docm()]]);
    expect(disguised.body.detail).to.match(/^Expected an Office file without macros, but 'devis.docx' is a macro-enabled Office file \(docm\)/);
    const hidden = await h.upload("CLI-1", [["devis.docx", docxWithHiddenMacros()]]);
    expect(hidden.status).to.equal(415);
    expect(hidden.body.detail).to.match(/'devis.docx' contains a VBA macro project \(word\/vbaProject.bin\)/);
    const ole = await h.upload("CLI-1", [["ancien.doc", oleWithVba()]]);
    expect(ole.status).to.equal(415);
    expect(ole.body.detail).to.match(/'ancien.doc' is a legacy Office file with a VBA macro project/);
    expect(count(h, "document")).to.equal(0);
  });

  it("should refuse a file over the size limit with 413 and keep nothing", async () => {
    const big = Buffer.concat([pdf(["gros"]), Buffer.alloc(300 * 1024, 0x20)]);
    const res = await h.upload("CLI-1", [["gros.pdf", big]]);
    expect(res.status).to.equal(413);
    expect(res.body.title).to.equal("PAYLOAD_TOO_LARGE");
    expect(res.body.detail).to.match(/at most 0.3 MB|at most 0\.25 MB/);
    expect(count(h, "document")).to.equal(0);
    expect(storedFiles(h)).to.deep.equal([]);
    expect(tempFiles(h)).to.deep.equal([]);
  });

  it("should refuse more files than allowed per upload with 413", async () => {
    const res = await h.upload("CLI-1", [["a.png", png(1, 1, 1)], ["b.png", png(1, 1, 2)], ["c.png", png(1, 1, 3)], ["d.png", png(1, 1, 4)]]);
    expect(res.status).to.equal(413);
    expect(res.body.detail).to.equal("Expected at most 3 files per upload, but found more (nothing was stored)");
    expect(count(h, "document")).to.equal(0);
    expect(tempFiles(h)).to.deep.equal([]);
  });

  it("should store nothing of a multi-file upload when one file is refused (all or nothing)", async () => {
    const good = pdf(["bon de commande"]);
    const res = await h.upload("CLI-1", [["commande.pdf", good], ["photo.png", png()], ["facture.pdf", exe()]]);
    expect(res.status).to.equal(415);
    expect(res.body.detail).to.match(/^Expected every file to be accepted \(nothing was stored\), but 1 of 3 is refused: Expected a PDF document as the name 'facture.pdf' says/);
    expect(res.body.problems).to.deep.equal([{ field: "file[2]", message: "Expected a PDF document as the name 'facture.pdf' says, but its content is a Windows executable" }]);
    expect(count(h, "document")).to.equal(0);
    expect(count(h, "blob")).to.equal(0);
    expect(count(h, "dossier_journal")).to.equal(0);
    expect(storedFiles(h)).to.deep.equal([]);
    expect(tempFiles(h)).to.deep.equal([]);
  });

  it("should refuse an unknown document type, listing the ones the dossier type expects", async () => {
    const res = await h.upload("CLI-1", [["x.pdf", pdf(["x"])]], { documentType: "passeport" });
    expect(res.status).to.equal(400);
    expect(res.body.detail).to.equal("Expected a document type the dossier type 'client' expects (kbis, rib, identite, facture), but found 'passeport'");
    expect(res.body.problems[0].field).to.equal("documentType");
    expect(tempFiles(h)).to.deep.equal([]);
  });

  it("should refuse an upload without a file, or not as multipart", async () => {
    const form = new FormData();
    form.append("documentType", "rib");
    const none = await h.call("POST", "/dossiers/CLI-1/documents", { form });
    expect(none.status).to.equal(400);
    expect(none.body.detail).to.equal("Expected at least one file in the 'file' field, but found none");
    const json = await h.call("POST", "/dossiers/CLI-1/documents", { json: { file: "x" } });
    expect(json.status).to.equal(415);
  });

  it("should keep nothing of an upload the client interrupts", async () => {
    const url = new URL(`${h.base}/dossiers/CLI-1/documents`);
    const req = request({ host: url.hostname, port: url.port, path: url.pathname, method: "POST", headers: { "x-test-user": "agent", "content-type": "multipart/form-data; boundary=XyZ", "content-length": "5000000" } });
    req.on("error", () => undefined);
    req.write(`--XyZ\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\n${"x".repeat(100_000)}`);
    for (let i = 0; i < 100 && tempFiles(h).length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    expect(tempFiles(h)).to.have.length(1);
    req.destroy();
    for (let i = 0; i < 100 && tempFiles(h).length > 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(tempFiles(h)).to.deep.equal([]);
    expect(count(h, "document")).to.equal(0);
    expect(h.logs.filter((l) => l.startsWith("Unexpected error"))).to.deep.equal([]);
  });

  it("should need dossiers.write to upload and dossiers.read to read", async () => {
    const res = await h.upload("CLI-1", [["x.png", png()]], { as: "reader" });
    expect(res.status).to.equal(403);
    expect(tempFiles(h)).to.deep.equal([]);
    const list = await h.call("GET", "/dossiers/CLI-1/documents", { as: "reader" });
    expect(list.status).to.equal(200);
  });
});
