/**
 * Invoice and payment imports (an ERP export, a bank statement): CSV (; , or tab, French or English
 * headers) or JSON (a list of objects in the API's shape). A dry run (the default) answers a line
 * report and writes nothing; a real run writes every line in ONE transaction, or nothing when a
 * line is wrong (the report then names each wrong line). Re-importing the same file changes
 * nothing: invoices are keyed by number, payments by (source, external id) when the file has one.
 */
import { parse } from "csv-parse/sync";
import { DossierError } from "../dossiers/errors.js";
import type { InvoiceInput, Invoices, PaymentInput } from "./invoices.js";
import { parseAmount } from "./printer.js";

export interface ImportLine {
  line: number;
  key: string | null;
  status: "create" | "update" | "unchanged" | "matched" | "unmatched" | "duplicate" | "error";
  problems?: string[];
  dossierReference?: string;
}

export interface ImportReport {
  kind: "invoices" | "payments";
  dryRun: boolean;
  total: number;
  errors: number;
  counts: Record<string, number>;
  lines: ImportLine[];
  imported: boolean;
}

const HEADERS: Record<string, string> = {
  number: "number", numero: "number", "numero de facture": "number", facture: "number", "n facture": "number", invoice: "number", "invoice number": "number",
  client: "customer", customer: "customer", dossier: "customer", "reference client": "customer", "dossier client": "customer",
  email: "customerEmail", "e-mail": "customerEmail", "email client": "customerEmail", tva: "vat", "n tva": "customerVat", "tva client": "customerVat", "vat number": "customerVat",
  "nom client": "customerName", "customer name": "customerName", raison: "customerName", "raison sociale": "customerName",
  date: "issueDate", "date facture": "issueDate", "issue date": "issueDate", "date d'emission": "issueDate", echeance: "dueDate", "date d'echeance": "dueDate", "due date": "dueDate",
  ht: "net", "montant ht": "net", net: "net", "total ht": "net", "montant tva": "vat", vat: "vat", ttc: "gross", "montant ttc": "gross", gross: "gross", "total ttc": "gross",
  devise: "currency", currency: "currency", contrat: "contractReference", contract: "contractReference", "external id": "externalId", id: "externalId", "id erp": "externalId",
  montant: "amount", amount: "amount", "date de paiement": "receivedOn", "date paiement": "receivedOn", "received on": "receivedOn", "date valeur": "receivedOn", "date operation": "receivedOn",
  libelle: "reference", reference: "reference", label: "reference", type: "kind", kind: "kind", mode: "method", method: "method", "mode de paiement": "method",
};

const fold = (s: string) => s.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[°º.]/g, "").replace(/\s+/g, " ").trim();

function day(value: string | undefined): string | undefined {
  if (!value) return undefined;
  const v = value.trim();
  const fr = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(v);
  if (fr) return `${fr[3]}-${fr[2]!.padStart(2, "0")}-${fr[1]!.padStart(2, "0")}`;
  return v;
}

function cents(value: unknown): number | undefined {
  if (typeof value === "number") return Math.round(value * 100);
  if (typeof value !== "string" || value.trim() === "") return undefined;
  const neg = value.trim().startsWith("-");
  const c = parseAmount(value.replace(/^-/, "").replace(/€|EUR/gi, ""));
  return c === undefined ? Number.NaN : neg ? -c : c;
}

/** Rows of a CSV or JSON upload as objects with canonical keys. */
export function parseRows(buffer: Buffer, filename: string, mapping?: Record<string, string>): Array<Record<string, unknown>> {
  const text = buffer.toString("utf8").replace(/^\uFEFF/, "");
  if (/\.json$/i.test(filename) || /^\s*[[{]/.test(text)) {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (e) {
      throw new DossierError("INVALID_ARGUMENT", `Expected JSON (a list of objects), but it does not parse: ${(e as Error).message}`);
    }
    const list = Array.isArray(data) ? data : (data as { invoices?: unknown; payments?: unknown })?.invoices ?? (data as { payments?: unknown })?.payments;
    if (!Array.isArray(list)) throw new DossierError("INVALID_ARGUMENT", "Expected a JSON list of objects (or {invoices: [...]}/{payments: [...]}), but found another shape");
    return list.map((o) => (o && typeof o === "object" ? { ...(o as Record<string, unknown>), __json: true } : { __bad: true }));
  }
  const first = text.split(/\r?\n/, 1)[0] ?? "";
  const delimiter = [";", "\t", ","].map((d) => [d, first.split(d).length] as const).sort((a, b) => b[1] - a[1])[0]![0];
  let records: string[][];
  try {
    records = parse(text, { delimiter, relax_column_count: true, skip_empty_lines: true, trim: true }) as string[][];
  } catch (e) {
    throw new DossierError("INVALID_ARGUMENT", `Expected a CSV file, but it does not parse: ${(e as Error).message}`);
  }
  if (records.length < 1) throw new DossierError("INVALID_ARGUMENT", "Expected a header line and at least one line, but the file is empty");
  const header = records[0]!.map((h) => mapping?.[h] ?? HEADERS[fold(h)] ?? h);
  return records.slice(1).map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ""])));
}

export function invoiceOf(row: Record<string, unknown>): InvoiceInput {
  if (row["__json"]) {
    const { __json: _j, ...rest } = row;
    return { ...(rest as unknown as InvoiceInput), source: typeof rest["source"] === "string" ? rest["source"] : "csv" };
  }
  const s = (k: string) => (typeof row[k] === "string" && (row[k] as string).trim() !== "" ? (row[k] as string).trim() : undefined);
  const gross = cents(s("gross")), net = cents(s("net")), vat = cents(s("vat"));
  const ref = s("customer");
  return {
    number: s("number") ?? "", source: "csv",
    customer: { ...(ref ? { dossierReference: ref } : {}), ...(s("customerEmail") ? { email: s("customerEmail")! } : {}), ...(s("customerVat") ? { vatNumber: s("customerVat")! } : {}), ...(s("customerName") ? { name: s("customerName")! } : {}) },
    issueDate: day(s("issueDate")) ?? "", dueDate: day(s("dueDate")) ?? day(s("issueDate")) ?? "",
    netCents: net ?? (gross !== undefined && vat !== undefined ? gross - vat : gross ?? Number.NaN), vatCents: vat ?? (gross !== undefined && net !== undefined ? gross - net : 0), grossCents: gross ?? Number.NaN,
    ...(s("currency") ? { currency: s("currency")! } : {}), ...(s("contractReference") ? { contractReference: s("contractReference")! } : {}), ...(s("externalId") ? { externalId: s("externalId")! } : {}),
  };
}

export function paymentOf(row: Record<string, unknown>, source: string): PaymentInput {
  if (row["__json"]) {
    const { __json: _j, ...rest } = row;
    return { ...(rest as unknown as PaymentInput), source: typeof rest["source"] === "string" ? rest["source"] : source };
  }
  const s = (k: string) => (typeof row[k] === "string" && (row[k] as string).trim() !== "" ? (row[k] as string).trim() : undefined);
  const kindText = fold(s("kind") ?? "payment");
  const kind = /avoir|credit/.test(kindText) ? "credit_note" : /perte|write/.test(kindText) ? "write_off" : "payment";
  const amount = cents(s("amount") ?? s("gross"));
  const ref = s("customer");
  return {
    ...(s("number") ? { invoiceNumber: s("number")! } : {}), amountCents: amount === undefined ? Number.NaN : Math.abs(amount), receivedOn: day(s("receivedOn") ?? s("issueDate")) ?? "",
    kind, source, ...(s("method") ? { method: s("method")! } : {}), ...(s("reference") ? { reference: s("reference")! } : {}), ...(s("externalId") ? { externalId: s("externalId")! } : {}),
    ...(ref || s("customerEmail") || s("customerVat") || s("customerName") ? { customer: { ...(ref ? { dossierReference: ref } : {}), ...(s("customerEmail") ? { email: s("customerEmail")! } : {}), ...(s("customerVat") ? { vatNumber: s("customerVat")! } : {}), ...(s("customerName") ? { name: s("customerName")! } : {}) } } : {}),
  };
}

class Rollback extends Error {
  constructor(readonly report: ImportReport) {
    super("import rolled back");
  }
}

export async function importInvoices(invoices: Invoices, rows: Array<Record<string, unknown>>, dryRun: boolean, actor: string): Promise<ImportReport> {
  const report: ImportReport = { kind: "invoices", dryRun, total: rows.length, errors: 0, counts: {}, lines: [], imported: false };
  try {
    await invoices["deps"].domain.engine.transaction((tx) => {
      rows.forEach((row, i) => {
        const line: ImportLine = { line: i + 2, key: null, status: "error" };
        try {
          const input = invoiceOf(row);
          line.key = typeof input.number === "string" ? input.number : null;
          const v = invoices.check(input);
          const customer = invoices.resolveCustomer(input.customer ?? {});
          if (!customer) throw new DossierError("NOT_FOUND", `Expected a customer dossier for ${JSON.stringify(input.customer)}, but none matches`);
          line.dossierReference = customer.dossier.reference;
          let contractId: number | null = null;
          if (input.contractReference) {
            const c = invoices["db"].prepare(`SELECT id FROM dossier WHERE reference = ?`).get(input.contractReference) as { id: number } | undefined;
            if (!c) throw new DossierError("NOT_FOUND", `Expected a contract dossier '${input.contractReference}', but none was found`);
            contractId = c.id;
          }
          const before = invoices.byNumber(v.number);
          const r = invoices.upsertIn(tx, { ...input, send: !dryRun }, v, customer, contractId, actor);
          line.status = r.created ? "create" : before && before.version === r.invoice.version ? "unchanged" : "update";
        } catch (e) {
          line.problems = e instanceof DossierError && e.problems.length ? e.problems.map((p) => p.message) : [(e as Error).message];
          report.errors++;
        }
        report.counts[line.status] = (report.counts[line.status] ?? 0) + 1;
        report.lines.push(line);
      });
      if (dryRun || report.errors > 0) throw new Rollback(report);
    });
    report.imported = true;
  } catch (e) {
    if (!(e instanceof Rollback)) throw e;
  }
  return report;
}

export async function importPayments(invoices: Invoices, rows: Array<Record<string, unknown>>, source: string, dryRun: boolean, actor: string): Promise<ImportReport> {
  const report: ImportReport = { kind: "payments", dryRun, total: rows.length, errors: 0, counts: {}, lines: [], imported: false };
  try {
    await invoices["deps"].domain.engine.transaction((tx) => {
      rows.forEach((row, i) => {
        const line: ImportLine = { line: i + 2, key: null, status: "error" };
        try {
          const input = paymentOf(row, source);
          line.key = input.invoiceNumber ?? input.reference ?? null;
          const r = invoices.recordPaymentIn(tx, input, actor);
          line.status = r.duplicate ? "duplicate" : r.matched ? "matched" : "unmatched";
          if (r.invoice) line.key = r.invoice.number;
        } catch (e) {
          line.problems = e instanceof DossierError && e.problems.length ? e.problems.map((p) => p.message) : [(e as Error).message];
          report.errors++;
        }
        report.counts[line.status] = (report.counts[line.status] ?? 0) + 1;
        report.lines.push(line);
      });
      if (dryRun || report.errors > 0) throw new Rollback(report);
    });
    report.imported = true;
  } catch (e) {
    if (!(e instanceof Rollback)) throw e;
  }
  return report;
}
