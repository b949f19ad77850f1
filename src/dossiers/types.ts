/**
 * The dossier types: each saved definition is a new immutable version; dossiers keep the version
 * they were opened with for the record, and are read and edited with the latest one, which may
 * only evolve compatibly (no state or field that dossiers still use disappears or changes kind).
 * A new field is therefore at once available for entry, lists, search, exports and templates.
 */
import type Database from "better-sqlite3";
import { DossierError, failOn } from "./errors.js";
import { checkDefinition, checkEvolution, referenceShape, type StoredType, type TypeDefinition, type TypeUsage } from "./type-definition.js";
import { statement } from "../persistence/statements.js";

export class TypeRegistry {
  private readonly latest = new Map<string, StoredType>();
  private readonly versions = new Map<string, StoredType>();

  constructor(private readonly db: Database.Database) {}

  /** Loads the latest version of every type (at start). */
  load(): this {
    const rows = statement(this.db, `SELECT v.type_id, v.version, v.definition FROM dossier_type t JOIN dossier_type_version v ON v.type_id = t.type_id AND v.version = t.current_version`)
      .all() as Array<{ type_id: string; version: number; definition: string }>;
    for (const r of rows) this.remember({ ...(JSON.parse(r.definition) as TypeDefinition), version: r.version });
    return this;
  }

  private remember(t: StoredType): void {
    this.latest.set(t.id, t);
    this.versions.set(`${t.id}@${t.version}`, t);
  }

  all(): StoredType[] {
    return [...this.latest.values()].sort((a, b) => a.name.fr.localeCompare(b.name.fr, "fr"));
  }

  get(typeId: string): StoredType | undefined {
    return this.latest.get(typeId);
  }

  /** The type or a 404 naming the known ones. */
  require(typeId: unknown): StoredType {
    const t = typeof typeId === "string" ? this.latest.get(typeId) : undefined;
    if (!t) {
      throw new DossierError("NOT_FOUND", `Expected a dossier type among ${[...this.latest.keys()].join(", ") || "(none configured)"}, but found ${JSON.stringify(typeId)}`);
    }
    return t;
  }

  version(typeId: string, version: number): StoredType | undefined {
    const key = `${typeId}@${version}`;
    const cached = this.versions.get(key);
    if (cached) return cached;
    const row = statement(this.db, `SELECT definition FROM dossier_type_version WHERE type_id = ? AND version = ?`).get(typeId, version) as { definition: string } | undefined;
    if (!row) return undefined;
    const t = { ...(JSON.parse(row.definition) as TypeDefinition), version };
    this.versions.set(key, t);
    return t;
  }

  /**
   * Saves a definition as the type's next version (or its first); must run in the write lane.
   * Unchanged definitions are no-ops. Refuses incompatible changes with every problem listed.
   */
  save(typeId: string, raw: unknown, actor: string | null, now: number): { type: StoredType; created: boolean; changed: boolean } {
    const { definition, problems } = checkDefinition(raw, typeId);
    failOn(problems, `the dossier type '${typeId}'`);
    const next = definition!;
    const previous = this.latest.get(typeId);
    const twin = this.all().find((t) => t.id !== typeId && referenceShape(t.referencePattern) === referenceShape(next.referencePattern));
    if (twin) {
      failOn([{ field: "referencePattern", message: `expected references that no other type can make, but '${next.referencePattern}' makes references shaped like those of '${twin.id}' (${twin.referencePattern})` }], `the dossier type '${typeId}'`);
    }
    if (previous) {
      const { version: _v, ...before } = previous;
      if (JSON.stringify(before) === JSON.stringify(next)) return { type: previous, created: false, changed: false };
      failOn(checkEvolution(previous, next, this.usage(typeId, previous)), `the new version of '${typeId}'`);
    }
    const version = (previous?.version ?? 0) + 1;
    statement(this.db, `INSERT INTO dossier_type_version (type_id, version, definition, created_at, created_by) VALUES (?, ?, ?, ?, ?)`).run(typeId, version, JSON.stringify(next), now, actor);
    if (previous) statement(this.db, `UPDATE dossier_type SET current_version = ?, updated_at = ? WHERE type_id = ?`).run(version, now, typeId);
    else statement(this.db, `INSERT INTO dossier_type (type_id, current_version, created_at, updated_at) VALUES (?, ?, ?, ?)`).run(typeId, version, now, now);
    const stored = { ...next, version };
    this.remember(stored);
    return { type: stored, created: !previous, changed: true };
  }

  /** Reloads after a rolled-back save (the lane rolled the rows back, the cache must follow). */
  forget(typeId: string): void {
    this.latest.delete(typeId);
    for (const key of [...this.versions.keys()]) if (key.startsWith(`${typeId}@`)) this.versions.delete(key);
    const row = statement(this.db, `SELECT v.version, v.definition FROM dossier_type t JOIN dossier_type_version v ON v.type_id = t.type_id AND v.version = t.current_version WHERE t.type_id = ?`)
      .get(typeId) as { version: number; definition: string } | undefined;
    if (row) this.remember({ ...(JSON.parse(row.definition) as TypeDefinition), version: row.version });
  }

  private usage(typeId: string, type: TypeDefinition): TypeUsage {
    const states = new Map<string, number>();
    for (const r of statement(this.db, `SELECT state, COUNT(*) AS n FROM dossier WHERE type_id = ? GROUP BY state`).all(typeId) as Array<{ state: string; n: number }>) states.set(r.state, r.n);
    const fields = new Map<string, number>();
    const options = new Map<string, number>();
    for (const f of type.fields) {
      const path = `$."${f.id}"`;
      const r = statement(this.db, `SELECT COUNT(*) AS n FROM dossier WHERE type_id = ? AND json_extract(data, ?) IS NOT NULL`).get(typeId, path) as { n: number };
      fields.set(f.id, r.n);
      if (f.type === "choice") {
        for (const o of statement(this.db, `SELECT json_extract(data, ?) AS v, COUNT(*) AS n FROM dossier WHERE type_id = ? AND json_extract(data, ?) IS NOT NULL GROUP BY v`).all(path, typeId, path) as Array<{ v: string; n: number }>) options.set(`${f.id}=${o.v}`, o.n);
      } else if (f.type === "multiChoice") {
        for (const o of statement(this.db, `SELECT j.value AS v, COUNT(*) AS n FROM dossier d, json_each(d.data, ?) j WHERE d.type_id = ? GROUP BY j.value`).all(path, typeId) as Array<{ v: string; n: number }>) options.set(`${f.id}=${o.v}`, o.n);
      }
    }
    const roles = new Map<string, number>();
    for (const r of statement(this.db, `SELECT dp.role, COUNT(DISTINCT dp.dossier_id) AS n FROM dossier_party dp JOIN dossier d ON d.id = dp.dossier_id WHERE d.type_id = ? GROUP BY dp.role`).all(typeId) as Array<{ role: string; n: number }>) roles.set(r.role, r.n);
    return { states, fields, options, roles };
  }
}
