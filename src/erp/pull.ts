/**
 * The scheduled pull of Dolibarr's customer invoices and their payments into receivables
 * (Invoices.upsert / recordPayment, both idempotent: on the invoice number, and on
 * source + external id for payments). The cursor is the last modification time seen (t.tms); each
 * run reads from it included (what changed in the same second is read again, harmlessly) in pages
 * of 100 by modification time and moves it once the run went through. Drafts are skipped; a credit
 * note becomes a credit note on the invoice it corrects. An invoice that cannot be imported (no
 * matching customer, refused data) is kept in erp_pull_failure with the reason and retried first
 * on every run; a Dolibarr failure (wrong key, server down) stops the run with the cursor where it
 * was, and the state says why (GET /api/erp/status, the log).
 */
import type { DolibarrClient, DolibarrInvoice } from "./dolibarr-client.js";
import { DolibarrError } from "./dolibarr-client.js";
import type { ErpStore } from "./store.js";

/** The part of receivables' Invoices service the pull uses (.scratch/receivables-schema.md). */
export interface InvoiceSink {
  upsert(input: {
    number: string; customer: { dossierReference?: string; email?: string; vatNumber?: string; name?: string }; currency?: string; issueDate: string; dueDate: string;
    netCents: number; vatCents: number; grossCents: number; source: string; externalId?: string; send?: boolean;
  }, actor: string | null): Promise<{ created: boolean }>;
  recordPayment(input: {
    invoiceNumber?: string; amountCents: number; currency?: string; receivedOn: string; kind?: "payment" | "credit_note" | "write_off"; method?: string; reference?: string; source: string; externalId?: string;
  }, actor: string | null): Promise<{ matched: boolean; duplicate?: boolean }>;
}

export const PULL = "dolibarr.invoices";
const ACTOR = "dolibarr";
const PAGE = 100;

export interface PullResult { state: "ok" | "failed" | "off"; invoices: number; payments: number; failed: number; cursor: string | null; message: string | null }

export class DolibarrPull {
  private running: Promise<PullResult> | undefined;
  private readonly dateFormat: Intl.DateTimeFormat;

  constructor(private readonly deps: { client: DolibarrClient | undefined; store: ErpStore; invoices: InvoiceSink | undefined; now: () => number; timeZone: string; sendDays: number; log: (m: string) => void }) {
    this.dateFormat = new Intl.DateTimeFormat("en-CA", { timeZone: deps.timeZone, year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", second: "2-digit", hourCycle: "h23" });
  }

  /** Dolibarr's timestamp (seconds) as its server's local 'YYYY-MM-DD HH:MM:SS'. */
  local(value: number | string | null | undefined): string | undefined {
    if (value === null || value === undefined || value === "") return undefined;
    if (typeof value === "string" && !/^\d+$/.test(value)) {
      if (!/^\d{4}-\d{2}-\d{2}/.test(value)) return undefined;
      const text = value.replace("T", " ").slice(0, 19);
      return text.length === 10 ? `${text} 00:00:00` : text;
    }
    const p = Object.fromEntries(this.dateFormat.formatToParts(new Date(Number(value) * 1000)).map((x) => [x.type, x.value]));
    return `${p["year"]}-${p["month"]}-${p["day"]} ${p["hour"]}:${p["minute"]}:${p["second"]}`;
  }

  private day(value: number | string | null | undefined, what: string, ref: string): string {
    const d = this.local(value)?.slice(0, 10);
    if (!d) throw new Error(`Expected invoice ${ref} to have a ${what} date, but found ${JSON.stringify(value)}`);
    return d;
  }

  run(): Promise<PullResult> {
    this.running ??= this.pull().finally(() => (this.running = undefined));
    return this.running;
  }

  private async pull(): Promise<PullResult> {
    const { client, store, invoices } = this.deps;
    if (!client || !invoices) return { state: "off", invoices: 0, payments: 0, failed: 0, cursor: null, message: client ? "receivables are not available" : "DOLIBARR_URL is not set" };
    const previous = store.sync(PULL);
    const startedAt = this.deps.now();
    let cursor = previous?.cursor ?? null;
    const counts = { invoices: 0, payments: 0, failed: 0 };
    store.saveSync(PULL, { cursor, state: "running", message: null, invoices: 0, payments: 0, startedAt, finishedAt: null });
    const cache = { thirdParties: new Map<string, { name: string; email?: string | null; tva_intra?: string | null }>(), invoices: new Map<string, DolibarrInvoice>() };
    try {
      for (const f of store.failures()) {
        let again: DolibarrInvoice;
        try {
          again = await client.invoice(f.externalId);
        } catch (error) {
          if (!(error instanceof DolibarrError && error.kind === "not_found")) throw error;
          this.deps.log(`Dolibarr pull: invoice ${f.externalRef ?? f.externalId} is no longer in Dolibarr; its failure (${f.message}) is dropped`);
          store.resolved(f.externalId);
          continue;
        }
        await this.importOne(again, counts, cache);
      }
      let newest = cursor;
      for (let page = 0; page < 10_000; page++) {
        const list = await client.invoicesModifiedSince(cursor ?? "1970-01-01 00:00:00", page, PAGE);
        for (const inv of list) {
          await this.importOne(inv, counts, cache);
          const tms = this.local(inv.date_modification ?? inv.tms);
          if (tms && (!newest || tms > newest)) newest = tms;
        }
        if (list.length < PAGE) break;
      }
      cursor = newest;
      const message = counts.failed ? `${counts.failed} invoice(s) could not be imported (see failures); they are retried on every run` : null;
      store.saveSync(PULL, { cursor, state: "ok", message, ...counts, startedAt, finishedAt: this.deps.now() });
      return { state: "ok", ...counts, cursor, message };
    } catch (error) {
      const message = error instanceof DolibarrError ? error.message : `Dolibarr pull: ${(error as Error).message}`;
      store.saveSync(PULL, { cursor: previous?.cursor ?? null, state: "failed", message, ...counts, startedAt, finishedAt: this.deps.now() });
      this.deps.log(message);
      return { state: "failed", ...counts, cursor: previous?.cursor ?? null, message };
    }
  }

  /** Imports one invoice; its own problems are recorded as a failure, Dolibarr's errors stop the run. */
  private async importOne(inv: DolibarrInvoice, counts: { invoices: number; payments: number; failed: number }, cache: { thirdParties: Map<string, { name: string; email?: string | null; tva_intra?: string | null }>; invoices: Map<string, DolibarrInvoice> }): Promise<void> {
    const { client, store, invoices } = this.deps as { client: DolibarrClient; store: ErpStore; invoices: InvoiceSink };
    const status = Number(inv.status ?? inv.statut ?? 1);
    if (status === 0) return; // a draft: not an invoice yet
    const cents = (v: string | number) => Math.round(Number(v) * 100);
    try {
      if (Number(inv.type) === 2) {
        const sourceId = String(inv.fk_facture_source ?? "");
        if (!sourceId) throw new Error(`Expected credit note ${inv.ref} to name the invoice it corrects (fk_facture_source), but it names none`);
        let source = cache.invoices.get(sourceId);
        if (!source) cache.invoices.set(sourceId, (source = await client.invoice(sourceId)));
        const r = await invoices.recordPayment({ invoiceNumber: source.ref, amountCents: Math.abs(cents(inv.total_ttc)), currency: inv.multicurrency_code || "EUR", receivedOn: this.day(inv.date, "issue", inv.ref), kind: "credit_note", reference: inv.ref, source: "dolibarr", externalId: `credit:${inv.ref}` }, ACTOR);
        if (!r.duplicate) counts.payments++;
      } else {
        const socid = String(inv.socid);
        const linked = store.dossierOfThirdParty(socid);
        let customer: { dossierReference?: string; email?: string; vatNumber?: string; name?: string };
        if (linked) customer = { dossierReference: linked.reference };
        else {
          let tp = cache.thirdParties.get(socid);
          if (!tp) cache.thirdParties.set(socid, (tp = await client.thirdParty(socid)));
          customer = { name: tp.name, ...(tp.email ? { email: tp.email } : {}), ...(tp.tva_intra ? { vatNumber: tp.tva_intra } : {}) };
        }
        const issueDate = this.day(inv.date, "issue", inv.ref);
        const recent = this.deps.now() - Date.parse(`${issueDate}T00:00:00Z`) <= this.deps.sendDays * 86_400_000;
        const r = await invoices.upsert({
          number: inv.ref, customer, currency: inv.multicurrency_code || "EUR", issueDate, dueDate: inv.date_lim_reglement ? this.day(inv.date_lim_reglement, "due", inv.ref) : issueDate,
          netCents: cents(inv.total_ht), vatCents: cents(inv.total_tva), grossCents: cents(inv.total_ttc), source: "dolibarr", externalId: String(inv.id),
          send: recent && status === 1,
        }, ACTOR);
        if (r.created) counts.invoices++;
        for (const p of await client.invoicePayments(inv.id)) {
          const pr = await invoices.recordPayment({
            invoiceNumber: inv.ref, amountCents: cents(p.amount), currency: inv.multicurrency_code || "EUR", receivedOn: this.day(p.date, "payment", inv.ref), kind: "payment",
            ...(p.type ? { method: p.type } : {}), reference: p.num || p.ref, source: "dolibarr", externalId: `${p.ref}:${inv.ref}`,
          }, ACTOR);
          if (!pr.duplicate) counts.payments++;
        }
      }
      store.resolved(String(inv.id));
    } catch (error) {
      if (error instanceof DolibarrError) throw error;
      counts.failed++;
      store.fail(String(inv.id), inv.ref, (error as Error).message, this.deps.now());
    }
  }
}
