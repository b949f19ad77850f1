/**
 * Real small files, built byte by byte: a PDF with text (pdftotext reads it), a PNG, OOXML zips
 * (with and without a vbaProject.bin), a Windows executable, a shell script, an OLE file with a
 * VBA storage, an e-mail, a CSV.
 */
import { crc32, deflateRawSync, deflateSync } from "node:zlib";

/** A one-page PDF whose text is `lines` (WinAnsi: accents work), with a correct xref table. */
export function pdf(lines: string[]): Buffer {
  const esc = (s: string) => s.replace(/\\/g, "\\\\").replace(/\(/g, "\\(").replace(/\)/g, "\\)");
  const content = ["BT", "/F1 12 Tf", "72 720 Td", "14 TL", ...lines.map((l) => `(${esc(l)}) '`), "ET"].join("\n");
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
    `<< /Length ${Buffer.byteLength(content, "latin1")} >>\nstream\n${content}\nendstream`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
  ];
  let out = "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n";
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out, "latin1"));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, "latin1");
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, "0")} 00000 n \n`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, "latin1");
}

function chunk(type: string, data: Buffer): Buffer {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "latin1"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}

/** A width×height RGB PNG of one colour (seed changes the colour, so the bytes). */
export function png(width = 2, height = 2, seed = 0): Buffer {
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8;
  ihdr[9] = 2;
  const row = Buffer.concat([Buffer.from([0]), Buffer.alloc(width * 3, seed & 0xff)]);
  const raw = Buffer.concat(Array.from({ length: height }, () => row));
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk("IHDR", ihdr), chunk("IDAT", deflateSync(raw)), chunk("IEND", Buffer.alloc(0))]);
}

/** A ZIP with stored (uncompressed) entries, or deflated ones (as Office writes them). */
export function zip(entries: Array<[string, string | Buffer]>, deflated: boolean | ((name: string) => boolean) = false): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, content] of entries) {
    const raw = Buffer.isBuffer(content) ? content : Buffer.from(content, "utf8");
    const deflate = typeof deflated === "function" ? deflated(name) : deflated;
    const data = deflate ? deflateRawSync(raw) : raw;
    const nameBuf = Buffer.from(name, "utf8");
    const crc = crc32(raw);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(deflate ? 8 : 0, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(raw.length, 22);
    local.writeUInt16LE(nameBuf.length, 26);
    locals.push(local, nameBuf, data);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(deflate ? 8 : 0, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(raw.length, 24);
    central.writeUInt16LE(nameBuf.length, 28);
    central.writeUInt32LE(offset, 42);
    centrals.push(central, nameBuf);
    offset += 30 + nameBuf.length + data.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}

const CONTENT_TYPES = (main: string, extra = "") =>
  `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
  `<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>${extra}` +
  `<Override PartName="/word/document.xml" ContentType="${main}"/></Types>`;
const RELS = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>`;
const DOC_XML = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>Contrat</w:t></w:r></w:p></w:body></w:document>`;

/** A DOCX (no macros), deflated as Word writes it, whose body has these paragraphs. */
export function docx(paragraphs: string[] = ["Contrat"], documentXml?: string | Buffer): Buffer {
  const esc = (t: string) => t.replace(/&/g, "&amp;").replace(/</g, "&lt;");
  const body = paragraphs.map((p) => `<w:p><w:r><w:t xml:space="preserve">${esc(p)}</w:t></w:r></w:p>`).join("");
  return zip([
    ["[Content_Types].xml", CONTENT_TYPES("application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml")],
    ["_rels/.rels", RELS],
    ["word/document.xml", documentXml ?? DOC_XML.replace("<w:body><w:p><w:r><w:t>Contrat</w:t></w:r></w:p></w:body>", `<w:body>${body}</w:body>`)],
  ], true);
}

/** An ODT (deflated) whose content.xml has these paragraphs. */
export function odt(paragraphs: string[]): Buffer {
  const body = paragraphs.map((p) => `<text:p text:style-name="P1">${p.replace(/&/g, "&amp;")}</text:p>`).join("");
  return zip([
    ["mimetype", "application/vnd.oasis.opendocument.text"],
    ["content.xml", `<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0"><office:body><office:text>${body}</office:text></office:body></office:document-content>`],
    ["META-INF/manifest.xml", "<manifest/>"],
  ], (name) => name !== "mimetype");
}

/** A document with a VBA project, as Word saves a .docm (content types say macro-enabled). */
export function docm(): Buffer {
  return zip([
    ["[Content_Types].xml", CONTENT_TYPES("application/vnd.ms-word.document.macroEnabled.main+xml", `<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>`)],
    ["_rels/.rels", RELS],
    ["word/document.xml", DOC_XML],
    ["word/vbaProject.bin", Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 1, 2, 3, 4])],
  ]);
}

/** A .docx whose content types look innocent but which carries a vbaProject.bin. */
export function docxWithHiddenMacros(): Buffer {
  return zip([
    ["[Content_Types].xml", CONTENT_TYPES("application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml")],
    ["_rels/.rels", RELS],
    ["word/document.xml", DOC_XML],
    ["word/vbaProject.bin", Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 9, 9, 9, 9])],
  ]);
}

/** A minimal PE: MZ header pointing at a PE signature. */
export function exe(): Buffer {
  const b = Buffer.alloc(512);
  b.write("MZ", 0, "latin1");
  b.writeUInt32LE(0x80, 0x3c);
  b.write("PE\0\0", 0x80, "latin1");
  b.writeUInt16LE(0x14c, 0x84);
  b.write("This program cannot be run in DOS mode.", 0x40, "latin1");
  return b;
}

export function elf(): Buffer {
  const b = Buffer.alloc(64);
  b.write("\x7fELF", 0, "latin1");
  b[4] = 2;
  b[5] = 1;
  b[6] = 1;
  return b;
}

/** An OLE compound file (legacy .doc) whose directory names a _VBA_PROJECT stream. */
export function oleWithVba(): Buffer {
  const b = Buffer.alloc(2048);
  Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]).copy(b, 0);
  b.writeUInt16LE(0x003e, 0x18);
  b.writeUInt16LE(0x0003, 0x1a);
  b.writeUInt16LE(0xfffe, 0x1c);
  b.writeUInt16LE(9, 0x1e);
  Buffer.from("Root Entry\0", "utf16le").copy(b, 512);
  Buffer.from("WordDocument\0", "utf16le").copy(b, 640);
  Buffer.from("_VBA_PROJECT\0", "utf16le").copy(b, 768);
  return b;
}

export const shellScript = () => Buffer.from("#!/bin/sh\nrm -rf / --no-preserve-root\n", "utf8");
export const csv = () => Buffer.from("nom;montant\nMartin;1200\nDurand;850\n", "utf8");
export const eml = () =>
  Buffer.from(
    "From: Jeanne Martin <jeanne@example.fr>\r\nTo: contact@dossier.example\r\nSubject: Votre devis\r\nDate: Mon, 7 Dec 2026 10:00:00 +0100\r\nMessage-ID: <1@example.fr>\r\n\r\nBonjour, voici mon attestation d'assurance.\r\n",
    "utf8",
  );
