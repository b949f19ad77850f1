/**
 * The dashboards and KPIs module: the receivables aggregates (kept up to date by the projection,
 * caught up every few seconds and before every read) and /api/insights.
 */
import type { CapabilityModule, ModuleContext } from "../modules.js";
import { insightsRouter } from "./routes.js";
import { Insights } from "./service.js";

export async function createInsightsModule(ctx: ModuleContext): Promise<{ module: CapabilityModule; insights: Insights }> {
  const insights = new Insights(ctx.db, ctx.engine);
  let timer: NodeJS.Timeout | undefined;
  return {
    insights,
    module: {
      name: "insights",
      apiRouters: [insightsRouter(insights, ctx.engine)],
      async start() {
        timer = setInterval(() => void insights.catchUp().catch((e: unknown) => ctx.log(`insights: catch-up failed: ${(e as Error).message}`)), 5000);
        timer.unref();
      },
      async stop() {
        if (timer) clearInterval(timer);
        await insights.catchUp().catch(() => undefined);
      },
    },
  };
}
