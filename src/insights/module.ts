/** The dashboards and KPIs module (placeholder: being built). */
import type { CapabilityModule, ModuleContext } from "../modules.js";

export async function createInsightsModule(_ctx: ModuleContext): Promise<{ module: CapabilityModule }> {
  return { module: { name: "insights" } };
}
