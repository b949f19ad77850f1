/**
 * The portal module: public pages (/p/<slug>), private pages of party tasks (links by mail),
 * portal accounts made on the fly with their own sessions, the customer portal (/portail), and
 * the back office's side (publishing pages, links and messages in the 360° view). See docs/portal.md.
 */
import type { CapabilityModule, ModuleContext } from "../modules.js";
import type { Outbox, SmsOutbox } from "../mail/api.js";
import type { TemplateRenderer } from "../templates/api.js";
import type { Links } from "./links.js";
import type { PortalApi, PortalSection } from "./api.js";
import { loadCodeKey, PortalAccounts } from "./accounts.js";
import { adminRouter } from "./admin-routes.js";
import { loadPortalConfig } from "./config.js";
import { DEMO_PAGES } from "./demo-pages.js";
import { outsiderRouter } from "./outsider-routes.js";
import { PartyTasks } from "./party-tasks.js";
import { PublicPages } from "./public-pages.js";
import { TaskPages } from "./task-page.js";
import { visitorOf, visitorSession } from "./visitor-session.js";
import { VisitorData } from "./visitor.js";

export async function createPortalModule(ctx: ModuleContext, deps: { outbox: Outbox; sms: SmsOutbox; links: Links; templates: TemplateRenderer }): Promise<{ module: CapabilityModule; api: PortalApi; tasks: PartyTasks; accounts: PortalAccounts; pages: PublicPages }> {
  const { engine, domain, db } = ctx;
  const config = loadPortalConfig(ctx.env);
  const now = () => engine.clock.now();
  const sections: PortalSection[] = [];
  const accounts = new PortalAccounts(db, now, { idleMs: config.sessionIdleMs, maxAgeMs: config.sessionMaxAgeMs, codeKey: loadCodeKey(ctx.config.dataDir) });
  const pages = new PublicPages(db, engine, domain);
  const visitor = new VisitorData(domain, engine, sections);
  const tasks = new PartyTasks({ engine, domain, links: deps.links, outbox: deps.outbox, sms: deps.sms, publicUrl: ctx.publicUrl, log: ctx.log });
  const taskPages = new TaskPages({ engine, domain, links: deps.links, visitor });
  let sweeper: NodeJS.Timeout | undefined;
  const api: PortalApi = {
    registerSection: (section) => {
      if (sections.some((s) => s.id === section.id)) throw new Error(`A portal section '${section.id}' is already registered`);
      sections.push(section);
    },
    requireVisitor: () => visitorSession(accounts, domain, { required: true }),
    visitorOf,
  };
  const module: CapabilityModule = {
    name: "portal",
    apiRouters: [adminRouter({ engine, domain, links: deps.links, outbox: deps.outbox, accounts, pages, visitor, publicUrl: ctx.publicUrl })],
    pageRouters: [outsiderRouter({ engine, domain, links: deps.links, outbox: deps.outbox, accounts, pages, tasks, taskPages, visitor, config, secureCookies: ctx.config.secureCookies, publicUrl: ctx.publicUrl })],
    async start() {
      // The demo's public pages, like the demo dossiers: only on a demo installation, and only into an empty page table.
      const demo = ctx.config.demoData && ctx.config.demoAccounts && ctx.config.adminPasswordIsDefault;
      if (demo && pages.all().length === 0) {
        await engine.transaction((tx) => {
          for (const input of DEMO_PAGES) {
            if (pages.bySlug(String(input["slug"])) || !engine.store.latestForm(String(input["formId"])) || !domain.types.get(String(input["dossierType"]))) continue;
            pages.save(pages.check(input), null, tx.now);
          }
        });
      }
      tasks.start();
      sweeper = setInterval(() => accounts.sweep(), 10 * 60_000);
      sweeper.unref();
    },
    async stop() {
      tasks.stop();
      if (sweeper) clearInterval(sweeper);
    },
  };
  return { module, api, tasks, accounts, pages };
}
