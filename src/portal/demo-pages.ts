/**
 * The demo's public pages (French content), published on a first start with demo data when their
 * forms are deployed: the job application (Candidat, recrutement-candidature), the photovoltaic
 * installation request and the quote request (Demande d'intervention, new-request-intake).
 */
export const DEMO_PAGES: Array<Record<string, unknown>> = [
  {
    slug: "candidature",
    title: { fr: "Candidature — Technicien·ne photovoltaïque (CDI)", en: "Application — Photovoltaic technician (permanent)" },
    intro: { fr: "Rejoignez notre équipe d'installation : envoyez-nous votre CV, nous vous répondons sous une semaine.", en: "Join our installation team: send us your résumé, we answer within a week." },
    formId: "portal-candidature", dossierType: "candidat",
    mapping: { email: "email", firstName: "firstName", lastName: "lastName", phone: "phone", role: "candidate", data: { disponibilite: "availableFrom", pretentions: "salary" }, fixed: { poste: "Technicien·ne photovoltaïque", typeContrat: "cdi", source: "site" }, title: "Candidature de {firstName} {lastName} — technicien·ne photovoltaïque" },
    confirmation: { fr: "Notre équipe recrutement étudie votre candidature et revient vers vous très vite.", en: "Our recruitment team is studying your application and will get back to you soon." },
  },
  {
    slug: "installation-photovoltaique",
    title: { fr: "Demande d'installation photovoltaïque", en: "Photovoltaic installation request" },
    intro: { fr: "Décrivez votre projet : un conseiller vous rappelle pour fixer une visite technique.", en: "Describe your project: an adviser calls you back to plan a site visit." },
    formId: "portal-installation-photovoltaique", dossierType: "demande-intervention",
    mapping: { email: "email", firstName: "firstName", lastName: "lastName", phone: "phone", role: "customer", data: { description: "project" }, fixed: { nature: "solaire", libelle: "Installation photovoltaïque" }, title: "Installation photovoltaïque — {firstName} {lastName}" },
    confirmation: { fr: "Un conseiller vous rappelle sous 48 heures ouvrées.", en: "An adviser will call you back within two working days." },
  },
  {
    slug: "devis",
    title: { fr: "Demande de devis", en: "Quote request" },
    intro: { fr: "Fuite, toiture, entretien : dites-nous ce dont vous avez besoin, nous vous envoyons un devis.", en: "Leak, roof, maintenance: tell us what you need, we send you a quote." },
    formId: "portal-devis", dossierType: "demande-intervention",
    mapping: { email: "email", firstName: "firstName", lastName: "lastName", phone: "phone", role: "customer", data: { nature: "nature", description: "description" }, fixed: { libelle: "Demande de devis" }, title: "Demande de devis — {firstName} {lastName}" },
    confirmation: { fr: "Nous revenons vers vous avec un devis sous 5 jours ouvrés.", en: "We will send you a quote within five working days." },
  },
];
