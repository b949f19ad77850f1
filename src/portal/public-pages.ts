/**
 * Public pages (`/p/<slug>`): a designer (portal.manage) publishes a deployed form-js form bound to
 * a dossier type, with the party mapping (which form fields hold the person's e-mail, names and
 * phone), the dossier fields some form fields fill, fixed values (the job offer's position) and a
 * title pattern. The definition is checked against the form and the type when saved.
 */
import type Database from "better-sqlite3";
import type { Engine } from "../engine/engine.js";
import type { Domain } from "../dossiers/domain.js";
import { DossierError, failOn, type FieldProblem } from "../dossiers/errors.js";
import { statement } from "../persistence/statements.js";
import { parseSchema, shapeOf } from "./forms.js";

export interface Texts { fr: string; en: string }

export interface PageMapping {
  /** Form key of the person's e-mail (required). */
  email: string;
  firstName?: string;
  lastName?: string;
  /** A single "full name" field, when the form has no first/last name. */
  name?: string;
  phone?: string;
  /** The dossier's party role the person takes (default: customer, else the type's first role). */
  role?: string;
  /** Dossier field id → form key. */
  data?: Record<string, string>;
  /** Dossier field id → value set on every dossier of this page. */
  fixed?: Record<string, unknown>;
  /** The dossier's title; `{key}` is replaced by a form value, `{name}` by the person's name. */
  title?: string;
}

export interface PublicPage {
  id: number;
  slug: string;
  title: Texts;
  intro: Texts | null;
  formId: string;
  dossierType: string;
  mapping: PageMapping;
  confirmation: Texts | null;
  published: boolean;
  createdAt: number;
  updatedAt: number;
}

interface Raw { id: number; slug: string; title: string; intro: string | null; form_id: string; dossier_type: string; mapping: string; confirmation: string | null; published: number; created_at: number; updated_at: number }

const toPage = (r: Raw): PublicPage => ({
  id: r.id, slug: r.slug, title: JSON.parse(r.title), intro: r.intro ? JSON.parse(r.intro) : null, formId: r.form_id, dossierType: r.dossier_type,
  mapping: JSON.parse(r.mapping), confirmation: r.confirmation ? JSON.parse(r.confirmation) : null, published: r.published === 1, createdAt: r.created_at, updatedAt: r.updated_at,
});

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$/;

function texts(value: unknown, field: string, problems: FieldProblem[], required: boolean, max = 2000): Texts | null {
  if (value === undefined || value === null) {
    if (required) problems.push({ field, message: "expected {fr, en} texts" });
    return null;
  }
  if (typeof value === "string") value = { fr: value, en: value };
  const v = value as Record<string, unknown>;
  if (typeof v !== "object" || typeof v["fr"] !== "string" || v["fr"].trim() === "" || v["fr"].length > max || (v["en"] !== undefined && (typeof v["en"] !== "string" || v["en"].length > max))) {
    problems.push({ field, message: `expected {fr, en} texts of at most ${max} characters (French required), but found ${JSON.stringify(value)?.slice(0, 60)}` });
    return null;
  }
  return { fr: v["fr"].trim(), en: ((v["en"] as string | undefined) ?? "").trim() || v["fr"].trim() };
}

export class PublicPages {
  constructor(private readonly db: Database.Database, private readonly engine: Engine, private readonly domain: Domain) {}

  all(): PublicPage[] {
    return (statement(this.db, `SELECT * FROM portal_page ORDER BY slug`).all() as Raw[]).map(toPage);
  }

  bySlug(slug: string): PublicPage | undefined {
    const r = statement(this.db, `SELECT * FROM portal_page WHERE slug = ?`).get(slug) as Raw | undefined;
    return r && toPage(r);
  }

  /** The published page of a slug, with its form's current schema; NOT_FOUND otherwise (an unpublished page does not exist for visitors). */
  published(slug: string): { page: PublicPage; schema: Record<string, unknown> } {
    const page = typeof slug === "string" && SLUG.test(slug) ? this.bySlug(slug) : undefined;
    const form = page?.published ? this.engine.store.latestForm(page.formId) : undefined;
    if (!page || !page.published || !form) throw new DossierError("NOT_FOUND", "No such page: check the address, or ask the sender for the right one");
    return { page, schema: parseSchema(form.schema) };
  }

  /** Checks a page definition against its form and dossier type; one 400 listing every problem. */
  check(input: Record<string, unknown>, slugFixed?: string): Omit<PublicPage, "id" | "createdAt" | "updatedAt"> {
    const problems: FieldProblem[] = [];
    const slug = slugFixed ?? input["slug"];
    if (typeof slug !== "string" || !SLUG.test(slug)) problems.push({ field: "slug", message: `expected 1 to 64 lower-case letters, digits and dashes (e.g. candidature), but found ${JSON.stringify(slug)}` });
    const title = texts(input["title"], "title", problems, true, 200);
    const intro = texts(input["intro"], "intro", problems, false);
    const confirmation = texts(input["confirmation"], "confirmation", problems, false);
    const formId = input["formId"];
    const form = typeof formId === "string" ? this.engine.store.latestForm(formId) : undefined;
    if (!form) problems.push({ field: "formId", message: `expected the id of a deployed form, but found ${JSON.stringify(formId)}` });
    const typeId = input["dossierType"];
    const type = typeof typeId === "string" ? this.domain.types.get(typeId) : undefined;
    if (!type) problems.push({ field: "dossierType", message: `expected a dossier type among ${this.domain.types.all().map((t) => t.id).join(", ")}, but found ${JSON.stringify(typeId)}` });
    const m = (input["mapping"] ?? {}) as Record<string, unknown>;
    const mapping: PageMapping = { email: "" };
    if (typeof m !== "object" || Array.isArray(m)) problems.push({ field: "mapping", message: "expected an object" });
    else if (form && type) {
      const shape = shapeOf(parseSchema(form.schema));
      const keys = new Set(shape.inputs.map((i) => i.key));
      for (const name of ["email", "firstName", "lastName", "name", "phone"] as const) {
        const key = m[name];
        if (key === undefined || key === null || key === "") {
          if (name === "email") problems.push({ field: "mapping.email", message: "expected the form field that holds the person's e-mail address" });
          continue;
        }
        if (typeof key !== "string" || !keys.has(key)) problems.push({ field: `mapping.${name}`, message: `expected a field of the form '${form.formId}' (${[...keys].join(", ")}), but found ${JSON.stringify(key)}` });
        else mapping[name] = key;
      }
      if (!mapping.name && !mapping.lastName) problems.push({ field: "mapping.lastName", message: "expected the form field of the person's name (lastName or name)" });
      const roles = type.partyRoles.map((r) => r.id);
      if (m["role"] !== undefined) {
        if (typeof m["role"] !== "string" || !roles.includes(m["role"])) problems.push({ field: "mapping.role", message: `expected a role of '${type.id}' (${roles.join(", ")}), but found ${JSON.stringify(m["role"])}` });
        else mapping.role = m["role"];
      }
      const fields = new Set(type.fields.map((f) => f.id));
      for (const [part, check] of [["data", (v: unknown) => typeof v === "string" && keys.has(v)], ["fixed", () => true]] as const) {
        const entries = m[part];
        if (entries === undefined) continue;
        if (!entries || typeof entries !== "object" || Array.isArray(entries)) {
          problems.push({ field: `mapping.${part}`, message: "expected an object of dossier field ids" });
          continue;
        }
        for (const [fieldId, value] of Object.entries(entries)) {
          if (!fields.has(fieldId)) problems.push({ field: `mapping.${part}.${fieldId}`, message: `expected a field of '${type.id}' (${[...fields].join(", ")})` });
          else if (!check(value)) problems.push({ field: `mapping.${part}.${fieldId}`, message: `expected a field of the form (${[...keys].join(", ")}), but found ${JSON.stringify(value)}` });
        }
        mapping[part] = entries as Record<string, string>;
      }
      if (m["title"] !== undefined) {
        if (typeof m["title"] !== "string" || m["title"].length > 200) problems.push({ field: "mapping.title", message: "expected a title pattern of at most 200 characters" });
        else mapping.title = m["title"];
      }
    }
    const published = input["published"] === undefined ? true : input["published"];
    if (typeof published !== "boolean") problems.push({ field: "published", message: "expected true or false" });
    failOn(problems, "the public page");
    return { slug: slug as string, title: title!, intro, formId: formId as string, dossierType: typeId as string, mapping, confirmation, published: published as boolean };
  }

  /** Creates or replaces the page of a slug (inside the caller's transaction). */
  save(page: Omit<PublicPage, "id" | "createdAt" | "updatedAt">, actor: string | null, now: number): { page: PublicPage; created: boolean } {
    const existing = this.bySlug(page.slug);
    const values = [JSON.stringify(page.title), page.intro ? JSON.stringify(page.intro) : null, page.formId, page.dossierType, JSON.stringify(page.mapping), page.confirmation ? JSON.stringify(page.confirmation) : null, page.published ? 1 : 0];
    if (existing) {
      statement(this.db, `UPDATE portal_page SET title = ?, intro = ?, form_id = ?, dossier_type = ?, mapping = ?, confirmation = ?, published = ?, updated_at = ?, updated_by = ? WHERE id = ?`).run(...values, now, actor, existing.id);
    } else {
      statement(this.db, `INSERT INTO portal_page (slug, title, intro, form_id, dossier_type, mapping, confirmation, published, created_at, created_by, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
        .run(page.slug, ...values, now, actor, now, actor);
    }
    return { page: this.bySlug(page.slug)!, created: !existing };
  }

  remove(slug: string): boolean {
    return statement(this.db, `DELETE FROM portal_page WHERE slug = ?`).run(slug).changes > 0;
  }
}
