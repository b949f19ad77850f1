/** The ERP connection (Dolibarr) module (placeholder: being built). */
import type { CapabilityModule, ModuleContext } from "../modules.js";

export async function createErpModule(_ctx: ModuleContext): Promise<{ module: CapabilityModule }> {
  return { module: { name: "erp" } };
}
