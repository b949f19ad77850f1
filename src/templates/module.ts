/**
 * The templates module: the Handlebars library (templates/ + edits saved in the database), the
 * Chromium pool behind `htmlToPdf`, the document.render worker, the /templates page's API.
 */
import type { CapabilityModule, ModuleContext } from "../modules.js";
import type { PdfRenderer, TemplateRenderer } from "./api.js";
import { ChromiumPool, type PdfOptions } from "./chromium.js";
import { loadTemplatesConfig } from "./config.js";
import { TemplateLibrary } from "./library.js";

export interface TemplatesPdf extends PdfRenderer {
  htmlToPdf(html: string, options?: PdfOptions): Promise<Buffer>;
}

export async function createTemplatesModule(ctx: ModuleContext): Promise<{ module: CapabilityModule; renderer: TemplateRenderer; pdf: TemplatesPdf; library: TemplateLibrary; pool: ChromiumPool }> {
  const config = loadTemplatesConfig(ctx.env, ctx.config.processesDir);
  const library = new TemplateLibrary({ dir: config.dir, timeZone: config.timeZone, log: ctx.log });
  library.load();
  const pool = new ChromiumPool({ executablePath: config.chromiumPath, concurrency: config.concurrency, timeoutMs: config.timeoutMs, log: ctx.log });
  return {
    module: {
      name: "templates",
      async stop() {
        await pool.stop();
      },
    },
    renderer: library,
    pdf: pool,
    library,
    pool,
  };
}
