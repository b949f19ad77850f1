/**
 * Diffusion: an invoice (or a reminder letter) goes out by the customer's preferred channel, and
 * every send is a row of `invoice_send` with its status (queued → sent → delivered, or failed).
 *   email       the Outbox, with a personal portal link to the invoice (hashed token, purpose "invoice")
 *   post/paper  queued for the print centre: `printRun` renders a batch PDF (an address sheet before each
 *               letter) and a manifest (CSV + JSON) into PRINT_EXPORT_DIR — what print services take
 *   portal      published on the customer's portal only
 *   einvoicing  an EInvoicingAdapter (Chorus Pro-like); the fake stands for it offline
 * Sends are recorded inside the caller's transaction; the print run and the e-invoicing submit run
 * after the commit (outbox pattern), keyed by the send id: at least once, never lost.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import type Database from "better-sqlite3";
import { PDFDocument } from "pdf-lib";
import type { Domain } from "../dossiers/domain.js";
import type { PartyRow } from "../dossiers/parties/types.js";
import { dossierById, type DossierRow } from "../dossiers/rows.js";
import type { EngineTransaction } from "../engine/engine.js";
import type { Outbox } from "../mail/api.js";
import type { Links } from "../portal/links.js";
import { statement } from "../persistence/statements.js";
import type { PdfRenderer, TemplateRenderer } from "../templates/api.js";
import type { ReceivablesConfig } from "./config.js";
import { frDate, isoDay, money } from "./format.js";
import type { InvoiceRow, Invoices } from "./invoices.js";

export type Channel = "email" | "paper" | "portal" | "einvoicing";
export type SendStatus = "queued" | "sent" | "failed" | "delivered";
export const INVOICE_LINK_PURPOSE = "invoice";

export interface SendRow {
  id: number;
  invoiceId: number | null;
  dossierId: number;
  partyId: number | null;
  kind: string;
  channel: string;
  status: SendStatus;
  recipient: string | null;
  batch: string | null;
  dunningActionId: number | null;
  detail: Record<string, unknown>;
  createdAt: number;
  updatedAt: number;
}

function toSend(r: Record<string, any>): SendRow {
  return {
    id: r.id, invoiceId: r.invoice_id ?? null, dossierId: r.dossier_id, partyId: r.party_id ?? null, kind: r.kind, channel: r.channel, status: r.status,
    recipient: r.recipient ?? null, batch: r.batch ?? null, dunningActionId: r.dunning_action_id ?? null, detail: r.detail ? JSON.parse(r.detail) : {},
    createdAt: Number(r.created_at), updatedAt: Number(r.updated_at),
  };
}

/** What an e-invoicing platform (Chorus Pro and similar) takes: the invoice, its PDF, the buyer's identifiers. */
export interface EInvoicingSubmission {
  number: string;
  issueDate: string;
  dueDate: string;
  grossCents: number;
  currency: string;
  buyer: { name: string; vatNumber: string | null; siret: string | null };
  pdf: Buffer | null;
}

export interface EInvoicingAdapter {
  readonly name: string;
  /** Deposits an invoice; a refusal (unknown buyer, bad data) is `{ ok: false, message }`. */
  submit(submission: EInvoicingSubmission): Promise<{ ok: true; platformId: string } | { ok: false; message: string }>;
  /** The platform's status of a deposit. */
  status(platformId: string): Promise<"sent" | "delivered" | "rejected">;
}

/** A Chorus Pro-like platform in memory: refuses buyers without a VAT number, "delivers" a deposit on the second status call. */
export class FakeEInvoicing implements EInvoicingAdapter {
  readonly name = "fake-chorus";
  readonly deposits = new Map<string, { submission: EInvoicingSubmission; polls: number }>();
  private seq = 0;
  async submit(s: EInvoicingSubmission) {
    if (!s.buyer.vatNumber && !s.buyer.siret) return { ok: false as const, message: `Expected the buyer's VAT number or SIRET, but ${s.buyer.name} has none` };
    const id = `CPP-${String(++this.seq).padStart(6, "0")}`;
    this.deposits.set(id, { submission: s, polls: 0 });
    return { ok: true as const, platformId: id };
  }
  async status(platformId: string) {
    const d = this.deposits.get(platformId);
    if (!d) return "rejected" as const;
    d.polls++;
    return d.polls >= 1 ? ("delivered" as const) : ("sent" as const);
  }
}

export interface DiffusionDeps {
  db: Database.Database;
  domain: Domain;
  invoices: Invoices;
  outbox: Outbox;
  links: Links;
  templates: TemplateRenderer;
  pdf: PdfRenderer;
  config: ReceivablesConfig;
  publicUrl: () => string;
  einvoicing: EInvoicingAdapter | null;
  log: (message: string) => void;
  /** The organisation's settings (templates module): letterhead, legal mentions. */
  organisation: () => Record<string, unknown>;
}

/** The address lines of a party (for letters and the address sheet). */
export function addressLines(party: PartyRow | undefined): string[] {
  if (!party) return [];
  const a = party.address;
  const street = [a.number, a.street].filter(Boolean).join(" ");
  const city = [a.postcode, a.city].filter(Boolean).join(" ");
  return [party.name, street, city, a.country && a.country !== "FR" ? a.country : ""].filter((l) => l && l.trim() !== "") as string[];
}

export class Diffusion {
  constructor(private readonly deps: DiffusionDeps) {}

  /** The channel an invoice goes out by: the party's preferred one, else e-mail when it has an address, else paper. */
  channelOf(party: PartyRow | undefined): Channel {
    const preferred = party?.preferredChannel as string | null | undefined;
    if (preferred === "post") return "paper";
    if (preferred === "email" || preferred === "portal" || preferred === "einvoicing") return preferred;
    return party && party.emails.length > 0 ? "email" : "paper";
  }

  sends(filter: { invoiceId?: number; dossierId?: number }): SendRow[] {
    const rows = filter.invoiceId !== undefined
      ? statement(this.deps.db, `SELECT * FROM invoice_send WHERE invoice_id = ? ORDER BY id DESC LIMIT 500`).all(filter.invoiceId)
      : statement(this.deps.db, `SELECT * FROM invoice_send WHERE dossier_id = ? ORDER BY id DESC LIMIT 500`).all(filter.dossierId);
    return (rows as Record<string, any>[]).map(toSend).map((s) => this.withMailStatus(s));
  }

  /** An e-mail send takes the state of its mail in the mail module's outbox (sent, failed) when that is known. */
  private withMailStatus(s: SendRow): SendRow {
    const mailId = s.detail["mailId"];
    if (s.channel !== "email" || typeof mailId !== "number") return s;
    try {
      const m = statement(this.deps.db, `SELECT status FROM mail_outbound WHERE id = ?`).get(mailId) as { status: string } | undefined;
      if (m && (m.status === "sent" || m.status === "failed" || m.status === "bounced")) return { ...s, status: m.status === "sent" ? "sent" : "failed", detail: { ...s.detail, mailStatus: m.status } };
    } catch {
      // the mail module's table is absent (a database without it): keep the recorded status
    }
    return s;
  }

  private insertSend(tx: EngineTransaction, row: { invoiceId: number | null; dossierId: number; partyId: number | null; kind: string; channel: string; status: SendStatus; recipient: string | null; dunningActionId?: number | null; detail: Record<string, unknown> }): number {
    return Number(
      statement(this.deps.db, `INSERT INTO invoice_send (invoice_id, dossier_id, party_id, kind, channel, status, recipient, dunning_action_id, detail, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
        .run(row.invoiceId, row.dossierId, row.partyId, row.kind, row.channel, row.status, row.recipient, row.dunningActionId ?? null, JSON.stringify(row.detail), tx.now, tx.now).lastInsertRowid,
    );
  }

  setStatus(id: number, status: SendStatus, detail: Record<string, unknown> = {}, batch?: string): void {
    const row = statement(this.deps.db, `SELECT detail FROM invoice_send WHERE id = ?`).get(id) as { detail: string } | undefined;
    if (!row) return;
    statement(this.deps.db, `UPDATE invoice_send SET status = ?, detail = ?, batch = COALESCE(?, batch), updated_at = ? WHERE id = ?`)
      .run(status, JSON.stringify({ ...JSON.parse(row.detail || "{}"), ...detail }), batch ?? null, this.deps.domain.engine.clock.now(), id);
  }

  /** The portal link of an invoice for its customer (a fresh personal token each time; only its hash is stored). */
  issueLink(invoice: InvoiceRow, actor: string | null): string | null {
    if (invoice.partyId === null) return null;
    const issued = this.deps.links.issue({ partyId: invoice.partyId, purpose: INVOICE_LINK_PURPOSE, subject: String(invoice.id), dossierId: invoice.dossierId, lifetimeMs: this.deps.config.linkDays * 86_400_000, actor });
    return `${this.deps.publicUrl()}/portail/factures/lien/${issued.token}`;
  }

  invoiceData(invoice: InvoiceRow, party: PartyRow | undefined) {
    return {
      number: invoice.number, issueDate: invoice.issueDate, dueDate: invoice.dueDate, issueDateText: frDate(invoice.issueDate), dueDateText: frDate(invoice.dueDate),
      netCents: invoice.netCents, vatCents: invoice.vatCents, grossCents: invoice.grossCents, balanceCents: invoice.balanceCents, currency: invoice.currency,
      grossText: money(invoice.grossCents, invoice.currency), balanceText: money(invoice.balanceCents, invoice.currency), customerName: party?.name ?? "",
    };
  }

  /** Sends an invoice by its customer's channel, inside the caller's transaction. Returns the send id. */
  sendInvoiceIn(tx: EngineTransaction, invoice: InvoiceRow, actor: string | null, forced?: Channel): number {
    const party = invoice.partyId !== null ? this.deps.domain.parties.get(invoice.partyId) : undefined;
    const channel = forced ?? this.channelOf(party);
    const dossier = dossierById(this.deps.db, invoice.dossierId)!;
    const org = this.deps.organisation();
    let id: number;
    if (channel === "email") {
      const to = party?.emails[0];
      if (!to) {
        id = this.insertSend(tx, { invoiceId: invoice.id, dossierId: invoice.dossierId, partyId: invoice.partyId, kind: "invoice", channel, status: "failed", recipient: null, detail: { error: "Expected an e-mail address for the customer, but the address book has none" } });
        this.journalSend(tx, dossier, invoice, channel, "failed", actor);
        return id;
      }
      const link = this.issueLink(invoice, actor);
      const count = (statement(this.deps.db, `SELECT COUNT(*) AS n FROM invoice_send WHERE invoice_id = ? AND kind = 'invoice'`).get(invoice.id) as { n: number }).n;
      const queued = this.deps.outbox.enqueue(tx, {
        to: [{ partyId: invoice.partyId! }], dossierId: invoice.dossierId, template: "receivables/facture", purpose: "invoice",
        data: { invoice: this.invoiceData(invoice, party), link: link ?? "", organisation: org },
        ...(party?.language === "en" ? { locale: "en" as const } : {}),
        ...(invoice.documentId ? { attachments: [invoice.documentId] } : {}),
        key: `invoice:${invoice.id}:send:${count + 1}`, actor, sensitive: link !== null,
      });
      id = this.insertSend(tx, { invoiceId: invoice.id, dossierId: invoice.dossierId, partyId: invoice.partyId, kind: "invoice", channel, status: "queued", recipient: to, detail: { mailId: queued.id, messageId: queued.messageId, portalLink: !!link } });
    } else if (channel === "portal") {
      id = this.insertSend(tx, { invoiceId: invoice.id, dossierId: invoice.dossierId, partyId: invoice.partyId, kind: "invoice", channel, status: "delivered", recipient: party?.name ?? null, detail: { portal: true } });
    } else if (channel === "einvoicing") {
      id = this.insertSend(tx, { invoiceId: invoice.id, dossierId: invoice.dossierId, partyId: invoice.partyId, kind: "invoice", channel, status: "queued", recipient: this.deps.einvoicing?.name ?? "none", detail: {} });
      tx.afterCommit(() => void this.submitEInvoice(id, invoice.id).catch((e) => this.deps.log(`receivables: e-invoicing send ${id} failed: ${(e as Error).message}`)));
    } else {
      id = this.insertSend(tx, { invoiceId: invoice.id, dossierId: invoice.dossierId, partyId: invoice.partyId, kind: "invoice", channel: "paper", status: "queued", recipient: addressLines(party).join(", "), detail: { documentId: invoice.documentId } });
    }
    this.deps.invoices.markSentIn(tx, invoice.id);
    this.journalSend(tx, dossier, invoice, channel, "queued", actor);
    return id;
  }

  private journalSend(tx: EngineTransaction, dossier: DossierRow, invoice: InvoiceRow, channel: string, status: string, actor: string | null): void {
    const how = { email: "par e-mail avec un lien vers le portail", paper: "par courrier (centre d'impression)", portal: "sur le portail client", einvoicing: "sur la plateforme de facturation électronique" }[channel] ?? channel;
    this.deps.domain.journal.append({
      dossierId: dossier.id, at: tx.now, actor, action: "invoice.sent", private: false,
      summary: status === "failed" ? `Envoi de la facture ${invoice.number} impossible (${channel})` : `Facture ${invoice.number} envoyée ${how}`,
      after: { invoiceId: invoice.id, channel, status },
    });
  }

  /** A letter for the print centre (a reminder, a formal notice), rendered at the next print run. */
  queueLetterIn(tx: EngineTransaction, input: { invoice: InvoiceRow; party: PartyRow | undefined; template: string; data: Record<string, unknown>; kind: string; dunningActionId: number | null }): number {
    return this.insertSend(tx, {
      invoiceId: input.invoice.id, dossierId: input.invoice.dossierId, partyId: input.invoice.partyId, kind: input.kind, channel: "paper", status: "queued",
      recipient: addressLines(input.party).join(", "), dunningActionId: input.dunningActionId, detail: { template: input.template, data: input.data },
    });
  }

  private async submitEInvoice(sendId: number, invoiceId: number): Promise<void> {
    const adapter = this.deps.einvoicing;
    const invoice = this.deps.invoices.byId(invoiceId);
    if (!invoice) return;
    if (!adapter) return this.setStatus(sendId, "failed", { error: "Expected an e-invoicing adapter (EINVOICING_ADAPTER), but none is configured" });
    const party = invoice.partyId !== null ? this.deps.domain.parties.get(invoice.partyId) : undefined;
    let pdf: Buffer | null = null;
    if (invoice.documentId) pdf = readFileSync(this.deps.domain.documents.content(invoice.documentId, { sql: "1 = 1", params: [] }).path);
    const result = await adapter.submit({
      number: invoice.number, issueDate: invoice.issueDate, dueDate: invoice.dueDate, grossCents: invoice.grossCents, currency: invoice.currency,
      buyer: { name: party?.name ?? "", vatNumber: party?.vatNumber ?? null, siret: null }, pdf,
    });
    if (result.ok) this.setStatus(sendId, "sent", { platformId: result.platformId, platform: adapter.name });
    else this.setStatus(sendId, "failed", { error: result.message, platform: adapter.name });
  }

  /** Asks the e-invoicing platform for the state of deposits not yet delivered. */
  async pollEInvoicing(): Promise<number> {
    const adapter = this.deps.einvoicing;
    if (!adapter) return 0;
    let changed = 0;
    for (const s of (statement(this.deps.db, `SELECT * FROM invoice_send WHERE channel = 'einvoicing' AND status = 'sent' LIMIT 500`).all() as Record<string, any>[]).map(toSend)) {
      const platformId = s.detail["platformId"];
      if (typeof platformId !== "string") continue;
      const st = await adapter.status(platformId);
      if (st === "delivered") this.setStatus(s.id, "delivered");
      else if (st === "rejected") this.setStatus(s.id, "failed", { error: "rejected by the platform" });
      if (st !== "sent") changed++;
    }
    return changed;
  }

  /**
   * The print run: every queued paper send becomes one batch PDF (per letter: an address sheet,
   * then the letter or the invoice) with a manifest, written atomically (temp file + rename) into
   * PRINT_EXPORT_DIR; the letters are filed in their dossiers. Returns the batch name, or null when
   * nothing was queued.
   */
  async printRun(): Promise<{ batch: string; letters: number; pdfPath: string; manifestPath: string } | null> {
    const queued = (statement(this.deps.db, `SELECT * FROM invoice_send WHERE channel = 'paper' AND status = 'queued' ORDER BY id LIMIT 500`).all() as Record<string, any>[]).map(toSend);
    if (queued.length === 0) return null;
    const now = this.deps.domain.engine.clock.now();
    const batch = `lot-${new Date(now).toISOString().replace(/[-:]/g, "").slice(0, 15)}-${queued[0]!.id}`;
    const out = await PDFDocument.create();
    const manifest: Array<Record<string, unknown>> = [];
    const org = this.deps.organisation();
    const filed: Array<{ send: SendRow; pdf: Buffer; title: string }> = [];
    for (const send of queued) {
      try {
        const party = send.partyId !== null ? this.deps.domain.parties.get(send.partyId) : undefined;
        const lines = addressLines(party);
        if (lines.length < 2) throw new Error(`Expected a postal address for ${party?.name ?? "the customer"}, but the address book has none`);
        const sheetHtml = this.deps.templates.render("letters/receivables/feuille-adresse", { recipient: lines, sender: org, batch, sequence: manifest.length + 1, reference: send.id }).output;
        const sheet = await this.deps.pdf.htmlToPdf(sheetHtml);
        let body: Buffer;
        let title: string;
        if (typeof send.detail["template"] === "string") {
          body = await this.deps.pdf.htmlToPdf(this.deps.templates.render(send.detail["template"] as string, send.detail["data"] as Record<string, unknown>).output);
          title = send.kind === "notice" ? "Mise en demeure" : "Lettre de relance";
        } else {
          const invoice = send.invoiceId !== null ? this.deps.invoices.byId(send.invoiceId) : undefined;
          if (!invoice?.documentId) throw new Error(`Expected the PDF of invoice ${invoice?.number ?? send.invoiceId}, but it has none`);
          body = readFileSync(this.deps.domain.documents.content(invoice.documentId, { sql: "1 = 1", params: [] }).path);
          title = `Facture ${invoice.number}`;
        }
        const start = out.getPageCount() + 1;
        for (const src of [sheet, body]) {
          const doc = await PDFDocument.load(src);
          for (const page of await out.copyPages(doc, doc.getPageIndices())) out.addPage(page);
        }
        manifest.push({ sequence: manifest.length + 1, sendId: send.id, kind: send.kind, title, recipient: lines, firstPage: start, pages: out.getPageCount() - start + 1, invoiceId: send.invoiceId });
        if (typeof send.detail["template"] === "string") filed.push({ send, pdf: body, title });
      } catch (e) {
        this.setStatus(send.id, "failed", { error: (e as Error).message });
      }
    }
    if (manifest.length === 0) return null;
    mkdirSync(this.deps.config.printExportDir, { recursive: true });
    const pdfPath = path.join(this.deps.config.printExportDir, `${batch}.pdf`);
    const manifestPath = path.join(this.deps.config.printExportDir, `${batch}.json`);
    const csvPath = path.join(this.deps.config.printExportDir, `${batch}.csv`);
    const write = (file: string, data: Buffer | string) => {
      writeFileSync(`${file}.part`, data);
      renameSync(`${file}.part`, file);
    };
    write(pdfPath, Buffer.from(await out.save()));
    const csv = ["sequence;first_page;pages;kind;recipient;send_id", ...manifest.map((m) => [m["sequence"], m["firstPage"], m["pages"], m["kind"], (m["recipient"] as string[]).join(" / "), m["sendId"]].map((v) => `"${String(v).replace(/"/g, '""')}"`).join(";"))].join("\r\n") + "\r\n";
    write(csvPath, csv);
    write(manifestPath, JSON.stringify({ batch, createdAt: new Date(now).toISOString(), sender: org, letters: manifest, pdf: path.basename(pdfPath) }, null, 2));
    // File the letters in their dossiers (documents "courrier"), then mark every send of the batch sent.
    const documents = this.deps.domain.documents;
    for (const f of filed) {
      const dossier = dossierById(this.deps.db, f.send.dossierId);
      if (!dossier) continue;
      const upload = await documents.prepareUpload([await documents.stage(f.pdf, `${f.title.replace(/\s+/g, "-").toLowerCase()}-${isoDay(now)}-${f.send.id}.pdf`)]);
      try {
        await this.deps.domain.engine.transaction((tx) => {
          const type = (this.deps.domain.service.typeOf(dossier).documentTypes ?? []).some((t) => t.id === "courrier") ? "courrier" : null;
          const [docId] = documents.addIn(tx, { dossier, documentType: type, upload, actor: "dunning" });
          this.setStatus(f.send.id, "sent", { documentId: docId }, batch);
        });
      } finally {
        documents.releaseUpload(upload);
      }
    }
    for (const m of manifest) this.setStatus(m["sendId"] as number, "sent", { page: m["firstPage"] }, batch);
    this.deps.log(`receivables: print batch ${batch} (${manifest.length} letters) written to ${this.deps.config.printExportDir}`);
    return { batch, letters: manifest.length, pdfPath, manifestPath };
  }
}
