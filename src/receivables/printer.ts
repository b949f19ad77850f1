/**
 * The virtual printer: the ERP "prints" PDF invoices into INVOICES_INBOX_DIR (DATA_DIR/invoices/inbox).
 * Each file is read with pdftotext, its number, customer (dossier reference, VAT number, e-mail or
 * name), amounts and dates extracted by configurable patterns (RE2 syntax: linear time, no
 * backtracking blow-up on hostile PDFs; editable in the /receivables page), matched to the customer
 * dossier and upserted as an invoice (source "printer") with the PDF as its document. What cannot be
 * read or matched goes to review/ with a review task; a file is never deleted: processed/ or review/.
 * Files are known by their SHA-256, so a file dropped twice is read once.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import type Database from "better-sqlite3";
import { RE2JS } from "re2js";
import type { Domain } from "../dossiers/domain.js";
import { DossierError } from "../dossiers/errors.js";
import { statement } from "../persistence/statements.js";
import type { ActivatedJob } from "../engine/commands/jobs.js";
import type { Dunning } from "./dunning.js";
import type { CustomerRef, InvoiceInput, Invoices } from "./invoices.js";

const run = promisify(execFile);

export const PATTERN_FIELDS = ["number", "dossierReference", "vatNumber", "email", "name", "issueDate", "dueDate", "net", "vat", "gross"] as const;
export type PatternField = (typeof PATTERN_FIELDS)[number];
export type Patterns = Record<PatternField, string>;

/** Patterns for the usual French invoice layout; group 1 is the value. */
export const DEFAULT_PATTERNS: Patterns = {
  number: String.raw`(?i)facture\s*(?:n°|no|n|num[ée]ro)\s*[:.]?\s*([A-Z0-9][A-Z0-9\-/._]{2,63})`,
  dossierReference: String.raw`(?i)(?:r[ée]f(?:[ée]rence)?\.?\s*(?:client|dossier))\s*:?\s*([A-Z]{2,6}-\d{4}-\d{3,6})`,
  vatNumber: String.raw`(?i)TVA\s+(?:intracommunautaire\s+)?client\s*:?\s*([A-Z]{2}\s?[0-9A-Z]{2}\s?[0-9A-Z ]{6,12}[0-9A-Z])`,
  email: String.raw`(?i)e-?mail\s+client\s*:?\s*([A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,})`,
  name: String.raw`(?im)^\s*(?:client|factur[ée] [àa])\s*:\s*(.+?)\s*$`,
  issueDate: String.raw`(?i)date\s*(?:de\s+(?:la\s+)?facture|d'[ée]mission)?\s*:\s*(\d{2}/\d{2}/\d{4}|\d{4}-\d{2}-\d{2})`,
  dueDate: String.raw`(?i)(?:date\s+d'[ée]ch[ée]ance|[ée]ch[ée]ance|à payer avant le)\s*:?\s*(\d{2}/\d{2}/\d{4}|\d{4}-\d{2}-\d{2})`,
  net: String.raw`(?i)total\s+HT\s*:?\s*([0-9][0-9 \x{a0}\x{202f}.,]*[0-9])`,
  vat: String.raw`(?i)(?:total\s+)?TVA(?:\s+[0-9]+(?:[.,][0-9]+)?\s*%)?\s*:\s*([0-9][0-9 \x{a0}\x{202f}.,]*[0-9])`,
  gross: String.raw`(?i)total\s+TTC\s*:?\s*([0-9][0-9 \x{a0}\x{202f}.,]*[0-9])`,
};

/** "1 234,56" | "1,234.56" | "1234" → cents. */
export function parseAmount(text: string): number | undefined {
  const t = text.replace(/[\s\u00a0\u202f]/g, "");
  if (!/^[0-9.,]+$/.test(t)) return undefined;
  const lastComma = t.lastIndexOf(","), lastDot = t.lastIndexOf(".");
  const dec = Math.max(lastComma, lastDot);
  let whole = t, frac = "";
  if (dec >= 0 && t.length - dec - 1 <= 2) {
    whole = t.slice(0, dec);
    frac = t.slice(dec + 1);
  }
  whole = whole.replace(/[.,]/g, "");
  const cents = Number(whole || "0") * 100 + Number((frac + "00").slice(0, 2));
  return Number.isSafeInteger(cents) ? cents : undefined;
}

function parseDay(text: string): string | undefined {
  const fr = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(text);
  const day = fr ? `${fr[3]}-${fr[2]}-${fr[1]}` : /^\d{4}-\d{2}-\d{2}$/.test(text) ? text : undefined;
  if (!day || Number.isNaN(Date.parse(`${day}T00:00:00Z`)) || new Date(`${day}T00:00:00Z`).toISOString().slice(0, 10) !== day) return undefined;
  return day;
}

export function checkPatterns(input: unknown): Patterns {
  if (!input || typeof input !== "object" || Array.isArray(input)) throw new DossierError("INVALID_ARGUMENT", "Expected an object of patterns {number, gross, …}, but found " + JSON.stringify(input)?.slice(0, 60));
  const out = { ...DEFAULT_PATTERNS };
  const problems: Array<{ field: string; message: string }> = [];
  for (const [k, v] of Object.entries(input as Record<string, unknown>)) {
    if (!(PATTERN_FIELDS as readonly string[]).includes(k)) {
      problems.push({ field: k, message: `Expected one of ${PATTERN_FIELDS.join(", ")}, but found '${k}'` });
      continue;
    }
    if (typeof v !== "string" || v.length > 1000) {
      problems.push({ field: k, message: `Expected a regular expression (at most 1000 characters), but found ${JSON.stringify(v)?.slice(0, 60)}` });
      continue;
    }
    try {
      const re = RE2JS.compile(v);
      if (re.groupCount() < 1) throw new Error("it has no capturing group: the value is group 1");
    } catch (e) {
      problems.push({ field: k, message: `Expected a valid RE2 pattern with a group, but: ${(e as Error).message}` });
      continue;
    }
    out[k as PatternField] = v;
  }
  if (problems.length) throw new DossierError("VALIDATION_FAILED", `Expected valid patterns, but ${problems.map((p) => `${p.field}: ${p.message}`).join("; ")}`, problems);
  return out;
}

export interface Extraction {
  fields: Partial<Record<PatternField, string>>;
  input?: Omit<InvoiceInput, "source">;
  problems: string[];
}

/** Reads the fields of an invoice's text with the patterns. */
export function extract(text: string, patterns: Patterns): Extraction {
  const fields: Partial<Record<PatternField, string>> = {};
  for (const f of PATTERN_FIELDS) {
    try {
      const m = RE2JS.compile(patterns[f]).matcher(text);
      if (m.find()) {
        const g = m.group(1);
        if (g !== null && g !== undefined && g.trim() !== "") fields[f] = g.trim();
      }
    } catch {
      // a bad stored pattern reads nothing
    }
  }
  const problems: string[] = [];
  const number = fields.number;
  const gross = fields.gross !== undefined ? parseAmount(fields.gross) : undefined;
  let net = fields.net !== undefined ? parseAmount(fields.net) : undefined;
  let vat = fields.vat !== undefined ? parseAmount(fields.vat) : undefined;
  const issueDate = fields.issueDate ? parseDay(fields.issueDate) : undefined;
  const dueDate = fields.dueDate ? parseDay(fields.dueDate) : issueDate;
  if (!number) problems.push("Expected an invoice number (pattern 'number'), but found none");
  if (gross === undefined) problems.push(`Expected a total incl. VAT (pattern 'gross'), but found ${fields.gross ? `'${fields.gross}'` : "none"}`);
  if (!issueDate) problems.push(`Expected an issue date (pattern 'issueDate'), but found ${fields.issueDate ? `'${fields.issueDate}'` : "none"}`);
  if (gross !== undefined) {
    if (net === undefined && vat !== undefined) net = gross - vat;
    if (vat === undefined && net !== undefined) vat = gross - net;
    if (net === undefined) {
      net = gross;
      vat = 0;
    }
    if (net + (vat ?? 0) !== gross) problems.push(`Expected total excl. VAT + VAT = total incl. VAT, but found ${net} + ${vat} ≠ ${gross} (cents)`);
  }
  const customer: CustomerRef = {
    ...(fields.dossierReference ? { dossierReference: fields.dossierReference } : {}), ...(fields.vatNumber ? { vatNumber: fields.vatNumber.replace(/\s/g, "") } : {}),
    ...(fields.email ? { email: fields.email.toLowerCase() } : {}), ...(fields.name ? { name: fields.name } : {}),
  };
  if (Object.keys(customer).length === 0) problems.push("Expected the customer (dossier reference, VAT number, e-mail or name), but found none");
  if (problems.length) return { fields, problems };
  return { fields, problems, input: { number: number!, customer, issueDate: issueDate!, dueDate: dueDate!, netCents: net!, vatCents: vat ?? 0, grossCents: gross! } };
}

export async function pdfText(file: string): Promise<string> {
  const { stdout } = await run("pdftotext", ["-layout", "-enc", "UTF-8", file, "-"], { maxBuffer: 16 * 1024 * 1024, timeout: 30_000 });
  return stdout;
}

export interface PrinterResult {
  file: string;
  state: "imported" | "updated" | "review" | "duplicate";
  invoiceNumber?: string;
  dossierReference?: string;
  problems?: string[];
}

export class VirtualPrinter {
  private busy: Promise<PrinterResult[]> | null = null;

  constructor(private readonly deps: { db: Database.Database; domain: Domain; invoices: Invoices; dunning: Dunning; inboxDir: string; log: (m: string) => void }) {}

  get processedDir() {
    return path.join(path.dirname(this.deps.inboxDir), "processed");
  }

  get reviewDir() {
    return path.join(path.dirname(this.deps.inboxDir), "review");
  }

  patterns(): Patterns {
    return { ...DEFAULT_PATTERNS, ...this.deps.dunning.setting<Partial<Patterns>>("printerPatterns", {}) };
  }

  /** Reads every PDF in the inbox once (calls made while a scan runs wait for it). */
  scan(): Promise<PrinterResult[]> {
    if (!this.busy) this.busy = this.scanOnce().finally(() => (this.busy = null));
    return this.busy;
  }

  private async scanOnce(): Promise<PrinterResult[]> {
    for (const d of [this.deps.inboxDir, this.processedDir, this.reviewDir]) mkdirSync(d, { recursive: true });
    const results: PrinterResult[] = [];
    const names = readdirSync(this.deps.inboxDir).filter((n) => /\.pdf$/i.test(n)).sort();
    for (const name of names) {
      const file = path.join(this.deps.inboxDir, name);
      try {
        const st = statSync(file);
        if (!st.isFile() || Date.now() - st.mtimeMs < 1000) continue; // still being written
        results.push(await this.readFile(file, name));
      } catch (e) {
        this.deps.log(`receivables: printer file ${name}: ${(e as Error).message}`);
      }
    }
    return results;
  }

  private move(file: string, dir: string, name: string): string {
    let target = path.join(dir, name);
    if (existsSync(target)) target = path.join(dir, `${path.parse(name).name}-${Date.now()}${path.extname(name)}`);
    renameSync(file, target);
    return target;
  }

  private async readFile(file: string, name: string, customer?: CustomerRef): Promise<PrinterResult> {
    const bytes = readFileSync(file);
    const sha = createHash("sha256").update(bytes).digest("hex");
    const known = statement(this.deps.db, `SELECT state FROM printer_file WHERE sha256 = ?`).get(sha) as { state: string } | undefined;
    if (known && known.state !== "review") {
      this.move(file, this.processedDir, name);
      return { file: name, state: "duplicate" };
    }
    let text = "";
    const problems: string[] = [];
    try {
      text = await pdfText(file);
    } catch (e) {
      problems.push(`Expected a PDF that pdftotext can read, but: ${(e as Error).message.split("\n")[0]}`);
    }
    const x = problems.length ? { fields: {}, problems } as Extraction : extract(text, this.patterns());
    let matched: ReturnType<Invoices["resolveCustomer"]>;
    if (x.input) {
      matched = this.deps.invoices.resolveCustomer(customer ?? x.input.customer);
      if (!matched) x.problems.push(`Expected a customer dossier for ${JSON.stringify(customer ?? x.input.customer)}, but none matches`);
    }
    if (!x.input || !matched) return this.toReview(file, name, sha, x, bytes.length);
    const { invoice, created } = await this.deps.invoices.upsert({ ...x.input, customer: customer ?? { dossierReference: matched.dossier.reference }, source: "printer", pdf: bytes, pdfName: name }, "printer");
    const now = this.deps.domain.engine.clock.now();
    statement(this.deps.db, `INSERT INTO printer_file (sha256, name, state, invoice_id, detail, at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (sha256) DO UPDATE SET state = excluded.state, invoice_id = excluded.invoice_id, detail = excluded.detail, at = excluded.at`)
      .run(sha, name, "imported", invoice.id, JSON.stringify({ fields: x.fields, matchedBy: matched.matchedBy }), now);
    this.move(file, this.processedDir, name);
    return { file: name, state: created ? "imported" : "updated", invoiceNumber: invoice.number, dossierReference: matched.dossier.reference };
  }

  private async toReview(file: string, name: string, sha: string, x: Extraction, size: number): Promise<PrinterResult> {
    const kept = this.move(file, this.reviewDir, name);
    await this.deps.domain.engine.transaction((tx) => {
      statement(this.deps.db, `INSERT INTO printer_file (sha256, name, state, invoice_id, detail, at) VALUES (?, ?, 'review', NULL, ?, ?) ON CONFLICT (sha256) DO UPDATE SET detail = excluded.detail, at = excluded.at`)
        .run(sha, path.basename(kept), JSON.stringify({ fields: x.fields, problems: x.problems, size }), tx.now);
      this.deps.invoices.startReview(tx, "printer", {
        fileName: path.basename(kept), sha256: sha, problem: x.problems.join(" ; "), fields: x.fields,
        summary: `Facture déposée par l'ERP (${path.basename(kept)}) non rapprochée${x.fields.number ? ` : n° ${x.fields.number}` : ""}${x.fields.name ? `, client « ${x.fields.name} »` : ""}`,
      });
    });
    this.deps.log(`receivables: printer file ${name} kept for review: ${x.problems.join("; ")}`);
    return { file: name, state: "review", ...(x.fields.number ? { invoiceNumber: x.fields.number } : {}), problems: x.problems };
  }

  /** The review task named the customer dossier: the kept file is read again for it. */
  async resolveReview(job: ActivatedJob, dossierReference: string): Promise<void> {
    const fileName = String(job.variables["fileName"] ?? "");
    const file = path.join(this.reviewDir, path.basename(fileName));
    if (!fileName || !existsSync(file)) throw new DossierError("NOT_FOUND", `Expected the file ${fileName} in ${this.reviewDir}, but it is not there`);
    const result = await this.readFile(file, path.basename(file), { dossierReference });
    if (result.state === "review") {
      throw new DossierError("INVALID_ARGUMENT", `Expected the file to read with dossier ${dossierReference}, but: ${(result.problems ?? []).join("; ")}`);
    }
    await this.deps.domain.engine.transaction((tx) => tx.completeJob(job.jobKey, { resolved: true, invoiceNumber: result.invoiceNumber ?? null }));
  }
}
