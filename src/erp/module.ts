/**
 * The ERP connection (Dolibarr): the `dolibarr.thirdparty` and `dolibarr.project` job workers and
 * the scheduled pull of invoices and payments into receivables. Off (no workers, no schedule, the
 * status says so) while DOLIBARR_URL is not set.
 */
import type { CapabilityModule, ModuleContext } from "../modules.js";
import type { JobWorker } from "../engine/workers.js";
import { startDolibarrProjectWorker } from "../connectors/dolibarr-project.js";
import { startDolibarrThirdPartyWorker } from "../connectors/dolibarr-thirdparty.js";
import { loadDolibarrConfig } from "./config.js";
import { DolibarrClient } from "./dolibarr-client.js";
import { DolibarrPull, type InvoiceSink } from "./pull.js";
import { erpRouter } from "./routes.js";
import { ErpStore } from "./store.js";

export async function createErpModule(ctx: ModuleContext, deps: { invoices?: InvoiceSink | undefined } = {}): Promise<{ module: CapabilityModule; pull: DolibarrPull; store: ErpStore; client: DolibarrClient | undefined }> {
  const config = loadDolibarrConfig(ctx.env);
  const store = new ErpStore(ctx.db);
  const client = config.url && config.apiKey ? new DolibarrClient({ url: config.url, apiKey: config.apiKey, timeoutMs: config.timeoutMs }) : undefined;
  const pull = new DolibarrPull({ client, store, invoices: deps.invoices, now: () => ctx.engine.clock.now(), timeZone: config.timeZone, sendDays: config.sendDays, log: ctx.log });
  const workers: JobWorker[] = [];
  let timer: NodeJS.Timeout | undefined;
  return {
    pull, store, client,
    module: {
      name: "erp",
      apiRouters: [erpRouter(config, store, pull)],
      async start() {
        if (!client) return;
        workers.push(startDolibarrThirdPartyWorker(ctx.engine, ctx.domain, client, store, config.retryBackOffMs), startDolibarrProjectWorker(ctx.engine, ctx.domain, client, store, config.retryBackOffMs));
        if (config.pullMinutes > 0 && deps.invoices) {
          timer = setInterval(() => void pull.run(), config.pullMinutes * 60_000);
          timer.unref();
        }
      },
      async stop() {
        if (timer) clearInterval(timer);
        await Promise.all(workers.splice(0).map((w) => w.close()));
      },
    },
  };
}
