/**
 * The 360° view's portal message thread: the customer's messages and the team's answers (journaled
 * as exchanges), and the answer box (dossiers.write); answering mails the customer a notice.
 */
import { api } from "../shared/api.js";
import { h } from "../shared/dom.js";
import { formatDate, register, t } from "../shared/i18n.js";
import type { PortalInfo } from "./links.js";
import { errorText, fill, section, toast } from "./widgets.js";

register({
  fr: { "portal.messages": "Messages du portail", "portal.messages.none": "Aucun message du client.", "portal.messages.customer": "Client", "portal.messages.team": "Équipe",
    "portal.messages.answer": "Répondre au client", "portal.messages.send": "Envoyer la réponse", "portal.messages.sent": "Réponse envoyée ; le client est prévenu par e-mail." },
  en: { "portal.messages": "Portal messages", "portal.messages.none": "No message from the customer.", "portal.messages.customer": "Customer", "portal.messages.team": "Team",
    "portal.messages.answer": "Answer the customer", "portal.messages.send": "Send the answer", "portal.messages.sent": "Answer sent; the customer is told by e-mail." },
});

export class MessagesSection {
  readonly element: HTMLElement;
  private readonly thread = h("ul", { class: "items portal-thread", "data-testid": "portal-messages" });
  private readonly box = h("textarea", { name: "answer", rows: "3", maxlength: "5000", "aria-label": t("portal.messages.answer"), placeholder: t("portal.messages.answer") });

  constructor(private readonly reference: string, canWrite: boolean) {
    this.element = section("messages", t("portal.messages"), this.thread,
      canWrite ? h("div", { class: "answer" }, this.box, h("button", { type: "button", class: "primary small", "data-action": "answer", onclick: () => void this.send() }, t("portal.messages.send"))) : null);
  }

  render(messages: PortalInfo["messages"]): void {
    fill(this.thread, ...(messages.length ? messages.map((m) => h("li", { class: m.from },
      h("strong", {}, t(m.from === "customer" ? "portal.messages.customer" : "portal.messages.team")), h("span", { class: "muted small" }, ` ${formatDate(m.at)}`),
      h("p", {}, m.text))) : [h("li", { class: "muted" }, t("portal.messages.none"))]));
  }

  private async send(): Promise<void> {
    const text = this.box.value.trim();
    if (!text) return this.box.focus();
    try {
      const r = await api<{ messages: PortalInfo["messages"] }>("POST", `/api/dossiers/${encodeURIComponent(this.reference)}/portal/messages`, { text });
      this.box.value = "";
      this.render(r.messages);
      toast(t("portal.messages.sent"));
    } catch (e) {
      toast(errorText(e));
    }
  }
}
