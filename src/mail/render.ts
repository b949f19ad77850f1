/**
 * A mail template is three templates of the templates module, by locale:
 *   templates/mail/<name>.<locale>.subject.hbs   one line (whitespace collapsed)
 *   templates/mail/<name>.<locale>.txt.hbs       the plain-text part (required)
 *   templates/mail/<name>.<locale>.html.hbs      the HTML part (optional)
 * A locale without its own files falls back to French. Partials (signature, legal footer) live in
 * templates/mail/partials/ and are included as `{{> mail/partials/signature-html}}` etc.
 */
import type { TemplateRenderer } from "../templates/api.js";
import { DossierError } from "../dossiers/errors.js";

export type Locale = "fr" | "en";

export interface RenderedMail {
  subject: string;
  text: string;
  html: string | null;
  /** name@version of the text part (the templates module's version hash of source and partials). */
  version: string;
  locale: Locale;
}

const NAME = /^[a-z0-9][a-z0-9/_-]{0,120}$/;

export function mailTemplateExists(templates: TemplateRenderer, name: string): boolean {
  return NAME.test(name) && !name.includes("..") && templates.has(`mail/${name}.fr.txt`);
}

export function renderMail(templates: TemplateRenderer, name: string, wanted: Locale, data: Record<string, unknown>): RenderedMail {
  if (!mailTemplateExists(templates, name)) {
    throw new DossierError("INVALID_ARGUMENT", `Expected a mail template under templates/mail/ (e.g. 'relance-pieces', files relance-pieces.fr.subject.hbs and relance-pieces.fr.txt.hbs), but found '${name}'`);
  }
  const locale: Locale = templates.has(`mail/${name}.${wanted}.txt`) ? wanted : "fr";
  const base = `mail/${name}.${locale}`;
  const part = (suffix: string) => {
    try {
      return templates.render(`${base}.${suffix}`, data, { locale });
    } catch (error) {
      // A template that does not fit its data (a missing field in strict mode) is the caller's input problem, named.
      throw new DossierError("INVALID_ARGUMENT", `Expected the mail template '${name}' to render, but ${base}.${suffix} failed: ${(error as Error).message}`);
    }
  };
  const text = part("txt");
  const subject = templates.has(`${base}.subject`) ? part("subject").output.replace(/\s+/g, " ").trim() : "";
  const html = templates.has(`${base}.html`) ? part("html").output : null;
  return { subject, text: text.output, html, version: `${text.template.name}@${text.template.version}`, locale };
}
