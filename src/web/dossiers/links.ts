/**
 * The 360° view's "Liens et accès" section (portal module): the tasks waiting for a third party
 * ("en attente du tiers"), the personal links given out for the dossier with their state, last
 * use and a "Retirer" button (dossiers.write), and the documents' "shared with the customer" flag.
 */
import { api } from "../shared/api.js";
import { h } from "../shared/dom.js";
import { formatDate, register, t } from "../shared/i18n.js";
import { errorText, fill, section, toast } from "./widgets.js";

register({
  fr: {
    "portal.links": "Liens et accès", "portal.links.none": "Aucun lien envoyé pour ce dossier.", "portal.links.waiting": "En attente du tiers",
    "portal.links.revoke": "Retirer", "portal.links.revoked": "Lien retiré.", "portal.links.state.active": "Actif", "portal.links.state.expired": "Expiré",
    "portal.links.state.revoked": "Retiré", "portal.links.expires": "expire le {date}", "portal.links.used": "utilisé {count} fois, dernier accès {date}",
    "portal.links.unused": "jamais ouvert", "portal.share": "Partager avec le client", "portal.shared": "Partagé avec le client.", "portal.unshared": "Retiré du partage.",
    "portal.purpose.portal.task": "Page privée", "portal.purpose.signature.signer": "Signature", "portal.purpose.portal.signin": "Connexion",
    "portal.reason.used": "utilisé (réponse envoyée)", "portal.reason.replaced": "remplacé par un nouveau lien",
    "dossiers.journal.action.portal.form.submitted": "Formulaire public reçu", "dossiers.journal.action.portal.link.issued": "Lien envoyé au tiers",
    "dossiers.journal.action.portal.link.reminded": "Rappel envoyé au tiers", "dossiers.journal.action.portal.link.revoked": "Lien retiré",
    "dossiers.journal.action.portal.task.completed": "Tâche remplie sur le portail", "dossiers.journal.action.portal.account.created": "Espace client créé",
    "dossiers.journal.action.portal.message": "Message du portail", "dossiers.journal.action.portal.profile.changed": "Coordonnées modifiées sur le portail",
    "dossiers.journal.action.document.shared": "Document partagé avec le client", "dossiers.journal.action.document.unshared": "Document retiré du partage",
  },
  en: {
    "portal.links": "Links and access", "portal.links.none": "No link sent for this file.", "portal.links.waiting": "Waiting for the third party",
    "portal.links.revoke": "Revoke", "portal.links.revoked": "Link revoked.", "portal.links.state.active": "Active", "portal.links.state.expired": "Expired",
    "portal.links.state.revoked": "Revoked", "portal.links.expires": "expires {date}", "portal.links.used": "used {count} times, last {date}",
    "portal.links.unused": "never opened", "portal.share": "Share with the customer", "portal.shared": "Shared with the customer.", "portal.unshared": "No longer shared.",
    "portal.purpose.portal.task": "Private page", "portal.purpose.signature.signer": "Signature", "portal.purpose.portal.signin": "Sign-in",
    "portal.reason.used": "used (answer sent)", "portal.reason.replaced": "replaced by a new link",
    "dossiers.journal.action.portal.form.submitted": "Public form received", "dossiers.journal.action.portal.link.issued": "Link sent to the third party",
    "dossiers.journal.action.portal.link.reminded": "Reminder sent to the third party", "dossiers.journal.action.portal.link.revoked": "Link revoked",
    "dossiers.journal.action.portal.task.completed": "Task filled in on the portal", "dossiers.journal.action.portal.account.created": "Customer space created",
    "dossiers.journal.action.portal.message": "Portal message", "dossiers.journal.action.portal.profile.changed": "Contact details changed on the portal",
    "dossiers.journal.action.document.shared": "Document shared with the customer", "dossiers.journal.action.document.unshared": "Document no longer shared",
  },
});

export interface PortalInfo {
  links: Array<{ id: number; purpose: string; party: { name: string }; state: string; expiresAt: number; lastUsedAt: number | null; uses: number; taskName: string | null; revokedReason: string | null }>;
  waiting: Array<{ userTaskKey: string; name: string | null; party: string | null; role: string }>;
  messages: Array<{ at: number; text: string; from: "customer" | "team" }>;
  shared: number[];
}

const reason = (r: string) => (t(`portal.reason.${r}`) === `portal.reason.${r}` ? r : t(`portal.reason.${r}`));

export const portalInfo = (reference: string) => api<PortalInfo>("GET", `/api/dossiers/${encodeURIComponent(reference)}/portal`);

export class LinksSection {
  readonly element: HTMLElement;
  private readonly body = h("div", { "data-testid": "portal-links" });

  constructor(private readonly reference: string, private readonly canWrite: boolean) {
    this.element = section("links", t("portal.links"), this.body);
  }

  render(info: PortalInfo): void {
    const waiting = info.waiting.length ? h("ul", { class: "items", "data-testid": "waiting" }, ...info.waiting.map((w) =>
      h("li", {}, h("strong", {}, w.name ?? w.userTaskKey), " ", h("span", { class: "badge due-soon" }, t("portal.links.waiting")), w.party ? h("span", { class: "muted" }, ` · ${w.party}`) : null))) : null;
    const list = info.links.length ? h("ul", { class: "items" }, ...info.links.map((l) => h("li", { "data-link": String(l.id) },
      h("strong", {}, l.taskName ?? t(`portal.purpose.${l.purpose}`)), " · ", l.party.name, " ",
      h("span", { class: `badge link-${l.state}` }, t(`portal.links.state.${l.state}`)),
      h("div", { class: "muted small" }, [l.state === "active" ? t("portal.links.expires", { date: formatDate(l.expiresAt) }) : l.revokedReason ? reason(l.revokedReason) : "",
        l.lastUsedAt ? t("portal.links.used", { count: l.uses, date: formatDate(l.lastUsedAt) }) : t("portal.links.unused")].filter(Boolean).join(" · ")),
      this.canWrite && l.state === "active" ? h("button", { type: "button", class: "small danger", "data-action": "revoke", onclick: () => void this.revoke(l.id) }, t("portal.links.revoke")) : null)))
      : h("p", { class: "muted" }, t("portal.links.none"));
    fill(this.body, waiting, list);
  }

  private async revoke(id: number): Promise<void> {
    try {
      await api("POST", `/api/dossiers/${encodeURIComponent(this.reference)}/portal/links/${id}/revocation`);
      toast(t("portal.links.revoked"));
      this.render(await portalInfo(this.reference));
    } catch (e) {
      toast(errorText(e));
    }
  }
}

/** The "Partager avec le client" toggle of a document in the documents section. */
export function shareToggle(reference: string, documentId: number, shared: boolean): HTMLElement {
  const box = h("input", { type: "checkbox", "data-action": "share", checked: shared });
  box.addEventListener("change", async () => {
    try {
      await api("PUT", `/api/dossiers/${encodeURIComponent(reference)}/documents/${documentId}/share`, { shared: box.checked });
      toast(t(box.checked ? "portal.shared" : "portal.unshared"));
    } catch (e) {
      box.checked = !box.checked;
      toast(errorText(e));
    }
  });
  return h("label", { class: "small share-toggle" }, box, " ", t("portal.share"));
}

export async function sharedDocuments(reference: string): Promise<Set<number>> {
  try {
    return new Set((await portalInfo(reference)).shared);
  } catch {
    return new Set();
  }
}
