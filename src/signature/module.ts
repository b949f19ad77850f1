/**
 * The signature module: signature requests with SMS codes, the signer's page, the seal and the
 * evidence file, the public verification page, external providers (docs/signature.md).
 */
import { createHash } from "node:crypto";
import type { CapabilityModule, ModuleContext } from "../modules.js";
import type { Outbox, SmsOutbox } from "../mail/api.js";
import type { PdfRenderer, TemplateRenderer } from "../templates/api.js";
import type { Links } from "../portal/links.js";
import type { PortalApi } from "../portal/api.js";
import type { OrganisationCertificate } from "./certificate.js";
import type { JobWorker } from "../engine/workers.js";
import { startSignatureRequestWorker } from "../connectors/signature-request.js";
import { loadSignatureConfig } from "./config.js";
import { FakeProvider, ProviderRegistry } from "./providers.js";
import { signatureApiRouter, signaturePageRouter } from "./routes.js";
import { SignatureService } from "./service.js";

export async function createSignatureModule(
  ctx: ModuleContext,
  deps: { outbox: Outbox; sms: SmsOutbox; links: Links; templates: TemplateRenderer; pdf: PdfRenderer; certificate: OrganisationCertificate; portal: PortalApi },
): Promise<{ module: CapabilityModule; service: SignatureService; providers: ProviderRegistry }> {
  const config = loadSignatureConfig(ctx.env);
  // The codes' HMAC key: derived from the organisation's private key (never stored apart, never logged).
  const otpKey = createHash("sha256").update("dossier/signature/otp\0").update(deps.certificate.privateKey.export({ type: "pkcs8", format: "der" })).digest();
  const service = new SignatureService({
    db: ctx.db, engine: ctx.engine, domain: ctx.domain, identity: ctx.identity, outbox: deps.outbox, sms: deps.sms, links: deps.links,
    certificate: deps.certificate, publicUrl: ctx.publicUrl, log: ctx.log, otpKey, organisation: config.organisation,
  });
  const providers = new ProviderRegistry({ db: ctx.db, engine: ctx.engine, domain: ctx.domain, secrets: config.providerSecrets, providerFor: config.providerFor, log: ctx.log });
  // the test provider is there only when its webhook secret is configured (SIGNATURE_PROVIDER_FAKE_SECRET)
  if (config.providerSecrets["fake"]) providers.register(new FakeProvider("fake", config.providerSecrets["fake"]));
  deps.portal.registerSection({
    id: "signatures",
    title: { fr: "Contrats à signer / signés", en: "Contracts to sign / signed" },
    items: (partyId, dossierIds, locale) =>
      service.forParty(partyId, dossierIds).map(({ request, signer }) => ({
        id: `signature-${request.id}-${signer.id}`,
        title: request.title,
        date: request.completedAt ?? request.sentAt ?? request.createdAt,
        status: labelOf(request.status, signer.status, locale),
        ...(service.dossierReferenceOf(request.dossierId) ? { dossierReference: service.dossierReferenceOf(request.dossierId)! } : {}),
      })),
  });
  let worker: JobWorker | undefined;
  let timer: NodeJS.Timeout | undefined;
  let checking: Promise<unknown> | null = null;
  const check = () => {
    checking ??= service.tick().then(() => service.kick()).catch((error) => ctx.log(`signature: periodic check failed: ${(error as Error).message}`)).finally(() => (checking = null));
    return checking;
  };
  if (deps.certificate.selfSigned) ctx.log("signature: sealing with a SELF-SIGNED certificate; set SIGNING_P12 and SIGNING_P12_PASSWORD to the organisation's own before signing real contracts");
  return {
    service,
    providers,
    module: {
      name: "signature",
      apiRouters: [signatureApiRouter({ db: ctx.db, engine: ctx.engine, service, providers, publicUrl: ctx.publicUrl })],
      pageRouters: [signaturePageRouter({ service, config, otpKey, providers })],
      async start() {
        worker = startSignatureRequestWorker(ctx.engine, ctx.domain, service);
        timer = setInterval(check, config.checkIntervalMs);
        timer.unref();
        void check(); // seals left pending by a stop or a crash
      },
      async stop() {
        if (timer) clearInterval(timer);
        await checking;
        await service.idle();
        await worker?.close();
      },
    },
  };
}

function labelOf(status: string, signerStatus: string, locale: "fr" | "en"): string {
  const fr: Record<string, string> = { sent: "À signer", partially_signed: "En cours", completed: "Signé", declined: "Refusé", expired: "Expiré", canceled: "Annulé", draft: "Brouillon" };
  const en: Record<string, string> = { sent: "To sign", partially_signed: "In progress", completed: "Signed", declined: "Declined", expired: "Expired", canceled: "Canceled", draft: "Draft" };
  if (signerStatus === "signed" && status !== "completed") return locale === "en" ? "Signed by you" : "Signé par vous";
  return (locale === "en" ? en : fr)[status] ?? status;
}
