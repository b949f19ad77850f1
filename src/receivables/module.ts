/**
 * The receivables module: invoices (API, imports, the virtual printer), diffusion by the customer's
 * preferred channel, dunning scenarios (BPMN models relance-*.bpmn, a durable daily run, the job
 * workers), the collector's day, the portal's "Mes factures". See docs/receivables.md.
 */
import type { CapabilityModule, ModuleContext } from "../modules.js";
import type { Outbox, SmsOutbox } from "../mail/api.js";
import type { PdfRenderer, TemplateRenderer } from "../templates/api.js";
import type { Links } from "../portal/links.js";
import type { PortalApi } from "../portal/api.js";
import type { JobWorker } from "../engine/workers.js";
import { loadReceivablesConfig, type ReceivablesConfig } from "./config.js";
import { Diffusion, FakeEInvoicing, type EInvoicingAdapter } from "./diffusion.js";
import { Dunning } from "./dunning.js";
import { isoDay } from "./format.js";
import { Invoices } from "./invoices.js";
import { portalInvoices } from "./portal.js";
import { VirtualPrinter } from "./printer.js";
import { receivablesRouter } from "./routes.js";
import { OrganisationSettings } from "../templates/organisation.js";

export interface Receivables {
  module: CapabilityModule;
  invoices: Invoices;
  diffusion: Diffusion;
  dunning: Dunning;
  printer: VirtualPrinter;
  config: ReceivablesConfig;
  einvoicing: EInvoicingAdapter | null;
}

export async function createReceivablesModule(
  ctx: ModuleContext,
  deps: { outbox: Outbox; sms: SmsOutbox; links: Links; templates: TemplateRenderer; pdf: PdfRenderer; portal: PortalApi },
): Promise<Receivables> {
  const { db, domain, engine } = ctx;
  const config = loadReceivablesConfig(ctx.env, ctx.config.dataDir);
  const einvoicing = config.einvoicing === "fake" ? new FakeEInvoicing() : null;
  const settings = new OrganisationSettings(db, engine, ctx.env);
  const organisation = () => settings.get() as unknown as Record<string, unknown>;
  const invoices = new Invoices({ db, domain, now: () => engine.clock.now() });
  const diffusion = new Diffusion({ db, domain, invoices, outbox: deps.outbox, links: deps.links, templates: deps.templates, pdf: deps.pdf, config, publicUrl: ctx.publicUrl, einvoicing, log: ctx.log, organisation });
  const dunning = new Dunning({ db, domain, invoices, diffusion, outbox: deps.outbox, sms: deps.sms, templates: deps.templates, config, log: ctx.log, organisation });
  const printer = new VirtualPrinter({ db, domain, invoices, dunning, inboxDir: config.inboxDir, log: ctx.log });
  dunning.onPrinterReview = (job, reference) => printer.resolveReview(job, reference);
  // A new invoice goes out by its customer's preferred channel, in the same transaction.
  invoices.onCreated((tx, invoice, _dossier, options) => {
    if (options.send) diffusion.sendInvoiceIn(tx, invoice, "receivables");
  });
  invoices.onSettled((tx, invoice) => {
    db.prepare(`UPDATE dunning_case SET state = 'settled', ended_at = ? WHERE invoice_id = ? AND state = 'active'`).run(tx.now, invoice.id);
  });

  let workers: JobWorker[] = [];
  const timers: NodeJS.Timeout[] = [];
  let stopping = false;
  let ticking = false;
  /** The durable daily run: due when today's run (engine clock, UTC) is not recorded and the hour has come. */
  const tick = async () => {
    if (ticking || stopping) return;
    ticking = true;
    try {
      const now = engine.clock.now();
      const today = isoDay(now);
      if (dunning.setting<string | null>("lastDunningRun", null) !== today && new Date(now).getUTCHours() >= config.dunningHour) await dunning.run({ today });
      await diffusion.printRun();
      await diffusion.pollEInvoicing();
    } catch (e) {
      ctx.log(`receivables: scheduled run failed: ${(e as Error).message}`);
    } finally {
      ticking = false;
    }
  };

  const module: CapabilityModule = {
    name: "receivables",
    apiRouters: [receivablesRouter({ db, domain, invoices, diffusion, dunning, printer })],
    pageRouters: [portalInvoices({ db, domain, invoices, diffusion, dunning, portal: deps.portal, links: deps.links, templates: deps.templates, pdf: deps.pdf, config, organisation })],
    async start() {
      dunning.seedReasons();
      workers = dunning.startWorkers();
      if (config.auto) {
        const t = setInterval(() => void tick(), 60_000);
        t.unref();
        timers.push(t);
        setImmediate(() => void tick());
      }
      if (config.printerPollMs > 0) {
        const p = setInterval(() => void printer.scan().catch((e) => ctx.log(`receivables: printer: ${(e as Error).message}`)), config.printerPollMs);
        p.unref();
        timers.push(p);
      }
    },
    async stop() {
      stopping = true;
      for (const t of timers) clearInterval(t);
      await Promise.all(workers.map((w) => w.close()));
    },
  };
  return { module, invoices, diffusion, dunning, printer, config, einvoicing };
}
