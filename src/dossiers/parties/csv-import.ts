/**
 * CSV import of parties (an ERP export): UTF-8 (with or without BOM) or windows-1252, `;`, `,` or
 * tab separated (detected from the header line), a mapping {column → field} (or, without one, the
 * columns recognised by name: the export's own headers and common French ones). `runImport`
 * creates the lines one by one in the caller's transaction and reports each line; the caller
 * rolls the whole transaction back for a dry run or when any line is wrong (nothing half-imported).
 */
import { parse } from "csv-parse/sync";
import { DossierError, type FieldProblem } from "../errors.js";
import type { PartyBook } from "./book.js";
import { fold } from "./keys.js";
import type { DuplicateMatch, PartyInput } from "./types.js";

/** Fields a column can be mapped to. */
export const IMPORT_FIELDS = [
  "kind", "organisationName", "name", "lastName", "firstName", "flags", "prospect", "customer", "supplier", "partner",
  "street", "number", "postcode", "city", "country", "phones", "phone", "mobile", "fixe", "emails", "email", "website",
  "vatSubject", "vatNumber", "tags", "parentId", "preferredChannel", "language", "notes",
] as const;
export type ImportField = (typeof IMPORT_FIELDS)[number];

/** Column names recognised without a mapping (folded: lower case, no accents). */
const ALIASES: Record<string, ImportField> = {
  "type": "kind", "nature": "kind", "raison sociale": "organisationName", "societe": "organisationName", "entreprise": "organisationName",
  "nom": "lastName", "last name": "lastName", "prenom": "firstName", "first name": "firstName", "rue": "street", "adresse": "street", "address": "street",
  "numero": "number", "n": "number", "no": "number", "code postal": "postcode", "cp": "postcode", "zip": "postcode", "ville": "city", "localite": "city",
  "pays": "country", "telephone": "phone", "tel": "phone", "portable": "mobile", "gsm": "mobile", "mobile": "mobile", "courriel": "email", "e mail": "email",
  "mail": "email", "site": "website", "site web": "website", "web": "website", "assujetti tva": "vatSubject", "tva": "vatNumber", "numero de tva": "vatNumber",
  "n tva": "vatNumber", "tva intracommunautaire": "vatNumber", "vat": "vatNumber", "etiquettes": "tags", "categories": "tags", "langue": "language",
  "canal prefere": "preferredChannel", "maison mere": "parentId", "societe mere": "parentId", "client": "customer", "fournisseur": "supplier",
  "partenaire": "partner",
};

/** An import is one write-lane command (all or nothing): bounded so other writes never wait long. */
export const MAX_IMPORT_LINES = 20_000;

export interface ParsedImport {
  encoding: "utf-8" | "windows-1252";
  delimiter: string;
  columns: Array<{ column: string; field: ImportField | null }>;
  records: Array<{ line: number; input: PartyInput; columnOf: (field: string) => string | undefined }>;
}

export interface ImportProblem extends FieldProblem {
  /** The CSV column the value came from, when known. */
  column?: string;
}

export interface ImportLine {
  line: number;
  status: "created" | "duplicate" | "error";
  name?: string;
  /** Only in a real run that was imported. */
  partyId?: number;
  problems?: ImportProblem[];
  duplicates?: DuplicateMatch[];
}

export interface ImportReport {
  dryRun: boolean;
  /** True when the lines were stored (a real run without any error line). */
  imported: boolean;
  encoding: string;
  delimiter: string;
  columns: Array<{ column: string; field: ImportField | null }>;
  total: number;
  created: number;
  duplicates: number;
  errors: number;
  lines: ImportLine[];
}

export type DuplicatePolicy = "skip" | "create";

const bad = (message: string) => new DossierError("INVALID_ARGUMENT", message);

/** Decodes the bytes: UTF-8 when they are valid UTF-8, windows-1252 (French Excel) otherwise. */
export function decodeCsv(bytes: Uint8Array): { text: string; encoding: "utf-8" | "windows-1252" } {
  try {
    const text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    return { text: text.replace(/^\uFEFF/, ""), encoding: "utf-8" };
  } catch {
    return { text: new TextDecoder("windows-1252").decode(bytes), encoding: "windows-1252" };
  }
}

/** The separator of the header line: the most frequent of `;`, `,` and tab outside quotes. */
export function detectDelimiter(text: string): string {
  const header = (text.split(/\r?\n/, 1)[0] ?? "").replace(/"[^"]*"/g, "");
  let best = ",";
  let most = 0;
  for (const d of [";", ",", "\t"]) {
    const n = header.split(d).length - 1;
    if (n > most) [best, most] = [d, n];
  }
  return best;
}

const truthy = (v: string) => /^(1|x|y|yes|o|oui|true|vrai)$/i.test(v);
const falsy = (v: string) => /^(0|n|no|non|false|faux)$/i.test(v);

export function parsePartyCsv(bytes: Uint8Array, options: { mapping?: Record<string, string>; delimiter?: string } = {}): ParsedImport {
  const { text, encoding } = decodeCsv(bytes);
  if (text.trim() === "") throw bad("Expected a CSV file with a header line, but the file is empty");
  const delimiter = options.delimiter ?? detectDelimiter(text);
  let rows: Array<{ record: string[]; info: { lines: number } }>;
  try {
    rows = parse(text, { delimiter, info: true, relax_column_count: true, skip_empty_lines: true, bom: true, trim: true }) as never;
  } catch (e) {
    throw bad(`Expected a well-formed CSV file, but: ${(e as Error).message}`);
  }
  const header = rows.shift();
  if (!header) throw bad("Expected a CSV file with a header line, but found none");
  if (rows.length > MAX_IMPORT_LINES) throw new DossierError("PAYLOAD_TOO_LARGE", `Expected at most ${MAX_IMPORT_LINES} lines, but the file has ${rows.length}`);
  const names = header.record.map((c) => c.trim());
  const columns = names.map((column) => ({ column, field: null as ImportField | null }));
  if (options.mapping) {
    for (const [column, field] of Object.entries(options.mapping)) {
      const at = names.indexOf(column);
      if (at < 0) throw bad(`Expected the mapped column '${column}' in the file's header, but found only: ${names.join(", ")}`);
      if (field === null || field === "" || field === "ignore") continue;
      if (!(IMPORT_FIELDS as readonly string[]).includes(field)) throw bad(`Expected the column '${column}' mapped to one of ${IMPORT_FIELDS.join(", ")} (or "ignore"), but found '${field}'`);
      columns[at]!.field = field as ImportField;
    }
  } else {
    for (const c of columns) {
      const exact = (IMPORT_FIELDS as readonly string[]).find((f) => f.toLowerCase() === c.column.toLowerCase());
      c.field = (exact as ImportField | undefined) ?? ALIASES[fold(c.column)] ?? null;
    }
  }
  if (!columns.some((c) => c.field !== null)) throw bad(`Expected at least one column mapped to a party field, but none of ${names.join(", ")} is (give a mapping)`);
  return { encoding, delimiter, columns, records: rows.map(({ record, info }) => toInput(info.lines, record, columns)) };
}

function toInput(line: number, record: string[], columns: ParsedImport["columns"]): ParsedImport["records"][number] {
  const input: PartyInput = {};
  const address: Record<string, string> = {};
  const flags: string[] = [];
  const phones: Array<{ number: string; label?: string }> = [];
  const phoneCols: string[] = [];
  const emails: string[] = [];
  const emailCols: string[] = [];
  const colOf = new Map<string, string>();
  columns.forEach(({ column, field }, i) => {
    // A leading ' is the export's guard against spreadsheet formulas.
    const v = (record[i] ?? "").trim().replace(/^'(?=[=@+\-])/, "");
    if (!field || v === "") return;
    colOf.set(field, column);
    switch (field) {
      case "street": case "number": case "postcode": case "city": case "country":
        address[field] = v;
        colOf.set(`address.${field}`, column);
        break;
      case "prospect": case "customer": case "supplier": case "partner":
        if (truthy(v) || v.toLowerCase() === field) flags.push(field);
        break;
      case "phones": case "phone": case "mobile": case "fixe":
        for (const n of v.split(/[|,;]|\s\/\s/).map((s) => s.trim()).filter(Boolean)) {
          phones.push(field === "mobile" || field === "fixe" ? { number: n, label: field } : { number: n });
          phoneCols.push(column);
        }
        break;
      case "emails": case "email":
        for (const e of v.split(/[|,;\s]+/).filter(Boolean)) {
          emails.push(e);
          emailCols.push(column);
        }
        break;
      case "kind": {
        const k = fold(v);
        input.kind = /^(p|person|personne|particulier|individu)$/.test(k) ? "person" : /^(o|organisation|organization|societe|entreprise|company|pro|professionnel)$/.test(k) ? "organisation" : v;
        break;
      }
      case "vatSubject":
        input.vatSubject = truthy(v) ? true : falsy(v) ? false : v;
        break;
      case "parentId":
        input.parentId = /^\d+$/.test(v) ? Number(v) : v;
        break;
      case "flags":
        flags.push(...v.split(/[|,;]/).map((s) => s.trim().toLowerCase()).filter(Boolean));
        break;
      case "preferredChannel": case "language":
        input[field] = v.toLowerCase();
        break;
      default:
        input[field] = v;
    }
  });
  if (Object.keys(address).length > 0) input.address = address;
  if (flags.length > 0) input.flags = [...new Set(flags)];
  if (phones.length > 0) input.phones = phones;
  if (emails.length > 0) input.emails = emails;
  if (input.kind === undefined) input.kind = input.organisationName || (input.name && !input.lastName) ? "organisation" : "person";
  if (input.kind === "person" && input.name !== undefined) {
    if (input.lastName === undefined) input.lastName = input.name;
    delete input.name;
  }
  const columnOf = (field: string): string | undefined => {
    const m = /^(phones|emails)\[(\d+)\]/.exec(field);
    if (m) return (m[1] === "phones" ? phoneCols : emailCols)[Number(m[2])];
    return colOf.get(field) ?? colOf.get(field.split(".")[0]!) ?? (field === "organisationName" ? colOf.get("name") : undefined);
  };
  return { line, input, columnOf };
}

/**
 * Creates the parsed lines in the current transaction and reports each. Lines that duplicate an
 * existing party (or an earlier line) are skipped with the parties they look like, unless the
 * policy is `create`. The caller decides whether the transaction commits (see the module comment).
 */
export function runImport(book: PartyBook, parsed: ParsedImport, options: { dryRun: boolean; duplicates: DuplicatePolicy }, actor: string | null): ImportReport {
  const report: ImportReport = {
    dryRun: options.dryRun, imported: false, encoding: parsed.encoding, delimiter: parsed.delimiter, columns: parsed.columns,
    total: parsed.records.length, created: 0, duplicates: 0, errors: 0, lines: [],
  };
  for (const { line, input, columnOf } of parsed.records) {
    const name = String(input.organisationName ?? input.name ?? [input.lastName, input.firstName].filter(Boolean).join(" "));
    // A parent company given by name (as ERPs export it) is the one organisation of that name,
    // stored before or on an earlier line.
    let parentProblem: ImportProblem | undefined;
    if (typeof input.parentId === "string") {
      const named = book.organisationsNamed(input.parentId);
      if (named.length === 1) input.parentId = named[0];
      else {
        parentProblem = { field: "parentId", message: named.length === 0 ? `expected a parent company id or the name of an organisation, but no organisation is named '${input.parentId}'` : `expected one organisation named '${input.parentId}', but found ${named.length} (give its id)` };
        delete input.parentId;
      }
    }
    const { doc, problems } = book.check(input);
    if (parentProblem) problems.push(parentProblem);
    if (problems.length > 0) {
      report.errors++;
      report.lines.push({
        line, status: "error", name,
        problems: problems.map((p) => {
          const column = columnOf(p.field);
          return column ? { ...p, column } : p;
        }),
      });
      continue;
    }
    const duplicates = book.duplicatesOfDocument(doc);
    if (duplicates.length > 0 && options.duplicates === "skip") {
      report.duplicates++;
      report.lines.push({ line, status: "duplicate", name: doc.name, duplicates });
      continue;
    }
    const row = book.insert(doc, actor);
    report.created++;
    report.lines.push({ line, status: "created", name: row.name, ...(options.dryRun ? {} : { partyId: row.id }), ...(duplicates.length ? { duplicates } : {}) });
  }
  return report;
}
