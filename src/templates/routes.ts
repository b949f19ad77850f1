/**
 * The /templates page's API (mounted under /api):
 *   GET  /templates                         templates.manage  every template, partial and style (name, kind, origin, version, error, revision)
 *   GET  /templates/source?name=            templates.manage  one with its source, the shipped file's and its history
 *   PUT  /templates/source?name=            templates.manage  {source, comment?, revision?}: saved as a new revision (refused with the line if it does not compile)
 *   POST /templates/revert?name=            templates.manage  {revision} (a revision's source again) or {revision: null} (back to the shipped file)
 *   POST /templates/preview                 templates.manage  {name, source? | partial?: {name, source}, dossier?, variables?, locale?} → {html, template} (no dossier: a fictional one)
 *   POST /templates/preview.pdf             templates.manage  same body → the PDF
 *   GET  /templates/settings                templates.manage  the organisation's details
 *   PUT  /templates/settings                templates.manage  some of them
 *   POST /templates/merges                  dossiers.write    mail merge {template, references | view | query, variables?, documentType?, fileName?}
 *   GET  /templates/merges/:id              dossiers.write    the combined PDF (only for whoever made it)
 * The dossier of a preview or merge is looked up with the caller's access predicate (404 otherwise).
 */
import { createReadStream } from "node:fs";
import { Router, type Request, type Response } from "express";
import { allow, principalOf } from "../api/auth/guard.js";
import { body } from "../api/v2/wire.js";
import { langOf, listQuery } from "../api/domain/dossiers.js";
import type { Domain } from "../dossiers/domain.js";
import { DossierError } from "../dossiers/errors.js";
import { visibleDossier } from "../dossiers/rows.js";
import { statement } from "../persistence/statements.js";
import type { ChromiumPool } from "./chromium.js";
import { renderData, sampleDossier } from "./data.js";
import { TemplateError } from "./errors.js";
import { checkName, kindOf, type TemplateLibrary } from "./library.js";
import type { MailMerge } from "./merge.js";
import { legalLine, type OrganisationSettings } from "./organisation.js";
import type { TemplateRevisions } from "./revisions.js";

const MAX_SOURCE = 256 * 1024;

export interface TemplatesRouterDeps {
  domain: Domain;
  library: TemplateLibrary;
  pool: ChromiumPool;
  revisions: TemplateRevisions;
  settings: OrganisationSettings;
  merge: MailMerge;
  /** Reloads the database's revisions into the library (after a save or a revert). */
  refresh: () => void;
}

/** A template error as a 400 naming the template, line and column (the editor puts the cursor there). */
export function templateProblem(error: TemplateError): DossierError {
  return new DossierError("INVALID_ARGUMENT", error.message, [{ field: "source", message: error.message }], { template: error.template, line: error.line ?? null, column: error.column ?? null });
}

function nameOf(req: Request): string {
  const name = req.query["name"];
  if (typeof name !== "string" || name === "") throw new DossierError("INVALID_ARGUMENT", "Expected the query parameter 'name' (a template name such as letters/courrier-simple), but found none");
  const wrong = checkName(name);
  if (wrong) throw new DossierError("INVALID_ARGUMENT", wrong);
  return name;
}

export function templatesRouter(deps: TemplatesRouterDeps): Router {
  const { domain, library, pool, revisions, settings, merge } = deps;
  const router = Router();
  const known = (name: string) => {
    const entry = library.entry(name);
    if (!entry) throw new DossierError("NOT_FOUND", `Expected a template '${name}', but none was found`);
    return entry;
  };
  const summary = (name: string) => {
    const e = known(name);
    return { name: e.name, kind: e.kind, origin: e.origin, edited: e.origin === "database", shipped: e.shipped !== undefined, version: e.version, plainText: e.plainText, revision: revisions.latest(e.name), error: e.error ? { message: e.error.message, line: e.error.line ?? null, column: e.error.column ?? null } : null };
  };
  const detail = (name: string) => ({ ...summary(name), source: known(name).source, shippedSource: library.shippedSource(name) ?? null, history: revisions.history(name).map(({ source: _s, ...r }) => ({ ...r, toShipped: _s === null })) });

  router.get("/templates", allow("templates.manage"), (_req, res) => {
    res.json({ items: library.list().map((e) => summary(e.name)) });
  });

  router.get("/templates/source", allow("templates.manage"), (req, res) => {
    res.json(detail(nameOf(req)));
  });

  router.put("/templates/source", allow("templates.manage"), async (req, res) => {
    const name = nameOf(req);
    const b = body(req);
    const source = b["source"];
    if (typeof source !== "string") throw new DossierError("INVALID_ARGUMENT", `Expected 'source' to be the template's text, but found ${JSON.stringify(source ?? null)?.slice(0, 40)}`);
    if (source.length > MAX_SOURCE) throw new DossierError("PAYLOAD_TOO_LARGE", `Expected a template of at most ${MAX_SOURCE / 1024} KB, but found ${Math.round(source.length / 1024)} KB`);
    const comment = typeof b["comment"] === "string" ? b["comment"].slice(0, 500) : null;
    const expected = b["revision"] === undefined || b["revision"] === null ? undefined : Number(b["revision"]);
    if (expected !== undefined && !Number.isSafeInteger(expected)) throw new DossierError("INVALID_ARGUMENT", `Expected 'revision' to be the revision the edit started from, but found ${JSON.stringify(b["revision"])}`);
    if (!library.has(name) && !["contracts/", "letters/", "mail/", "partials/"].some((p) => name.startsWith(p))) {
      throw new DossierError("INVALID_ARGUMENT", `Expected a new template's name to start with contracts/, letters/, mail/ or partials/, but found '${name}'`);
    }
    const error = library.check(name, source);
    if (error) throw templateProblem(error);
    const draft = library.draftVersion(name, source);
    await revisions.append({ name, source, version: draft, comment, actor: principalOf(res).username, ...(expected !== undefined ? { expected } : {}) });
    deps.refresh();
    res.json(detail(name));
  });

  router.post("/templates/revert", allow("templates.manage"), async (req, res) => {
    const name = nameOf(req);
    known(name);
    const b = body(req);
    const to = b["revision"];
    let source: string | null;
    if (to === null) {
      if (library.shippedSource(name) === undefined) throw new DossierError("INVALID_STATE", `Expected template ${name} to have a shipped file to go back to, but it was created in the browser: revert to one of its revisions`);
      source = null;
    } else if (Number.isSafeInteger(to)) {
      source = revisions.get(name, to as number).source ?? null;
    } else throw new DossierError("INVALID_ARGUMENT", `Expected 'revision' to be a revision number, or null for the shipped file, but found ${JSON.stringify(to ?? "nothing")}`);
    const check = library.check(name, source ?? library.shippedSource(name) ?? "");
    if (check) throw templateProblem(check);
    await revisions.append({ name, source, version: null, comment: to === null ? "retour au fichier livré" : `retour à la révision ${String(to)}`, actor: principalOf(res).username });
    deps.refresh();
    res.json(detail(name));
  });

  const preview = (req: Request, res: Response) => {
    const b = body(req);
    const name = b["name"];
    if (typeof name !== "string" || checkName(name)) throw new DossierError("INVALID_ARGUMENT", `Expected 'name' to be a template name such as letters/courrier-simple, but found ${JSON.stringify(name ?? null)}`);
    if (kindOf(name) !== "template") throw new DossierError("INVALID_ARGUMENT", `Expected a template to preview, but '${name}' is a ${kindOf(name)}: preview a template that uses it`);
    const source = b["source"];
    if (source !== undefined && typeof source !== "string") throw new DossierError("INVALID_ARGUMENT", "Expected 'source' to be text");
    // {partial: {name, source}}: an unsaved partial or style, previewed inside the template `name`.
    const partial = b["partial"] as { name?: unknown; source?: unknown } | undefined;
    if (partial !== undefined && (typeof partial !== "object" || partial === null || typeof partial.name !== "string" || checkName(partial.name) || kindOf(partial.name) === "template" || typeof partial.source !== "string")) {
      throw new DossierError("INVALID_ARGUMENT", "Expected 'partial' to be {name, source} of a partial or a style");
    }
    if (source === undefined) known(name);
    const reference = b["dossier"];
    if (reference !== undefined && reference !== null && typeof reference !== "string") throw new DossierError("INVALID_ARGUMENT", `Expected 'dossier' to be a dossier reference, but found ${JSON.stringify(reference)}`);
    const variables = b["variables"] ?? {};
    if (typeof variables !== "object" || variables === null || Array.isArray(variables)) throw new DossierError("INVALID_ARGUMENT", "Expected 'variables' to be an object");
    const locale: "fr" | "en" | undefined = b["locale"] === "en" ? "en" : b["locale"] === undefined || b["locale"] === "fr" ? "fr" : undefined;
    if (!locale) throw new DossierError("INVALID_ARGUMENT", `Expected 'locale' to be fr or en, but found ${JSON.stringify(b["locale"])}`);
    const dossier = reference ? visibleDossier(domain.db, principalOf(res), reference) : null;
    const organisation = settings.get();
    const data = renderData({ domain, dossier, variables: variables as Record<string, unknown>, organisation, lang: locale });
    // No dossier chosen: a fictional one (designers often see no real dossier).
    if (!dossier) data.dossier = sampleDossier(locale);
    try {
      const rendered = partial ? library.renderDraft(name, partial.source as string, data, { locale }, partial.name as string)
        : typeof source === "string" ? library.renderDraft(name, source, data, { locale }) : library.render(name, data, { locale });
      return { rendered, locale, organisation };
    } catch (error) {
      if (error instanceof TemplateError) throw templateProblem(error);
      throw error;
    }
  };

  router.post("/templates/preview", allow("templates.manage"), (req, res) => {
    const { rendered } = preview(req, res);
    res.json({ html: rendered.output, template: rendered.template });
  });

  router.post("/templates/preview.pdf", allow("templates.manage"), async (req, res) => {
    const { rendered, locale, organisation } = preview(req, res);
    const pdf = await pool.htmlToPdf(rendered.output, { locale, footerText: legalLine(organisation) });
    res.type("application/pdf").set("Content-Disposition", `inline; filename="apercu.pdf"`).set("X-Template-Version", rendered.template.version).send(pdf);
  });

  router.get("/templates/settings", allow("templates.manage"), (_req, res) => {
    res.json({ ...settings.get(), defaults: settings.defaults() });
  });

  router.put("/templates/settings", allow("templates.manage"), async (req, res) => {
    await settings.update(body(req), principalOf(res).username);
    res.json({ ...settings.get(), defaults: settings.defaults() });
  });

  router.post("/templates/merges", allow("dossiers.write"), async (req, res) => {
    const me = principalOf(res);
    const b = body(req);
    let query;
    if (b["view"] !== undefined && b["view"] !== null) {
      const row = statement(domain.db, `SELECT * FROM dossier_view WHERE id = ? AND (owner IS NULL OR owner = ?)`).get(b["view"], me.username) as Record<string, any> | undefined;
      if (!row) throw new DossierError("NOT_FOUND", `Expected a saved view ${JSON.stringify(b["view"])} of yours or shared, but none was found`);
      const definition = JSON.parse(row["definition"]) as { filters?: Record<string, string>; sort?: string };
      query = listQuery({ query: { ...(row["type_id"] ? { type: row["type_id"] } : {}), ...(definition.filters ?? {}), ...(definition.sort ? { sort: definition.sort } : {}) } } as unknown as Request);
    } else if (typeof b["query"] === "string") {
      query = listQuery({ query: Object.fromEntries(new URLSearchParams(b["query"])) } as unknown as Request);
    } else if (b["query"] !== undefined) throw new DossierError("INVALID_ARGUMENT", "Expected 'query' to be the query string of /api/dossiers (type=client&state=prospect)");
    const result = await merge.run(me, {
      template: b["template"] as string,
      ...(b["references"] !== undefined ? { references: b["references"] as string[] } : {}),
      ...(query ? { query } : {}),
      ...(b["variables"] && typeof b["variables"] === "object" ? { variables: b["variables"] as Record<string, unknown> } : {}),
      documentType: typeof b["documentType"] === "string" && b["documentType"] ? b["documentType"] : null,
      ...(typeof b["fileName"] === "string" && b["fileName"] ? { fileName: b["fileName"] } : {}),
      locale: langOf(req),
    });
    res.status(201).json(result);
  });

  router.get("/templates/merges/:id", allow("dossiers.write"), (req, res) => {
    const file = merge.combinedPath(principalOf(res), String(req.params["id"]));
    if (!file) throw new DossierError("NOT_FOUND", `Expected a combined PDF '${String(req.params["id"])}' of yours (kept one day), but none was found`);
    res.type("application/pdf").set("Content-Disposition", `attachment; filename="publipostage.pdf"`);
    createReadStream(file).pipe(res);
  });

  return router;
}
