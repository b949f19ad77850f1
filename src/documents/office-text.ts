/**
 * The text of OOXML and ODF documents for search: the XML parts that hold the words (DOCX body,
 * XLSX shared strings, PPTX slides in order, ODF content.xml), tags dropped, paragraphs kept as
 * lines, entities decoded. Each part is inflated with a cap, so a zip bomb yields no text, not an
 * out-of-memory.
 */
import { readEntry, zipEntries, type ZipEntry } from "./zip.js";

function partsOf(mime: string, entries: ZipEntry[]): ZipEntry[] {
  const pick = (re: RegExp) => entries.filter((e) => re.test(e.name));
  const slideNumber = (e: ZipEntry) => Number(/(\d+)\.xml$/.exec(e.name)?.[1] ?? 0);
  if (mime.includes("wordprocessingml")) return pick(/^word\/(document|footnotes|endnotes|header\d*|footer\d*)\.xml$/);
  if (mime.includes("spreadsheetml")) return pick(/^xl\/sharedStrings\.xml$/);
  if (mime.includes("presentationml")) return pick(/^ppt\/slides\/slide\d+\.xml$/).sort((a, b) => slideNumber(a) - slideNumber(b));
  if (mime.startsWith("application/vnd.oasis.opendocument")) return pick(/^content\.xml$/);
  return [];
}

const ENTITIES: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

export function xmlText(xml: string): string {
  return xml
    .replace(/<(w:tab|text:tab|text:s)\b[^>]*\/?>/g, " ")
    .replace(/<(w:br|w:cr|text:line-break)\b[^>]*\/?>/g, "\n")
    .replace(/<\/(w:p|a:p|text:p|text:h|si|table:table-cell)>/g, "\n")
    .replace(/<[^>]*>/g, "")
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
      if (e[0] === "#") {
        const code = e[1] === "x" || e[1] === "X" ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
        return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : " ";
      }
      return ENTITIES[e.toLowerCase()] ?? m;
    });
}

/** The words of an Office document, or null when none could be read. */
export async function officeText(bytes: Buffer, mime: string, maxChars: number): Promise<string | null> {
  const entries = zipEntries(bytes);
  if (!entries) return null;
  const out: string[] = [];
  let length = 0;
  for (const part of partsOf(mime, entries)) {
    if (length >= maxChars) break;
    const xml = await readEntry(bytes, part, Math.max(1024, (maxChars - length) * 8));
    if (!xml) continue;
    const text = xmlText(xml.toString("utf8"));
    out.push(text);
    length += text.length;
  }
  const text = out.join("\n");
  return text.trim() === "" ? null : text;
}
