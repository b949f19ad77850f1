/**
 * The dossier a process instance belongs to (the instance's own link, or that of the process that
 * called it): what the inbox shows beside a task. Whoever sees the task sees its dossier (the
 * access predicate says so too).
 */
import type { Domain } from "./domain.js";
import { dossierById, dossierIdOfProcess } from "./rows.js";
import { statement } from "../persistence/statements.js";

export function dossierOfProcess(domain: Domain, processInstanceKey: number, lang = "fr") {
  const dossier = linkedDossier(domain, processInstanceKey);
  if (!dossier) return null;
  const [summary] = domain.views.summaries([dossier], lang);
  return { ...summary!, documents: domain.documents.countFor(dossier.id) };
}

/** The dossier a process instance (or the process that called it) was started for, if any. */
export function linkedDossier(domain: Domain, processInstanceKey: number) {
  const id = dossierIdOfProcess(domain.db, processInstanceKey);
  return id === undefined ? undefined : dossierById(domain.db, id);
}

/** The top of a dossier's family (a customer file above its contracts and their claims). */
export function familyRoot(domain: Domain, dossierId: number): number {
  let id = dossierId;
  for (let depth = 0; depth < 20; depth++) {
    const parent = (statement(domain.db, `SELECT parent_id FROM dossier WHERE id = ?`).get(id) as { parent_id: number | null } | undefined)?.parent_id ?? null;
    if (parent === null) return id;
    id = parent;
  }
  return id;
}

/** Whether a document shows in at least one dossier of the family whose top is `rootId`. */
export function documentInFamily(domain: Domain, documentId: number, rootId: number): boolean {
  const found = statement(
    domain.db,
    `WITH RECURSIVE family(id) AS (SELECT ? UNION SELECT d.id FROM dossier d JOIN family f ON d.parent_id = f.id)
     SELECT 1 FROM dossier_document dd JOIN family f ON f.id = dd.dossier_id WHERE dd.document_id = ? LIMIT 1`,
  ).get(rootId, documentId);
  return found !== undefined;
}
