/**
 * The built-in `mail.send` job worker (element template dossier.mail.send). Inputs: `to` (addresses,
 * comma separated or a list; or {role}/{partyId} contexts), `toRole` (a role of the dossier's
 * parties, or a list: "customer", "decision-maker"), `cc`, `template` (under templates/mail/),
 * `subject` and `text` (free text when no template), `data` (a context for the template, beside
 * the process variables), `attachments` (document ids of the dossier), `locale`.
 *
 * The job waits for the delivery: the mail is queued with the key `job:<jobKey>` (a retried job
 * never queues twice), then the job completes in the transaction that sees it sent — or, when the
 * mail was already sent (a retry), in the very transaction that found it. A delivery that fails after
 * its retries fails the job with no retries left: an incident naming the server's answer; resolving
 * it (retries > 0) queues the same mail (same Message-ID) again. Wrong input is a BPMN error
 * `MAIL_REJECTED` with the reason (no retries spent). The worker acts only on the dossier its
 * process was started for (see dossier-update.ts).
 */
import type { ActivatedJob } from "../engine/commands/jobs.js";
import type { Engine } from "../engine/engine.js";
import { JobError, type JobWorker } from "../engine/workers.js";
import type { Domain } from "../dossiers/domain.js";
import { DossierError } from "../dossiers/errors.js";
import { linkedDossier } from "../dossiers/task-dossier.js";
import type { MailRecipient, OutboundMailRequest } from "../mail/api.js";
import type { MailLedger } from "../mail/ledger.js";
import type { MailOutbox } from "../mail/outbox.js";
import type { EventEmitter } from "node:events";

export const MAIL_SEND_JOB = "mail.send";
/** How long a job waits for its mail's delivery before handing the job back for later (ms). */
const WAIT_MS = 10 * 60_000;

const asList = (v: unknown): unknown[] => (v === undefined || v === null || v === "" ? [] : Array.isArray(v) ? v : [v]);

function recipients(v: unknown, name: string): MailRecipient[] {
  return asList(v).map((r) => {
    if (typeof r === "string") return r;
    if (r && typeof r === "object" && !Array.isArray(r)) {
      const o = r as Record<string, unknown>;
      if (typeof o["role"] === "string") return { role: o["role"] };
      if (Number.isSafeInteger(o["partyId"])) return { partyId: o["partyId"] as number };
      if (typeof o["email"] === "string") return o["email"];
    }
    throw new DossierError("INVALID_ARGUMENT", `Expected '${name}' to hold addresses, {role} or {partyId}, but found ${JSON.stringify(r)?.slice(0, 80)}`);
  });
}

/** The mail a job asks for (throws DossierError on wrong input). */
export function mailRequestOf(domain: Domain, job: ActivatedJob): OutboundMailRequest {
  const v = job.variables;
  const own = linkedDossier(domain, job.processInstanceKey);
  const to = [...recipients(v["to"], "to"), ...asList(v["toRole"]).map((r) => {
    if (typeof r !== "string" || !r) throw new DossierError("INVALID_ARGUMENT", `Expected 'toRole' to be a role such as 'customer', but found ${JSON.stringify(r)}`);
    return { role: r };
  })];
  const data = v["data"];
  if (data !== undefined && data !== null && (typeof data !== "object" || Array.isArray(data))) throw new DossierError("INVALID_ARGUMENT", `Expected 'data' to be a context (object), but found ${JSON.stringify(data)?.slice(0, 80)}`);
  const { to: _t, toRole: _r, cc: _c, data: _d, attachments: _a, template: _tp, subject: _s, text: _x, locale: _l, ...processVariables } = v;
  const str = (name: string) => {
    const x = v[name];
    if (x === undefined || x === null || x === "") return undefined;
    if (typeof x !== "string") throw new DossierError("INVALID_ARGUMENT", `Expected '${name}' to be text, but found ${JSON.stringify(x)?.slice(0, 80)}`);
    return x;
  };
  const locale = str("locale");
  if (locale !== undefined && locale !== "fr" && locale !== "en") throw new DossierError("INVALID_ARGUMENT", `Expected 'locale' to be fr or en, but found '${locale}'`);
  const template = str("template");
  const subject = str("subject");
  const text = str("text");
  return {
    to, cc: recipients(v["cc"], "cc"), dossierId: own?.id ?? null,
    ...(template ? { template } : {}), ...(subject ? { subject } : {}), ...(text ? { text } : {}), ...(locale ? { locale } : {}),
    data: { ...processVariables, ...((data as Record<string, unknown>) ?? {}) },
    attachments: asList(v["attachments"]) as number[],
    purpose: "process", key: `job:${job.jobKey}`, actor: "process",
  };
}

/** Waits until the row settles (event or poll), the deadline passes, or the worker stops. */
export function waitSettled(events: EventEmitter, id: number, status: () => string | undefined, ms: number, stopping: () => boolean): Promise<string | undefined> {
  return new Promise((resolve) => {
    const finish = () => {
      clearInterval(poll);
      clearTimeout(timer);
      events.off("settled", onSettled);
      events.off("stopping", finish);
      resolve(status());
    };
    const onSettled = (settledId: number) => settledId === id && finish();
    const poll = setInterval(() => {
      const s = status();
      if (s === "sent" || s === "failed" || stopping()) finish();
    }, 1000);
    const timer = setTimeout(finish, ms);
    events.on("settled", onSettled);
    events.on("stopping", finish);
    const s = status();
    if (s === "sent" || s === "failed") finish();
  });
}

export interface MailSendDeps {
  engine: Engine;
  domain: Domain;
  outbox: MailOutbox;
  ledger: MailLedger;
  events: EventEmitter;
  stopping: () => boolean;
}

export async function handleMailSend(deps: MailSendDeps, job: ActivatedJob): Promise<void> {
  const { engine, domain, outbox, ledger } = deps;
  let request: OutboundMailRequest;
  try {
    request = mailRequestOf(domain, job);
  } catch (error) {
    if (error instanceof DossierError) throw new JobError("MAIL_REJECTED", error.message, { mailError: error.message });
    throw error;
  }
  let queued: { id: number; messageId: string };
  try {
    queued = await engine.transaction((tx) => {
      const q = outbox.enqueue(tx, request);
      const current = ledger.status(q.id);
      if (current?.status === "sent") tx.completeJob(job.jobKey, { mailId: q.id, messageId: q.messageId, mailStatus: "sent" });
      else if (current?.status === "failed" && q.duplicate) ledger.requeue(tx, q.id); // the incident was resolved: try again
      return { ...q, done: current?.status === "sent" };
    }).then((q) => {
      if (q.done) throw new Done();
      return q;
    });
  } catch (error) {
    if (error instanceof Done) return;
    if (error instanceof DossierError) throw new JobError("MAIL_REJECTED", error.message, { mailError: error.message });
    throw error;
  }
  const status = await waitSettled(deps.events, queued.id, () => ledger.status(queued.id)?.status, Math.min(WAIT_MS, Math.max(job.deadline - engine.clock.now() - 60_000, 1000)), deps.stopping);
  if (status === "sent") {
    await engine.transaction((tx) => tx.completeJob(job.jobKey, { mailId: queued.id, messageId: queued.messageId, mailStatus: "sent" }));
  } else if (status === "failed") {
    const s = ledger.status(queued.id);
    await engine.failJob(job.jobKey, { retries: 0, errorMessage: `Mail ${queued.id} (${queued.messageId}) not delivered after ${s?.attempts ?? "?"} attempt(s): ${s?.lastError ?? "unknown error"}` });
  } else {
    // Still queued (the server is down for long) or the server stops: the job comes back later, no retry spent.
    await engine.failJob(job.jobKey, { retries: job.retries, errorMessage: `Mail ${queued.id} still queued: ${ledger.status(queued.id)?.lastError ?? "waiting for delivery"}`, retryBackOff: deps.stopping() ? 0 : 60_000 });
  }
}

class Done extends Error {}

export function startMailSendWorker(deps: MailSendDeps): JobWorker {
  return deps.engine.createWorker({
    type: MAIL_SEND_JOB, name: "mail-send", autoComplete: false, timeout: 15 * 60_000, maxJobsActive: 64,
    handler: (job) => handleMailSend(deps, job),
  });
}
