/** The templates module (placeholder: being built). */
import type { CapabilityModule, ModuleContext } from "../modules.js";
import type { PdfRenderer, TemplateRenderer } from "./api.js";

const notYet = (what: string) => () => {
  throw new Error(`${what} is not built yet`);
};

export async function createTemplatesModule(_ctx: ModuleContext): Promise<{ module: CapabilityModule; renderer: TemplateRenderer; pdf: PdfRenderer }> {
  return {
    module: { name: "templates" },
    renderer: { has: () => false, render: notYet("templates.render") },
    pdf: { htmlToPdf: notYet("pdf.htmlToPdf") },
  };
}
