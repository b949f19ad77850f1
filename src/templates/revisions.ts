/**
 * Template edits saved from the browser: append-only revisions per name. The latest revision of a
 * name overrides the shipped file; a revision without source ("back to the shipped file") removes
 * the override. Reverting to revision n writes a new revision with n's source, so the history
 * keeps every step.
 */
import type Database from "better-sqlite3";
import type { Engine } from "../engine/engine.js";
import { DossierError } from "../dossiers/errors.js";
import { statement } from "../persistence/statements.js";

export interface Revision {
  name: string;
  revision: number;
  /** null: back to the shipped file. */
  source: string | null;
  version: string | null;
  comment: string | null;
  createdAt: string;
  createdBy: string | null;
}

const toRevision = (r: Record<string, any>): Revision => ({
  name: r["name"], revision: r["revision"], source: r["source"], version: r["version"], comment: r["comment"],
  createdAt: new Date(r["created_at"]).toISOString(), createdBy: r["created_by"],
});

export class TemplateRevisions {
  constructor(private readonly db: Database.Database, private readonly engine: Engine) {}

  /** name → source of the latest revision of each name that has a source. */
  overrides(): Map<string, string> {
    const rows = statement(
      this.db,
      `SELECT r.name, r.source FROM template_revision r WHERE r.revision = (SELECT MAX(x.revision) FROM template_revision x WHERE x.name = r.name)`,
    ).all() as Array<{ name: string; source: string | null }>;
    return new Map(rows.filter((r) => r.source !== null).map((r) => [r.name, r.source!]));
  }

  history(name: string): Revision[] {
    return (statement(this.db, `SELECT * FROM template_revision WHERE name = ? ORDER BY revision DESC LIMIT 200`).all(name) as Array<Record<string, any>>).map(toRevision);
  }

  get(name: string, revision: number): Revision {
    const row = statement(this.db, `SELECT * FROM template_revision WHERE name = ? AND revision = ?`).get(name, revision) as Record<string, any> | undefined;
    if (!row) throw new DossierError("NOT_FOUND", `Expected a revision ${revision} of template ${name}, but none was found`);
    return toRevision(row);
  }

  latest(name: string): number {
    return (statement(this.db, `SELECT COALESCE(MAX(revision), 0) AS n FROM template_revision WHERE name = ?`).get(name) as { n: number }).n;
  }

  /**
   * Appends a revision; `expected` (the revision the editor started from) guards against two
   * designers overwriting each other: a stale one is a 409 naming the current revision.
   */
  async append(input: { name: string; source: string | null; version: string | null; comment?: string | null; actor: string; expected?: number }): Promise<Revision> {
    const revision = await this.engine.transaction((tx) => {
      const current = this.latest(input.name);
      if (input.expected !== undefined && input.expected !== current) {
        throw new DossierError("VERSION_CONFLICT", `Expected template ${input.name} to be at revision ${input.expected}, but it is at revision ${current} (someone saved it meanwhile): reload it`, [], { currentRevision: current });
      }
      statement(this.db, `INSERT INTO template_revision (name, revision, source, version, comment, created_at, created_by) VALUES (?, ?, ?, ?, ?, ?, ?)`)
        .run(input.name, current + 1, input.source, input.version, input.comment ?? null, tx.now, input.actor);
      return current + 1;
    });
    return this.get(input.name, revision);
  }
}
