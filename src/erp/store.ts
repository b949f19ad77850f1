/** The Dolibarr ids stored per dossier, the pull's state and the invoices it could not import. */
import type Database from "better-sqlite3";
import { statement } from "../persistence/statements.js";

export type LinkKind = "thirdparty" | "project";
export const SYSTEM = "dolibarr";

export interface ErpLink { dossierId: number; kind: LinkKind; externalId: string; externalRef: string | null; created: boolean; at: number }

export class ErpStore {
  constructor(private readonly db: Database.Database) {}

  link(dossierId: number, kind: LinkKind): ErpLink | undefined {
    const r = statement(this.db, `SELECT * FROM "erp_link" WHERE "dossier_id" = ? AND "kind" = ? AND "system" = ?`).get(dossierId, kind, SYSTEM) as
      | { dossier_id: number; kind: LinkKind; external_id: string; external_ref: string | null; created: number; at: number }
      | undefined;
    return r && { dossierId: r.dossier_id, kind: r.kind, externalId: r.external_id, externalRef: r.external_ref, created: r.created === 1, at: Number(r.at) };
  }

  /** Call inside the transaction that completes the job: the id and the completion commit together. */
  saveLink(l: ErpLink): void {
    statement(this.db,
      `INSERT INTO "erp_link" ("dossier_id", "kind", "system", "external_id", "external_ref", "created", "at") VALUES (?, ?, ?, ?, ?, ?, ?) ` +
        `ON CONFLICT ("dossier_id", "kind", "system") DO UPDATE SET "external_id" = excluded."external_id", "external_ref" = excluded."external_ref", "at" = excluded."at"`,
    ).run(l.dossierId, l.kind, SYSTEM, l.externalId, l.externalRef, l.created ? 1 : 0, l.at);
  }

  /** The dossier whose third party has this Dolibarr id (the pull's customer match). */
  dossierOfThirdParty(externalId: string): { id: number; reference: string } | undefined {
    return statement(this.db,
      `SELECT d."id", d."reference" FROM "erp_link" l JOIN "dossier" d ON d."id" = l."dossier_id" WHERE l."system" = ? AND l."kind" = 'thirdparty' AND l."external_id" = ? ORDER BY l."at" LIMIT 1`,
    ).get(SYSTEM, externalId) as { id: number; reference: string } | undefined;
  }

  links(limit = 50): ErpLink[] {
    return (statement(this.db, `SELECT * FROM "erp_link" WHERE "system" = ? ORDER BY "at" DESC LIMIT ?`).all(SYSTEM, limit) as Array<Record<string, any>>).map((r) => ({
      dossierId: r["dossier_id"], kind: r["kind"], externalId: r["external_id"], externalRef: r["external_ref"], created: r["created"] === 1, at: Number(r["at"]),
    }));
  }

  sync(name: string): { cursor: string | null; state: string; message: string | null; invoices: number; payments: number; startedAt: number | null; finishedAt: number | null } | undefined {
    const r = statement(this.db, `SELECT * FROM "erp_sync" WHERE "name" = ?`).get(name) as Record<string, any> | undefined;
    return r && { cursor: r["cursor"], state: r["state"], message: r["message"], invoices: r["invoices"], payments: r["payments"], startedAt: r["started_at"], finishedAt: r["finished_at"] };
  }

  saveSync(name: string, v: { cursor: string | null; state: string; message: string | null; invoices: number; payments: number; startedAt: number | null; finishedAt: number | null }): void {
    statement(this.db,
      `INSERT INTO "erp_sync" ("name", "cursor", "state", "message", "invoices", "payments", "started_at", "finished_at") VALUES (?, ?, ?, ?, ?, ?, ?, ?) ` +
        `ON CONFLICT ("name") DO UPDATE SET "cursor" = excluded."cursor", "state" = excluded."state", "message" = excluded."message", "invoices" = excluded."invoices", ` +
        `"payments" = excluded."payments", "started_at" = excluded."started_at", "finished_at" = excluded."finished_at"`,
    ).run(name, v.cursor, v.state, v.message, v.invoices, v.payments, v.startedAt, v.finishedAt);
  }

  failures(): Array<{ externalId: string; externalRef: string | null; message: string; attempts: number; lastAt: number }> {
    return (statement(this.db, `SELECT * FROM "erp_pull_failure" WHERE "system" = ? ORDER BY "first_at"`).all(SYSTEM) as Array<Record<string, any>>).map((r) => ({
      externalId: r["external_id"], externalRef: r["external_ref"], message: r["message"], attempts: r["attempts"], lastAt: Number(r["last_at"]),
    }));
  }

  fail(externalId: string, externalRef: string | null, message: string, at: number): void {
    statement(this.db,
      `INSERT INTO "erp_pull_failure" ("system", "external_id", "external_ref", "message", "attempts", "first_at", "last_at") VALUES (?, ?, ?, ?, 1, ?, ?) ` +
        `ON CONFLICT ("system", "external_id") DO UPDATE SET "message" = excluded."message", "attempts" = "erp_pull_failure"."attempts" + 1, "last_at" = excluded."last_at"`,
    ).run(SYSTEM, externalId, externalRef, message.slice(0, 2000), at, at);
  }

  resolved(externalId: string): void {
    statement(this.db, `DELETE FROM "erp_pull_failure" WHERE "system" = ? AND "external_id" = ?`).run(SYSTEM, externalId);
  }
}
