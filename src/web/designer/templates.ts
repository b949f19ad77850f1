/**
 * Element templates for the built-in connectors (job types mail.send, document.render,
 * signature.request, archive.deposit, http). The JSON files are plain Camunda 8 element templates
 * (valid against @camunda/zeebe-element-templates-json-schema, checked by a test), written in
 * English; French texts are applied here when the interface is in French, since element templates
 * carry one language only.
 */
import archiveDeposit from "./element-templates/archive-deposit.json" with { type: "json" };
import documentRender from "./element-templates/document-render.json" with { type: "json" };
import dossierUpdate from "./element-templates/dossier-update.json" with { type: "json" };
import http from "./element-templates/http.json" with { type: "json" };
import mailSend from "./element-templates/mail-send.json" with { type: "json" };
import signatureRequest from "./element-templates/signature-request.json" with { type: "json" };
import portalTask from "./element-templates/portal-task.json" with { type: "json" };
import smsSend from "./element-templates/sms-send.json" with { type: "json" };
import dolibarrThirdParty from "./element-templates/dolibarr-thirdparty.json" with { type: "json" };
import dolibarrProject from "./element-templates/dolibarr-project.json" with { type: "json" };

export const ELEMENT_TEMPLATES = [mailSend, smsSend, documentRender, signatureRequest, archiveDeposit, http, dossierUpdate, dolibarrThirdParty, dolibarrProject, portalTask];

const FRENCH: Record<string, string> = {
  "Dossier connectors": "Connecteurs Dossier",
  "Task for a third party (portal)": "Tâche d'un tiers (portail)", "Third party": "Tiers", Form: "Formulaire", Link: "Lien", "Party role": "Rôle du tiers",
  "Form id": "Formulaire (id)", "Variables shown": "Variables affichées", "Link lifetime": "Durée du lien", "Reminder after": "Rappel après", "Also by SMS": "Aussi par SMS",
  "A user task addressed to a party of the dossier instead of an internal group: the party holding the role gets a personal link by e-mail to a private page with the task's form (read-only texts, the dossier's public data, fields and file pickers). Submitting completes the task; the files become dossier documents.":
    "Une tâche adressée à un tiers du dossier plutôt qu'à un groupe interne : le tiers qui tient ce rôle reçoit par e-mail un lien personnel vers une page privée avec le formulaire de la tâche (textes, données publiques du dossier, champs et pièces à joindre). Son envoi termine la tâche ; les fichiers deviennent des documents du dossier.",
  "Who answers: party:<role of the dossier type>, e.g. party:customer or party:candidate": "Qui répond : party:<rôle du type de dossier>, par ex. party:customer ou party:candidate",
  "The deployed form-js form shown on the private page": "Le formulaire form-js déployé affiché sur la page privée",
  "Process variables the page may show besides the form's own keys (comma separated)": "Variables du processus que la page peut afficher en plus des champs du formulaire (séparées par des virgules)",
  "ISO 8601 duration (P14D by default, at most a year)": "Durée ISO 8601 (P14D par défaut, un an au plus)",
  "ISO 8601 duration: a reminder with a fresh link when the task is still open that long after the first mail (empty: none)": "Durée ISO 8601 : un rappel avec un nouveau lien si la tâche est encore ouverte ce délai après le premier e-mail (vide : aucun)",
  "Send the link by SMS too, to the party's mobile phone": "Envoyer aussi le lien par SMS, au mobile du tiers",
  "Customer (party:customer)": "Client (party:customer)", "Candidate (party:candidate)": "Candidat (party:candidate)", "Contact (party:contact)": "Contact (party:contact)",
  No: "Non", Yes: "Oui",
  "Send an email": "Envoyer un e-mail",
  // mail.send v2 (the mail module)
  "Sends an email from a template under templates/mail/ (or free text) to addresses or to the dossier's parties in a role, with dossier documents attached; the job completes once the mail was accepted, a refused input is the BPMN error MAIL_REJECTED":
    "Envoie un e-mail à partir d'un modèle de templates/mail/ (ou d'un texte libre) à des adresses ou aux tiers du dossier dans un rôle, avec des documents du dossier en pièces jointes ; la tâche se termine quand l'e-mail est accepté, une entrée refusée est l'erreur BPMN MAIL_REJECTED",
  "To (dossier role)": "Destinataires (rôle du dossier)",
  "Parties of the process's dossier in this role receive the mail (e.g. customer, decision-maker)": "Les tiers du dossier du processus dans ce rôle reçoivent l'e-mail (par ex. customer, decision-maker)",
  "To (addresses)": "Destinataires (adresses)",
  "Recipient address(es), comma separated, or a FEEL list of addresses / {partyId} / {role}": "Adresse(s) des destinataires, séparées par des virgules, ou une liste FEEL d'adresses / {partyId} / {role}",
  Cc: "Copie", "Copy address(es), comma separated, or a FEEL list": "Adresse(s) en copie, séparées par des virgules, ou une liste FEEL",
  "Mail template under templates/mail/, without locale and extension (relance-pieces, refus-dossier, relance-devis, enquete-satisfaction, message)":
    "Modèle d'e-mail dans templates/mail/, sans langue ni extension (relance-pieces, refus-dossier, relance-devis, enquete-satisfaction, message)",
  "Subject line when no template gives one (FEEL allowed); the dossier reference is added": "Objet quand aucun modèle ne le donne (FEEL possible) ; la référence du dossier y est ajoutée",
  Text: "Texte", "Free text when no template is named (FEEL allowed)": "Texte libre quand aucun modèle n'est nommé (FEEL possible)",
  "Template data": "Données du modèle", "FEEL context merged over the process variables for the template": "Contexte FEEL ajouté aux variables du processus pour le modèle",
  "FEEL list of document ids of the dossier to attach": "Liste FEEL des identifiants de documents du dossier à joindre",
  "Sends an email from a template, with attachments": "Envoie un e-mail à partir d'un modèle, avec pièces jointes",
  "Render a document": "Générer un document",
  "Renders a Handlebars template to a PDF document": "Produit un document PDF à partir d'un modèle Handlebars",
  "Request a signature": "Demander une signature",
  "Sends a signature link to a signer (SMS code) and seals the signed PDF": "Envoie un lien de signature au signataire (code par SMS) et scelle le PDF signé",
  "Archive deposit": "Archiver",
  "Deposits documents in the hash-chained archive with a retention period": "Verse les documents dans l'archive chaînée, avec une durée de conservation",
  "HTTP call": "Appel HTTP",
  "Calls a web service and stores the response": "Appelle un service web et conserve la réponse",
  Message: "Message", "Error handling": "Gestion des erreurs", Document: "Document", Signature: "Signature", Archive: "Archive",
  Request: "Requête", Response: "Réponse",
  Retries: "Tentatives",
  "How many times the job is tried before an incident is raised": "Nombre d'essais avant qu'un incident soit ouvert",
  To: "Destinataires",
  "Recipient address(es), comma separated, or a FEEL expression": "Adresse(s) du destinataire, séparées par des virgules, ou une expression FEEL",
  Subject: "Objet", "Subject line (FEEL allowed)": "Objet du message (FEEL possible)",
  Template: "Modèle",
  "Mail template under templates/mail/, without extension": "Modèle de message dans templates/mail/, sans extension",
  Attachments: "Pièces jointes",
  "FEEL list of document references to attach": "Liste FEEL des références de documents à joindre",
  "Document template under templates/, without extension": "Modèle de document dans templates/, sans extension",
  "Output variable": "Variable de sortie",
  "Process variable that receives the document reference": "Variable du processus qui reçoit la référence du document",
  "File name": "Nom du fichier", "Name of the PDF file (FEEL allowed)": "Nom du fichier PDF (FEEL possible)",
  "Reference of the document to sign (FEEL)": "Référence du document à signer (FEEL)",
  "Signer name": "Nom du signataire", "Full name of the signer": "Nom complet du signataire",
  "Signer email": "E-mail du signataire", "Where the signature link is sent": "Adresse à laquelle le lien de signature est envoyé",
  "Signer mobile phone": "Mobile du signataire", "Receives the SMS code": "Reçoit le code par SMS",
  // signature.request v2 (src/connectors/signature-request.ts)
  "Sends the dossier's PDF documents for electronic signature (personal link by e-mail, 6-digit code by SMS, signers in order), then completes with signatureRequestId. Follow it with an intermediate message catch 'signature-completed', correlation key =string(signatureRequestId): it carries signatureOutcome (signed, declined, expired, canceled), signedDocumentId and evidenceDocumentId.":
    "Envoie les PDF du dossier en signature électronique (lien personnel par e-mail, code à 6 chiffres par SMS, signataires dans l'ordre), puis se termine avec signatureRequestId. Faites-le suivre d'un événement intermédiaire de message 'signature-completed', clé de corrélation =string(signatureRequestId) : il apporte signatureOutcome (signed, declined, expired, canceled), signedDocumentId et evidenceDocumentId.",
  Documents: "Documents",
  "Document ids of the dossier to sign, or the output of document.render ({documentId}), or a list of them": "Identifiants des documents du dossier à signer, ou la sortie de document.render ({documentId}), ou une liste",
  Signers: "Signataires",
  "List of {role|partyId|username, order}: parties of the dossier in a role (\"decisionMaker|customer\" = the first role present) sign by link + SMS code, a back-office username countersigns from the 360° view; the same order = parallel":
    "Liste de {role|partyId|username, order} : les intervenants du dossier dans un rôle (\"decisionMaker|customer\" = le premier rôle présent) signent par lien + code SMS, un utilisateur interne (username) contresigne depuis la vue 360° ; même ordre = en parallèle",
  Title: "Titre", "Shown to the signers and on the signature page": "Affiché aux signataires et sur la page de signature",
  "A personal message in the invitation mail": "Un message personnel dans l'e-mail d'invitation",
  "ISO 8601 duration after which the request expires (links included)": "Durée ISO 8601 après laquelle la demande expire (liens compris)",
  Reminders: "Relances", "How many reminders (every 3 days), or {every: \"P3D\", count: 2}": "Nombre de relances (tous les 3 jours), ou {every: \"P3D\", count: 2}",
  "Expires after": "Expire après", "ISO 8601 duration after which the link expires": "Durée ISO 8601 après laquelle le lien expire",
  "Process variable that receives the signed document reference": "Variable du processus qui reçoit la référence du document signé",
  "FEEL list of document references to archive": "Liste FEEL des références de documents à archiver",
  Category: "Catégorie", "Archive category (drives access and retention policy)": "Catégorie d'archive (règles d'accès et de conservation)",
  Retention: "Conservation", "ISO 8601 duration to keep the documents": "Durée ISO 8601 de conservation des documents",
  Reference: "Référence", "Business reference stored with the deposit (FEEL allowed)": "Référence métier conservée avec le versement (FEEL possible)",
  Method: "Méthode", URL: "URL", "Address of the service (FEEL allowed)": "Adresse du service (FEEL possible)",
  Headers: "En-têtes", "FEEL context of request headers": "Contexte FEEL des en-têtes de la requête",
  Body: "Corps", "FEEL expression sent as the JSON body": "Expression FEEL envoyée comme corps JSON",
  Timeout: "Délai maximal", "ISO 8601 duration before the call fails": "Durée ISO 8601 avant l'échec de l'appel",
  "Result variable": "Variable de résultat",
  "Update the dossier": "Mettre à jour le dossier",
  "Writes back to the process's dossier: fields, state, a note, tags or a child dossier": "Écrit dans le dossier du processus : champs, état, note, étiquettes ou dossier enfant",
  Dossier: "Dossier", "Dossier reference": "Référence du dossier",
  "The dossier to update (by default the one the process was started for)": "Le dossier à mettre à jour (par défaut celui pour lequel le processus a démarré)",
  "Fields to set": "Champs à renseigner", "FEEL context of field values, e.g. {segment: \"professionnel\"}": "Contexte FEEL des valeurs de champs, p. ex. {segment: \"professionnel\"}",
  "New state": "Nouvel état", "A state of the dossier's type, reached along its transitions": "Un état du type de dossier, atteint par ses transitions",
  Note: "Note", "A note added to the dossier's timeline (FEEL allowed)": "Une note ajoutée au fil du dossier (FEEL possible)",
  "Public note": "Note publique", "Public notes will be visible to the customer in the portal": "Les notes publiques seront visibles du client dans le portail",
  "Child dossier": "Dossier enfant", "Documents to link": "Documents à rattacher",
  "A document id, or a FEEL list of them, to show in this dossier too (e.g. the customer's ID card in a contract file)": "Un identifiant de document, ou une liste FEEL, à faire figurer aussi dans ce dossier (p. ex. la pièce d'identité du client dans un dossier contrat)",
  "FEEL context {type, title, data} of a child dossier to open (e.g. a contract); its reference is returned as childReference": "Contexte FEEL {type, title, data} d'un dossier enfant à ouvrir (p. ex. un contrat) ; sa référence est rendue dans childReference",
  "Process variable that receives the response ({status, headers, body})": "Variable du processus qui reçoit la réponse ({status, headers, body})",
  // document.render v2 (src/connectors/document-render.ts)
  "Renders a Handlebars template of templates/ with the process's dossier to a PDF stored in the dossier (a new version when rendered again)": "Produit un PDF à partir d'un modèle Handlebars de templates/ avec le dossier du processus, et le range dans le dossier (nouvelle version s'il est produit à nouveau)",
  "Template name under templates/, without .hbs (contracts/contrat-assurance, letters/courrier-simple)": "Nom du modèle dans templates/, sans .hbs (contracts/contrat-assurance, letters/courrier-simple)",
  "Process variable that receives {documentId, fileName, sha256, version, template}": "Variable du processus qui reçoit {documentId, fileName, sha256, version, template}",
  "Name of the PDF file (FEEL allowed); the same template and file name again = a new version of the same document": "Nom du fichier PDF (FEEL possible) ; le même modèle et le même nom à nouveau = une nouvelle version du même document",
  "Document type": "Type de document", "A document type of the dossier's type (contrat, courrier…)": "Un type de document du type de dossier (contrat, courrier…)",
  "Title shown in the dossier (FEEL allowed)": "Titre affiché dans le dossier (FEEL possible)",
  "Another dossier of the same family (FEEL); the process's own by default": "Un autre dossier de la même famille (FEEL) ; par défaut celui du processus",
  Language: "Langue", "Dates, amounts and numbers in words": "Dates, montants et nombres en lettres",
  // sms.send
  "Send an SMS": "Envoyer un SMS",
  "Sends an SMS (E.164 number, or the mobile of the dossier's party in a role) through the configured gateway; the job completes once the gateway accepted it, a refused input is the BPMN error SMS_REJECTED":
    "Envoie un SMS (numéro E.164, ou le mobile de l'intervenant du dossier dans un rôle) par la passerelle configurée ; la tâche se termine quand la passerelle l'a accepté, une entrée refusée est l'erreur BPMN SMS_REJECTED",
  "The first mobile number of the dossier's party in this role": "Le premier numéro de mobile de l'intervenant du dossier dans ce rôle",
  "To (number)": "Destinataire (numéro)", "A number in E.164 (+33612345678), or a FEEL expression": "Un numéro au format E.164 (+33612345678), ou une expression FEEL",
  "The message (GSM-7: 160 characters per SMS, 153 per segment beyond; UCS-2 with accents outside GSM-7: 70/67)": "Le message (GSM-7 : 160 caractères par SMS, 153 par segment au-delà ; UCS-2 pour les accents hors GSM-7 : 70/67)",
  Sensitive: "Confidentiel", "true: never logged, erased from the outbox once the gateway accepted it (one-time codes)": "true : jamais journalisé, effacé de la file d'envoi une fois accepté par la passerelle (codes à usage unique)",
  // archive.deposit
  "Deposits the dossier's documents (or some of them) in the archive: SHA-256 of each stored file, retention from the catalogue, hash-chained archive journal":
    "Verse les documents du dossier (ou certains) aux archives : SHA-256 de chaque fichier, conservation selon le référentiel, journal d'archive chaîné",
  "FEEL list of document ids of this dossier to deposit (e.g. =[contractId]); empty: every document of the dossier": "Liste FEEL des identifiants de documents du dossier à verser (p. ex. =[contractId]) ; vide : tous les documents du dossier",
  "Archive the dossier": "Archiver le dossier",
  "Also archive (freeze) the dossier: it must be closed (in a final state); its fields and documents become read-only records": "Archiver aussi (figer) le dossier : il doit être clos (dans un état final) ; ses champs et documents deviennent des enregistrements en lecture seule",
  // dolibarr.thirdparty, dolibarr.project
  "Dolibarr third party": "Tiers Dolibarr", "Dolibarr project": "Projet Dolibarr", Dolibarr: "Dolibarr", Output: "Résultat",
  "Finds (VAT number, e-mail, name) or creates the dossier's customer as a Dolibarr third party and stores its id on the dossier (returns dolibarrThirdPartyId)":
    "Retrouve (n° de TVA, e-mail, nom) ou crée le client du dossier comme tiers Dolibarr et garde son identifiant sur le dossier (renvoie dolibarrThirdPartyId)",
  "Finds (by reference) or creates the dossier's project in Dolibarr for its third party and stores its id on the dossier (returns dolibarrProjectId)":
    "Retrouve (par sa référence) ou crée le projet du dossier dans Dolibarr pour son tiers et garde son identifiant sur le dossier (renvoie dolibarrProjectId)",
  "How many times the job is tried after a Dolibarr server or network error before an incident is raised (a refused key, a missing object or refused data raise one at once)":
    "Nombre d'essais après une erreur du serveur Dolibarr ou du réseau avant un incident (une clé refusée, un objet absent ou des données refusées en lèvent un tout de suite)",
  "The dossier whose customer is sent (by default the one the process was started for; only one of its family)": "Le dossier dont le client est envoyé (par défaut celui du processus ; seulement un de sa famille)",
  "The dossier of the project (by default the one the process was started for; only one of its family)": "Le dossier du projet (par défaut celui du processus ; seulement un de sa famille)",
  "Customer or prospect": "Client ou prospect", "Dolibarr's client status; by default from the party's flags (customer, prospect)": "Statut client de Dolibarr ; par défaut d'après l'intervenant (client, prospect)",
  "From the party's flags": "D'après l'intervenant", Customer: "Client", Prospect: "Prospect", "Customer and prospect": "Client et prospect",
  "Tags (categories)": "Étiquettes (catégories)", "Customer categories to set in Dolibarr besides the party's tags: a FEEL list of texts": "Catégories client à poser dans Dolibarr en plus des étiquettes de l'intervenant : une liste FEEL de textes",
  "Project reference": "Référence du projet", "Dolibarr's project ref, the lookup key (default: the dossier's reference)": "La référence du projet dans Dolibarr, clé de recherche (par défaut : la référence du dossier)",
  Label: "Libellé", "The project's title (default: the dossier's title)": "Le titre du projet (par défaut : le titre du dossier)",
  Visibility: "Visibilité", "Public: every Dolibarr user; private: the project's contacts": "Public : tous les utilisateurs de Dolibarr ; privé : les contacts du projet", Public: "Public", Private: "Privé",
  "Opportunity status": "Statut d'opportunité", "Dolibarr's opportunity status: its id or PROSP, QUAL, PROPO, NEGO, WON, LOST": "Statut d'opportunité de Dolibarr : son identifiant ou PROSP, QUAL, PROPO, NEGO, WON, LOST",
  "Opportunity amount": "Montant de l'opportunité", "In euros (FEEL number)": "En euros (nombre FEEL)", "Project categories: a FEEL list of texts": "Catégories du projet : une liste FEEL de textes",
};

const TRANSLATED_FIELDS = new Set(["name", "description", "label"]);

function translate<T>(value: T, dictionary: Record<string, string>): T {
  if (Array.isArray(value)) return value.map((v) => translate(v, dictionary)) as T;
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [field, v] of Object.entries(value)) {
    // `choices` names are values shown as-is (GET, POST…); bindings and ids are never translated.
    out[field] = typeof v === "string" && TRANSLATED_FIELDS.has(field) ? dictionary[v] ?? v : field === "binding" || field === "choices" ? v : translate(v, dictionary);
  }
  return out as T;
}

/** The connector templates in the interface's language. */
export function elementTemplates(lang: "fr" | "en"): unknown[] {
  return lang === "fr" ? ELEMENT_TEMPLATES.map((t) => translate(t, FRENCH)) : ELEMENT_TEMPLATES;
}

/** For the test: every English text that a French user would see untranslated. */
export function untranslatedTexts(): string[] {
  const missing = new Set<string>();
  const walk = (value: unknown, field = ""): void => {
    if (Array.isArray(value)) return value.forEach((v) => walk(v, field));
    if (value === null || typeof value !== "object") {
      if (typeof value === "string" && TRANSLATED_FIELDS.has(field) && !(value in FRENCH)) missing.add(value);
      return;
    }
    for (const [f, v] of Object.entries(value)) if (f !== "binding" && f !== "choices") walk(v, f);
  };
  walk(ELEMENT_TEMPLATES);
  return [...missing];
}
