/**
 * The entry names of a ZIP archive (OOXML and ODF files are ZIPs), read from the central directory,
 * or from the local file headers when the directory cannot be found (truncated or ZIP64 archive).
 * Names are stored uncompressed, so no inflating is needed to see what an Office file contains.
 */
const EOCD = 0x06054b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

export function zipEntryNames(buf: Buffer): string[] {
  return fromCentralDirectory(buf) ?? fromLocalHeaders(buf);
}

function fromCentralDirectory(buf: Buffer): string[] | undefined {
  const min = Math.max(0, buf.length - 22 - 0xffff);
  for (let i = buf.length - 22; i >= min; i--) {
    if (buf.readUInt32LE(i) !== EOCD) continue;
    const count = buf.readUInt16LE(i + 10);
    let at = buf.readUInt32LE(i + 16);
    if (at === 0xffffffff || at >= buf.length) return undefined;
    const names: string[] = [];
    for (let n = 0; n < count; n++) {
      if (at + 46 > buf.length || buf.readUInt32LE(at) !== CENTRAL) return undefined;
      const nameLength = buf.readUInt16LE(at + 28);
      const extraLength = buf.readUInt16LE(at + 30);
      const commentLength = buf.readUInt16LE(at + 32);
      names.push(buf.toString("utf8", at + 46, Math.min(buf.length, at + 46 + nameLength)));
      at += 46 + nameLength + extraLength + commentLength;
    }
    return names;
  }
  return undefined;
}

function fromLocalHeaders(buf: Buffer): string[] {
  const names: string[] = [];
  for (let i = buf.indexOf("PK\x03\x04", 0, "latin1"); i >= 0 && i + 30 <= buf.length; i = buf.indexOf("PK\x03\x04", i + 4, "latin1")) {
    if (buf.readUInt32LE(i) !== LOCAL) continue;
    const nameLength = buf.readUInt16LE(i + 26);
    names.push(buf.toString("utf8", i + 30, Math.min(buf.length, i + 30 + nameLength)));
  }
  return names;
}
