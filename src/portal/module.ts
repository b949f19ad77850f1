/** The portal module (placeholder: being built). */
import type { CapabilityModule, ModuleContext } from "../modules.js";
import type { Outbox, SmsOutbox } from "../mail/api.js";
import type { TemplateRenderer } from "../templates/api.js";
import type { Links } from "./links.js";
import type { PortalApi } from "./api.js";

export async function createPortalModule(_ctx: ModuleContext, _deps: { outbox: Outbox; sms: SmsOutbox; links: Links; templates: TemplateRenderer }): Promise<{ module: CapabilityModule; api: PortalApi }> {
  const sections: unknown[] = [];
  return {
    module: { name: "portal" },
    api: {
      registerSection: (section) => void sections.push(section),
      requireVisitor: () => (_req, _res, next) => next(new Error("the portal is not built yet")),
      visitorOf: () => {
        throw new Error("the portal is not built yet");
      },
    },
  };
}
