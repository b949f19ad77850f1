/**
 * Demo dossiers for a first start with the demo accounts (DEMO_DATA=false skips them): a handful
 * of customer files, contracts, service requests and a candidate in different states, with
 * parties, documents, notes, a logged call and their journals, so the inbox, the lists and the
 * 360° view are not empty. Opened through the same commands as a user's (journal, processes).
 * The recruitment sector (`recrutement`) is created for the candidate, and the demo manager is
 * put in the sectors they manage.
 */
import type { Identity, Principal } from "../identity/identity.js";
import type { Domain } from "./domain.js";
import { simplePdf } from "./simple-pdf.js";

const inDays = (now: number, days: number) => new Date(now + days * 86_400_000).toISOString().slice(0, 10);

function principal(identity: Identity, username: string): Principal {
  const found = identity.principal(username, "basic");
  if (!found) throw new Error(`Expected the demo account '${username}', but it does not exist`);
  return found;
}

export async function seedDemoDossiers(domain: Domain, identity: Identity): Promise<string[]> {
  const missing = ["client", "contrat", "demande-intervention", "candidat"].filter((t) => !domain.types.get(t));
  if (missing.length) return [`no demo dossiers: the dossier types ${missing.join(", ")} are not installed`];
  const { directory } = identity;
  if (!identity.store.group("recrutement")) directory.createGroup({ groupId: "recrutement", name: "Recrutement", description: "Ressources humaines : candidatures et embauches" });
  for (const g of ["agents", "recrutement"]) {
    try {
      directory.addUserToGroup(g, "manager");
    } catch {
      // already a member
    }
  }
  const agent = principal(identity, "agent");
  const manager = principal(identity, "manager");
  const now = domain.engine.clock.now();
  const opened: string[] = [];
  const open = async (who: Principal, input: Parameters<Domain["service"]["create"]>[1]) => {
    const { dossier } = await domain.service.create(who, input);
    opened.push(dossier.reference);
    return dossier;
  };
  const attach = async (who: Principal, reference: string, documentType: string, filename: string, title: string, lines: string[]) => {
    const dossier = domain.service.byReference(reference);
    const file = await domain.documents.stage(simplePdf(title, lines), filename);
    await domain.documents.add({ dossier, documentType, files: [file], actor: who.username });
  };

  // 1. A customer who has become a client, with documents, an exchange and an active contract.
  const martin = await open(agent, {
    type: "client", title: "Boulangerie Martin",
    data: { segment: "professionnel", formeJuridique: "sarl", siret: "812 345 678 00021", activite: "Boulangerie-pâtisserie", chiffreAffaires: { amount: 640000, currency: "EUR" }, origine: "telephone", consentementRgpd: true },
    parties: [
      { role: "customer", party: { kind: "organisation", name: "BOULANGERIE MARTIN SARL", flags: ["customer"], emails: ["contact@boulangerie-martin.fr"], phones: [{ number: "04 78 12 34 56", label: "fixe" }], address: { street: "rue de la République", number: "12", postcode: "69002", city: "Lyon", country: "FR" }, vatSubject: true, vatNumber: "FR25812345678", tags: ["artisan"], preferredChannel: "email", language: "fr" } },
      { role: "decisionMaker", party: { kind: "person", lastName: "Martin", firstName: "Julie", emails: ["julie.martin@boulangerie-martin.fr"], phones: [{ number: "06 12 34 56 78", label: "mobile" }], address: { postcode: "69002", city: "Lyon", country: "FR" } } },
    ],
  });
  await attach(agent, martin.reference, "kbis", "kbis-boulangerie-martin.pdf", "Extrait Kbis", ["BOULANGERIE MARTIN SARL", "RCS Lyon 812 345 678", "Siège : 12 rue de la République, 69002 Lyon", "Gérante : Julie Martin"]);
  await attach(agent, martin.reference, "rib", "rib-boulangerie-martin.pdf", "Relevé d'identité bancaire", ["Titulaire : BOULANGERIE MARTIN SARL", "IBAN FR76 3000 6000 0112 3456 7890 189", "BIC AGRIFRPP"]);
  await domain.service.addExchange(agent, martin, { action: "call.logged", summary: "Appel entrant — Julie Martin : demande de devis multirisque", private: true, after: { direction: "in", contact: "Julie Martin", outcome: "Devis multirisque à envoyer", summary: "Souhaite assurer le nouveau four et la vitrine réfrigérée.", script: { greet: true, identify: true, search: true, listen: true, rephrase: true, propose: true, recap: true, close: true } } });
  await domain.service.addExchange(agent, martin, { action: "note.added", summary: "Pièces reçues, conformité vérifiée.", private: false, after: { text: "Pièces reçues, conformité vérifiée.", public: true } });
  let current = domain.service.byReference(martin.reference);
  current = await domain.service.update(agent, current, { data: { dateEntree: inDays(now, -400) } }, current.version);
  await domain.service.changeState(agent, current, "client", current.version);
  const contract = await open(agent, {
    type: "contrat", title: "Multirisque professionnelle — Boulangerie Martin", parent: martin.reference,
    data: { produit: "multirisque-pro", numeroPolice: "MRP-2025-004512", primeAnnuelle: { amount: 1840, currency: "EUR" }, dateEffet: inDays(now, -285), dateFin: inDays(now, 80), preavisJours: 60, taciteReconduction: true, statutSignature: "contresigne" },
    parties: [{ role: "customer", partyId: domain.service.partiesOf(martin.id).find((p) => p.role === "customer")!.partyId }],
  });
  await attach(agent, contract.reference, "contrat", "contrat-mrp-2025-004512.pdf", "Contrat Multirisque professionnelle", ["Police MRP-2025-004512", "Souscripteur : BOULANGERIE MARTIN SARL", "Prime annuelle : 1 840,00 EUR", "Tacite reconduction, préavis de 60 jours"]);
  let c = domain.service.byReference(contract.reference);
  c = await domain.service.changeState(agent, c, "en-signature", c.version);
  await domain.service.changeState(agent, c, "actif", c.version);

  // 2. A prospect whose file is being validated (documents to collect: a task in the inbox).
  await open(agent, {
    type: "client", title: "Garage Dupuis & Fils",
    data: { segment: "professionnel", formeJuridique: "sas", activite: "Garage automobile", origine: "recommandation" },
    parties: [{ role: "customer", party: { kind: "organisation", name: "GARAGE DUPUIS & FILS", flags: ["prospect"], emails: ["accueil@garage-dupuis.fr"], phones: [{ number: "+32 72 84 43 18", label: "fixe" }], address: { street: "chaussée de Bruxelles", number: "210", postcode: "6040", city: "Charleroi", country: "BE" }, vatSubject: true, vatNumber: "BE0123456749" } }],
  });
  // 3. A private customer.
  await open(agent, {
    type: "client", title: "Sophie Lefèvre", data: { segment: "particulier", origine: "site" },
    parties: [{ role: "customer", party: { kind: "person", lastName: "Lefèvre", firstName: "Sophie", flags: ["prospect"], emails: ["sophie.lefevre@example.fr"], phones: [{ number: "06 98 76 54 32", label: "mobile" }], address: { street: "avenue Jean Jaurès", number: "5", postcode: "31000", city: "Toulouse", country: "FR" } } }],
  });
  // 4–5. Roofing and solar requests (the intake procedure runs for each).
  const leak = await open(agent, {
    type: "demande-intervention", title: "Fuite de toiture — Atelier Moreau",
    data: { libelle: "Infiltration au-dessus de l'atelier", nature: "fuite", statutOpportunite: "qualification", montant: { amount: 3200, currency: "EUR" }, description: "Tuiles déplacées après la tempête, infiltration au-dessus de l'établi.", lienPhotos: "https://photos.example.fr/moreau-toiture", distanceKm: 12, urgence: true },
    parties: [{ role: "customer", party: { kind: "organisation", name: "ATELIER MOREAU", flags: ["customer"], phones: [{ number: "05 61 22 33 44", label: "fixe" }], address: { street: "impasse des Tanneurs", number: "3", postcode: "31200", city: "Toulouse", country: "FR" }, tags: ["toiture"] } }],
  });
  await attach(agent, leak.reference, "devis", "devis-moreau.pdf", "Devis n° D-2026-118", ["Remplacement de 40 tuiles et reprise du faîtage", "Total TTC : 3 200,00 EUR", "Validité : 30 jours"]);
  await open(agent, {
    type: "demande-intervention", title: "Panneaux solaires — M. Bernard",
    data: { libelle: "Installation photovoltaïque 6 kWc", nature: "solaire", statutOpportunite: "proposition", montant: { amount: 14500, currency: "EUR" }, distanceKm: 24 },
    parties: [{ role: "customer", party: { kind: "person", lastName: "Bernard", firstName: "Luc", flags: ["prospect"], emails: ["luc.bernard@example.fr"], phones: [{ number: "06 11 22 33 44", label: "mobile" }], address: { postcode: "31320", city: "Castanet-Tolosan", country: "FR" } } }],
  });
  // 6. A candidate in the recruitment sector (agents do not see it).
  const candidate = await open(manager, {
    type: "candidat", title: "Thomas Petit — Technicien couvreur", sector: "recrutement",
    data: { poste: "Technicien couvreur", typeContrat: "cdi", source: "jobboard", pretentions: { amount: 32000, currency: "EUR" }, disponibilite: inDays(now, 30) },
    parties: [{ role: "candidate", party: { kind: "person", lastName: "Petit", firstName: "Thomas", emails: ["thomas.petit@example.fr"], phones: [{ number: "07 12 34 56 78", label: "mobile" }], address: { postcode: "31500", city: "Toulouse", country: "FR" } } }],
  });
  await attach(manager, candidate.reference, "cv", "cv-thomas-petit.pdf", "Thomas Petit — CV", ["Couvreur-zingueur, 8 ans d'expérience", "Habilitation travaux en hauteur", "Permis B"]);
  return [`demo dossiers opened: ${opened.join(", ")} (DEMO_DATA=false skips them)`];
}
