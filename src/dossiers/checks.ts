/**
 * The checks of a dossier's own attributes (title, tags, sector, owner), each adding its problems
 * to the list the caller reports at once; field values are checked in fields.ts.
 */
import type Database from "better-sqlite3";
import type { Principal } from "../identity/identity.js";
import { statement } from "../persistence/statements.js";
import type { FieldProblem } from "./errors.js";

export function checkTags(tags: unknown, problems: FieldProblem[]): string[] | undefined {
  if (tags === undefined) return undefined;
  if (!Array.isArray(tags) || tags.some((t) => typeof t !== "string" || t.trim() === "" || t.length > 64) || tags.length > 50) {
    problems.push({ field: "tags", message: `expected at most 50 tags of 1 to 64 characters, but found ${JSON.stringify(tags).slice(0, 80)}` });
    return undefined;
  }
  return [...new Set(tags.map((t: string) => t.trim()))];
}

export function checkTitle(title: unknown, problems: FieldProblem[], required: boolean): string | undefined {
  if (title === undefined && !required) return undefined;
  if (typeof title !== "string" || title.trim() === "" || title.length > 512) {
    problems.push({ field: "title", message: `expected a title of 1 to 512 characters, but found ${JSON.stringify(title)?.slice(0, 80)}` });
    return undefined;
  }
  return title.trim();
}

/** A sector is an existing group, one of the user's (or any, with dossiers.all); none only with dossiers.all. */
export function checkSector(db: Database.Database, principal: Principal | null, sector: unknown, problems: FieldProblem[]): void {
  const all = !principal || principal.permissions.has("dossiers.all");
  if (sector === null) {
    if (!all) problems.push({ field: "sector", message: "expected a sector: a dossier without one would be seen by its owner and the administrators only" });
    return;
  }
  if (typeof sector !== "string" || sector.length > 256) return void problems.push({ field: "sector", message: `expected a sector (group id), but found ${JSON.stringify(sector)?.slice(0, 80)}` });
  if (!all && !principal!.groups.includes(sector)) return void problems.push({ field: "sector", message: `expected one of your sectors (${principal!.groups.join(", ") || "none"}), but found '${sector}'` });
  if (!statement(db, `SELECT 1 FROM identity_group WHERE group_id = ?`).get(sector)) problems.push({ field: "sector", message: `expected an existing sector (group), but found '${sector}'` });
}

/** An owner is an existing user (or none). */
export function checkOwner(db: Database.Database, owner: unknown, problems: FieldProblem[]): void {
  if (owner === null) return;
  if (typeof owner !== "string" || owner.length > 256) return void problems.push({ field: "owner", message: `expected a username, but found ${JSON.stringify(owner)?.slice(0, 80)}` });
  if (!statement(db, `SELECT 1 FROM identity_user WHERE username = ?`).get(owner)) problems.push({ field: "owner", message: `expected an existing user, but found '${owner}'` });
}
