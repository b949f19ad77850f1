/** The mail intake module (placeholder: being built). */
import type { CapabilityModule, ModuleContext } from "../../modules.js";
import type { SentMailLedger } from "../api.js";

export async function createMailIntakeModule(_ctx: ModuleContext, _deps: { sent: SentMailLedger }): Promise<{ module: CapabilityModule }> {
  return { module: { name: "mail-intake" } };
}
