import { expect } from "chai";
import { classify } from "../../src/documents/sniff.js";
import { docx, oleWithVba, pdf, png, zip } from "./fixtures.js";

const accepted = async (bytes: Buffer, name: string) => {
  const v = await classify(bytes, name);
  if (!v.ok) throw new Error(`${name} refused: ${v.message}`);
  return v.mime;
};
const refused = async (bytes: Buffer, name: string) => {
  const v = await classify(bytes, name);
  if (v.ok) throw new Error(`${name} accepted as ${v.mime}`);
  return v.message;
};

const jpeg = () => Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from("JFIF\0", "latin1"), Buffer.alloc(64)]);
const gif = () => Buffer.concat([Buffer.from("GIF89a", "latin1"), Buffer.from([1, 0, 1, 0, 0, 0, 0]), Buffer.alloc(16)]);
const webp = () => {
  const b = Buffer.alloc(40);
  b.write("RIFF", 0, "latin1");
  b.writeUInt32LE(32, 4);
  b.write("WEBPVP8 ", 8, "latin1");
  return b;
};
const tiff = () => Buffer.concat([Buffer.from([0x49, 0x49, 0x2a, 0x00, 0x08, 0, 0, 0]), Buffer.alloc(64)]);
const odt = (extra: Array<[string, string]> = []) =>
  zip([["mimetype", "application/vnd.oasis.opendocument.text"], ["content.xml", "<office:document-content/>"], ["META-INF/manifest.xml", "<manifest/>"], ...extra]);

describe("documents: what a file is, by its content", () => {
  it("should accept PDF, images, text, CSV, ODF and OOXML by their bytes", async () => {
    expect(await accepted(pdf(["x"]), "a.pdf")).to.equal("application/pdf");
    expect(await accepted(png(), "a.png")).to.equal("image/png");
    expect(await accepted(jpeg(), "photo.jpg")).to.equal("image/jpeg");
    expect(await accepted(gif(), "a.gif")).to.equal("image/gif");
    expect(await accepted(webp(), "a.webp")).to.equal("image/webp");
    expect(await accepted(tiff(), "scan.tif")).to.equal("image/tiff");
    expect(await accepted(odt(), "lettre.odt")).to.equal("application/vnd.oasis.opendocument.text");
    expect(await accepted(docx(), "contrat.docx")).to.equal("application/vnd.openxmlformats-officedocument.wordprocessingml.document");
    expect(await accepted(Buffer.from("a;b\n1;2\n"), "export.csv")).to.equal("text/csv; charset=utf-8");
    expect(await accepted(Buffer.from("Réf. échéance", "latin1"), "notes.txt")).to.equal("text/plain; charset=windows-1252");
    expect(await accepted(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("Bonjour\r\n", "utf16le")]), "bloc-notes.txt")).to.equal("text/plain; charset=utf-16le");
  });

  it("should judge by the content, not the name", async () => {
    // a file without extension, and a PNG named .jpg (same family: tolerated, served as PNG)
    expect(await accepted(pdf(["x"]), "scan")).to.equal("application/pdf");
    expect(await accepted(png(), "photo.jpg")).to.equal("image/png");
    expect(await refused(png(), "rib.pdf")).to.equal("Expected a PDF document as the name 'rib.pdf' says, but its content is a PNG image");
    expect(await refused(pdf(["x"]), "photo.png")).to.equal("Expected a PNG image as the name 'photo.png' says, but its content is a PDF document");
    expect(await refused(docx(), "tableau.csv")).to.equal("Expected a CSV file as the name 'tableau.csv' says, but its content is a Word document (DOCX)");
  });

  it("should accept Word and Excel 97-2003 files without macros, by their streams", async () => {
    const legacy = (stream: string) => {
      const b = oleWithVba();
      b.fill(0, 768, 800); // no VBA project
      b.fill(0, 640, 700);
      Buffer.from(`${stream}\0`, "utf16le").copy(b, 640);
      return b;
    };
    expect(await accepted(legacy("WordDocument"), "lettre.doc")).to.equal("application/msword");
    expect(await accepted(legacy("Workbook"), "tarifs.xls")).to.equal("application/vnd.ms-excel");
    expect(await refused(legacy("WordDocument"), "lettre.pdf")).to.equal("Expected a PDF document as the name 'lettre.pdf' says, but its content is a Word 97-2003 document (DOC)");
  });

  it("should refuse ODF files with macros, unknown OLE files, archives, markup and empty files", async () => {
    expect(await refused(odt([["Basic/Standard/Module1.xml", "<script:module/>"]]), "lettre.odt")).to.match(/'lettre.odt' contains macros \(Basic\/Standard\/Module1.xml\)/);
    const ole = Buffer.concat([Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]), Buffer.alloc(1024)]);
    expect(await refused(ole, "vieux.doc")).to.match(/content of 'vieux.doc' is an OLE compound file that is neither a Word, Excel nor PowerPoint 97-2003 document/);
    expect(await refused(zip([["a.txt", "x"]]), "pieces.zip")).to.match(/content of 'pieces.zip' is a ZIP archive$/);
    expect(await refused(Buffer.from("<!DOCTYPE html><script>alert(1)</script>"), "page")).to.match(/content of 'page' is an HTML or XML document$/);
    expect(await refused(Buffer.from('<svg xmlns="http://www.w3.org/2000/svg"/>'), "logo.txt")).to.equal("Expected a text file as the name 'logo.txt' says, but its content is an HTML or XML document");
    expect(await refused(Buffer.alloc(0), "vide.pdf")).to.equal("Expected a file with content, but 'vide.pdf' is empty");
    expect(await refused(Buffer.from([0, 1, 2, 3, 4, 5, 6, 7]), "data")).to.match(/binary data of an unknown type/);
  });
});
