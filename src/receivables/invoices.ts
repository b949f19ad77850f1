/**
 * Invoices and payments: the service every source goes through (API, CSV/JSON import, the virtual
 * printer, the ERP pull). `upsert` is idempotent on the invoice number; `recordPayment` matches a
 * payment (or credit note, write-off) by invoice number, else by amount and customer, else keeps it
 * unmatched with a review task. Statuses are recomputed from the amounts; a balance reaching 0
 * publishes `invoice-settled` (correlation key: the invoice number) so its dunning scenario stops.
 * Every write is ONE engine transaction with its journal entries and its engine commands.
 */
import type Database from "better-sqlite3";
import type { Domain } from "../dossiers/domain.js";
import { DossierError } from "../dossiers/errors.js";
import { nameKey, vatKey } from "../dossiers/parties/keys.js";
import { dossierById, type DossierRow } from "../dossiers/rows.js";
import type { EngineTransaction } from "../engine/engine.js";
import { statement } from "../persistence/statements.js";
import { isoDay, money } from "./format.js";

export const INVOICE_STATUSES = ["issued", "sent", "partially_paid", "paid", "disputed", "credited", "written_off"] as const;
export type InvoiceStatus = (typeof INVOICE_STATUSES)[number];
export const SOURCES = ["api", "csv", "printer", "dolibarr", "manual"] as const;
export const PAYMENT_KINDS = ["payment", "credit_note", "write_off"] as const;
export type PaymentKind = (typeof PAYMENT_KINDS)[number];
export const SEGMENTS = ["small_business", "large_account", "public_body", "bad_payer"] as const;
export type Segment = (typeof SEGMENTS)[number];
export const SETTLED_MESSAGE = "invoice-settled";
export const DISPUTED_MESSAGE = "invoice-disputed";
export const REVIEW_PROCESS = "factures-revue";

export interface CustomerRef {
  dossierReference?: string;
  partyId?: number;
  email?: string;
  vatNumber?: string;
  name?: string;
}

export interface InvoiceLine {
  label: string;
  quantity?: number;
  unitCents?: number;
  totalCents?: number;
}

export interface InvoiceInput {
  number: string;
  customer: CustomerRef;
  contractReference?: string;
  currency?: string;
  issueDate: string;
  dueDate: string;
  netCents: number;
  vatCents: number;
  grossCents: number;
  lines?: InvoiceLine[];
  source: string;
  externalId?: string;
  pdf?: Buffer;
  /** The PDF's file name when `pdf` is given. */
  pdfName?: string;
  /** Send it by the customer's preferred channel once created (default true). */
  send?: boolean;
}

export interface PaymentInput {
  invoiceNumber?: string;
  amountCents: number;
  currency?: string;
  receivedOn: string;
  kind?: PaymentKind;
  method?: string;
  reference?: string;
  source: string;
  externalId?: string;
  /** Receivables' addition: who paid, for matching by amount and customer when no number is given. */
  customer?: CustomerRef;
}

export interface InvoiceRow {
  id: number;
  number: string;
  dossierId: number;
  contractDossierId: number | null;
  partyId: number | null;
  currency: string;
  issueDate: string;
  dueDate: string;
  netCents: number;
  vatCents: number;
  grossCents: number;
  paidCents: number;
  creditedCents: number;
  writtenOffCents: number;
  balanceCents: number;
  status: InvoiceStatus;
  paidOn: string | null;
  segment: string | null;
  collector: string | null;
  lateReason: string | null;
  lateReasonNote: string | null;
  documentId: number | null;
  lines: InvoiceLine[] | null;
  source: string;
  externalId: string | null;
  sentAt: number | null;
  createdAt: number;
  updatedAt: number;
  version: number;
}

export interface PaymentRow {
  id: number;
  invoiceId: number | null;
  dossierId: number | null;
  partyId: number | null;
  kind: PaymentKind;
  amountCents: number;
  currency: string;
  receivedOn: string;
  method: string | null;
  reference: string | null;
  source: string;
  externalId: string | null;
  createdAt: number;
  createdBy: string | null;
}

export function toInvoice(r: Record<string, any>): InvoiceRow {
  const gross = Number(r.gross_cents), paid = Number(r.paid_cents), credited = Number(r.credited_cents), off = Number(r.written_off_cents);
  return {
    id: r.id, number: r.number, dossierId: r.dossier_id, contractDossierId: r.contract_dossier_id ?? null, partyId: r.party_id ?? null, currency: r.currency,
    issueDate: r.issue_date, dueDate: r.due_date, netCents: Number(r.net_cents), vatCents: Number(r.vat_cents), grossCents: gross, paidCents: paid,
    creditedCents: credited, writtenOffCents: off, balanceCents: gross - paid - credited - off, status: r.status, paidOn: r.paid_on ?? null,
    segment: r.segment ?? null, collector: r.collector ?? null, lateReason: r.late_reason ?? null, lateReasonNote: r.late_reason_note ?? null,
    documentId: r.document_id ?? null, lines: r.lines ? (JSON.parse(r.lines) as InvoiceLine[]) : null, source: r.source, externalId: r.external_id ?? null,
    sentAt: r.sent_at ?? null, createdAt: Number(r.created_at), updatedAt: Number(r.updated_at), version: r.version,
  };
}

export function toPayment(r: Record<string, any>): PaymentRow {
  return {
    id: r.id, invoiceId: r.invoice_id ?? null, dossierId: r.dossier_id ?? null, partyId: r.party_id ?? null, kind: r.kind, amountCents: Number(r.amount_cents),
    currency: r.currency, receivedOn: r.received_on, method: r.method ?? null, reference: r.reference ?? null, source: r.source, externalId: r.external_id ?? null,
    createdAt: Number(r.created_at), createdBy: r.created_by ?? null,
  };
}

const bad = (message: string) => new DossierError("INVALID_ARGUMENT", message);
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const NUMBER = /^[A-Za-z0-9][A-Za-z0-9 ._\/-]{0,63}$/;

export function checkDate(value: unknown, name: string): string {
  if (typeof value !== "string" || !DATE.test(value) || Number.isNaN(Date.parse(`${value}T00:00:00Z`)) || new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) !== value) {
    throw bad(`Expected ${name} to be a date YYYY-MM-DD, but found ${JSON.stringify(value)?.slice(0, 40)}`);
  }
  return value;
}

export function checkCents(value: unknown, name: string, allowZero = true): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0 || (!allowZero && value === 0)) {
    throw bad(`Expected ${name} to be a whole number of cents${allowZero ? " (0 or more)" : " above 0"}, but found ${JSON.stringify(value)?.slice(0, 40)}`);
  }
  return value;
}

function checkCurrency(value: unknown): string {
  if (value === undefined || value === null || value === "") return "EUR";
  if (typeof value !== "string" || !/^[A-Z]{3}$/.test(value)) throw bad(`Expected currency to be a three-letter ISO code such as EUR, but found ${JSON.stringify(value)}`);
  return value;
}

function checkSource(value: unknown): string {
  if (typeof value !== "string" || !(SOURCES as readonly string[]).includes(value)) throw bad(`Expected source to be one of ${SOURCES.join(", ")}, but found ${JSON.stringify(value)}`);
  return value;
}

/** The status an invoice's amounts (and an open dispute) give it. */
export function statusOf(i: { grossCents: number; paidCents: number; creditedCents: number; writtenOffCents: number; sentAt: number | null }, disputed: boolean): InvoiceStatus {
  const balance = i.grossCents - i.paidCents - i.creditedCents - i.writtenOffCents;
  if (balance <= 0) {
    if (i.creditedCents >= i.grossCents) return "credited";
    if (i.writtenOffCents > 0 && i.paidCents + i.creditedCents < i.grossCents) return "written_off";
    return "paid";
  }
  if (disputed) return "disputed";
  if (i.paidCents + i.creditedCents + i.writtenOffCents > 0) return "partially_paid";
  return i.sentAt !== null ? "sent" : "issued";
}

export interface InvoicesDeps {
  db: Database.Database;
  domain: Domain;
  now: () => number;
}

export type InvoiceHook = (tx: EngineTransaction, invoice: InvoiceRow, dossier: DossierRow, options: { send: boolean }) => void;
export type SettledHook = (tx: EngineTransaction, invoice: InvoiceRow) => void;

export class Invoices {
  private readonly created: InvoiceHook[] = [];
  private readonly settled: SettledHook[] = [];

  constructor(private readonly deps: InvoicesDeps) {}

  /** Called inside the creating transaction (diffusion by the preferred channel). */
  onCreated(hook: InvoiceHook): void {
    this.created.push(hook);
  }

  /** Called inside the transaction where an invoice's balance reached 0. */
  onSettled(hook: SettledHook): void {
    this.settled.push(hook);
  }

  private get db() {
    return this.deps.db;
  }

  byNumber(number: string): InvoiceRow | undefined {
    const r = statement(this.db, `SELECT * FROM invoice WHERE number = ?`).get(number) as Record<string, any> | undefined;
    return r ? toInvoice(r) : undefined;
  }

  byId(id: number): InvoiceRow | undefined {
    const r = statement(this.db, `SELECT * FROM invoice WHERE id = ?`).get(id) as Record<string, any> | undefined;
    return r ? toInvoice(r) : undefined;
  }

  /** The customer's open (unpaid, balance > 0) invoices of a dossier, oldest due first. */
  openOf(dossierId: number): InvoiceRow[] {
    return (statement(this.db, `SELECT * FROM invoice WHERE dossier_id = ? AND status IN ('issued','sent','partially_paid','disputed') ORDER BY due_date, id`).all(dossierId) as Record<string, any>[]).map(toInvoice);
  }

  payments(invoiceId: number): PaymentRow[] {
    return (statement(this.db, `SELECT * FROM invoice_payment WHERE invoice_id = ? ORDER BY received_on, id`).all(invoiceId) as Record<string, any>[]).map(toPayment);
  }

  /** The customer dossier (and party) a reference names; undefined when nothing matches. */
  resolveCustomer(ref: CustomerRef): { dossier: DossierRow; partyId: number | null; matchedBy: string } | undefined {
    const db = this.db;
    if (ref.dossierReference) {
      const r = statement(db, `SELECT * FROM dossier WHERE reference = ?`).get(ref.dossierReference.trim()) as Record<string, any> | undefined;
      if (r) {
        const dossier = dossierById(db, r.id)!;
        return { dossier, partyId: this.customerParty(dossier.id), matchedBy: "dossierReference" };
      }
    }
    const candidates: Array<[string, number[]]> = [];
    if (ref.partyId !== undefined && Number.isSafeInteger(ref.partyId)) candidates.push(["partyId", [ref.partyId]]);
    if (ref.vatNumber) {
      const key = vatKey(ref.vatNumber);
      if (key) candidates.push(["vatNumber", (statement(db, `SELECT id FROM party WHERE (vat_key = ? OR vat_local = ?) AND merged_into IS NULL`).all(key, key) as Array<{ id: number }>).map((x) => x.id)]);
    }
    if (ref.email) {
      candidates.push(["email", (statement(db, `SELECT e.party_id AS id FROM party_email e JOIN party p ON p.id = e.party_id WHERE e.email = ? AND p.merged_into IS NULL`).all(ref.email.trim().toLowerCase()) as Array<{ id: number }>).map((x) => x.id)]);
    }
    if (ref.name) {
      const key = nameKey(ref.name);
      if (key) candidates.push(["name", (statement(db, `SELECT id FROM party WHERE name_key = ? AND merged_into IS NULL`).all(key) as Array<{ id: number }>).map((x) => x.id)]);
    }
    for (const [by, ids] of candidates) {
      for (const partyId of ids) {
        const dossier = this.customerDossierOf(partyId);
        if (dossier) return { dossier, partyId, matchedBy: by };
      }
    }
    return undefined;
  }

  /** The party holding the customer role in a dossier. */
  customerParty(dossierId: number): number | null {
    const r = statement(this.db, `SELECT party_id FROM dossier_party WHERE dossier_id = ? ORDER BY CASE role WHEN 'customer' THEN 0 ELSE 1 END, added_at LIMIT 1`).get(dossierId) as { party_id: number } | undefined;
    return r?.party_id ?? null;
  }

  /** The customer dossier of a party: type `client` first, the most recent. */
  customerDossierOf(partyId: number): DossierRow | undefined {
    const r = statement(
      this.db,
      `SELECT d.id FROM dossier_party dp JOIN dossier d ON d.id = dp.dossier_id WHERE dp.party_id = ? AND dp.role = 'customer'
       ORDER BY CASE d.type_id WHEN 'client' THEN 0 ELSE 1 END, d.created_at DESC LIMIT 1`,
    ).get(partyId) as { id: number } | undefined;
    return r ? dossierById(this.db, r.id) : undefined;
  }

  /** Checks an input; throws a DossierError naming every wrong field. */
  check(input: InvoiceInput): Required<Pick<InvoiceInput, "number" | "issueDate" | "dueDate" | "netCents" | "vatCents" | "grossCents" | "source" | "currency">> {
    if (input === null || typeof input !== "object") throw bad("Expected an invoice object, but found none");
    const problems: Array<{ field: string; message: string }> = [];
    const at = <T>(field: string, fn: () => T): T | undefined => {
      try {
        return fn();
      } catch (e) {
        problems.push({ field, message: (e as Error).message });
        return undefined;
      }
    };
    const number = at("number", () => {
      if (typeof input.number !== "string" || !NUMBER.test(input.number.trim())) throw bad(`Expected number to be an invoice number (letters, digits, . _ / - and spaces, at most 64), but found ${JSON.stringify(input.number)?.slice(0, 80)}`);
      return input.number.trim();
    });
    const issueDate = at("issueDate", () => checkDate(input.issueDate, "issueDate"));
    const dueDate = at("dueDate", () => checkDate(input.dueDate, "dueDate"));
    const netCents = at("netCents", () => checkCents(input.netCents, "netCents"));
    const vatCents = at("vatCents", () => checkCents(input.vatCents, "vatCents"));
    const grossCents = at("grossCents", () => checkCents(input.grossCents, "grossCents", false));
    const source = at("source", () => checkSource(input.source));
    const currency = at("currency", () => checkCurrency(input.currency));
    if (netCents !== undefined && vatCents !== undefined && grossCents !== undefined && netCents + vatCents !== grossCents) {
      problems.push({ field: "grossCents", message: `Expected grossCents to be netCents + vatCents (${netCents + vatCents}), but found ${grossCents}` });
    }
    if (issueDate && dueDate && dueDate < issueDate) problems.push({ field: "dueDate", message: `Expected dueDate on or after issueDate (${issueDate}), but found ${dueDate}` });
    if (!input.customer || typeof input.customer !== "object") problems.push({ field: "customer", message: "Expected customer {dossierReference | partyId | email | vatNumber | name}, but found none" });
    if (input.lines !== undefined && input.lines !== null && !Array.isArray(input.lines)) problems.push({ field: "lines", message: "Expected lines to be a list" });
    if (problems.length) throw new DossierError("VALIDATION_FAILED", `Expected a valid invoice, but ${problems.map((p) => p.message).join("; ")}`, problems);
    return { number: number!, issueDate: issueDate!, dueDate: dueDate!, netCents: netCents!, vatCents: vatCents!, grossCents: grossCents!, source: source!, currency: currency! };
  }

  /**
   * Creates the invoice, or updates it when the number exists (its amounts and dates; payments stay).
   * The customer must resolve to a customer dossier (else NOT_FOUND, nothing written).
   */
  async upsert(input: InvoiceInput, actor: string | null): Promise<{ invoice: InvoiceRow; created: boolean }> {
    const v = this.check(input);
    const customer = this.resolveCustomer(input.customer);
    if (!customer) throw new DossierError("NOT_FOUND", `Expected a customer dossier for ${JSON.stringify(input.customer).slice(0, 200)}, but none matches (dossier reference, party, VAT number, e-mail or name)`);
    let contractId: number | null = null;
    if (input.contractReference) {
      const c = statement(this.db, `SELECT id FROM dossier WHERE reference = ?`).get(input.contractReference) as { id: number } | undefined;
      if (!c) throw new DossierError("NOT_FOUND", `Expected a contract dossier '${input.contractReference}', but none was found`);
      contractId = c.id;
    }
    const documents = this.deps.domain.documents;
    let upload: Awaited<ReturnType<typeof documents.prepareUpload>> | undefined;
    if (input.pdf) {
      const existing = this.byNumber(v.number);
      if (!existing?.documentId) upload = await documents.prepareUpload([await documents.stage(input.pdf, input.pdfName ?? `${v.number.replace(/[^A-Za-z0-9._-]/g, "_")}.pdf`)]);
    }
    try {
      return await this.deps.domain.engine.transaction((tx) => this.upsertIn(tx, input, v, customer, contractId, actor, upload));
    } finally {
      if (upload) documents.releaseUpload(upload);
    }
  }

  /** The synchronous core of upsert, for callers composing it in their own transaction. */
  upsertIn(
    tx: EngineTransaction, input: InvoiceInput, v: ReturnType<Invoices["check"]>, customer: { dossier: DossierRow; partyId: number | null },
    contractId: number | null, actor: string | null, upload?: Awaited<ReturnType<Domain["documents"]["prepareUpload"]>>,
  ): { invoice: InvoiceRow; created: boolean } {
    const db = this.db;
    const now = tx.now;
    const existing = this.byNumber(v.number);
    const lines = Array.isArray(input.lines) ? JSON.stringify(input.lines) : null;
    let documentId: number | null = existing?.documentId ?? null;
    if (upload && !documentId) {
      const type = this.deps.domain.documents.documentTypeFor(customer.dossier, this.hasDocType(customer.dossier, "facture") ? "facture" : null);
      documentId = this.deps.domain.documents.addIn(tx, { dossier: customer.dossier, documentType: type, upload, actor })[0] ?? null;
    }
    if (existing) {
      if (existing.dossierId !== customer.dossier.id) {
        throw new DossierError("INVALID_STATE", `Expected invoice ${v.number} to stay with its customer dossier (id ${existing.dossierId}), but the input names another customer`);
      }
      const same = existing.issueDate === v.issueDate && existing.dueDate === v.dueDate && existing.netCents === v.netCents && existing.vatCents === v.vatCents &&
        existing.grossCents === v.grossCents && existing.currency === v.currency && (lines === null || JSON.stringify(existing.lines) === lines) && existing.documentId === documentId;
      if (same) return { invoice: existing, created: false };
      const disputed = this.hasOpenDispute(existing.id);
      const status = statusOf({ ...existing, grossCents: v.grossCents }, disputed);
      statement(db, `UPDATE invoice SET issue_date = ?, due_date = ?, net_cents = ?, vat_cents = ?, gross_cents = ?, currency = ?, lines = COALESCE(?, lines), document_id = ?, status = ?, updated_at = ?, version = version + 1 WHERE id = ?`)
        .run(v.issueDate, v.dueDate, v.netCents, v.vatCents, v.grossCents, v.currency, lines, documentId, status, now, existing.id);
      const saved = this.byId(existing.id)!;
      this.deps.domain.journal.append({
        dossierId: saved.dossierId, at: now, actor, action: "invoice.updated", summary: `Facture ${saved.number} mise à jour — ${money(saved.grossCents, saved.currency)} TTC, échéance ${saved.dueDate}`,
        before: { grossCents: existing.grossCents, dueDate: existing.dueDate }, after: { invoiceId: saved.id, grossCents: saved.grossCents, dueDate: saved.dueDate, source: v.source },
      });
      this.afterAmounts(tx, existing, saved);
      return { invoice: saved, created: false };
    }
    const segment = customer.partyId !== null ? ((statement(db, `SELECT segment FROM customer_account WHERE party_id = ?`).get(customer.partyId) as { segment: string | null } | undefined)?.segment ?? null) : null;
    const collector = customer.partyId !== null ? ((statement(db, `SELECT collector FROM customer_account WHERE party_id = ?`).get(customer.partyId) as { collector: string | null } | undefined)?.collector ?? null) : null;
    const id = Number(
      statement(
        db,
        `INSERT INTO invoice (number, dossier_id, contract_dossier_id, party_id, currency, issue_date, due_date, net_cents, vat_cents, gross_cents, status, segment, collector, document_id, lines, source, external_id, created_at, updated_at, version)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'issued', ?, ?, ?, ?, ?, ?, ?, ?, 1)`,
      ).run(v.number, customer.dossier.id, contractId, customer.partyId, v.currency, v.issueDate, v.dueDate, v.netCents, v.vatCents, v.grossCents, segment, collector, documentId, lines, v.source, input.externalId ?? null, now, now).lastInsertRowid,
    );
    const invoice = this.byId(id)!;
    this.deps.domain.journal.append({
      dossierId: invoice.dossierId, at: now, actor, action: "invoice.issued",
      summary: `Facture ${invoice.number} — ${money(invoice.grossCents, invoice.currency)} TTC, échéance ${invoice.dueDate} (source : ${v.source})`,
      after: { invoiceId: id, number: invoice.number, grossCents: invoice.grossCents, dueDate: invoice.dueDate, source: v.source, documentId },
    });
    for (const hook of this.created) hook(tx, invoice, customer.dossier, { send: input.send !== false });
    return { invoice: this.byId(id)!, created: true };
  }

  private hasDocType(dossier: DossierRow, id: string): boolean {
    try {
      return (this.deps.domain.service.typeOf(dossier).documentTypes ?? []).some((t: { id: string }) => t.id === id);
    } catch {
      return false;
    }
  }

  hasOpenDispute(invoiceId: number): boolean {
    return !!statement(this.db, `SELECT 1 FROM invoice_dispute WHERE invoice_id = ? AND closed_on IS NULL`).get(invoiceId);
  }

  /** Recomputes the status from the amounts and fires the settled hooks when the balance just reached 0. */
  refreshIn(tx: EngineTransaction, invoiceId: number, on?: string, previous?: InvoiceRow): InvoiceRow {
    const before = previous ?? this.byId(invoiceId)!;
    const current = previous ? this.byId(invoiceId)! : before;
    const status = statusOf(current, this.hasOpenDispute(invoiceId));
    const closed = ["paid", "credited", "written_off"].includes(status);
    const paidOn = closed ? (current.paidOn ?? on ?? isoDay(tx.now)) : null;
    if (status !== current.status || paidOn !== current.paidOn) {
      statement(this.db, `UPDATE invoice SET status = ?, paid_on = ?, updated_at = ?, version = version + 1 WHERE id = ?`).run(status, paidOn, tx.now, invoiceId);
    }
    const after = this.byId(invoiceId)!;
    this.afterAmounts(tx, before, after);
    return after;
  }

  private afterAmounts(tx: EngineTransaction, before: InvoiceRow, after: InvoiceRow): void {
    if (before.balanceCents > 0 && after.balanceCents <= 0) {
      statement(this.db, `UPDATE payment_promise SET status = 'kept', settled_on = ? WHERE invoice_id = ? AND status = 'open'`).run(after.paidOn ?? isoDay(tx.now), after.id);
      tx.publishMessage({ name: SETTLED_MESSAGE, correlationKey: after.number, variables: { settledOn: after.paidOn, status: after.status }, timeToLive: 0 });
      for (const hook of this.settled) hook(tx, after);
    }
  }

  /** Marks the invoice sent (first send only): issued → sent. */
  markSentIn(tx: EngineTransaction, invoiceId: number): void {
    statement(this.db, `UPDATE invoice SET sent_at = COALESCE(sent_at, ?), updated_at = ? WHERE id = ?`).run(tx.now, tx.now, invoiceId);
    this.refreshIn(tx, invoiceId);
  }

  checkPayment(input: PaymentInput): { amountCents: number; currency: string; receivedOn: string; kind: PaymentKind; source: string } {
    if (input === null || typeof input !== "object") throw bad("Expected a payment object, but found none");
    const amountCents = checkCents(input.amountCents, "amountCents", false);
    const currency = checkCurrency(input.currency);
    const receivedOn = checkDate(input.receivedOn, "receivedOn");
    const kind = (input.kind ?? "payment") as PaymentKind;
    if (!(PAYMENT_KINDS as readonly string[]).includes(kind)) throw bad(`Expected kind to be one of ${PAYMENT_KINDS.join(", ")}, but found ${JSON.stringify(input.kind)}`);
    const source = checkSource(input.source);
    for (const f of ["method", "reference", "externalId", "invoiceNumber"] as const) {
      if (input[f] !== undefined && input[f] !== null && (typeof input[f] !== "string" || (input[f] as string).length > 256)) throw bad(`Expected ${f} to be text of at most 256 characters, but found ${JSON.stringify(input[f])?.slice(0, 60)}`);
    }
    return { amountCents, currency, receivedOn, kind, source };
  }

  /** Which invoice a payment is for: by number (given, or read in the reference), else a single open invoice of the customer with that balance. */
  matchPayment(input: PaymentInput, amountCents: number): { invoice?: InvoiceRow; by?: string; dossierId?: number; partyId?: number | null } {
    if (input.invoiceNumber) {
      const inv = this.byNumber(input.invoiceNumber.trim());
      if (inv) return { invoice: inv, by: "number" };
    }
    if (input.reference) {
      const words = input.reference.toUpperCase().match(/[A-Z0-9][A-Z0-9._\/-]{2,63}/g) ?? [];
      for (const w of words) {
        const inv = this.byNumber(w);
        if (inv) return { invoice: inv, by: "reference" };
      }
    }
    const customer = input.customer ? this.resolveCustomer(input.customer) : undefined;
    const scope = customer ? `AND dossier_id = ${Number(customer.dossier.id)}` : "";
    const same = statement(this.db, `SELECT * FROM invoice WHERE status IN ('issued','sent','partially_paid','disputed') AND gross_cents - paid_cents - credited_cents - written_off_cents = ? ${scope} LIMIT 2`)
      .all(amountCents) as Record<string, any>[];
    if (same.length === 1 && customer) return { invoice: toInvoice(same[0]!), by: "amount+customer" };
    return customer ? { dossierId: customer.dossier.id, partyId: customer.partyId } : {};
  }

  async recordPayment(input: PaymentInput, actor: string | null): Promise<{ payment: PaymentRow; invoice?: InvoiceRow; matched: boolean; duplicate?: boolean }> {
    this.checkPayment(input);
    return this.deps.domain.engine.transaction((tx) => this.recordPaymentIn(tx, input, actor));
  }

  recordPaymentIn(tx: EngineTransaction, input: PaymentInput, actor: string | null): { payment: PaymentRow; invoice?: InvoiceRow; matched: boolean; duplicate?: boolean } {
    const v = this.checkPayment(input);
    const db = this.db;
    if (input.externalId) {
      const dup = statement(db, `SELECT * FROM invoice_payment WHERE source = ? AND external_id = ?`).get(v.source, input.externalId) as Record<string, any> | undefined;
      if (dup) {
        const payment = toPayment(dup);
        const invoice = payment.invoiceId ? this.byId(payment.invoiceId) : undefined;
        return { payment, ...(invoice ? { invoice } : {}), matched: !!invoice, duplicate: true };
      }
    }
    const match = this.matchPayment(input, v.amountCents);
    const inv = match.invoice;
    if (inv && inv.currency !== v.currency) throw bad(`Expected a payment in ${inv.currency} for invoice ${inv.number}, but found ${v.currency}`);
    const id = Number(
      statement(
        db,
        `INSERT INTO invoice_payment (invoice_id, dossier_id, party_id, kind, amount_cents, currency, received_on, method, reference, source, external_id, created_at, created_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(inv?.id ?? null, inv?.dossierId ?? match.dossierId ?? null, inv?.partyId ?? match.partyId ?? null, v.kind, v.amountCents, v.currency, v.receivedOn,
        input.method ?? null, input.reference ?? null, v.source, input.externalId ?? null, tx.now, actor).lastInsertRowid,
    );
    const payment = toPayment(statement(db, `SELECT * FROM invoice_payment WHERE id = ?`).get(id) as Record<string, any>);
    if (!inv) {
      this.startReview(tx, "payment", {
        paymentId: id, amountCents: v.amountCents, receivedOn: v.receivedOn, reference: input.reference ?? null, invoiceNumber: input.invoiceNumber ?? null,
        summary: `Paiement de ${money(v.amountCents, v.currency)} du ${v.receivedOn} à rapprocher${input.reference ? ` (« ${input.reference.slice(0, 80)} »)` : ""}`,
      });
      return { payment, matched: false };
    }
    const column = v.kind === "payment" ? "paid_cents" : v.kind === "credit_note" ? "credited_cents" : "written_off_cents";
    statement(db, `UPDATE invoice SET ${column} = ${column} + ?, updated_at = ?, version = version + 1 WHERE id = ?`).run(v.amountCents, tx.now, inv.id);
    const label = v.kind === "payment" ? "Paiement" : v.kind === "credit_note" ? "Avoir" : "Passage en perte";
    this.deps.domain.journal.append({
      dossierId: inv.dossierId, at: tx.now, actor, action: `invoice.${v.kind}`,
      summary: `${label} de ${money(v.amountCents, v.currency)} sur la facture ${inv.number} (${v.receivedOn}${match.by && match.by !== "number" ? `, rapproché par ${match.by === "reference" ? "le libellé" : "montant et client"}` : ""})`,
      after: { invoiceId: inv.id, paymentId: id, kind: v.kind, amountCents: v.amountCents, receivedOn: v.receivedOn, matchedBy: match.by },
    });
    const invoice = this.refreshIn(tx, inv.id, v.receivedOn, inv);
    return { payment, invoice, matched: true };
  }

  /** Assigns an unmatched payment to an invoice (the review task's outcome, or by hand). */
  assignPaymentIn(tx: EngineTransaction, paymentId: number, invoiceNumber: string, actor: string | null): { payment: PaymentRow; invoice: InvoiceRow } {
    const row = statement(this.db, `SELECT * FROM invoice_payment WHERE id = ?`).get(paymentId) as Record<string, any> | undefined;
    if (!row) throw new DossierError("NOT_FOUND", `Expected to find a payment ${paymentId}, but none was found`);
    const p = toPayment(row);
    if (p.invoiceId !== null) throw new DossierError("INVALID_STATE", `Expected an unmatched payment, but payment ${paymentId} is already on invoice ${this.byId(p.invoiceId)?.number}`);
    const inv = this.byNumber(invoiceNumber);
    if (!inv) throw new DossierError("NOT_FOUND", `Expected to find an invoice '${invoiceNumber}', but none was found`);
    statement(this.db, `UPDATE invoice_payment SET invoice_id = ?, dossier_id = ?, party_id = ? WHERE id = ?`).run(inv.id, inv.dossierId, inv.partyId, paymentId);
    const column = p.kind === "payment" ? "paid_cents" : p.kind === "credit_note" ? "credited_cents" : "written_off_cents";
    statement(this.db, `UPDATE invoice SET ${column} = ${column} + ?, updated_at = ?, version = version + 1 WHERE id = ?`).run(p.amountCents, tx.now, inv.id);
    this.deps.domain.journal.append({
      dossierId: inv.dossierId, at: tx.now, actor, action: `invoice.${p.kind}`, summary: `Paiement de ${money(p.amountCents, p.currency)} rapproché de la facture ${inv.number}`,
      after: { invoiceId: inv.id, paymentId, amountCents: p.amountCents, matchedBy: "review" },
    });
    return { payment: { ...p, invoiceId: inv.id }, invoice: this.refreshIn(tx, inv.id, p.receivedOn, inv) };
  }

  /** A review task (process factures-revue) for what could not be matched: a payment, a printer file. */
  startReview(tx: EngineTransaction, kind: "payment" | "printer" | "import", variables: Record<string, unknown>): number | null {
    if (!this.deps.domain.engine.definitions.latest(REVIEW_PROCESS)) return null;
    return tx.createInstance({ bpmnProcessId: REVIEW_PROCESS, variables: { reviewKind: kind, ...variables } }).processInstanceKey;
  }

  /** Opens a dispute (portal, call outcome, back office): status disputed, journal, the scenario's dispute path. */
  openDisputeIn(tx: EngineTransaction, invoice: InvoiceRow, input: { reason: string | null; message: string | null; by: string | null }, publish = true): number {
    const open = statement(this.db, `SELECT id FROM invoice_dispute WHERE invoice_id = ? AND closed_on IS NULL`).get(invoice.id) as { id: number } | undefined;
    if (open) return open.id;
    const id = Number(statement(this.db, `INSERT INTO invoice_dispute (invoice_id, opened_on, reason, message, opened_by) VALUES (?, ?, ?, ?, ?)`)
      .run(invoice.id, isoDay(tx.now), input.reason, input.message, input.by).lastInsertRowid);
    this.deps.domain.journal.append({
      dossierId: invoice.dossierId, at: tx.now, actor: input.by, action: "note.added", private: false,
      summary: `Litige ouvert sur la facture ${invoice.number}${input.reason ? ` (${input.reason})` : ""}${input.message ? ` : ${input.message.slice(0, 300)}` : ""}`,
      after: { kind: "invoice.disputed", invoiceId: invoice.id, disputeId: id, reason: input.reason, message: input.message },
    });
    this.refreshIn(tx, invoice.id);
    if (publish) tx.publishMessage({ name: DISPUTED_MESSAGE, correlationKey: invoice.number, variables: { disputeId: id, disputeReason: input.reason, disputeMessage: input.message }, timeToLive: 0 });
    return id;
  }

  closeDisputeIn(tx: EngineTransaction, invoiceId: number, outcome: string, actor: string | null): void {
    const inv = this.byId(invoiceId);
    if (!inv) return;
    const changed = statement(this.db, `UPDATE invoice_dispute SET closed_on = ? WHERE invoice_id = ? AND closed_on IS NULL`).run(isoDay(tx.now), invoiceId).changes;
    if (changed === 0) return;
    this.deps.domain.journal.append({ dossierId: inv.dossierId, at: tx.now, actor, action: "note.added", summary: `Litige clos sur la facture ${inv.number} (${outcome})`, after: { kind: "invoice.dispute_closed", invoiceId, outcome } });
    this.refreshIn(tx, invoiceId);
  }
}
