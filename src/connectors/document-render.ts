/**
 * The built-in `document.render` job worker: a Handlebars template rendered with the process's
 * dossier and variables, printed to PDF in the locked-down Chromium pool, stored as a document of
 * the dossier. Inputs (zeebe:input, see the element template): `template` (name under templates/),
 * `outputVariable` (default `document`), `fileName` (default `<template>-<reference>.pdf`),
 * `documentType` (one the dossier's type expects), `title`, `dossierRef` (the process's own
 * dossier by default; another one only within its family), `locale` (fr | en).
 *
 * Files before rows: the PDF is rendered and made durable before ONE transaction writes the
 * document (a new version of the same document when this dossier already rendered that template to
 * that file name), the journal entry with the template's name and version, and the job's
 * completion with {documentId, fileName, sha256, version, template} in the output variable.
 * A template error or a wrong input fails the job with no retries left (an incident naming the
 * template and line); Chromium trouble fails it with one retry less (tried again).
 */
import type { ActivatedJob } from "../engine/commands/jobs.js";
import type { Engine } from "../engine/engine.js";
import type { JobWorker } from "../engine/workers.js";
import type { Domain } from "../dossiers/domain.js";
import { DossierError } from "../dossiers/errors.js";
import { familyRoot, linkedDossier } from "../dossiers/task-dossier.js";
import { safeFilename } from "../documents/library.js";
import type { ChromiumPool } from "../templates/chromium.js";
import { renderData } from "../templates/data.js";
import { TemplateError } from "../templates/errors.js";
import { kindOf, type TemplateLibrary } from "../templates/library.js";
import { legalLine, type Organisation } from "../templates/organisation.js";
import { storeRendered } from "../templates/store-rendered.js";

export const DOCUMENT_RENDER_JOB = "document.render";
const ACTOR = "process";
const VARIABLE = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

export interface DocumentRenderDeps {
  domain: Domain;
  library: TemplateLibrary;
  pool: ChromiumPool;
  organisation: () => Organisation;
}

/** A model mistake: retrying does not help, the job becomes an incident at once. */
class RenderInputError extends Error {}

function text(v: unknown, name: string): string | undefined {
  if (v === undefined || v === null || v === "") return undefined;
  if (typeof v !== "string") throw new RenderInputError(`document.render: expected '${name}' to be a text, but found ${JSON.stringify(v)?.slice(0, 80)}`);
  return v;
}

/** Renders and stores; resolves once the job is completed with the document (or throws). */
export async function handleDocumentRender(deps: DocumentRenderDeps, job: ActivatedJob): Promise<void> {
  const { domain, library, pool } = deps;
  const v = job.variables;
  const template = text(v["template"], "template");
  if (!template) throw new RenderInputError("document.render: expected the input 'template' (a template name such as contracts/contrat-assurance), but found none");
  if (!library.has(template) || kindOf(template) !== "template") throw new RenderInputError(`document.render: expected an existing template such as contracts/contrat-assurance, but found '${template}'`);
  const outputVariable = text(v["outputVariable"], "outputVariable") ?? "document";
  if (!VARIABLE.test(outputVariable)) throw new RenderInputError(`document.render: expected 'outputVariable' to be a variable name, but found '${outputVariable}'`);
  const locale = text(v["locale"], "locale") ?? "fr";
  if (locale !== "fr" && locale !== "en") throw new RenderInputError(`document.render: expected 'locale' to be fr or en, but found '${locale}'`);
  const own = linkedDossier(domain, job.processInstanceKey);
  if (!own) throw new RenderInputError(`document.render: expected process instance ${job.processInstanceKey} to have been started from a dossier, but it was not: document.render stores into its own dossier`);
  const reference = text(v["dossierRef"], "dossierRef") ?? own.reference;
  const dossier = reference === own.reference ? own : domain.service.byReference(reference);
  if (dossier.id !== own.id && familyRoot(domain, dossier.id) !== familyRoot(domain, own.id)) {
    throw new RenderInputError(`document.render: expected 'dossierRef' to name ${own.reference}, the dossier this process was started for, or one of its family, but found '${reference}'`);
  }
  const documentType = domain.documents.documentTypeFor(dossier, text(v["documentType"], "documentType") ?? null);
  let fileName = safeFilename(text(v["fileName"], "fileName") ?? `${template.split("/").pop()}-${dossier.reference}.pdf`);
  if (!/\.pdf$/i.test(fileName)) fileName += ".pdf";
  const title = text(v["title"], "title");

  const organisation = deps.organisation();
  const rendered = library.render(template, renderData({ domain, dossier, variables: v, organisation, lang: locale }), { locale });
  const pdf = await pool.htmlToPdf(rendered.output, { locale, footerText: legalLine(organisation) });
  await storeRendered(
    domain,
    { dossier, template: rendered.template, fileName, pdf, documentType, title, actor: ACTOR, journal: { processInstanceKey: String(job.processInstanceKey), elementId: job.elementId } },
    (tx, stored) => tx.completeJob(job.jobKey, { [outputVariable]: stored }),
  );
}

export function startDocumentRenderWorker(engine: Engine, deps: DocumentRenderDeps, log: (message: string) => void = () => undefined): JobWorker {
  const worker = engine.createWorker({
    type: DOCUMENT_RENDER_JOB,
    name: "document-render",
    autoComplete: false,
    maxJobsActive: 8,
    retryBackOff: 5_000,
    timeout: 120_000,
    handler: async (job) => {
      try {
        await handleDocumentRender(deps, job);
      } catch (error) {
        // The template or the model is wrong: no retry helps, the incident says what to fix.
        if (error instanceof TemplateError || error instanceof RenderInputError || error instanceof DossierError) {
          const message = error instanceof TemplateError ? `document.render: ${error.message}` : error.message;
          log(`${message} (job ${job.jobKey})`);
          await engine.failJob(job.jobKey, { retries: 0, errorMessage: message });
          return;
        }
        throw error;
      }
    },
  });
  return worker;
}
