/**
 * The dossier a process instance belongs to (the instance's own link, or that of the process that
 * called it): what the inbox shows beside a task. Whoever sees the task sees its dossier (the
 * access predicate says so too).
 */
import type { Domain } from "./domain.js";
import { dossierById } from "./rows.js";
import { statement } from "../persistence/statements.js";

export function dossierOfProcess(domain: Domain, processInstanceKey: number, lang = "fr") {
  const { db } = domain;
  let key: number | null = processInstanceKey;
  for (let depth = 0; key !== null && depth < 20; depth++) {
    const link = statement(db, `SELECT dossier_id FROM dossier_process WHERE process_instance_key = ?`).get(key) as { dossier_id: number } | undefined;
    if (link) {
      const dossier = dossierById(db, link.dossier_id);
      if (!dossier) return null;
      const [summary] = domain.views.summaries([dossier], lang);
      return { ...summary!, documents: domain.documents.countFor(dossier.id) };
    }
    key = (statement(db, `SELECT parent_process_instance_key AS parent FROM process_instance WHERE key = ?`).get(key) as { parent: number | null } | undefined)?.parent ?? null;
  }
  return null;
}
