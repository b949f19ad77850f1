/** Texts of the "Courrier" page (sending side). */
import { register } from "../shared/i18n.js";

register({
  fr: {
    "mail.tab.sent": "E-mails envoyés", "mail.tab.sms": "SMS envoyés", "mail.filter.dossier": "Dossier", "mail.filter.status": "Statut", "mail.filter.purpose": "Motif",
    "mail.filter.any": "Tous", "mail.filter.apply": "Filtrer", "mail.col.date": "Date", "mail.col.to": "Destinataires", "mail.col.subject": "Objet", "mail.col.dossier": "Dossier",
    "mail.col.status": "Statut", "mail.col.purpose": "Motif", "mail.col.attempts": "Essais", "mail.none": "Aucun e-mail envoyé pour ces critères.", "mail.more": "Plus ancien",
    "mail.status.queued": "En file", "mail.status.sending": "En cours", "mail.status.sent": "Remis", "mail.status.failed": "Échec",
    "mail.detail.headers": "En-têtes", "mail.detail.attachments": "Pièces jointes", "mail.detail.none": "Aucune", "mail.detail.answer": "Réponse du serveur", "mail.detail.lastError": "Dernière erreur",
    "mail.detail.attempts": "{n} essai(s)", "mail.detail.next": "Prochain essai : {at}", "mail.detail.text": "Texte", "mail.detail.hidden": "Contenu confidentiel : ce message porte un lien personnel ou un code, il n'est pas affiché (et il est effacé une fois accepté par le serveur de messagerie).", "mail.detail.html": "Aperçu", "mail.detail.retry": "Renvoyer", "mail.detail.close": "Fermer",
    "mail.detail.pick": "Choisissez un e-mail dans la liste pour l'afficher.",
    "sms.col.to": "Numéro", "sms.col.text": "Texte", "sms.col.encoding": "Encodage", "sms.col.received": "Reçu par le téléphone (passerelle de développement)", "sms.sensitive": "(confidentiel, effacé après envoi)",
    "sms.none": "Aucun SMS envoyé pour ces critères.", "sms.segments": "{n} segment(s), {length} car.",
  },
  en: {
    "mail.tab.sent": "Sent e-mails", "mail.tab.sms": "Sent SMS", "mail.filter.dossier": "File", "mail.filter.status": "Status", "mail.filter.purpose": "Purpose",
    "mail.filter.any": "Any", "mail.filter.apply": "Filter", "mail.col.date": "Date", "mail.col.to": "Recipients", "mail.col.subject": "Subject", "mail.col.dossier": "File",
    "mail.col.status": "Status", "mail.col.purpose": "Purpose", "mail.col.attempts": "Attempts", "mail.none": "No e-mail sent for these criteria.", "mail.more": "Older",
    "mail.status.queued": "Queued", "mail.status.sending": "Sending", "mail.status.sent": "Delivered", "mail.status.failed": "Failed",
    "mail.detail.headers": "Headers", "mail.detail.attachments": "Attachments", "mail.detail.none": "None", "mail.detail.answer": "Server answer", "mail.detail.lastError": "Last error",
    "mail.detail.attempts": "{n} attempt(s)", "mail.detail.next": "Next attempt: {at}", "mail.detail.text": "Text", "mail.detail.hidden": "Confidential: this message carries a personal link or a code; it is not shown (and it is erased once the mail server accepted it).", "mail.detail.html": "Preview", "mail.detail.retry": "Send again", "mail.detail.close": "Close",
    "mail.detail.pick": "Pick an e-mail in the list to show it.",
    "sms.col.to": "Number", "sms.col.text": "Text", "sms.col.encoding": "Encoding", "sms.col.received": "Received by the phone (development gateway)", "sms.sensitive": "(confidential, erased once sent)",
    "sms.none": "No SMS sent for these criteria.", "sms.segments": "{n} segment(s), {length} chars",
  },
});
