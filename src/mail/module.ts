/** The mail sending module (placeholder: being built). */
import type { CapabilityModule, ModuleContext } from "../modules.js";
import type { TemplateRenderer } from "../templates/api.js";
import type { Outbox, SentMailLedger, SmsOutbox } from "./api.js";

const notYet = (what: string) => () => {
  throw new Error(`${what} is not built yet`);
};

export async function createMailModule(_ctx: ModuleContext, _deps: { templates: TemplateRenderer }): Promise<{ module: CapabilityModule; outbox: Outbox; sms: SmsOutbox; sent: SentMailLedger }> {
  return {
    module: { name: "mail" },
    outbox: { enqueue: notYet("outbox.enqueue") },
    sms: { enqueue: notYet("sms.enqueue") },
    sent: { byMessageId: () => undefined, markBounced: notYet("sent.markBounced") },
  };
}
