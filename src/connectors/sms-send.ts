/**
 * The built-in `sms.send` job worker (element template dossier.sms.send). Inputs: `to` (a number in
 * E.164) or `toRole` (the first mobile number of the dossier's party in that role), `text`.
 * Like mail.send: queued with the key `job:<jobKey>`, the job completes once the gateway accepted
 * it (or at once when a retry finds it sent); a delivery failure after the retries is an incident
 * naming the gateway's answer; wrong input is the BPMN error `SMS_REJECTED`.
 */
import type { EventEmitter } from "node:events";
import type { ActivatedJob } from "../engine/commands/jobs.js";
import type { Engine } from "../engine/engine.js";
import { JobError, type JobWorker } from "../engine/workers.js";
import type { Domain } from "../dossiers/domain.js";
import { DossierError } from "../dossiers/errors.js";
import { linkedDossier } from "../dossiers/task-dossier.js";
import type { SmsRequest } from "../mail/api.js";
import type { Sms } from "../mail/sms.js";
import { waitSettled } from "./mail-send.js";

export const SMS_SEND_JOB = "sms.send";

export function smsRequestOf(domain: Domain, job: ActivatedJob): SmsRequest {
  const v = job.variables;
  const own = linkedDossier(domain, job.processInstanceKey);
  let to = typeof v["to"] === "string" ? v["to"] : undefined;
  const role = v["toRole"];
  if (!to && typeof role === "string" && role) {
    if (!own) throw new DossierError("INVALID_ARGUMENT", `Expected a dossier for the recipient in the role '${role}', but the process was not started from one`);
    const link = domain.service.partiesOf(own.id).find((l) => l.role === role);
    if (!link) throw new DossierError("INVALID_ARGUMENT", `Expected a party in the role '${role}' of ${own.reference}, but found none`);
    const party = domain.parties.get(link.partyId);
    const phone = party?.phones.find((p) => p.label === "mobile") ?? party?.phones[0];
    if (!phone) throw new DossierError("INVALID_ARGUMENT", `Expected party ${link.partyId} '${party?.name ?? "?"}' (role '${role}' of ${own.reference}) to have a phone number, but it has none`);
    to = phone.number;
  }
  if (!to) throw new DossierError("INVALID_ARGUMENT", "Expected 'to' (a number in E.164) or 'toRole', but found neither");
  if (typeof v["text"] !== "string") throw new DossierError("INVALID_ARGUMENT", `Expected 'text' to be the message, but found ${JSON.stringify(v["text"])?.slice(0, 40)}`);
  return { to, text: v["text"], dossierId: own?.id ?? null, purpose: "process", key: `job:${job.jobKey}`, actor: "process", sensitive: v["sensitive"] === true || v["sensitive"] === "true" };
}

export async function handleSmsSend(deps: { engine: Engine; domain: Domain; sms: Sms; stopping: () => boolean }, job: ActivatedJob): Promise<void> {
  const { engine, domain, sms } = deps;
  let id: number;
  try {
    const request = smsRequestOf(domain, job);
    const r = await engine.transaction((tx) => {
      const q = sms.enqueue(tx, request);
      const s = sms.status(q.id)?.status;
      if (s === "sent") tx.completeJob(job.jobKey, { smsId: q.id, smsStatus: "sent" });
      else if (s === "failed" && q.duplicate) sms.requeue(tx, q.id);
      return { id: q.id, done: s === "sent" };
    });
    if (r.done) return;
    id = r.id;
  } catch (error) {
    if (error instanceof DossierError) throw new JobError("SMS_REJECTED", error.message, { smsError: error.message });
    throw error;
  }
  const status = await waitSettled(sms.events as EventEmitter, id, () => sms.status(id)?.status, 10 * 60_000, deps.stopping);
  if (status === "sent") await engine.transaction((tx) => tx.completeJob(job.jobKey, { smsId: id, smsStatus: "sent" }));
  else if (status === "failed") await engine.failJob(job.jobKey, { retries: 0, errorMessage: `SMS ${id} not delivered: ${sms.status(id)?.lastError ?? "unknown error"}` });
  else await engine.failJob(job.jobKey, { retries: job.retries, errorMessage: `SMS ${id} still queued: ${sms.status(id)?.lastError ?? "waiting"}`, retryBackOff: deps.stopping() ? 0 : 60_000 });
}

export function startSmsSendWorker(deps: { engine: Engine; domain: Domain; sms: Sms; stopping: () => boolean }): JobWorker {
  return deps.engine.createWorker({ type: SMS_SEND_JOB, name: "sms-send", autoComplete: false, timeout: 15 * 60_000, handler: (job) => handleSmsSend(deps, job) });
}
