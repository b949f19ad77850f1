/**
 * The `dolibarr.project` job worker: finds or creates the dossier's project in Dolibarr and stores
 * its id on the dossier (erp_link, in the transaction that completes the job; the job returns
 * `dolibarrProjectId`). Inputs: `label` (default: the dossier's title), `ref` (default: the
 * dossier's reference — the lookup key, so a retried job finds what it created), `visibility`
 * (public | private), `oppStatus` (Dolibarr's opportunity status: its id, or one of the default
 * codes PROSP, QUAL, PROPO, NEGO, WON, LOST), `oppAmount` (euros), `tags` (project categories).
 * The third party is the one `dolibarr.thirdparty` stored on the dossier or its customer file;
 * without it the job stops with an incident saying so.
 */
import type { ActivatedJob } from "../engine/commands/jobs.js";
import type { Engine } from "../engine/engine.js";
import type { JobWorker } from "../engine/workers.js";
import type { Domain } from "../dossiers/domain.js";
import { DossierError } from "../dossiers/errors.js";
import { familyRoot } from "../dossiers/task-dossier.js";
import { sqlValue, type DolibarrClient } from "../erp/dolibarr-client.js";
import type { ErpStore } from "../erp/store.js";
import { dolibarrWorker, jobDossier, stringList } from "./dolibarr-common.js";

export const DOLIBARR_PROJECT_JOB = "dolibarr.project";

/** Dolibarr's default opportunity statuses (dictionary c_lead_status). */
export const OPP_STATUS: Record<string, number> = { PROSP: 1, QUAL: 2, PROPO: 3, NEGO: 4, PENDING: 5, WON: 6, LOST: 7 };

function oppStatus(v: unknown): number | undefined {
  if (v === undefined || v === null || v === "") return undefined;
  if (typeof v === "number" && Number.isInteger(v) && v > 0) return v;
  const s = OPP_STATUS[String(v).toUpperCase()];
  if (s) return s;
  throw new DossierError("INVALID_ARGUMENT", `Expected 'oppStatus' to be an opportunity status id or one of ${Object.keys(OPP_STATUS).join(", ")}, but found ${JSON.stringify(v).slice(0, 40)}`);
}

function amount(v: unknown): number | undefined {
  if (v === undefined || v === null || v === "") return undefined;
  const n = typeof v === "number" ? v : Number(String(v).replace(",", "."));
  if (!Number.isFinite(n) || n < 0) throw new DossierError("INVALID_ARGUMENT", `Expected 'oppAmount' to be an amount in euros, but found ${JSON.stringify(v).slice(0, 40)}`);
  return Math.round(n * 100) / 100;
}

export async function handleProject(domain: Domain, client: DolibarrClient, store: ErpStore, job: ActivatedJob): Promise<void> {
  const dossier = jobDossier(domain, job);
  const linked = store.link(dossier.id, "project");
  if (linked) {
    await domain.engine.transaction((tx) => tx.completeJob(job.jobKey, { dolibarrProjectId: Number(linked.externalId), dolibarrProjectCreated: false }));
    return;
  }
  const v = job.variables;
  const thirdParty = store.link(dossier.id, "thirdparty") ?? store.link(familyRoot(domain, dossier.id), "thirdparty");
  if (!thirdParty) throw new DossierError("INVALID_ARGUMENT", `Expected dossier ${dossier.reference} (or its customer file) to have its Dolibarr third party (a dolibarr.thirdparty task before this one), but it has none`);
  const ref = typeof v["ref"] === "string" && v["ref"].trim() ? v["ref"].trim().slice(0, 50) : dossier.reference;
  const label = typeof v["label"] === "string" && v["label"].trim() ? v["label"].trim().slice(0, 255) : dossier.title;
  const visibility = v["visibility"] ?? "private";
  if (visibility !== "public" && visibility !== "private") throw new DossierError("INVALID_ARGUMENT", `Expected 'visibility' to be public or private, but found ${JSON.stringify(visibility).slice(0, 40)}`);
  const status = oppStatus(v["oppStatus"]);
  const opp = amount(v["oppAmount"]);
  const tags = stringList(v["tags"], "tags");
  const [found] = await client.findProjects(`(t.ref:=:${sqlValue(ref)})`, 1);
  let id: number;
  let created = false;
  if (found) id = Number(found.id);
  else {
    id = await client.createProject({
      ref, title: label, socid: Number(thirdParty.externalId), public: visibility === "public" ? 1 : 0,
      usage_opportunity: status !== undefined || opp !== undefined ? 1 : 0,
      ...(status !== undefined ? { opp_status: status } : {}), ...(opp !== undefined ? { opp_amount: opp } : {}),
      date_start: Math.floor(domain.engine.clock.now() / 1000), description: `Dossier ${dossier.reference}`,
    });
    created = true;
  }
  for (const tag of tags) await client.categorize(await client.category(tag, "project"), "project", id);
  await domain.engine.transaction((tx) => {
    store.saveLink({ dossierId: dossier.id, kind: "project", externalId: String(id), externalRef: ref, created, at: tx.now });
    domain.journal.append({
      dossierId: dossier.id, at: tx.now, actor: "process", action: "erp.project",
      summary: `${created ? "Projet créé" : "Projet retrouvé"} dans Dolibarr : ${ref} — ${label} (id ${id})`,
      after: { system: "dolibarr", projectId: id, ref, created, tags }, private: true,
    });
    tx.completeJob(job.jobKey, { dolibarrProjectId: id, dolibarrProjectCreated: created });
  });
}

export function startDolibarrProjectWorker(engine: Engine, domain: Domain, client: DolibarrClient, store: ErpStore, retryBackOffMs = 30_000): JobWorker {
  return dolibarrWorker(engine, retryBackOffMs, DOLIBARR_PROJECT_JOB, (job) => handleProject(domain, client, store, job));
}
