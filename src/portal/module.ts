/** The portal module (placeholder: being built). */
import type { CapabilityModule, ModuleContext } from "../modules.js";
import type { Outbox, SmsOutbox } from "../mail/api.js";
import type { TemplateRenderer } from "../templates/api.js";
import type { Links } from "./links.js";

export async function createPortalModule(_ctx: ModuleContext, _deps: { outbox: Outbox; sms: SmsOutbox; links: Links; templates: TemplateRenderer }): Promise<{ module: CapabilityModule }> {
  return { module: { name: "portal" } };
}
