/**
 * What the two Dolibarr job workers share: the dossier a job acts on (the one its process was
 * started for, or one of its family by `dossierRef`), the customer party of that dossier (or of the
 * family's root), and how a Dolibarr failure ends: a server or network error fails the job with
 * one retry less (the engine's back-off; an incident once none are left), a refused key, a missing
 * object or refused data fails it with no retries left at once — an incident saying why, that an
 * operator resolves after fixing the cause (retrying would not help).
 */
import type { ActivatedJob } from "../engine/commands/jobs.js";
import type { Engine } from "../engine/engine.js";
import type { JobWorker } from "../engine/workers.js";
import type { Domain } from "../dossiers/domain.js";
import { DossierError } from "../dossiers/errors.js";
import { familyRoot, linkedDossier } from "../dossiers/task-dossier.js";
import type { PartyRow } from "../dossiers/parties/types.js";
import { DolibarrError } from "../erp/dolibarr-client.js";

export function jobDossier(domain: Domain, job: ActivatedJob) {
  const own = linkedDossier(domain, job.processInstanceKey);
  if (!own) throw new DossierError("FORBIDDEN", `Expected process instance ${job.processInstanceKey} to have been started from a dossier, but it was not: the Dolibarr connectors act on their own dossier`);
  const ref = job.variables["dossierRef"];
  if (typeof ref !== "string" || ref === "" || ref === own.reference) return own;
  const other = domain.service.byReference(ref);
  if (familyRoot(domain, other.id) !== familyRoot(domain, own.id)) throw new DossierError("FORBIDDEN", `Expected 'dossierRef' to name ${own.reference} or a dossier of its family, but found '${ref}'`);
  return other;
}

/** The dossier's customer (role 'customer'), else that of the top of its family (a contract's customer file). */
export function customerOf(domain: Domain, dossierId: number): PartyRow {
  for (const id of [dossierId, familyRoot(domain, dossierId)]) {
    const link = domain.service.partiesOf(id).find((p) => p.role === "customer");
    const party = link && domain.parties.get(link.partyId);
    if (party) return party;
  }
  throw new DossierError("INVALID_ARGUMENT", `Expected dossier ${dossierId} (or its customer file) to have a customer party, but it has none`);
}

export function stringList(v: unknown, name: string): string[] {
  if (v === undefined || v === null || v === "") return [];
  if (typeof v === "string") return v.split(",").map((s) => s.trim()).filter(Boolean);
  if (Array.isArray(v) && v.every((x) => typeof x === "string")) return (v as string[]).map((s) => s.trim()).filter(Boolean);
  throw new DossierError("INVALID_ARGUMENT", `Expected '${name}' to be a list of texts, but found ${JSON.stringify(v).slice(0, 80)}`);
}

/** Runs a handler that completes its job itself; Dolibarr and input errors end as described above. */
export function dolibarrWorker(engine: Engine, retryBackOff: number, type: string, handler: (job: ActivatedJob) => Promise<void>): JobWorker {
  return engine.createWorker({
    type,
    name: type,
    autoComplete: false,
    timeout: 60_000,
    retryBackOff,
    handler: async (job) => {
      try {
        await handler(job);
      } catch (error) {
        if (error instanceof DolibarrError && error.retriable) throw error;
        if (error instanceof DolibarrError || error instanceof DossierError) {
          await engine.failJob(job.jobKey, { retries: 0, errorMessage: `${type}: ${error.message}` });
          return;
        }
        throw error;
      }
    },
  });
}
