/**
 * The searchable text of an e-mail (EML): its From, To, Cc, Subject and Date headers (encoded
 * words decoded) and its text parts, decoded from base64 or quoted-printable in their charset; HTML
 * parts only when a message has no plain text, tags dropped; attachments by their file name only.
 * A small MIME walk, bounded in depth and parts; the mail module's parser is for delivering mail.
 */
const MAX_DEPTH = 8;
const MAX_PARTS = 200;

interface Part {
  headers: Map<string, string>;
  body: string;
}

function split(raw: string): Part {
  const m = /\r?\n\r?\n/.exec(raw);
  const head = m ? raw.slice(0, m.index) : raw;
  const body = m ? raw.slice(m.index + m[0].length) : "";
  const headers = new Map<string, string>();
  for (const line of head.replace(/\r?\n[ \t]+/g, " ").split(/\r?\n/)) {
    const i = line.indexOf(":");
    if (i > 0) headers.set(line.slice(0, i).trim().toLowerCase(), line.slice(i + 1).trim());
  }
  return { headers, body };
}

function param(value: string, name: string): string | undefined {
  const m = new RegExp(`(?:^|;)\\s*${name}\\*?=\\s*(?:"([^"]*)"|([^;\\s]*))`, "i").exec(value);
  return m ? (m[1] ?? m[2]) : undefined;
}

function decodeBytes(bytes: Buffer, charset: string | undefined): string {
  try {
    return new TextDecoder((charset ?? "utf-8").toLowerCase()).decode(bytes);
  } catch {
    return bytes.toString("latin1");
  }
}

function quotedPrintable(text: string): Buffer {
  const cleaned = text.replace(/=\r?\n/g, "");
  const out: number[] = [];
  for (let i = 0; i < cleaned.length; i++) {
    const c = cleaned[i]!;
    const hex = c === "=" ? cleaned.slice(i + 1, i + 3) : "";
    if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
      out.push(parseInt(hex, 16));
      i += 2;
    } else out.push(...Buffer.from(c, "latin1"));
  }
  return Buffer.from(out);
}

/** RFC 2047 encoded words (=?utf-8?B?…?= / =?iso-8859-1?Q?…?=). */
export function decodeWords(value: string): string {
  return value.replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=(\s+(?==\?))?/g, (_m, charset: string, enc: string, text: string) => {
    const bytes = enc.toUpperCase() === "B" ? Buffer.from(text, "base64") : quotedPrintable(text.replace(/_/g, " "));
    return decodeBytes(bytes, charset);
  });
}

function bodyText(part: Part): string {
  const encoding = (part.headers.get("content-transfer-encoding") ?? "").toLowerCase();
  const charset = param(part.headers.get("content-type") ?? "", "charset");
  // The raw mail was decoded as text already; its bytes are latin1-safe for 7/8-bit bodies.
  if (encoding === "base64") return decodeBytes(Buffer.from(part.body.replace(/\s+/g, ""), "base64"), charset);
  if (encoding === "quoted-printable") return decodeBytes(quotedPrintable(part.body), charset);
  return part.body;
}

function walk(part: Part, depth: number, out: { plain: string[]; html: string[]; names: string[]; parts: number }): void {
  if (depth > MAX_DEPTH || ++out.parts > MAX_PARTS) return;
  const type = part.headers.get("content-type") ?? "text/plain";
  const mime = type.split(";")[0]!.trim().toLowerCase();
  const disposition = part.headers.get("content-disposition") ?? "";
  const name = param(disposition, "filename") ?? param(type, "name");
  if (mime.startsWith("multipart/")) {
    const boundary = param(type, "boundary");
    if (!boundary) return;
    const pieces = part.body.split(`--${boundary}`);
    for (const piece of pieces.slice(1)) {
      if (piece.startsWith("--")) break;
      walk(split(piece.replace(/^\r?\n/, "")), depth + 1, out);
    }
    return;
  }
  if (mime === "message/rfc822") return walk(split(part.body), depth + 1, out);
  if (name || /^attachment/i.test(disposition)) {
    if (name) out.names.push(decodeWords(name));
    return;
  }
  if (mime === "text/plain") out.plain.push(bodyText(part));
  else if (mime === "text/html") out.html.push(bodyText(part).replace(/<(style|script)[\s\S]*?<\/\1>/gi, " ").replace(/<[^>]*>/g, " ").replace(/&nbsp;/g, " ").replace(/&amp;/g, "&").replace(/&lt;/g, "<").replace(/&gt;/g, ">"));
}

export function mailText(raw: string): string {
  const root = split(raw);
  const out = { plain: [] as string[], html: [] as string[], names: [] as string[], parts: 0 };
  walk(root, 0, out);
  const headers = ["from", "to", "cc", "subject", "date"]
    .map((h) => (root.headers.has(h) ? `${h[0]!.toUpperCase()}${h.slice(1)}: ${decodeWords(root.headers.get(h)!)}` : ""))
    .filter(Boolean);
  const body = out.plain.length ? out.plain : out.html;
  return [...headers, "", ...body, ...(out.names.length ? ["", ...out.names] : [])].join("\n");
}
