/**
 * Bytes → text for XML files, by the rules of XML 1.0 appendix F: a byte order mark or the first bytes
 * tell the family (8-bit or UTF-16, and its byte order), the XML declaration names the 8-bit encoding,
 * no declaration means UTF-8. Many modelers used in French-speaking companies still write ISO-8859-1 or
 * windows-1252; UTF-16 comes from Windows tools.
 *
 * Two leniencies, both for files real tools write:
 * - ISO-8859-1 is read as windows-1252, as browsers do (WHATWG Encoding): the two differ only in bytes
 *   0x80–0x9F, control characters in ISO-8859-1 that nobody types, but "€", "œ", "’" in windows-1252,
 *   which tools declaring ISO-8859-1 often write.
 * - An 8-bit file declaring UTF-16 (what .NET writes through a StringWriter) is read as UTF-8 when valid.
 */

/** What the refusal of an unknown encoding lists. */
export const SUPPORTED_ENCODINGS = ["UTF-8", "UTF-16 (LE or BE)", "ISO-8859-1", "ISO-8859-15", "windows-1252", "US-ASCII"] as const;

export type Decoded = { text: string } | { error: string };

type EightBit = "utf-8" | "windows-1252" | "iso-8859-15" | "us-ascii";

const EIGHT_BIT: Record<string, EightBit> = {
  "utf-8": "utf-8", utf8: "utf-8",
  "iso-8859-1": "windows-1252", "iso8859-1": "windows-1252", "iso_8859-1": "windows-1252", latin1: "windows-1252",
  "latin-1": "windows-1252", l1: "windows-1252", "iso-ir-100": "windows-1252", cp819: "windows-1252", ibm819: "windows-1252",
  "windows-1252": "windows-1252", cp1252: "windows-1252", "x-cp1252": "windows-1252",
  "iso-8859-15": "iso-8859-15", "iso8859-15": "iso-8859-15", "iso_8859-15": "iso-8859-15", latin9: "iso-8859-15", "latin-9": "iso-8859-15",
  "us-ascii": "us-ascii", ascii: "us-ascii",
};

const DECLARATION = /^<\?xml\b[^>]*?\bencoding\s*=\s*(["'])([^"']*)\1/;

/** The encoding an XML declaration at the start of `head` names, if any. */
export function declaredEncoding(head: string): string | undefined {
  return DECLARATION.exec(head)?.[2];
}

/** Rewrites the declaration's encoding to UTF-8: once decoded, the text is Unicode, whatever the bytes were. */
export function declareUtf8(text: string): string {
  return text.replace(DECLARATION, (whole, quote: string, name: string) => whole.slice(0, whole.length - name.length - 1) + "UTF-8" + quote);
}

/** Decodes XML bytes, or says why they cannot be read. */
export function decodeXmlBytes(bytes: Uint8Array): Decoded {
  const b = bytes;
  if ((b[0] === 0x00 && b[1] === 0x00 && b[2] === 0xfe && b[3] === 0xff) || (b[0] === 0xff && b[1] === 0xfe && b[2] === 0x00 && b[3] === 0x00)) {
    return unsupported("UTF-32 (found its byte order mark)");
  }
  if (b[0] === 0xfe && b[1] === 0xff) return sixteen(b.subarray(2), "utf-16be");
  if (b[0] === 0xff && b[1] === 0xfe) return sixteen(b.subarray(2), "utf-16le");
  if (b[0] === 0x3c && b[1] === 0x00 && b[2] === 0x3f && b[3] === 0x00) return sixteen(b, "utf-16le");
  if (b[0] === 0x00 && b[1] === 0x3c && b[2] === 0x00 && b[3] === 0x3f) return sixteen(b, "utf-16be");
  const bom = b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf;
  const body = bom ? b.subarray(3) : b;
  if (body.includes(0)) return { error: "Expected an XML text file, but found binary content (NUL bytes)" };
  const declared = declaredEncoding(latin1(body.subarray(0, 256)));
  if (bom || declared === undefined) return utf8(body, bom ? "it starts with a UTF-8 byte order mark" : "no encoding is declared, which means UTF-8 in XML");
  const key = declared.trim().toLowerCase();
  if (/^utf-?16(le|be)?$/.test(key) || key === "unicode") return utf8(body, `it declares ${declared} but is written in an 8-bit encoding, read as UTF-8`);
  const encoding = EIGHT_BIT[key];
  if (encoding === undefined) return unsupported(`'${declared}' (named by its XML declaration)`);
  if (encoding === "utf-8") return utf8(body, "as its XML declaration says");
  if (encoding === "us-ascii") {
    const at = body.findIndex((byte) => byte > 0x7f);
    if (at >= 0) return { error: `Expected US-ASCII text as its XML declaration says, but found byte 0x${body[at]!.toString(16).toUpperCase()} (line ${lineAt(body, at)}), which is not ASCII; declare the encoding the file is written in, e.g. encoding="windows-1252"` };
    return done(latin1(body));
  }
  return done(encoding === "windows-1252" ? windows1252(body) : new TextDecoder(encoding).decode(body));
}

/** 0x80–0x9F of windows-1252 (the rest is Latin-1). Node 20's TextDecoder maps them to C1 controls instead. */
const CP1252_HIGH = "€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008DŽ\u008F\u0090‘’“”•–—˜™š›œ\u009DžŸ";

function windows1252(bytes: Uint8Array): string {
  const text = latin1(bytes);
  return /[\u0080-\u009F]/.test(text) ? text.replace(/[\u0080-\u009F]/g, (c) => CP1252_HIGH[c.charCodeAt(0) - 0x80]!) : text;
}

function sixteen(body: Uint8Array, encoding: "utf-16le" | "utf-16be"): Decoded {
  let text: string;
  try {
    text = new TextDecoder(encoding, { fatal: true }).decode(body);
  } catch {
    return { error: `Expected ${encoding.toUpperCase()} text (as its first bytes say), but found bytes that are not valid ${encoding.toUpperCase()}` };
  }
  if (text.includes("\u0000")) return { error: "Expected an XML text file, but found binary content (NUL characters)" };
  const declared = declaredEncoding(text);
  if (declared !== undefined && !/^(utf-?16(le|be)?|unicode)$/i.test(declared.trim())) {
    return { error: `Expected the XML declaration of a UTF-16 file to say UTF-16, but it says '${declared}'; the file is written in ${encoding.toUpperCase()}` };
  }
  return done(text);
}

function utf8(body: Uint8Array, why: string): Decoded {
  try {
    return done(new TextDecoder("utf-8", { fatal: true }).decode(body));
  } catch {
    const at = firstInvalidUtf8(body);
    return {
      error: `Expected UTF-8 encoded XML (${why}), but found bytes that are not valid UTF-8 (line ${lineAt(body, at)}); ` +
        `if the file is in another encoding, its XML declaration must name it, e.g. <?xml version="1.0" encoding="windows-1252"?>`,
    };
  }
}

function done(text: string): Decoded {
  return { text: declareUtf8(text.replace(/^\uFEFF/, "")) };
}

function unsupported(found: string): Decoded {
  return { error: `Expected an XML encoding Dossier reads (${SUPPORTED_ENCODINGS.join(", ")}), but found ${found}` };
}

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
}

function lineAt(bytes: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < bytes.length; i++) if (bytes[i] === 0x0a) line++;
  return line;
}

/** Offset of the first byte that breaks UTF-8 (the whole buffer is known to be invalid). */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i]!;
    const length = lead < 0x80 ? 1 : lead >= 0xc2 && lead <= 0xdf ? 2 : lead >= 0xe0 && lead <= 0xef ? 3 : lead >= 0xf0 && lead <= 0xf4 ? 4 : 0;
    if (length === 0) return i;
    try {
      new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(i, i + length));
    } catch {
      return i;
    }
    i += length;
  }
  return i;
}
