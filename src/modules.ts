/**
 * The capability modules around the customer file, built in dependency order and wired by hand:
 * templates (Handlebars, Chromium PDF) → mail (sending, SMS, intake) → portal (links, public and
 * private pages, accounts) → signature → archive → receivables → insights (KPIs, dashboards) → erp (Dolibarr). Each module's factory lives in its
 * folder (`src/<module>/module.ts`), takes the context and the services of the modules before it,
 * and returns its routers and its start/stop. main.ts builds them once; the tests build them the
 * same way (test/helpers/modules.ts).
 */
import type Database from "better-sqlite3";
import type { Router } from "express";
import type { Config } from "./config.js";
import type { Domain } from "./dossiers/domain.js";
import type { Engine } from "./engine/engine.js";
import type { Identity } from "./identity/identity.js";
import { Links } from "./portal/links.js";
import { loadOrganisationCertificate, type OrganisationCertificate } from "./signature/certificate.js";
import { createTemplatesModule } from "./templates/module.js";
import { createMailModule } from "./mail/module.js";
import { createMailIntakeModule } from "./mail/intake/module.js";
import { createPortalModule } from "./portal/module.js";
import { createSignatureModule } from "./signature/module.js";
import { createArchiveModule } from "./archive/module.js";
import { createReceivablesModule } from "./receivables/module.js";
import { createInsightsModule } from "./insights/module.js";
import { createErpModule } from "./erp/module.js";
import type { InvoiceSink } from "./erp/pull.js";

export interface ModuleContext {
  config: Config;
  /** The environment, for the settings each module reads and validates itself (src/<module>/config.ts). */
  env: NodeJS.ProcessEnv;
  db: Database.Database;
  engine: Engine;
  domain: Domain;
  identity: Identity;
  log: (message: string) => void;
  /** Where people reach the server (PUBLIC_URL, else http://HOST:PORT): links in mails. */
  publicUrl: () => string;
}

export interface CapabilityModule {
  readonly name: string;
  /** Back-office routers mounted under /api: every route guarded by allow(), listed in the permission matrix. */
  readonly apiRouters?: Router[];
  /**
   * Routers mounted at the site root after the back-office pages: pages and endpoints for people
   * outside the company (/p, /portail, /signature, /verification) with their own sessions, and
   * back-office page shells a module serves itself.
   */
  readonly pageRouters?: Router[];
  start?(): Promise<void>;
  stop?(): Promise<void>;
}

export type Capabilities = Awaited<ReturnType<typeof createCapabilities>>;

export async function createCapabilities(ctx: ModuleContext) {
  const links = new Links(ctx.db, () => ctx.engine.clock.now());
  const templates = await createTemplatesModule(ctx);
  // the generated (self-signed) certificate is named after the organisation of the document settings
  const certificate: OrganisationCertificate = loadOrganisationCertificate({
    dataDir: ctx.config.dataDir, p12Path: ctx.env["SIGNING_P12"] || undefined, p12Password: ctx.env["SIGNING_P12_PASSWORD"], organisationName: templates.settings.get().name || "Dossier", log: ctx.log,
  });
  const mail = await createMailModule(ctx, { templates: templates.renderer });
  const intake = await createMailIntakeModule(ctx, { sent: mail.sent });
  const portal = await createPortalModule(ctx, { outbox: mail.outbox, sms: mail.sms, links, templates: templates.renderer });
  const signature = await createSignatureModule(ctx, { outbox: mail.outbox, sms: mail.sms, links, templates: templates.renderer, pdf: templates.pdf, certificate, portal: portal.api });
  const archive = await createArchiveModule(ctx, { certificate, pdf: templates.pdf });
  const receivables = await createReceivablesModule(ctx, { outbox: mail.outbox, sms: mail.sms, links, templates: templates.renderer, pdf: templates.pdf, portal: portal.api });
  const insights = await createInsightsModule(ctx);
  const erp = await createErpModule(ctx, { invoices: (receivables as { invoices?: InvoiceSink }).invoices });
  const modules: CapabilityModule[] = [templates.module, mail.module, intake.module, portal.module, signature.module, archive.module, receivables.module, insights.module, erp.module];
  return {
    links, certificate, templates, mail, intake, portal, signature, archive, receivables, insights, erp, modules,
    apiRouters: () => modules.flatMap((m) => m.apiRouters ?? []),
    pageRouters: () => modules.flatMap((m) => m.pageRouters ?? []),
    async start() {
      for (const m of modules) await m.start?.();
    },
    async stop() {
      for (const m of [...modules].reverse()) await m.stop?.();
    },
  };
}
