/**
 * The dossier row and its lookup under the access predicate. Every read of one dossier by a user
 * goes through `visibleDossier`, so a dossier outside the caller's sectors answers 404 everywhere
 * (dossier, documents, journal, actions) with the same message as one that does not exist.
 */
import type Database from "better-sqlite3";
import type { Principal } from "../identity/identity.js";
import { dossierVisibility } from "./access.js";
import { DossierError } from "./errors.js";
import { statement } from "../persistence/statements.js";

export interface DossierRow {
  id: number;
  reference: string;
  typeId: string;
  typeVersion: number;
  title: string;
  state: string;
  owner: string | null;
  sector: string | null;
  parentId: number | null;
  data: Record<string, unknown>;
  tags: string[];
  version: number;
  createdAt: number;
  createdBy: string | null;
  updatedAt: number;
  closedAt: number | null;
}

export function toDossier(r: Record<string, any>): DossierRow {
  return {
    id: r["id"], reference: r["reference"], typeId: r["type_id"], typeVersion: r["type_version"], title: r["title"], state: r["state"],
    owner: r["owner"], sector: r["sector"], parentId: r["parent_id"], data: JSON.parse(r["data"]), tags: JSON.parse(r["tags"]),
    version: r["version"], createdAt: r["created_at"], createdBy: r["created_by"], updatedAt: r["updated_at"], closedAt: r["closed_at"],
  };
}

export function notFoundDossier(reference: string | number): DossierError {
  return new DossierError("NOT_FOUND", `Expected to find a dossier '${reference}', but none was found`);
}

/** The dossier with this reference if the principal may see it; 404 (DossierError NOT_FOUND) otherwise. */
export function visibleDossier(db: Database.Database, principal: Principal, reference: string): DossierRow {
  const access = dossierVisibility(principal, "d");
  const row = statement(db, `SELECT d.* FROM dossier d WHERE d.reference = ? AND ${access.sql}`).get(reference, ...access.params) as Record<string, any> | undefined;
  if (!row) throw notFoundDossier(reference);
  return toDossier(row);
}

/** The dossier with this id if the principal may see it (documents shared by several dossiers use it). */
export function visibleDossierById(db: Database.Database, principal: Principal, id: number): DossierRow | undefined {
  const access = dossierVisibility(principal, "d");
  const row = statement(db, `SELECT d.* FROM dossier d WHERE d.id = ? AND ${access.sql}`).get(id, ...access.params) as Record<string, any> | undefined;
  return row ? toDossier(row) : undefined;
}

export function dossierById(db: Database.Database, id: number): DossierRow | undefined {
  const row = statement(db, `SELECT * FROM dossier WHERE id = ?`).get(id) as Record<string, any> | undefined;
  return row ? toDossier(row) : undefined;
}

/**
 * The id of the dossier a process instance was started for: its own link row, or that of the
 * process that called it (call activities), up to 20 levels.
 */
export function dossierIdOfProcess(db: Database.Database, processInstanceKey: number): number | undefined {
  let key: number | null = processInstanceKey;
  for (let depth = 0; key !== null && depth < 20; depth++) {
    const link = statement(db, `SELECT dossier_id FROM dossier_process WHERE process_instance_key = ?`).get(key) as { dossier_id: number } | undefined;
    if (link) return link.dossier_id;
    key = (statement(db, `SELECT parent_process_instance_key AS parent FROM process_instance WHERE key = ?`).get(key) as { parent: number | null } | undefined)?.parent ?? null;
  }
  return undefined;
}
