/** The receivables module (placeholder: being built). */
import type { CapabilityModule, ModuleContext } from "../modules.js";
import type { Outbox, SmsOutbox } from "../mail/api.js";
import type { PdfRenderer, TemplateRenderer } from "../templates/api.js";
import type { Links } from "../portal/links.js";
import type { PortalApi } from "../portal/api.js";

export async function createReceivablesModule(
  _ctx: ModuleContext,
  _deps: { outbox: Outbox; sms: SmsOutbox; links: Links; templates: TemplateRenderer; pdf: PdfRenderer ; portal: PortalApi },
): Promise<{ module: CapabilityModule }> {
  return { module: { name: "receivables" } };
}
