/**
 * The built-in `signature.request` job worker: creates and sends a signature request for the
 * process's dossier and completes its job in the SAME transaction (a retried job never sends a
 * request twice: the request row is unique per job key). Inputs (zeebe:input, see the element
 * template signature-request.json): `documents` (document ids, or the output of document.render:
 * {documentId} or a list of them), `signers` (list of {role|partyId|username, order}), `message`,
 * `expiresIn` (ISO 8601 duration, default P14D), `reminders` (a number, or {every, count}),
 * `title`. Output: `signatureRequestId`. The process then waits at an intermediate message catch
 * `signature-completed` whose correlation key is `=string(signatureRequestId)`; the message
 * carries `signatureOutcome` (signed, declined, expired, canceled) and, when signed,
 * `signedDocumentId` and `evidenceDocumentId`. A wrong input (a signer without a mobile phone …)
 * is a BPMN error `SIGNATURE_REQUEST_REJECTED` carrying the reason (`signatureError`).
 */
import type { ActivatedJob } from "../engine/commands/jobs.js";
import type { Engine } from "../engine/engine.js";
import { JobError, type JobWorker } from "../engine/workers.js";
import type { Domain } from "../dossiers/domain.js";
import { DossierError } from "../dossiers/errors.js";
import { linkedDossier } from "../dossiers/task-dossier.js";
import { statement } from "../persistence/statements.js";
import type { SignatureService } from "../signature/service.js";

export const SIGNATURE_REQUEST_JOB = "signature.request";

/** document.render's output ({documentId}), a list of them, or bare ids. */
function documentIds(value: unknown): unknown[] {
  const list = Array.isArray(value) ? value : value === undefined || value === null ? [] : [value];
  return list.map((v) => (v && typeof v === "object" && "documentId" in (v as object) ? (v as { documentId: unknown }).documentId : v));
}

export async function handleSignatureRequest(domain: Domain, service: SignatureService, job: ActivatedJob): Promise<void> {
  const v = job.variables;
  const dossier = linkedDossier(domain, job.processInstanceKey);
  if (!dossier) throw new DossierError("FORBIDDEN", `Expected process instance ${job.processInstanceKey} to have been started from a dossier, but it was not: signature.request signs documents of its own dossier`);
  const existing = statement(domain.db, `SELECT id FROM signature_request WHERE job_key = ?`).get(job.jobKey) as { id: number } | undefined;
  if (existing) {
    await domain.engine.transaction((tx) => tx.completeJob(job.jobKey, { signatureRequestId: existing.id }));
    return;
  }
  const prepared = service.prepare(dossier, { documents: documentIds(v["documents"] ?? v["document"]), signers: v["signers"], message: v["message"], expiresIn: v["expiresIn"], reminders: v["reminders"], title: v["title"] });
  await domain.engine.transaction((tx) => {
    const request = service.createIn(tx, dossier, prepared, { actor: "process", processInstanceKey: job.processInstanceKey, jobKey: job.jobKey });
    tx.completeJob(job.jobKey, { signatureRequestId: request.id });
  });
}

export function startSignatureRequestWorker(engine: Engine, domain: Domain, service: SignatureService): JobWorker {
  return engine.createWorker({
    type: SIGNATURE_REQUEST_JOB,
    name: "signature-request",
    autoComplete: false,
    handler: async (job) => {
      try {
        await handleSignatureRequest(domain, service, job);
      } catch (error) {
        if (error instanceof DossierError) throw new JobError("SIGNATURE_REQUEST_REJECTED", error.message, { signatureError: error.message });
        throw error;
      }
    },
  });
}
