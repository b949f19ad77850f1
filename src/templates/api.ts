/**
 * What other modules ask of the templates module: Handlebars templates under `templates/`
 * (contracts/, letters/, mail/, partials/, styles/) with the shared helpers (dates, amounts,
 * numbers in words), and HTML → PDF in a locked-down Chromium (no JavaScript, no network, no file://).
 */
export interface RenderedTemplate {
  output: string;
  /** The template's name (path under templates/ without extension) and a version (hash of its source and partials). */
  template: { name: string; version: string };
}

export interface TemplateRenderer {
  /** True when a template of that name exists. */
  has(name: string): boolean;
  /** Renders a template; a template error throws a TemplateError naming the template and line. */
  render(name: string, data: Record<string, unknown>, options?: { locale?: "fr" | "en" }): RenderedTemplate;
}

export interface PdfRenderer {
  /** Prints self-contained HTML (inline styles, data: images) to PDF, A4 unless the CSS says otherwise. */
  htmlToPdf(html: string): Promise<Buffer>;
}
