/**
 * The entries of a ZIP archive (OOXML and ODF files are ZIPs), read from the central directory,
 * or, names only, from the local file headers when the directory cannot be found (truncated or
 * ZIP64 archive). Names are stored uncompressed, so no inflating is needed to see what an Office
 * file contains; `readEntry` inflates one entry, capped (a zip bomb stops at the cap).
 */
import { inflateRaw } from "node:zlib";
import { promisify } from "node:util";

const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
const inflate = promisify(inflateRaw) as (buf: Buffer, options: { maxOutputLength: number }) => Promise<Buffer>;

export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated. */
  method: number;
  compressedSize: number;
  localOffset: number;
}

export function zipEntryNames(buf: Buffer): string[] {
  return (zipEntries(buf) ?? fromLocalHeaders(buf)).map((e) => e.name);
}

/** The central directory's entries, or undefined when it cannot be read. */
export function zipEntries(buf: Buffer): ZipEntry[] | undefined {
  const min = Math.max(0, buf.length - 22 - 0xffff);
  for (let i = buf.length - 22; i >= min; i--) {
    if (buf.readUInt32LE(i) !== EOCD) continue;
    const count = buf.readUInt16LE(i + 10);
    let at = buf.readUInt32LE(i + 16);
    if (at === 0xffffffff || at >= buf.length) return undefined;
    const entries: ZipEntry[] = [];
    for (let n = 0; n < count; n++) {
      if (at + 46 > buf.length || buf.readUInt32LE(at) !== CENTRAL) return undefined;
      const nameLength = buf.readUInt16LE(at + 28);
      const extraLength = buf.readUInt16LE(at + 30);
      const commentLength = buf.readUInt16LE(at + 32);
      entries.push({
        name: buf.toString("utf8", at + 46, Math.min(buf.length, at + 46 + nameLength)),
        method: buf.readUInt16LE(at + 10),
        compressedSize: buf.readUInt32LE(at + 20),
        localOffset: buf.readUInt32LE(at + 42),
      });
      at += 46 + nameLength + extraLength + commentLength;
    }
    return entries;
  }
  return undefined;
}

/** The content of one entry, at most `maxBytes` once inflated (cut there); undefined when unreadable. */
export async function readEntry(buf: Buffer, entry: ZipEntry, maxBytes: number): Promise<Buffer | undefined> {
  const at = entry.localOffset;
  if (at + 30 > buf.length || buf.readUInt32LE(at) !== LOCAL) return undefined;
  const start = at + 30 + buf.readUInt16LE(at + 26) + buf.readUInt16LE(at + 28);
  const data = buf.subarray(start, Math.min(buf.length, start + entry.compressedSize));
  if (entry.method === 0) return data.subarray(0, maxBytes);
  if (entry.method !== 8) return undefined;
  try {
    return await inflate(data, { maxOutputLength: maxBytes });
  } catch {
    // Damaged, or past the cap (a zip bomb): no text rather than a guess.
    return undefined;
  }
}

function fromLocalHeaders(buf: Buffer): ZipEntry[] {
  const entries: ZipEntry[] = [];
  for (let i = buf.indexOf("PK\x03\x04", 0, "latin1"); i >= 0 && i + 30 <= buf.length; i = buf.indexOf("PK\x03\x04", i + 4, "latin1")) {
    if (buf.readUInt32LE(i) !== LOCAL) continue;
    const nameLength = buf.readUInt16LE(i + 26);
    entries.push({ name: buf.toString("utf8", i + 30, Math.min(buf.length, i + 30 + nameLength)), method: buf.readUInt16LE(i + 8), compressedSize: buf.readUInt32LE(i + 18), localOffset: i });
  }
  return entries;
}
