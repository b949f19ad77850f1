/**
 * CSV and XLSX export of parties. The headers are the import's field names, so an exported file
 * imports back without a mapping. CSV for French Excel: `;` separated, UTF-8 with a BOM, CRLF.
 */
import type { Writable } from "node:stream";
import { stringify } from "csv-stringify/sync";
import ExcelJS from "exceljs";
import type { PartyRow } from "./types.js";

export const EXPORT_COLUMNS = [
  "id", "kind", "organisationName", "lastName", "firstName", "flags", "street", "number", "postcode", "city", "country", "phones", "emails",
  "website", "vatSubject", "vatNumber", "tags", "parentId", "preferredChannel", "language", "notes", "createdAt", "updatedAt",
] as const;

export function exportRecord(row: PartyRow): Array<string | number> {
  const a = row.address;
  return [
    row.id, row.kind, row.organisationName ?? "", row.lastName ?? "", row.firstName ?? "", row.flags.join(", "), a.street ?? "", a.number ?? "",
    a.postcode ?? "", a.city ?? "", a.country ?? "", row.phones.map((p) => p.display).join(" | "), row.emails.join(", "), row.website ?? "",
    row.vatSubject ? "true" : "false", row.vatNumber ?? "", row.tags.join(", "), row.parentId ?? "", row.preferredChannel ?? "", row.language ?? "",
    row.notes ?? "", new Date(row.createdAt).toISOString(), new Date(row.updatedAt).toISOString(),
  ];
}

/**
 * Spreadsheets run a cell starting with `=`, `@`, `+` or `-` as a formula: such text gets a leading
 * `'` (the import removes it). Phones (`+32 …`) and negative numbers keep their sign.
 */
export function neutraliseFormula(value: string | number): string | number {
  return typeof value === "string" && /^(?:[=@\t\r]|[+-](?![\d (]))/.test(value) ? `'${value}` : value;
}

export function partiesCsv(rows: PartyRow[]): Buffer {
  const records = rows.map((r) => exportRecord(r).map(neutraliseFormula));
  const text = stringify([[...EXPORT_COLUMNS], ...records], { delimiter: ";", record_delimiter: "windows" });
  return Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, "utf8")]);
}

export async function partiesXlsx(rows: PartyRow[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = "Dossier";
  const sheet = workbook.addWorksheet("Parties");
  sheet.columns = EXPORT_COLUMNS.map((key) => ({ header: key, key, width: key === "notes" ? 40 : 18 }));
  sheet.getRow(1).font = { bold: true };
  sheet.views = [{ state: "frozen", ySplit: 1 }];
  for (const row of rows) sheet.addRow(exportRecord(row));
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** Writes a chunk; waits for the reader, and gives up (false) once it went away. */
async function write(out: Writable, chunk: Buffer | string): Promise<boolean> {
  if (out.destroyed) return false;
  if (!out.write(chunk)) {
    await new Promise<void>((resolve) => {
      const done = () => {
        out.off("drain", done);
        out.off("close", done);
        resolve();
      };
      out.on("drain", done);
      out.on("close", done);
    });
  }
  return !out.destroyed;
}

/** Streams the CSV batch by batch (a whole address book never sits in memory), minding back-pressure. */
export async function writePartiesCsv(out: Writable, batches: Iterable<PartyRow[]>): Promise<void> {
  await write(out, Buffer.concat([BOM, Buffer.from(stringify([[...EXPORT_COLUMNS]], { delimiter: ";", record_delimiter: "windows" }), "utf8")]));
  for (const rows of batches) {
    if (rows.length === 0) continue;
    if (!(await write(out, stringify(rows.map((r) => exportRecord(r).map(neutraliseFormula)), { delimiter: ";", record_delimiter: "windows" })))) return;
  }
  out.end();
}

/** Streams the XLSX (exceljs streaming writer), batch by batch. */
export async function writePartiesXlsx(out: Writable, batches: Iterable<PartyRow[]>): Promise<void> {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useStyles: true });
  workbook.creator = "Dossier";
  const sheet = workbook.addWorksheet("Parties", { views: [{ state: "frozen", ySplit: 1 }] });
  sheet.columns = EXPORT_COLUMNS.map((key) => ({ header: key, key, width: key === "notes" ? 40 : 18 }));
  sheet.getRow(1).font = { bold: true };
  for (const rows of batches) {
    if (out.destroyed) return;
    for (const row of rows) sheet.addRow(exportRecord(row)).commit();
    // Let the zip stream drain between batches.
    await new Promise((resolve) => setImmediate(resolve));
  }
  sheet.commit();
  await workbook.commit();
}

/** The rows of `ids` read `size` at a time, when the consumer asks for them. */
export function* batchesOf(ids: number[], read: (ids: number[]) => PartyRow[], size = 1000): Generator<PartyRow[]> {
  for (let i = 0; i < ids.length; i += size) yield read(ids.slice(i, i + size));
}
