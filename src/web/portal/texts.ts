/** The outsider pages' texts, French first. */
import { register } from "../shared/i18n.js";

register({
  fr: {
    "portal.brand": "Espace client", "portal.lang": "English", "portal.home": "Mes dossiers", "portal.profile": "Mon profil", "portal.signout": "Se déconnecter",
    "portal.send": "Envoyer", "portal.sending": "Envoi…", "portal.required": "Des champs sont à compléter.",
    "portal.public.thanks": "Merci !", "portal.public.reference": "Votre référence : {reference}. Un e-mail de confirmation vient de vous être envoyé.",
    "portal.public.honeypot": "Laissez ce champ vide",
    "portal.task.thanks": "Merci, c'est bien reçu.", "portal.task.next": "Votre dossier avance : vous serez prévenu par e-mail si nous avons besoin d'autre chose.",
    "portal.task.expired": "Ce lien a expiré.", "portal.task.expiredHelp": "Nous pouvons vous envoyer un nouveau lien à l'adresse e-mail que nous avons pour vous.",
    "portal.task.resend": "M'envoyer un nouveau lien", "portal.task.resent": "Si la demande est toujours ouverte, un nouveau lien vient de partir vers votre adresse e-mail.",
    "portal.task.revoked": "Ce lien n'est plus valable.", "portal.task.done": "Cette demande a déjà reçu une réponse, ou n'est plus nécessaire.",
    "portal.task.invalid": "Ce lien n'est pas valable : vérifiez qu'il a été copié en entier.",
    "portal.dossier": "Dossier {reference}", "portal.notes": "Informations", "portal.documents": "Documents", "portal.tasks": "À faire", "portal.messages": "Messages",
    "portal.noDossiers": "Aucun dossier pour le moment.", "portal.noTasks": "Rien à faire pour le moment.", "portal.noDocuments": "Aucun document partagé.", "portal.noNotes": "Aucune information.",
    "portal.noMessages": "Aucun message. Posez votre question à l'équipe ci-dessous.", "portal.message.placeholder": "Votre message à l'équipe…", "portal.message.me": "Vous", "portal.message.team": "L'équipe",
    "portal.signin.title": "Connexion à votre espace", "portal.signin.email": "Votre adresse e-mail", "portal.signin.getCode": "Recevoir un code par e-mail",
    "portal.signin.code": "Code reçu par e-mail (6 chiffres)", "portal.signin.verify": "Se connecter", "portal.signin.sent": "Si cette adresse est connue, un code vient d'y être envoyé (valable 10 minutes).",
    "portal.signin.password": "Mot de passe", "portal.signin.withPassword": "J'ai un mot de passe", "portal.signin.withCode": "Recevoir plutôt un code",
    "portal.profile.phone": "Téléphone", "portal.profile.street": "Rue", "portal.profile.number": "Numéro", "portal.profile.postcode": "Code postal", "portal.profile.city": "Ville",
    "portal.profile.language": "Langue", "portal.profile.channel": "Canal préféré", "portal.profile.password": "Nouveau mot de passe (10 caractères au moins, facultatif)",
    "portal.profile.saved": "Enregistré.", "portal.profile.emails": "Adresse e-mail", "portal.channel.email": "E-mail", "portal.channel.post": "Courrier", "portal.channel.portal": "Espace client",
    "portal.open": "Ouvrir", "portal.back": "← Mes dossiers", "portal.error": "Une erreur est survenue : {message}",
  },
  en: {
    "portal.brand": "Customer space", "portal.lang": "Français", "portal.home": "My files", "portal.profile": "My profile", "portal.signout": "Sign out",
    "portal.send": "Send", "portal.sending": "Sending…", "portal.required": "Some fields need to be filled in.",
    "portal.public.thanks": "Thank you!", "portal.public.reference": "Your reference: {reference}. A confirmation e-mail is on its way.",
    "portal.public.honeypot": "Leave this field empty",
    "portal.task.thanks": "Thank you, we received it.", "portal.task.next": "Your file moves on: we will e-mail you if we need anything else.",
    "portal.task.expired": "This link has expired.", "portal.task.expiredHelp": "We can send a new link to the e-mail address we have for you.",
    "portal.task.resend": "Send me a new link", "portal.task.resent": "If the request is still open, a new link is on its way to your e-mail address.",
    "portal.task.revoked": "This link is no longer valid.", "portal.task.done": "This request was already answered, or is no longer needed.",
    "portal.task.invalid": "This link is not valid: check that it was copied whole.",
    "portal.dossier": "File {reference}", "portal.notes": "Information", "portal.documents": "Documents", "portal.tasks": "To do", "portal.messages": "Messages",
    "portal.noDossiers": "No file yet.", "portal.noTasks": "Nothing to do for now.", "portal.noDocuments": "No shared document.", "portal.noNotes": "No information.",
    "portal.noMessages": "No message yet. Ask the team below.", "portal.message.placeholder": "Your message to the team…", "portal.message.me": "You", "portal.message.team": "The team",
    "portal.signin.title": "Sign in to your space", "portal.signin.email": "Your e-mail address", "portal.signin.getCode": "Get a code by e-mail",
    "portal.signin.code": "Code received by e-mail (6 digits)", "portal.signin.verify": "Sign in", "portal.signin.sent": "If this address is known, a code was just sent to it (valid 10 minutes).",
    "portal.signin.password": "Password", "portal.signin.withPassword": "I have a password", "portal.signin.withCode": "Get a code instead",
    "portal.profile.phone": "Phone", "portal.profile.street": "Street", "portal.profile.number": "Number", "portal.profile.postcode": "Postcode", "portal.profile.city": "City",
    "portal.profile.language": "Language", "portal.profile.channel": "Preferred channel", "portal.profile.password": "New password (at least 10 characters, optional)",
    "portal.profile.saved": "Saved.", "portal.profile.emails": "E-mail address", "portal.channel.email": "E-mail", "portal.channel.post": "Post", "portal.channel.portal": "Customer space",
    "portal.open": "Open", "portal.back": "← My files", "portal.error": "Something went wrong: {message}",
  },
});

// The form pickers' texts (shared with the inbox's form module).
register({
  fr: { "inbox.form.files.browse": "Parcourir…", "inbox.form.files.none": "Aucun fichier choisi", "inbox.form.files.many": "{count} fichiers choisis" },
  en: { "inbox.form.files.browse": "Browse…", "inbox.form.files.none": "No files selected", "inbox.form.files.many": "{count} files selected" },
});
