/**
 * Mail merge: one letter per dossier of a list, each stored in its dossier (a new version when
 * that dossier already has this letter), and one combined PDF for printing (pdf-lib), kept for a day
 * under DATA_DIR/merges/ and downloadable only by whoever made it.
 *
 * All or nothing where it can be: every dossier is looked up (under the caller's access predicate)
 * and every letter rendered to HTML first, so a template error or a missing dossier stores nothing;
 * then the PDFs are printed (the pool's concurrency) and stored dossier by dossier.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { PDFDocument } from "pdf-lib";
import type { Domain } from "../dossiers/domain.js";
import { DossierError } from "../dossiers/errors.js";
import type { ListQuery } from "../dossiers/list.js";
import { visibleDossier, type DossierRow } from "../dossiers/rows.js";
import { safeFilename } from "../documents/library.js";
import type { Principal } from "../identity/identity.js";
import type { ChromiumPool } from "./chromium.js";
import { renderData } from "./data.js";
import { TemplateError } from "./errors.js";
import { kindOf, type TemplateLibrary } from "./library.js";
import { legalLine, type Organisation } from "./organisation.js";
import { storeRendered, type StoredRender } from "./store-rendered.js";

export const MAX_MERGE = 200;
const KEEP_MS = 24 * 3600_000;

export interface MergeRequest {
  template: string;
  references?: string[];
  query?: ListQuery;
  variables?: Record<string, unknown>;
  documentType?: string | null;
  fileName?: string;
  locale?: "fr" | "en";
}

export interface MergeResult {
  template: { name: string; version: string };
  items: Array<{ reference: string } & StoredRender>;
  combined: { id: string; pages: number; size: number; url: string };
}

export class MailMerge {
  private readonly dir: string;

  constructor(private readonly deps: { domain: Domain; library: TemplateLibrary; pool: ChromiumPool; organisation: () => Organisation; dataDir: string }) {
    this.dir = path.join(deps.dataDir, "merges");
  }

  async run(principal: Principal, request: MergeRequest): Promise<MergeResult> {
    const { domain, library, pool } = this.deps;
    const { template } = request;
    if (typeof template !== "string" || !library.has(template) || kindOf(template) !== "template") {
      throw new DossierError("INVALID_ARGUMENT", `Expected 'template' to name a template such as letters/courrier-simple, but found ${JSON.stringify(template ?? null)}`);
    }
    const dossiers = this.dossiers(principal, request);
    if (dossiers.length === 0) throw new DossierError("INVALID_ARGUMENT", "Expected at least one dossier (references, a view or a list filter), but the list is empty");
    const locale = request.locale ?? "fr";
    const organisation = this.deps.organisation();
    // 1. Every letter rendered first: a template error stores nothing.
    const rendered = dossiers.map((dossier) => {
      try {
        return { dossier, ...library.render(template, renderData({ domain, dossier, variables: request.variables ?? {}, organisation, lang: locale }), { locale }) };
      } catch (error) {
        if (error instanceof TemplateError) throw new DossierError("INVALID_ARGUMENT", `${error.message} (dossier ${dossier.reference}); nothing was stored`, [], { template: error.template, line: error.line ?? null, column: error.column ?? null, reference: dossier.reference });
        throw error;
      }
    });
    for (const r of rendered) domain.documents.documentTypeFor(r.dossier, request.documentType ?? null);
    // 2. PDFs, the pool bounding how many at once.
    const footerText = legalLine(organisation);
    const pdfs = await Promise.all(rendered.map((r) => pool.htmlToPdf(r.output, { locale, footerText })));
    // 3. Stored in each dossier, then the combined PDF.
    const items: MergeResult["items"] = [];
    for (const [i, r] of rendered.entries()) {
      const fileName = safeFilename(`${request.fileName?.replace(/\.pdf$/i, "") || template.split("/").pop()}-${r.dossier.reference}.pdf`);
      const stored = await storeRendered(domain, { dossier: r.dossier, template: r.template, fileName, pdf: pdfs[i]!, documentType: request.documentType ?? null, actor: principal.username, journal: { mailMerge: true } });
      items.push({ reference: r.dossier.reference, ...stored });
    }
    const combined = await PDFDocument.create();
    for (const pdf of pdfs) {
      const doc = await PDFDocument.load(pdf);
      for (const page of await combined.copyPages(doc, doc.getPageIndices())) combined.addPage(page);
    }
    combined.setTitle(`Publipostage ${template} — ${dossiers.length} dossier${dossiers.length > 1 ? "s" : ""}`);
    combined.setProducer("Dossier");
    const bytes = Buffer.from(await combined.save());
    const id = `${principal.username.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 40)}-${randomBytes(16).toString("hex")}`;
    this.sweep();
    mkdirSync(this.dir, { recursive: true });
    writeFileSync(path.join(this.dir, `${id}.pdf`), bytes);
    return { template: rendered[0]!.template, items, combined: { id, pages: combined.getPageCount(), size: bytes.length, url: `/api/templates/merges/${id}` } };
  }

  /** The combined PDF's path, for whoever made it; undefined otherwise (404). */
  combinedPath(principal: Principal, id: string): string | undefined {
    if (!/^[A-Za-z0-9_-]{1,40}-[0-9a-f]{32}$/.test(id)) return undefined;
    if (!id.startsWith(`${principal.username.replace(/[^A-Za-z0-9_-]/g, "_").slice(0, 40)}-`)) return undefined;
    const file = path.join(this.dir, `${id}.pdf`);
    try {
      return statSync(file).isFile() ? file : undefined;
    } catch {
      return undefined;
    }
  }

  private dossiers(principal: Principal, request: MergeRequest): DossierRow[] {
    const { domain } = this.deps;
    if (request.references !== undefined) {
      if (!Array.isArray(request.references) || request.references.some((r) => typeof r !== "string" || r.trim() === "")) {
        throw new DossierError("INVALID_ARGUMENT", `Expected 'references' to be a list of dossier references, but found ${JSON.stringify(request.references).slice(0, 80)}`);
      }
      const unique = [...new Set(request.references.map((r) => r.trim()))];
      if (unique.length > MAX_MERGE) throw new DossierError("INVALID_ARGUMENT", `Expected at most ${MAX_MERGE} dossiers per mail merge, but found ${unique.length}`);
      return unique.map((reference) => visibleDossier(domain.db, principal, reference));
    }
    if (request.query) {
      const rows = domain.lists.all(principal, request.query, MAX_MERGE + 1);
      if (rows.length > MAX_MERGE) throw new DossierError("INVALID_ARGUMENT", `Expected at most ${MAX_MERGE} dossiers per mail merge, but the list has more: narrow the filter`);
      return rows;
    }
    return [];
  }

  /** Removes combined PDFs older than a day. */
  private sweep(): void {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return;
    }
    const now = Date.now();
    for (const name of names) {
      const file = path.join(this.dir, name);
      try {
        if (now - statSync(file).mtimeMs > KEEP_MS) rmSync(file, { force: true });
      } catch {
        // gone meanwhile
      }
    }
  }
}
