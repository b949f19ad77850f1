/**
 * HTTP of the signature: the back office's /api routes (guarded, restricted by the dossier access
 * predicate), the signer's page /signature/:token and its JSON endpoints (CSRF: a per-link token
 * in the page, sent back in the X-Signature-Csrf header; plus the app's same-origin check), the
 * public verification page /verification, and the providers' webhooks.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import express, { Router, type Request, type Response, type NextFunction } from "express";
import type Database from "better-sqlite3";
import type { Engine } from "../engine/engine.js";
import { DossierError } from "../dossiers/errors.js";
import { ApiError } from "../api/errors.js";
import { visibleDossier, visibleDossierById } from "../dossiers/rows.js";
import { allow, principalOf } from "../api/auth/guard.js";
import { rateLimit } from "../api/http/rate-limit.js";
import { CONSENT_TEXT, maskPhone, type SignatureService, type SigningContext } from "./service.js";
import type { SignatureConfig } from "./config.js";
import type { ProviderRegistry } from "./providers.js";

const esc = (s: string) => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

function idParam(value: unknown, name: string): number {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n < 1 || String(n) !== String(value)) throw new DossierError("NOT_FOUND", `Expected to find a ${name} '${String(value).slice(0, 40)}', but none was found`);
  return n;
}

const contextOf = (req: Request, body: Record<string, unknown> = {}): SigningContext => ({
  ip: req.ip ?? req.socket.remoteAddress ?? null,
  userAgent: req.get("user-agent") ?? null,
  localTime: typeof body["localTime"] === "string" ? body["localTime"].slice(0, 64) : null,
  timeZone: typeof body["timeZone"] === "string" ? body["timeZone"].slice(0, 64) : null,
  documentSha256: Array.isArray(body["documentSha256"]) ? (body["documentSha256"] as unknown[]).filter((h): h is string => typeof h === "string" && /^[0-9a-f]{64}$/.test(h)).slice(0, 20) : null,
  locale: body["locale"] === "en" ? "en" : "fr",
});

export function signatureApiRouter(deps: { db: Database.Database; engine: Engine; service: SignatureService; providers: ProviderRegistry; publicUrl: () => string }): Router {
  const { db, engine, service, providers } = deps;
  const router = Router();
  /** The request, if the caller sees its dossier (404 otherwise). */
  const visibleRequest = (req: Request, res: Response) => {
    const request = service.get(idParam(req.params["id"], "signature request"));
    if (!request || !visibleDossierById(db, principalOf(res), request.dossierId)) throw new DossierError("NOT_FOUND", `Expected to find a signature request '${req.params["id"]}', but none was found`);
    return request;
  };
  const actor = (res: Response) => principalOf(res).username;

  router.get("/dossiers/:reference/signatures", allow("dossiers.read"), (req, res) => {
    const dossier = visibleDossier(db, principalOf(res), String(req.params["reference"]));
    res.json({ items: service.forDossier(dossier.id).map((r) => service.view(r)), certificate: service.certificateInfo() });
  });

  router.post("/dossiers/:reference/signatures", allow("dossiers.write"), async (req, res) => {
    const dossier = visibleDossier(db, principalOf(res), String(req.params["reference"]));
    const body = (req.body ?? {}) as Record<string, unknown>;
    const prepared = service.prepare(dossier, body);
    const providerId = typeof body["provider"] === "string" && body["provider"] ? body["provider"] : providers.providerFor(service.documentTypeOf(prepared.documents[0]!.documentId));
    let provider: { id: string; ref: string } | undefined;
    if (providerId !== "builtin") {
      const adapter = providers.get(providerId);
      if (!adapter) throw new DossierError("INVALID_ARGUMENT", `Expected a signature provider among builtin${providers.ids().map((p) => `, ${p}`).join("")}, but found '${providerId}'`);
      const { providerRef } = await adapter.createRequest({
        requestId: 0, title: prepared.title, webhookUrl: `${deps.publicUrl()}/signature-webhooks/${adapter.id}`,
        documents: prepared.documents.map((d) => ({ filename: d.filename, bytes: service.documentContent(d) })),
        signers: prepared.signers.map((s) => ({ name: s.name, email: s.email, phone: s.phone, order: s.order })),
      });
      provider = { id: adapter.id, ref: providerRef };
    }
    const created = await engine.transaction((tx) => service.createIn(tx, dossier, prepared, { actor: actor(res), send: body["send"] !== false, ...(provider ? { provider } : {}) }));
    res.status(201).json(service.view(created));
  });

  router.get("/signatures/:id", allow("dossiers.read"), (req, res) => {
    res.json(service.view(visibleRequest(req, res)));
  });

  router.post("/signatures/:id/send", allow("dossiers.write"), async (req, res) => {
    const request = visibleRequest(req, res);
    await engine.transaction((tx) => service.sendIn(tx, request.id, actor(res)));
    res.json(service.view(service.require(request.id)));
  });

  router.post("/signatures/:id/cancel", allow("dossiers.write"), async (req, res) => {
    const request = visibleRequest(req, res);
    const reason = typeof req.body?.reason === "string" ? req.body.reason.slice(0, 1000) : undefined;
    await engine.transaction((tx) => service.cancelIn(tx, request.id, actor(res), reason));
    res.json(service.view(service.require(request.id)));
  });

  router.post("/signatures/:id/signers/:signerId/unlock", allow("dossiers.write"), async (req, res) => {
    const request = visibleRequest(req, res);
    await engine.transaction((tx) => service.unlockIn(tx, request.id, idParam(req.params["signerId"], "signer"), actor(res)));
    res.json(service.view(service.require(request.id)));
  });

  /** An internal countersigner signs from the 360° view. */
  router.post("/signatures/:id/sign", allow("dossiers.write"), async (req, res) => {
    const request = visibleRequest(req, res);
    if (req.body?.consent !== true) throw new DossierError("VALIDATION_FAILED", "Expected the consent to sign (consent: true), but found none", [{ field: "consent", message: "required" }]);
    await service.signAsUser(actor(res), request.id, contextOf(req, req.body ?? {}));
    res.json(service.view(service.require(request.id)));
  });

  return router;
}

/** A problem answer for the outsider pages: a gone request is 410, the rest as the app maps it. */
function pageError(error: unknown, _req: Request, res: Response, next: NextFunction) {
  if (error instanceof DossierError && error.extra?.["gone"]) {
    return void res.status(410).type("application/problem+json").json({ type: "about:blank", title: "GONE", status: 410, detail: error.message });
  }
  if (error instanceof ApiError && typeof error.extra?.["retryAfter"] === "number") res.set("Retry-After", String(error.extra["retryAfter"]));
  next(error);
}

function shell(title: string, page: string, meta: Record<string, string>, body = ""): string {
  return `<!doctype html><html lang="fr"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">` +
    `<meta name="robots" content="noindex"><link rel="icon" href="data:,"><meta name="referrer" content="no-referrer"><title>${esc(title)}</title>` +
    Object.entries(meta).map(([k, v]) => `<meta name="${esc(k)}" content="${esc(v)}">`).join("") +
    `<link rel="stylesheet" href="/build/${page}.css"></head><body><main id="app" class="outsider">${body}</main><script type="module" src="/build/${page}.js"></script></body></html>`;
}

export function signaturePageRouter(deps: { service: SignatureService; config: SignatureConfig; otpKey: Buffer; providers: ProviderRegistry }): Router {
  const { service, config, otpKey, providers } = deps;
  const router = Router();
  const json = express.json({ limit: "16kb" });
  const csrfOf = (linkId: number) => createHmac("sha256", otpKey).update(`csrf:${linkId}`).digest("base64url");
  const noStore = (_req: Request, res: Response, next: NextFunction) => {
    res.set("Cache-Control", "no-store").set("Referrer-Policy", "no-referrer");
    next();
  };
  const checkCsrf = (req: Request, linkId: number) => {
    const given = Buffer.from(String(req.get("x-signature-csrf") ?? ""));
    const expected = Buffer.from(csrfOf(linkId));
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new DossierError("FORBIDDEN", "Expected the page's own request token (X-Signature-Csrf), but found none or another one: reload the page");
  };
  const tokenOf = (req: Request) => String(req.params["token"] ?? "");
  const pageLimit = rateLimit({ windowMs: 60_000, max: 60 });

  router.get("/signature/:token", allow("public"), pageLimit, noStore, (req, res) => {
    let resolved;
    try {
      resolved = service.resolveSigner(tokenOf(req));
    } catch (error) {
      if (error instanceof DossierError && error.code === "NOT_FOUND") {
        return void res.status(404).type("html").send(shell("Lien invalide", "signature", { "signature-state": "not-found" }, "<h1>Lien invalide</h1><p>Ce lien de signature n'est pas valide. Vérifiez qu'il a été copié en entier.</p>"));
      }
      throw error;
    }
    const { link, request } = resolved;
    const gone = resolved.linkState !== "active" && resolved.signer.status !== "signed";
    const status = gone || ["expired", "canceled", "declined"].includes(request.status) || (["sent", "partially_signed"].includes(request.status) && request.expiresAt <= service.clockNow()) ? 410 : 200;
    res.status(status).type("html").send(shell(`Signature — ${request.title}`, "signature", { "signature-csrf": csrfOf(link.id), "signature-state": status === 410 ? "gone" : "open" }));
  });

  router.get("/signature/:token/state", allow("public"), pageLimit, noStore, (req, res) => {
    const { link, linkState, signer, request } = service.resolveSigner(tokenOf(req));
    const docs = service.documents(request.id);
    const signers = service.signers(request.id);
    const expired = ["sent", "partially_signed"].includes(request.status) && request.expiresAt <= service.clockNow();
    res.status(linkState !== "active" && signer.status !== "signed" ? 410 : 200).json({
      request: { id: request.id, title: request.title, message: request.message, status: expired ? "expired" : request.status, expiresAt: request.expiresAt, locale: request.locale, declinedReason: request.status === "declined" ? request.declinedReason : null },
      signer: { name: signer.name, status: signer.status, order: signer.order, maskedPhone: maskPhone(signer.phone), failedAttempts: signer.failedAttempts, codeExpiresAt: signer.otpExpiresAt, codesSent: signer.otpSentCount },
      waitingFor: signer.status === "waiting" ? signers.filter((s) => s.order < signer.order && s.status !== "signed").map((s) => s.name) : [],
      signers: signers.map((s) => ({ name: s.name, order: s.order, status: s.status === "locked" ? "invited" : s.status, signedAt: s.signedAt })),
      documents: docs.map((d, i) => ({ index: i, filename: d.filename, sha256: d.sha256, url: `/signature/${encodeURIComponent(tokenOf(req))}/documents/${i}` })),
      linkState, consent: CONSENT_TEXT[request.locale], organisation: config.organisation,
      signedDocument: request.status === "completed" && request.sealedDocumentId ? `/signature/${encodeURIComponent(tokenOf(req))}/signed` : null,
      linkId: link.id,
    });
  });

  router.get("/signature/:token/documents/:index", allow("public"), pageLimit, noStore, (req, res) => {
    const { linkState, signer, request } = service.resolveSigner(tokenOf(req));
    if (linkState !== "active" && signer.status !== "signed") throw new DossierError("INVALID_STATE", "This link is no longer valid", [], { gone: true });
    const doc = service.documents(request.id)[Number(req.params["index"])];
    if (!doc) throw new DossierError("NOT_FOUND", `Expected a document number from 0 to ${service.documents(request.id).length - 1}, but found '${req.params["index"]}'`);
    const file = service.documentContent(doc);
    res.set("Content-Type", "application/pdf").set("X-Content-Type-Options", "nosniff").set("Content-Disposition", `inline; filename="document-${doc.position + 1}.pdf"`).set("Content-Security-Policy", "sandbox");
    res.send(file);
  });

  router.get("/signature/:token/signed", allow("public"), pageLimit, noStore, (req, res) => {
    const { signer, request } = service.resolveSigner(tokenOf(req));
    if (request.status !== "completed" || !request.sealedDocumentId || signer.status !== "signed") throw new DossierError("NOT_FOUND", "The signed document is not available yet");
    res.set("Content-Type", "application/pdf").set("Content-Disposition", `attachment; filename="document-signe-${request.id}.pdf"`).send(service.sealedContent(request.sealedDocumentId));
  });

  const action = (fn: (req: Request, res: Response, linkId: number) => Promise<void>) => async (req: Request, res: Response) => {
    const { link } = service.resolveSigner(tokenOf(req));
    checkCsrf(req, link.id);
    await fn(req, res, link.id);
  };

  router.post("/signature/:token/code", allow("public"), pageLimit, noStore, json, action(async (req, res) => {
    const sent = await service.sendCode(tokenOf(req), contextOf(req, req.body ?? {}));
    res.status(201).json(sent);
  }));

  router.post("/signature/:token/sign", allow("public"), pageLimit, noStore, json, action(async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (body["consent"] !== true) throw new DossierError("VALIDATION_FAILED", "Expected the consent box to be ticked, but it was not", [{ field: "consent", message: "required" }]);
    const { request, signer } = await service.sign(tokenOf(req), body["code"], contextOf(req, body));
    res.json({ status: request.status, signer: { name: signer.name, status: signer.status, signedAt: signer.signedAt } });
  }));

  router.post("/signature/:token/decline", allow("public"), pageLimit, noStore, json, action(async (req, res) => {
    const request = await service.decline(tokenOf(req), req.body?.reason, contextOf(req, req.body ?? {}));
    res.json({ status: request.status });
  }));

  // ── verification ──
  const verifyLimit = rateLimit({ windowMs: 60_000, max: config.verificationPerMinute });
  router.get("/verification", allow("public"), noStore, (_req, res) => {
    res.type("html").send(shell("Vérifier un document signé", "verification", { "verification-max-bytes": String(config.verificationMaxBytes) }));
  });
  router.post("/verification", allow("public"), verifyLimit, noStore, express.raw({ type: () => true, limit: config.verificationMaxBytes }), (req, res) => {
    const body = req.body as Buffer;
    if (!Buffer.isBuffer(body) || body.length === 0) throw new DossierError("INVALID_ARGUMENT", "Expected a PDF file as the request body, but found nothing");
    if (!body.subarray(0, 1024).toString("latin1").includes("%PDF-")) throw new DossierError("UNSUPPORTED_MEDIA_TYPE", `Expected a PDF file, but found ${body.length} bytes that are not one`);
    const result = service.verify(body);
    res.json({
      verdict: result.verdict, sha256: result.sha256, registered: result.registered,
      seal: { signed: result.seal.signed, intact: result.seal.intact, wholeFile: result.seal.wholeFile, signer: result.seal.signer, certificateFingerprint256: result.seal.certificateFingerprint256, signingTime: result.seal.signingTime, problem: result.seal.problem },
      method: "hash registry of this installation + PKCS#7 signature over the /ByteRange checked with node-forge and node:crypto",
    });
  });

  // ── providers' webhooks (HMAC-authenticated, idempotent) ──
  router.post("/signature-webhooks/:provider", allow("public"), express.raw({ type: () => true, limit: "1mb" }), async (req, res) => {
    const outcome = await providers.receiveWebhook(String(req.params["provider"]), req.body as Buffer, req.get("x-signature-hmac") ?? "");
    res.status(outcome.duplicate ? 200 : 202).json(outcome);
  });

  router.use(pageError);
  return router;
}

