/**
 * The archive module: closing and archiving of dossiers, records with retention, legal holds,
 * the hash-chained archive journal and its signed seals, the integrity audit, disposal with its
 * destruction certificate, and export/import (docs/archive.md). Its job workers: archive.deposit,
 * archive.dispose, archive.repair.
 */
import type { CapabilityModule, ModuleContext } from "../modules.js";
import type { PdfRenderer } from "../templates/api.js";
import type { OrganisationCertificate } from "../signature/certificate.js";
import type { JobWorker } from "../engine/workers.js";
import { startArchiveWorkers } from "../connectors/archive-deposit.js";
import { loadArchiveConfig } from "./config.js";
import { archiveRouter } from "./routes.js";
import { ArchiveService } from "./service.js";

export async function createArchiveModule(ctx: ModuleContext, deps: { certificate: OrganisationCertificate; pdf: PdfRenderer }): Promise<{ module: CapabilityModule; service: ArchiveService }> {
  const config = loadArchiveConfig(ctx.env);
  const service = new ArchiveService({
    db: ctx.db, engine: ctx.engine, domain: ctx.domain, identity: ctx.identity, certificate: deps.certificate, pdf: deps.pdf, config,
    dataDir: ctx.config.dataDir, organisation: ctx.env["ORGANISATION_NAME"] || "Dossier", log: ctx.log,
  });
  let workers: JobWorker[] = [];
  return {
    service,
    module: {
      name: "archive",
      apiRouters: [archiveRouter({ db: ctx.db, domain: ctx.domain, archive: service })],
      async start() {
        await service.start();
        workers = startArchiveWorkers(ctx.engine, ctx.domain, service);
      },
      async stop() {
        await Promise.all(workers.map((w) => w.close()));
        workers = [];
        await service.stop();
      },
    },
  };
}
