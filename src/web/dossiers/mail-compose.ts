/**
 * "Écrire un e-mail" from the 360° view: recipients among the dossier's parties (or typed
 * addresses), a template or free text, dossier documents as attachments. POST
 * /api/dossiers/{reference}/mails queues it (the outbox sends it after the commit); the copy shows
 * in the exchanges.
 */
import { api } from "../shared/api.js";
import { h } from "../shared/dom.js";
import { lang, register, t } from "../shared/i18n.js";
import "../mail/compose.css";

register({
  fr: {
    "mail.compose.open": "Écrire un e-mail", "mail.compose.title": "Nouvel e-mail", "mail.compose.to": "Destinataires", "mail.compose.other": "Autres adresses (séparées par des virgules)",
    "mail.compose.template": "Modèle", "mail.compose.subject": "Objet", "mail.compose.text": "Message", "mail.compose.attachments": "Pièces jointes du dossier",
    "mail.compose.send": "Envoyer", "mail.compose.sent": "E-mail mis en file d'envoi", "mail.compose.noEmail": "pas d'adresse e-mail", "mail.compose.noDocuments": "Aucun document dans le dossier",
    "mail.compose.templateHint": "Le modèle fournit l'objet et le texte ; la référence du dossier est ajoutée à l'objet.", "mail.compose.needRecipient": "Choisissez au moins un destinataire.",
    "mail.timeline.sent": "E-mail envoyé", "mail.timeline.received": "E-mail reçu", "mail.timeline.to": "À : {to}", "mail.timeline.from": "De : {from}", "mail.timeline.open": "Voir l'e-mail",
    "mail.timeline.documents": "{n} pièce(s) jointe(s) classée(s)", "mail.timeline.failed": "E-mail non remis", "mail.timeline.bounced": "E-mail revenu en erreur",
  },
  en: {
    "mail.compose.open": "Write an e-mail", "mail.compose.title": "New e-mail", "mail.compose.to": "Recipients", "mail.compose.other": "Other addresses (comma separated)",
    "mail.compose.template": "Template", "mail.compose.subject": "Subject", "mail.compose.text": "Message", "mail.compose.attachments": "Attachments from the file",
    "mail.compose.send": "Send", "mail.compose.sent": "E-mail queued for sending", "mail.compose.noEmail": "no e-mail address", "mail.compose.noDocuments": "No document in the file",
    "mail.compose.templateHint": "The template provides the subject and the text; the file reference is added to the subject.", "mail.compose.needRecipient": "Choose at least one recipient.",
    "mail.timeline.sent": "E-mail sent", "mail.timeline.received": "E-mail received", "mail.timeline.to": "To: {to}", "mail.timeline.from": "From: {from}", "mail.timeline.open": "Open the e-mail",
    "mail.timeline.documents": "{n} attachment(s) filed", "mail.timeline.failed": "E-mail not delivered", "mail.timeline.bounced": "E-mail bounced",
  },
});

interface MailOptions {
  recipients: Array<{ role: string; partyId: number; name: string | null; email: string | null }>;
  documents: Array<{ id: number; title: string; filename: string; size: number }>;
  templates: Array<{ name: string; label: string }>;
}

/** Opens the compose dialog; `sent` runs once the mail is queued. */
export async function openMailCompose(reference: string, sent: () => Promise<void>): Promise<void> {
  const options = await api<MailOptions>("GET", `/api/dossiers/${encodeURIComponent(reference)}/mail-options?lang=${lang()}`);
  const error = h("p", { class: "error", role: "alert", hidden: true });
  const recipientBoxes = options.recipients.map((r, i) => {
    const box = h("input", { type: "checkbox", name: "recipient", value: String(i), disabled: !r.email, checked: i === 0 && !!r.email, "data-role": r.role });
    return { r, box, row: h("label", { class: `check${r.email ? "" : " muted"}` }, box, " ", h("strong", {}, r.name ?? `#${r.partyId}`), ` (${r.role}) — ${r.email ?? t("mail.compose.noEmail")}`) };
  });
  const others = h("input", { type: "text", name: "others", placeholder: "compta@exemple.fr", "aria-label": t("mail.compose.other") });
  const template = h("select", { name: "template", "aria-label": t("mail.compose.template") }, ...options.templates.map((tp) => h("option", { value: tp.name }, tp.label)));
  const subject = h("input", { type: "text", name: "subject", maxlength: 300, "aria-label": t("mail.compose.subject") });
  const text = h("textarea", { name: "text", rows: 8, "aria-label": t("mail.compose.text") });
  const hint = h("p", { class: "muted small", hidden: true }, t("mail.compose.templateHint"));
  const freeFields = h("div", { class: "mail-free" }, h("label", {}, t("mail.compose.subject"), subject), h("label", {}, t("mail.compose.text"), text));
  const sync = () => {
    const free = template.value === "message";
    freeFields.hidden = !free;
    hint.hidden = free;
  };
  template.addEventListener("change", sync);
  const docBoxes = options.documents.map((d) => {
    const box = h("input", { type: "checkbox", name: "attachment", value: String(d.id) });
    return { d, box, row: h("label", { class: "check" }, box, " ", d.title || d.filename, h("span", { class: "muted small" }, ` (${Math.max(1, Math.round(d.size / 1024))} Ko)`)) };
  });
  const send = h("button", { type: "submit", class: "primary", "data-action": "send-mail" }, t("mail.compose.send"));
  const dialog = h("dialog", { class: "mail-compose", "data-testid": "mail-compose", "aria-labelledby": "mail-compose-title" });
  const form = h("form", { method: "dialog", onsubmit: async (e: Event) => {
    e.preventDefault();
    const to: Array<string | { partyId: number }> = recipientBoxes.filter((x) => x.box.checked).map((x) => ({ partyId: x.r.partyId }));
    for (const a of others.value.split(/[,;]/).map((s) => s.trim()).filter(Boolean)) to.push(a);
    if (to.length === 0) return show(t("mail.compose.needRecipient"));
    send.disabled = true;
    try {
      await api("POST", `/api/dossiers/${encodeURIComponent(reference)}/mails`, {
        to, template: template.value, ...(template.value === "message" ? { subject: subject.value, text: text.value } : {}),
        attachments: docBoxes.filter((x) => x.box.checked).map((x) => x.d.id),
      });
      dialog.close();
      dialog.remove();
      await sent();
    } catch (err) {
      show(err instanceof Error ? err.message : String(err));
      send.disabled = false;
    }
  } },
    h("h2", { id: "mail-compose-title" }, t("mail.compose.title"), " · ", reference),
    h("fieldset", {}, h("legend", {}, t("mail.compose.to")), ...recipientBoxes.map((x) => x.row), h("label", {}, t("mail.compose.other"), others)),
    h("label", {}, t("mail.compose.template"), template), hint, freeFields,
    h("fieldset", {}, h("legend", {}, t("mail.compose.attachments")), ...(docBoxes.length ? docBoxes.map((x) => x.row) : [h("p", { class: "muted small" }, t("mail.compose.noDocuments"))])),
    error,
    h("div", { class: "form-actions" }, h("button", { type: "button", onclick: () => { dialog.close(); dialog.remove(); } }, t("common.cancel")), send));
  function show(message: string) {
    error.textContent = message;
    error.hidden = false;
  }
  dialog.append(form);
  document.body.append(dialog);
  sync();
  dialog.showModal();
  (recipientBoxes.find((x) => !x.box.disabled)?.box ?? others).focus();
}
