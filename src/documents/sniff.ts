/**
 * What a file is, judged by its bytes (file-type for binary formats, our own checks for executables,
 * macros and text formats), never by its name; the name only adds refusals: a declared extension
 * that contradicts the content, and names of executables and scripts.
 *
 * Accepted: PDF, images (PNG, JPEG, GIF, WEBP, TIFF, HEIC/HEIF), plain text and CSV, EML, ODF and
 * OOXML documents without macros. Refused with a sentence a user understands: executables (MZ/PE,
 * ELF, Mach-O, `#!` scripts, and .bat/.cmd/.js/.vbs/.ps1/… by name), macro-enabled Office files
 * (docm/xlsm/pptm, a vbaProject.bin inside an OOXML zip, Basic/Scripts inside an ODF zip, VBA
 * streams in an OLE file), legacy OLE Office files, archives and anything else.
 */
import { fileTypeFromBuffer } from "file-type";
import { zipEntryNames } from "./zip.js";

export type Family = "pdf" | "image" | "text" | "mail" | "office";

export interface AcceptedFile {
  ok: true;
  /** The Content-Type it is stored and served with (text types carry their charset). */
  mime: string;
  family: Family;
  /** e.g. "a PDF document" */
  label: string;
  /** The decoded text, for text formats (the extraction of the others happens later). */
  text?: string;
}

export interface RefusedFile {
  ok: false;
  message: string;
}

interface Kind {
  family: Family;
  label: string;
}

const KINDS: Record<string, Kind> = {
  "application/pdf": { family: "pdf", label: "a PDF document" },
  "image/png": { family: "image", label: "a PNG image" },
  "image/jpeg": { family: "image", label: "a JPEG image" },
  "image/gif": { family: "image", label: "a GIF image" },
  "image/webp": { family: "image", label: "a WEBP image" },
  "image/tiff": { family: "image", label: "a TIFF image" },
  "image/heic": { family: "image", label: "a HEIC image" },
  "image/heif": { family: "image", label: "a HEIF image" },
  "image/heic-sequence": { family: "image", label: "a HEIC image" },
  "image/heif-sequence": { family: "image", label: "a HEIF image" },
  "text/plain": { family: "text", label: "a text file" },
  "text/csv": { family: "text", label: "a CSV file" },
  "message/rfc822": { family: "mail", label: "an e-mail (EML)" },
  "application/vnd.oasis.opendocument.text": { family: "office", label: "an OpenDocument text" },
  "application/vnd.oasis.opendocument.spreadsheet": { family: "office", label: "an OpenDocument spreadsheet" },
  "application/vnd.oasis.opendocument.presentation": { family: "office", label: "an OpenDocument presentation" },
  "application/vnd.oasis.opendocument.graphics": { family: "office", label: "an OpenDocument drawing" },
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document": { family: "office", label: "a Word document (DOCX)" },
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": { family: "office", label: "an Excel workbook (XLSX)" },
  "application/vnd.openxmlformats-officedocument.presentationml.presentation": { family: "office", label: "a PowerPoint presentation (PPTX)" },
  "application/msword": { family: "office", label: "a Word 97-2003 document (DOC)" },
  "application/vnd.ms-excel": { family: "office", label: "an Excel 97-2003 workbook (XLS)" },
  "application/vnd.ms-powerpoint": { family: "office", label: "a PowerPoint 97-2003 presentation (PPT)" },
};

/** What a declared extension promises (only accepted extensions; others promise nothing). */
const EXTENSIONS: Record<string, Kind> = {
  pdf: KINDS["application/pdf"]!,
  png: KINDS["image/png"]!,
  jpg: KINDS["image/jpeg"]!, jpeg: KINDS["image/jpeg"]!, jpe: KINDS["image/jpeg"]!, jfif: KINDS["image/jpeg"]!,
  gif: KINDS["image/gif"]!, webp: KINDS["image/webp"]!, tif: KINDS["image/tiff"]!, tiff: KINDS["image/tiff"]!,
  heic: KINDS["image/heic"]!, heif: KINDS["image/heif"]!,
  txt: KINDS["text/plain"]!, text: KINDS["text/plain"]!, csv: KINDS["text/csv"]!, eml: KINDS["message/rfc822"]!,
  odt: KINDS["application/vnd.oasis.opendocument.text"]!, ods: KINDS["application/vnd.oasis.opendocument.spreadsheet"]!,
  odp: KINDS["application/vnd.oasis.opendocument.presentation"]!, odg: KINDS["application/vnd.oasis.opendocument.graphics"]!,
  docx: KINDS["application/vnd.openxmlformats-officedocument.wordprocessingml.document"]!,
  xlsx: KINDS["application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"]!,
  pptx: KINDS["application/vnd.openxmlformats-officedocument.presentationml.presentation"]!,
  doc: KINDS["application/msword"]!, xls: KINDS["application/vnd.ms-excel"]!, ppt: KINDS["application/vnd.ms-powerpoint"]!,
};

/** Names refused whatever their content: programs and scripts a double click would run. */
const EXECUTABLE_NAMES: Record<string, string> = {
  exe: "a Windows program", com: "a Windows program", scr: "a Windows screen saver (a program)", msi: "a Windows installer", msp: "a Windows installer patch",
  dll: "a Windows library", cpl: "a Control Panel program", bat: "a batch script", cmd: "a batch script", js: "a JavaScript file", jse: "an encoded JavaScript file",
  mjs: "a JavaScript file", cjs: "a JavaScript file", vbs: "a VBScript file", vbe: "an encoded VBScript file", wsf: "a Windows Script file", wsh: "a Windows Script file",
  ps1: "a PowerShell script", psm1: "a PowerShell module", sh: "a shell script", bash: "a shell script", zsh: "a shell script", ksh: "a shell script", csh: "a shell script",
  command: "a shell script", py: "a Python script", pl: "a Perl script", rb: "a Ruby script", php: "a PHP script", jar: "a Java program", apk: "an Android app",
  app: "a macOS app", dmg: "a macOS disk image", pkg: "an installer package", deb: "a Debian package", rpm: "an RPM package", lnk: "a Windows shortcut",
  hta: "an HTML application", reg: "a Windows registry file", scf: "a Windows Explorer command", inf: "a Windows setup file", msc: "a Windows console file",
  gadget: "a Windows gadget", appx: "a Windows app package", msix: "a Windows app package", elf: "a Linux program", run: "an installer program",
};

/** Macro-enabled Office names: refused by name, with the macro message. */
const MACRO_NAMES = new Set(["docm", "dotm", "xlsm", "xltm", "xlam", "xlsb", "pptm", "potm", "ppam", "ppsm", "sldm"]);

export const ACCEPTED_SUMMARY = "PDF, images (PNG, JPEG, GIF, WEBP, TIFF, HEIC), plain text and CSV, e-mails (EML), OpenDocument and Office (DOCX, XLSX, PPTX) files without macros";

const MACRO_ADVICE = "macro-enabled Office files are refused; save it without macros (DOCX, XLSX, PPTX, ODF) or as PDF";

export function extensionOf(filename: string): string | undefined {
  const m = /\.([A-Za-z0-9]{1,10})$/.exec(filename.trim());
  return m ? m[1]!.toLowerCase() : undefined;
}

/** Judges one file: its bytes first, its name second. */
export async function classify(bytes: Buffer, filename: string): Promise<AcceptedFile | RefusedFile> {
  const ext = extensionOf(filename);
  const refuse = (message: string): RefusedFile => ({ ok: false, message });
  if (bytes.length === 0) return refuse(`Expected a file with content, but '${filename}' is empty`);
  if (ext && MACRO_NAMES.has(ext)) return refuse(`Expected an Office file without macros, but '${filename}' is a macro-enabled Office file by its name (.${ext}): ${MACRO_ADVICE}`);

  const content = await contentOf(bytes, ext);
  const promised = ext ? EXTENSIONS[ext] : undefined;
  if (promised && !compatible(promised.family, content.family)) {
    return refuse(`Expected ${promised.label} as the name '${filename}' says, but its content is ${content.label}`);
  }
  if (content.verdict === "executable") return refuse(`Expected no program or script, but the content of '${filename}' is ${content.label}: executables and scripts are refused`);
  if (ext && EXECUTABLE_NAMES[ext]) return refuse(`Expected no program or script, but '${filename}' is ${EXECUTABLE_NAMES[ext]} by its name: executables and scripts are refused`);
  switch (content.verdict) {
    case "macro":
      return refuse(`Expected an Office file without macros, but '${filename}' ${content.label}: ${MACRO_ADVICE}`);
    case "other":
      return refuse(`Expected one of the accepted types (${ACCEPTED_SUMMARY}), but the content of '${filename}' is ${content.label}`);
    case "accepted": {
      let mime = content.mime;
      if (content.family === "text" || content.family === "mail") {
        if (ext === "csv") mime = "text/csv";
        else if (ext === "eml") mime = "message/rfc822";
        const charset = content.charset ? `; charset=${content.charset}` : "";
        return { ok: true, mime: mime + charset, family: KINDS[mime]!.family, label: KINDS[mime]!.label, text: content.text! };
      }
      return { ok: true, mime, family: content.family as Family, label: content.label };
    }
  }
}

/** Text and e-mail are both text: a .txt holding a mail, or an .eml our header check does not recognise, is fine. */
function compatible(promised: Family, found: Family | "none"): boolean {
  const textual = (f: Family | "none") => f === "text" || f === "mail";
  return promised === found || (textual(promised) && textual(found));
}

interface Content {
  verdict: "accepted" | "executable" | "macro" | "other";
  /** For a mismatch message: "a Windows executable", "contains a VBA macro project (word/vbaProject.bin)". */
  label: string;
  family: Family | "none";
  mime: string;
  text?: string;
  charset?: string;
}

const exec = (label: string): Content => ({ verdict: "executable", label, family: "none", mime: "" });
const other = (label: string): Content => ({ verdict: "other", label, family: "none", mime: "" });

async function contentOf(bytes: Buffer, ext: string | undefined): Promise<Content> {
  const head = bytes.subarray(0, 4);
  const magic = head.length === 4 ? head.readUInt32BE(0) : 0;
  if (bytes[0] === 0x4d && bytes[1] === 0x5a) return exec("a Windows executable");
  if (magic === 0x7f454c46) return exec("a Linux executable (ELF)");
  if ([0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe].includes(magic)) return exec("a macOS executable (Mach-O)");
  if (magic === 0xcafebabe) return exec("an executable (Mach-O universal binary or Java class)");
  if (bytes[0] === 0x23 && bytes[1] === 0x21) return exec(`a script ('${bytes.toString("latin1", 0, Math.min(bytes.indexOf(10) > 0 ? bytes.indexOf(10) : 40, 60)).trim()}')`);

  // A UTF-16 byte order mark looks like an MPEG frame to file-type: text first when it decodes as text.
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    const text = textContent(bytes);
    if (text.verdict === "accepted") return text;
  }
  const type = await fileTypeFromBuffer(bytes);
  if (!type) return textContent(bytes);
  const { mime } = type;
  if (["application/x-msdownload", "application/x-elf", "application/x-mach-binary", "application/java-archive", "application/vnd.android.package-archive", "application/x-executable", "application/wasm"].includes(mime)) {
    return exec(`an executable (${type.ext})`);
  }
  if (/macroenabled/i.test(mime)) return { verdict: "macro", label: `is a macro-enabled Office file (${type.ext})`, family: "office", mime };
  if (mime === "application/x-cfb" || type.ext === "cfb" || type.ext === "msi") return oleContent(bytes, type.ext);
  const kind = KINDS[mime];
  if (kind?.family === "office" || mime === "application/zip") return zipContent(bytes, mime, kind);
  if (kind && kind.family !== "text" && kind.family !== "mail") return { verdict: "accepted", label: kind.label, family: kind.family, mime };
  return other(`${describe(type.ext)} (${mime})`);
}

function describe(ext: string): string {
  return /^[aeiou]/i.test(ext) ? `an ${ext.toUpperCase()} file` : `a ${ext.toUpperCase()} file`;
}

function zipContent(bytes: Buffer, mime: string, kind: Kind | undefined): Content {
  const names = zipEntryNames(bytes);
  const vba = names.find((n) => /(^|\/)vbaProject\.bin$/i.test(n)) ?? (bytes.includes("vbaProject.bin", 0, "latin1") ? "vbaProject.bin" : undefined);
  if (vba) return { verdict: "macro", label: `contains a VBA macro project (${vba})`, family: "office", mime };
  if (kind?.family === "office" && mime.startsWith("application/vnd.oasis")) {
    const basic = names.find((n) => /^(Basic|Scripts)\/.+/i.test(n) && !/\/(script-lc|dialog-lc)\.xml$/i.test(n));
    if (basic) return { verdict: "macro", label: `contains macros (${basic})`, family: "office", mime };
  }
  if (!kind) return other("a ZIP archive");
  return { verdict: "accepted", label: kind.label, family: "office", mime };
}

/**
 * OLE compound files (legacy .doc/.xls/.ppt, .msi): storages and streams are named in UTF-16LE in
 * the directory. Word, Excel and PowerPoint 97-2003 files are accepted when they hold no VBA
 * project (many customers still send .doc and .xls); anything else in an OLE container is refused.
 */
function oleContent(bytes: Buffer, ext: string): Content {
  const utf16 = (s: string) => Buffer.from(s, "utf16le");
  if (ext === "msi") return exec("a Windows installer (MSI)");
  if (bytes.includes(utf16("_VBA_PROJECT")) || bytes.includes(utf16("VBA\0")) || bytes.includes(utf16("Macros\0"))) {
    return { verdict: "macro", label: "is a legacy Office file with a VBA macro project", family: "office", mime: "application/x-cfb" };
  }
  const mime = bytes.includes(utf16("WordDocument\0")) ? "application/msword"
    : bytes.includes(utf16("Workbook\0")) || bytes.includes(utf16("Book\0")) ? "application/vnd.ms-excel"
    : bytes.includes(utf16("PowerPoint Document\0")) ? "application/vnd.ms-powerpoint"
    : undefined;
  if (mime) return { verdict: "accepted", label: KINDS[mime]!.label, family: "office", mime };
  return { ...other("an OLE compound file that is neither a Word, Excel nor PowerPoint 97-2003 document; save it as DOCX, XLSX, PPTX, ODF or PDF"), family: "office" };
}

const MARKUP = /^\s*<(!doctype|html|\?xml|svg|script|head|body|iframe)\b/i;
const MAIL_HEADER = /^(return-path|received|from|to|cc|subject|date|message-id|mime-version|delivered-to|reply-to|dkim-signature|authentication-results|arc-[\w-]+|x-[\w-]+):/i;

/** No binary signature: text when it has no NUL or stray control bytes and decodes as UTF-8 (or Windows-1252). */
function textContent(bytes: Buffer): Content {
  const decoded = decodeText(bytes);
  if (!decoded || /[\u0000-\u0008\u000b\u000e-\u001a\u001c-\u001f]/.test(decoded.text)) return other("binary data of an unknown type");
  const { text, charset } = decoded;
  if (MARKUP.test(text)) return other("an HTML or XML document");
  const firstLine = text.slice(0, text.search(/\r?\n|$/));
  if (MAIL_HEADER.test(firstLine) && looksLikeMail(text)) return { verdict: "accepted", label: KINDS["message/rfc822"]!.label, family: "mail", mime: "message/rfc822", text, charset };
  return { verdict: "accepted", label: KINDS["text/plain"]!.label, family: "text", mime: "text/plain", text, charset };
}

/** UTF-16 with a byte order mark, else UTF-8 (BOM or not), else Windows-1252; undefined when not text at all. */
function decodeText(bytes: Buffer): { text: string; charset: string } | undefined {
  const utf16 = bytes[0] === 0xff && bytes[1] === 0xfe ? "utf-16le" : bytes[0] === 0xfe && bytes[1] === 0xff ? "utf-16be" : undefined;
  try {
    if (utf16) return { text: new TextDecoder(utf16, { fatal: true }).decode(bytes), charset: utf16 };
  } catch {
    return undefined;
  }
  if (bytes.includes(0)) return undefined;
  try {
    return { text: new TextDecoder("utf-8", { fatal: true }).decode(bytes), charset: "utf-8" };
  } catch {
    return { text: new TextDecoder("windows-1252").decode(bytes), charset: "windows-1252" };
  }
}

function looksLikeMail(text: string): boolean {
  const end = text.search(/\r?\n\r?\n/);
  const headers = (end < 0 ? text : text.slice(0, end)).split(/\r?\n/);
  const names = new Set(headers.map((l) => /^([\w-]+):/.exec(l)?.[1]?.toLowerCase()).filter(Boolean));
  return ["from", "date", "subject", "to", "message-id", "mime-version"].filter((h) => names.has(h)).length >= 2;
}
