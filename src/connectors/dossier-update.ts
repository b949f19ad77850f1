/**
 * The built-in `dossier.update` job worker: how a process writes back to its dossier. Inputs
 * (zeebe:input, see the element template): `dossierRef` (default: the process's own; another one
 * only within its family), `set` (a
 * context of field values), `state` (a state to move to, along the type's transitions), `note`
 * (+ `notePublic`), `tags`, `documentId` (a document, or a list, to show in this dossier too: e.g. the
 * customer's ID card in a new contract file), `child` ({type, title, data}: a child dossier, e.g. the contract of a
 * customer file; its reference is returned as `childReference`). Everything — the dossier's
 * changes, its journal entries and the job's completion — is ONE transaction: a job retried after a
 * crash never applies its change twice. A wrong input is a BPMN error `DOSSIER_UPDATE_REJECTED`
 * (catchable in the model) carrying the reason; no retries are spent on it.
 */
import type { ActivatedJob } from "../engine/commands/jobs.js";
import type { Engine } from "../engine/engine.js";
import { JobError, type JobWorker } from "../engine/workers.js";
import type { Domain } from "../dossiers/domain.js";
import { DossierError } from "../dossiers/errors.js";
import { documentInFamily, familyRoot, linkedDossier } from "../dossiers/task-dossier.js";

export const DOSSIER_UPDATE_JOB = "dossier.update";
const ACTOR = "process";

function asObject(v: unknown, name: string): Record<string, unknown> | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "object" || Array.isArray(v)) throw new DossierError("INVALID_ARGUMENT", `Expected '${name}' to be a context (object), but found ${JSON.stringify(v)?.slice(0, 80)}`);
  return v as Record<string, unknown>;
}

/** A child dossier takes its parent's parties in the roles its own type has (the customer of a contract is the file's). */
function inheritedParties(domain: Domain, parentId: number, childType: string) {
  const roles = domain.types.get(childType)?.partyRoles ?? [];
  const out: Array<{ role: string; partyId: number }> = [];
  for (const link of domain.service.partiesOf(parentId)) {
    const role = roles.find((r) => r.id === link.role);
    if (role && (role.multiple || !out.some((l) => l.role === role.id))) out.push(link);
  }
  return out;
}

/**
 * A job acts only within the dossier its process was started for (the link row of the process or
 * of the one that called it) and that dossier's family (parent, children): a process started
 * outside a dossier, or variables naming another dossier, change nothing. Documents it links must
 * already show in that family.
 */
export function handleDossierUpdate(domain: Domain, job: ActivatedJob): Promise<void> {
  const v = job.variables;
  const own = linkedDossier(domain, job.processInstanceKey);
  if (!own) throw new DossierError("FORBIDDEN", `Expected process instance ${job.processInstanceKey} to have been started from a dossier (its catalogue or dossier.update), but it was not: dossier.update acts only on its own dossier`);
  const reference = typeof v["dossierRef"] === "string" && v["dossierRef"] !== "" ? v["dossierRef"] : own.reference;
  const dossier = reference === own.reference ? own : domain.service.byReference(reference);
  const root = familyRoot(domain, own.id);
  if (dossier.id !== own.id && familyRoot(domain, dossier.id) !== root) {
    throw new DossierError("FORBIDDEN", `Expected 'dossierRef' to name ${own.reference}, the dossier this process was started for, or one of its family, but found '${reference}'`);
  }
  const type = domain.service.typeOf(dossier);
  const set = asObject(v["set"], "set");
  const child = asObject(v["child"], "child");
  const state = v["state"];
  const note = v["note"];
  const tags = v["tags"];
  const documentIds = v["documentId"] === undefined || v["documentId"] === null ? [] : Array.isArray(v["documentId"]) ? v["documentId"] : [v["documentId"]];
  if (documentIds.some((id) => !Number.isSafeInteger(id) || (id as number) < 1)) throw new DossierError("INVALID_ARGUMENT", `Expected 'documentId' to be a document id or a list of them, but found ${JSON.stringify(v["documentId"])?.slice(0, 80)}`);
  const foreign = (documentIds as number[]).filter((id) => !documentInFamily(domain, id, root));
  if (foreign.length) throw new DossierError("FORBIDDEN", `Expected documents of ${own.reference} or of its family to link, but ${foreign.join(", ")} ${foreign.length > 1 ? "are" : "is"} not`);
  if (state !== undefined && state !== null && typeof state !== "string") throw new DossierError("INVALID_ARGUMENT", `Expected 'state' to be a state id, but found ${JSON.stringify(state)}`);
  if (note !== undefined && note !== null && typeof note !== "string") throw new DossierError("INVALID_ARGUMENT", `Expected 'note' to be text, but found ${JSON.stringify(note)?.slice(0, 80)}`);
  const preparedChild = child ? domain.service.prepareCreate(null, { type: String(child["type"] ?? ""), title: String(child["title"] ?? ""), data: asObject(child["data"], "child.data") ?? {}, parent: dossier.reference, sector: dossier.sector, owner: dossier.owner, parties: inheritedParties(domain, dossier.id, String(child["type"] ?? "")) }) : undefined;
  return domain.engine.transaction((tx) => {
    const out: Record<string, unknown> = {};
    if (set || tags !== undefined) {
      const { dossier: saved } = domain.service.mutateIn(tx, dossier.id, undefined, domain.service.updateChange(type, { ...(set ? { data: set } : {}), ...(Array.isArray(tags) ? { tags: tags as string[] } : {}) }, ACTOR));
      out["dossierVersion"] = saved.version;
    }
    if (typeof state === "string" && state !== domain.service.byReference(reference).state) {
      const { dossier: saved } = domain.service.mutateIn(tx, dossier.id, undefined, domain.service.stateChange(null, type, state, undefined, ACTOR));
      out["dossierVersion"] = saved.version;
      out["dossierState"] = saved.state;
    }
    if (typeof note === "string" && note.trim()) {
      const isPublic = v["notePublic"] === true || v["notePublic"] === "true"; // the template's dropdown sends text
      domain.journal.append({ dossierId: dossier.id, at: tx.now, actor: ACTOR, action: "note.added", summary: note.slice(0, 1000), after: { text: note, public: isPublic, elementId: job.elementId }, private: !isPublic });
    }
    for (const id of documentIds as number[]) domain.documents.linkIn(dossier, id, ACTOR);
    if (preparedChild) {
      const created = domain.service.createIn(tx, null, preparedChild);
      out["childReference"] = created.dossier.reference;
    }
    tx.completeJob(job.jobKey, out);
  });
}

/** Starts the worker on the engine; wrong inputs become a catchable BPMN error. */
export function startDossierUpdateWorker(engine: Engine, domain: Domain): JobWorker {
  return engine.createWorker({
    type: DOSSIER_UPDATE_JOB,
    name: "dossier-update",
    autoComplete: false,
    handler: async (job) => {
      try {
        await handleDossierUpdate(domain, job);
      } catch (error) {
        if (error instanceof DossierError) throw new JobError("DOSSIER_UPDATE_REJECTED", error.message, { dossierUpdateError: error.message, problems: error.problems });
        throw error;
      }
    },
  });
}
