/** The archive module (placeholder: being built). */
import type { CapabilityModule, ModuleContext } from "../modules.js";
import type { PdfRenderer } from "../templates/api.js";
import type { OrganisationCertificate } from "../signature/certificate.js";

export async function createArchiveModule(_ctx: ModuleContext, _deps: { certificate: OrganisationCertificate; pdf: PdfRenderer }): Promise<{ module: CapabilityModule }> {
  return { module: { name: "archive" } };
}
