/**
 * External signature providers (advanced / qualified signatures: Yousign, DocuSign-like services)
 * behind one adapter: create the request on their side, receive their webhook (HMAC-SHA256 of
 * the raw body with the shared secret SIGNATURE_PROVIDER_<ID>_SECRET, hex, header
 * X-Signature-Hmac; each event id handled once), fetch the signed PDF and their audit trail and
 * file both in the dossier. The provider is chosen per document type (SIGNATURE_PROVIDER_FOR).
 *
 * `FakeProvider` implements the adapter in memory for tests and demos (no real provider can be
 * reached offline): it "signs" by sealing with its own certificate, as a provider would.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type Database from "better-sqlite3";
import { PDFDocument, StandardFonts } from "pdf-lib";
import type { Engine } from "../engine/engine.js";
import type { Domain } from "../dossiers/domain.js";
import { DossierError } from "../dossiers/errors.js";
import { dossierById } from "../dossiers/rows.js";
import { statement } from "../persistence/statements.js";
import { loadOrganisationCertificate, type OrganisationCertificate } from "./certificate.js";
import { sealPdf } from "./pdf.js";
import { COMPLETED_MESSAGE } from "./service.js";

export interface ProviderRequestInput {
  requestId: number;
  title: string;
  documents: Array<{ filename: string; bytes: Buffer }>;
  signers: Array<{ name: string; email: string | null; phone: string | null; order: number }>;
  /** Where their webhook goes. */
  webhookUrl: string;
}

export interface ProviderEvent {
  eventId: string;
  type: "completed" | "declined" | "expired";
  providerRef: string;
  reason?: string;
}

export interface SignatureProvider {
  readonly id: string;
  readonly level: "advanced" | "qualified";
  createRequest(input: ProviderRequestInput): Promise<{ providerRef: string }>;
  /** Reads an authenticated webhook body (the HMAC was checked before). */
  parseWebhook(body: Buffer): ProviderEvent;
  fetchSigned(providerRef: string): Promise<{ pdf: Buffer; auditTrail: Buffer }>;
}

export const hmacHex = (secret: string, body: Buffer | string) => createHmac("sha256", secret).update(body).digest("hex");

export class ProviderRegistry {
  private readonly providers = new Map<string, SignatureProvider>();
  constructor(private readonly deps: { db: Database.Database; engine: Engine; domain: Domain; secrets: Record<string, string>; providerFor: Record<string, string>; log: (m: string) => void }) {}

  register(provider: SignatureProvider): void {
    this.providers.set(provider.id, provider);
  }
  get(id: string): SignatureProvider | undefined {
    return this.providers.get(id);
  }
  /** The provider that signs documents of this type ("builtin" when none is configured). */
  providerFor(documentType: string | null): string {
    return (documentType && this.deps.providerFor[documentType]) || "builtin";
  }
  ids(): string[] {
    return [...this.providers.keys()];
  }

  async receiveWebhook(providerId: string, body: Buffer, signature: string): Promise<{ duplicate: boolean; eventId: string; requestId: number | null }> {
    const provider = this.providers.get(providerId);
    const secret = this.deps.secrets[providerId];
    if (!provider || !secret) throw new DossierError("NOT_FOUND", `Expected a configured signature provider, but found none named '${providerId.slice(0, 40)}'`);
    const expected = Buffer.from(hmacHex(secret, Buffer.isBuffer(body) ? body : Buffer.alloc(0)));
    const given = Buffer.from(signature.trim().toLowerCase());
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new DossierError("FORBIDDEN", "Expected the webhook body's HMAC-SHA256 (hex) in X-Signature-Hmac, but it does not match");
    const event = provider.parseWebhook(body);
    const seen = statement(this.deps.db, `SELECT request_id FROM signature_provider_event WHERE provider = ? AND event_id = ?`).get(providerId, event.eventId) as { request_id: number | null } | undefined;
    if (seen) return { duplicate: true, eventId: event.eventId, requestId: seen.request_id };
    const row = statement(this.deps.db, `SELECT id, dossier_id, status, correlation_key FROM signature_request WHERE provider = ? AND provider_ref = ?`).get(providerId, event.providerRef) as { id: number; dossier_id: number; status: string; correlation_key: string } | undefined;
    if (!row) throw new DossierError("NOT_FOUND", `Expected a signature request sent to ${providerId} as '${event.providerRef.slice(0, 80)}', but none was found`);
    let ids: number[] = [];
    if (event.type === "completed" && row.status !== "completed") {
      const { pdf, auditTrail } = await provider.fetchSigned(event.providerRef);
      const dossier = dossierById(this.deps.db, row.dossier_id)!;
      const library = this.deps.domain.documents;
      const [signed] = await library.add({ dossier, documentType: null, files: [await library.stage(pdf, `signé via ${providerId} - demande ${row.id}.pdf`)], actor: `provider:${providerId}` });
      const [trail] = await library.add({ dossier, documentType: null, files: [await library.stage(auditTrail, `piste d'audit ${providerId} - demande ${row.id}.pdf`)], actor: `provider:${providerId}` });
      ids = [signed!.id, trail!.id];
    }
    return this.deps.engine.transaction((tx) => {
      const inserted = statement(this.deps.db, `INSERT INTO signature_provider_event (provider, event_id, received_at, request_id, type) VALUES (?, ?, ?, ?, ?) ON CONFLICT (provider, event_id) DO NOTHING`).run(providerId, event.eventId, tx.now, row.id, event.type);
      if (inserted.changes === 0) return { duplicate: true, eventId: event.eventId, requestId: row.id };
      const current = statement(this.deps.db, `SELECT status FROM signature_request WHERE id = ?`).get(row.id) as { status: string };
      if (!["sent", "partially_signed"].includes(current.status)) return { duplicate: false, eventId: event.eventId, requestId: row.id };
      const status = event.type === "completed" ? "completed" : event.type;
      statement(this.deps.db, `UPDATE signature_request SET status = ?, completed_at = ?, declined_reason = ?, sealed_document_id = ?, evidence_document_id = ?, version = version + 1 WHERE id = ?`)
        .run(status, event.type === "completed" ? tx.now : null, event.reason ?? null, ids[0] ?? null, ids[1] ?? null, row.id);
      statement(this.deps.db, `INSERT INTO signature_event (request_id, signer_id, at, type, actor, details) VALUES (?, NULL, ?, ?, ?, ?)`).run(row.id, tx.now, `provider.${event.type}`, `provider:${providerId}`, JSON.stringify({ eventId: event.eventId, documents: ids }));
      this.deps.domain.journal.append({ dossierId: row.dossier_id, at: tx.now, actor: `provider:${providerId}`, action: `signature.${event.type === "completed" ? "completed" : event.type}`, summary: `Demande de signature n° ${row.id} (${providerId}) : ${event.type}`, before: null, after: { requestId: row.id, documents: ids } });
      tx.publishMessage({
        name: COMPLETED_MESSAGE, correlationKey: row.correlation_key, messageId: `signature-completed:${row.id}`, timeToLive: 7 * 86_400_000,
        variables: { signatureOutcome: event.type === "completed" ? "signed" : event.type, signatureRequestId: row.id, ...(ids.length ? { signedDocumentId: ids[0], evidenceDocumentId: ids[1], signedDocumentIds: ids } : {}) },
      });
      return { duplicate: false, eventId: event.eventId, requestId: row.id };
    });
  }
}

/** A provider for tests: keeps its requests in memory, "signs" them with its own certificate. */
export class FakeProvider implements SignatureProvider {
  readonly id: string;
  readonly level = "advanced" as const;
  readonly requests = new Map<string, ProviderRequestInput & { signed?: Buffer }>();
  private certificate: OrganisationCertificate | null = null;
  constructor(id = "fake", private readonly secret: string) {
    this.id = id;
  }
  async createRequest(input: ProviderRequestInput) {
    const providerRef = `fake-${randomBytes(8).toString("hex")}`;
    this.requests.set(providerRef, input);
    return { providerRef };
  }
  parseWebhook(body: Buffer): ProviderEvent {
    let parsed: Record<string, unknown>;
    try {
      parsed = JSON.parse(body.toString("utf8"));
    } catch {
      throw new DossierError("INVALID_ARGUMENT", "Expected a JSON webhook body, but it does not parse");
    }
    const type = parsed["type"];
    if (typeof parsed["id"] !== "string" || typeof parsed["requestRef"] !== "string" || (type !== "completed" && type !== "declined" && type !== "expired")) {
      throw new DossierError("INVALID_ARGUMENT", `Expected {id, type: completed|declined|expired, requestRef}, but found ${body.toString("utf8").slice(0, 120)}`);
    }
    return { eventId: parsed["id"], type, providerRef: parsed["requestRef"], ...(typeof parsed["reason"] === "string" ? { reason: parsed["reason"] } : {}) };
  }
  async fetchSigned(providerRef: string) {
    const request = this.requests.get(providerRef);
    if (!request) throw new Error(`fake provider: no request ${providerRef}`);
    this.certificate ??= loadOrganisationCertificate({ dataDir: mkdtempSync(path.join(tmpdir(), "fake-provider-")), organisationName: "Fake Trust Provider" });
    const merged = await PDFDocument.create();
    for (const d of request.documents) {
      const src = await PDFDocument.load(d.bytes);
      for (const p of await merged.copyPages(src, src.getPageIndices())) merged.addPage(p);
    }
    const pdf = await sealPdf(merged, this.certificate, { reason: "Signature avancée (fournisseur de test)", name: "Fake Trust Provider" });
    const trail = await PDFDocument.create();
    const font = await trail.embedFont(StandardFonts.Helvetica);
    const page = trail.addPage();
    page.drawText(`Piste d'audit du fournisseur de test : ${providerRef}`, { x: 50, y: 780, size: 12, font });
    request.signers.forEach((s, i) => page.drawText(`${s.name} — signé`, { x: 50, y: 750 - 18 * i, size: 10, font }));
    return { pdf, auditTrail: Buffer.from(await trail.save()) };
  }
  /** What the provider would POST when the request completes: body and its HMAC header. */
  webhook(providerRef: string, type: ProviderEvent["type"] = "completed", eventId = `evt-${randomBytes(6).toString("hex")}`) {
    const body = JSON.stringify({ id: eventId, type, requestRef: providerRef });
    return { body, hmac: hmacHex(this.secret, body) };
  }
}
