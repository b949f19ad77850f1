/**
 * The `dolibarr.thirdparty` job worker: finds or creates the dossier's customer as a Dolibarr third
 * party and stores its id on the dossier (erp_link, in the transaction that completes the job; the
 * job returns `dolibarrThirdPartyId`). A dossier already linked completes at once. The lookup comes
 * before any create — by VAT number, then e-mail, then name in capitals — so a job retried after a
 * crash between Dolibarr's answer and our commit finds the third party it created and makes no
 * second one. Created as the intake procedure does by hand: name in capitals, customer and/or
 * prospect (`clientStatus` or the party's flags), address, phones, e-mail, VAT, parent company
 * (found or created the same way), and tags as customer categories (the party's tags and `tags`).
 */
import type { ActivatedJob } from "../engine/commands/jobs.js";
import type { Engine } from "../engine/engine.js";
import type { JobWorker } from "../engine/workers.js";
import type { Domain } from "../dossiers/domain.js";
import { DossierError } from "../dossiers/errors.js";
import type { PartyRow } from "../dossiers/parties/types.js";
import { sqlValue, type DolibarrClient, type DolibarrThirdParty } from "../erp/dolibarr-client.js";
import type { ErpStore } from "../erp/store.js";
import { customerOf, dolibarrWorker, jobDossier, stringList } from "./dolibarr-common.js";

export const DOLIBARR_THIRDPARTY_JOB = "dolibarr.thirdparty";

const STATUS: Record<string, number> = { customer: 1, client: 1, prospect: 2, both: 3, "customer+prospect": 3 };

export const upperName = (party: PartyRow) => party.name.normalize("NFC").toLocaleUpperCase("fr-FR").trim();

function clientStatus(v: unknown, party: PartyRow): number {
  if (v === undefined || v === null || v === "") {
    const c = party.flags.includes("customer");
    const p = party.flags.includes("prospect");
    return c && p ? 3 : p ? 2 : 1;
  }
  const s = STATUS[String(v).toLowerCase()];
  if (!s) throw new DossierError("INVALID_ARGUMENT", `Expected 'clientStatus' to be customer, prospect or both, but found ${JSON.stringify(v).slice(0, 40)}`);
  return s;
}

/** The third party of this party in Dolibarr: by VAT number, e-mail, then exact name in capitals. */
export async function findThirdParty(client: DolibarrClient, party: PartyRow): Promise<DolibarrThirdParty | undefined> {
  if (party.vatNumber) {
    const [hit] = await client.findThirdParties(`(t.tva_intra:=:${sqlValue(party.vatNumber)})`, 1);
    if (hit) return hit;
  }
  const email = party.emails[0];
  if (email) {
    const hit = await client.thirdPartyByEmail(email);
    if (hit) return hit;
  }
  const [hit] = await client.findThirdParties(`(t.nom:=:${sqlValue(upperName(party))})`, 1);
  return hit;
}

export function thirdPartyBody(party: PartyRow, status: number, parentId: number | undefined): Record<string, unknown> {
  const a = party.address;
  const phone = party.phones.find((p) => p.label === "fixe" || p.label === "autre") ?? party.phones.find((p) => p.label !== "fax" && p.label !== "mobile");
  const mobile = party.phones.find((p) => p.label === "mobile");
  const fax = party.phones.find((p) => p.label === "fax");
  return {
    name: upperName(party),
    client: status,
    code_client: "-1", // Dolibarr's numbering rule gives the customer code
    address: [a.number, a.street].filter(Boolean).join(" ") || null,
    zip: a.postcode, town: a.city, country_code: a.country,
    phone: phone?.number ?? null, phone_mobile: mobile?.number ?? null, fax: fax?.number ?? null,
    email: party.emails[0] ?? null, url: party.website,
    tva_assuj: party.vatSubject ? 1 : 0, tva_intra: party.vatNumber,
    ...(parentId ? { parent: parentId } : {}),
    note_private: `Dossier: partie ${party.id}`,
  };
}

async function findOrCreate(client: DolibarrClient, party: PartyRow, status: number, parentId: number | undefined): Promise<{ id: number; created: boolean; name: string }> {
  const found = await findThirdParty(client, party);
  if (found) return { id: Number(found.id), created: false, name: found.name };
  const id = await client.createThirdParty(thirdPartyBody(party, status, parentId));
  return { id, created: true, name: upperName(party) };
}

export async function handleThirdParty(domain: Domain, client: DolibarrClient, store: ErpStore, job: ActivatedJob): Promise<void> {
  const dossier = jobDossier(domain, job);
  const linked = store.link(dossier.id, "thirdparty");
  if (linked) {
    await domain.engine.transaction((tx) => tx.completeJob(job.jobKey, { dolibarrThirdPartyId: Number(linked.externalId), dolibarrThirdPartyCreated: false }));
    return;
  }
  const party = customerOf(domain, dossier.id);
  const status = clientStatus(job.variables["clientStatus"], party);
  const tags = [...new Set([...party.tags, ...stringList(job.variables["tags"], "tags")])];
  let parentId: number | undefined;
  const parent = party.parentId ? domain.parties.get(party.parentId) : undefined;
  if (parent) parentId = (await findOrCreate(client, parent, 1, undefined)).id;
  const result = await findOrCreate(client, party, status, parentId);
  for (const tag of tags) await client.categorize(await client.category(tag, "customer"), "customer", result.id);
  await domain.engine.transaction((tx) => {
    store.saveLink({ dossierId: dossier.id, kind: "thirdparty", externalId: String(result.id), externalRef: result.name, created: result.created, at: tx.now });
    domain.journal.append({
      dossierId: dossier.id, at: tx.now, actor: "process", action: "erp.thirdparty",
      summary: `${result.created ? "Tiers créé" : "Tiers retrouvé"} dans Dolibarr : ${result.name} (id ${result.id})`,
      after: { system: "dolibarr", thirdPartyId: result.id, created: result.created, tags }, private: true,
    });
    tx.completeJob(job.jobKey, { dolibarrThirdPartyId: result.id, dolibarrThirdPartyCreated: result.created });
  });
}

export function startDolibarrThirdPartyWorker(engine: Engine, domain: Domain, client: DolibarrClient, store: ErpStore, retryBackOffMs = 30_000): JobWorker {
  return dolibarrWorker(engine, retryBackOffMs, DOLIBARR_THIRDPARTY_JOB, (job) => handleThirdParty(domain, client, store, job));
}
