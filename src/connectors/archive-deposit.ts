/**
 * The archive's job workers:
 *  - `archive.deposit` (element template archive-deposit.json): deposits documents of the
 *    process's own dossier (`documents`: a list of document ids; none = all of them), and with
 *    `archiveDossier` = true archives (freezes) the closed dossier. The files are hashed before,
 *    the records, journal entries and the job's completion are ONE transaction (exactly once).
 *    Returns `archiveRecords` (the new record ids).
 *  - `archive.dispose` (the shipped archive-disposal process): destroys an approved disposal.
 *  - `archive.repair` (the shipped archive-integrity-incident process): puts the replica's copy
 *    back once the archivist confirmed.
 * Wrong inputs and refusals are BPMN errors (ARCHIVE_REJECTED) carrying the reason.
 */
import type { Engine } from "../engine/engine.js";
import { JobError, type JobWorker } from "../engine/workers.js";
import type { Domain } from "../dossiers/domain.js";
import { DossierError } from "../dossiers/errors.js";
import { documentInFamily, familyRoot, linkedDossier } from "../dossiers/task-dossier.js";
import type { ArchiveService } from "../archive/service.js";

export const ARCHIVE_DEPOSIT_JOB = "archive.deposit";
export const ARCHIVE_DISPOSE_JOB = "archive.dispose";
export const ARCHIVE_REPAIR_JOB = "archive.repair";

const rejected = (error: unknown): never => {
  if (error instanceof DossierError) throw new JobError("ARCHIVE_REJECTED", error.message, { archiveError: error.message });
  throw error;
};

export function startArchiveWorkers(engine: Engine, domain: Domain, archive: ArchiveService): JobWorker[] {
  const deposit = engine.createWorker({
    type: ARCHIVE_DEPOSIT_JOB, name: "archive-deposit", autoComplete: false,
    handler: async (job) => {
      try {
        const own = linkedDossier(domain, job.processInstanceKey);
        if (!own) throw new DossierError("FORBIDDEN", `Expected process instance ${job.processInstanceKey} to have been started from a dossier, but it was not: archive.deposit acts only on its own dossier`);
        const raw = job.variables["documents"];
        const list = raw === undefined || raw === null || raw === "" ? [] : Array.isArray(raw) ? raw : [raw];
        if (list.some((id) => !Number.isSafeInteger(id) || (id as number) < 1)) throw new DossierError("INVALID_ARGUMENT", `Expected 'documents' to be a list of document ids, but found ${JSON.stringify(raw)?.slice(0, 80)}`);
        const root = familyRoot(domain, own.id);
        const foreign = (list as number[]).filter((id) => !documentInFamily(domain, id, root));
        if (foreign.length) throw new DossierError("FORBIDDEN", `Expected documents of ${own.reference}, but ${foreign.join(", ")} ${foreign.length > 1 ? "are" : "is"} not`);
        const whole = job.variables["archiveDossier"] === true || job.variables["archiveDossier"] === "true";
        if (whole) {
          if (!archive.records.frozenReason(own.id)) await archive.records.archive(null, own);
          else await archive.records.processPending(); // a retried job: archived already
          const ids = archive.records.ofDossier(own.id).map((r) => r.id);
          await engine.transaction((tx) => tx.completeJob(job.jobKey, { archiveRecords: ids }));
          return;
        }
        await archive.records.deposit({ dossierId: own.id, documentIds: list.length ? (list as number[]) : null, actor: "process", full: false, alsoIn: (tx, ids) => tx.completeJob(job.jobKey, { archiveRecords: ids }) });
      } catch (error) {
        rejected(error);
      }
    },
  });
  const dispose = engine.createWorker({
    type: ARCHIVE_DISPOSE_JOB, name: "archive-dispose", autoComplete: false,
    handler: async (job) => {
      try {
        const id = Number(job.variables["disposalId"]);
        await archive.disposals.execute(id, (tx, out) => tx.completeJob(job.jobKey, out));
      } catch (error) {
        rejected(error);
      }
    },
  });
  const repair = engine.createWorker({
    type: ARCHIVE_REPAIR_JOB, name: "archive-repair", autoComplete: false,
    handler: async (job) => {
      try {
        await archive.repair(Number(job.variables["incidentId"]), "process", (tx) => tx.completeJob(job.jobKey, { repaired: true }));
      } catch (error) {
        rejected(error);
      }
    },
  });
  return [deposit, dispose, repair];
}
