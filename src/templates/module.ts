/**
 * The templates module: the Handlebars library (templates/ + edits saved in the database), the
 * Chromium pool behind `htmlToPdf`, the organisation's details, the document.render worker, mail
 * merge, and the /templates page's API.
 */
import type { CapabilityModule, ModuleContext } from "../modules.js";
import type { JobWorker } from "../engine/workers.js";
import { startDocumentRenderWorker } from "../connectors/document-render.js";
import type { PdfRenderer, TemplateRenderer } from "./api.js";
import { ChromiumPool, type PdfOptions } from "./chromium.js";
import { loadTemplatesConfig } from "./config.js";
import { TemplateLibrary } from "./library.js";
import { MailMerge } from "./merge.js";
import { OrganisationSettings } from "./organisation.js";
import { TemplateRevisions } from "./revisions.js";
import { templatesRouter } from "./routes.js";

export interface TemplatesPdf extends PdfRenderer {
  htmlToPdf(html: string, options?: PdfOptions): Promise<Buffer>;
}

export async function createTemplatesModule(ctx: ModuleContext): Promise<{
  module: CapabilityModule; renderer: TemplateRenderer; pdf: TemplatesPdf; library: TemplateLibrary; pool: ChromiumPool; settings: OrganisationSettings; merge: MailMerge;
}> {
  const config = loadTemplatesConfig(ctx.env);
  const library = new TemplateLibrary({ dir: config.dir, timeZone: config.timeZone, log: ctx.log });
  library.load();
  const revisions = new TemplateRevisions(ctx.db, ctx.engine);
  const refresh = () => library.setOverrides(revisions.overrides());
  refresh();
  for (const entry of library.list()) if (entry.error && entry.origin === "database") ctx.log(`templates: ${entry.error.message}`);
  const pool = new ChromiumPool({ executablePath: config.chromiumPath, concurrency: config.concurrency, timeoutMs: config.timeoutMs, log: ctx.log });
  const settings = new OrganisationSettings(ctx.db, ctx.engine, ctx.env);
  const organisation = () => settings.get();
  const merge = new MailMerge({ domain: ctx.domain, library, pool, organisation, dataDir: ctx.config.dataDir });
  let worker: JobWorker | undefined;
  return {
    module: {
      name: "templates",
      apiRouters: [templatesRouter({ domain: ctx.domain, library, pool, revisions, settings, merge, refresh })],
      async start() {
        worker = startDocumentRenderWorker(ctx.engine, { domain: ctx.domain, library, pool, organisation }, ctx.log);
      },
      async stop() {
        await worker?.close();
        await pool.stop();
      },
    },
    renderer: library,
    pdf: pool,
    library,
    pool,
    settings,
    merge,
  };
}
