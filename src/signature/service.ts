/**
 * Signature requests: documents of a dossier signed by people in order (parallel signers share an
 * order number), each with a personal link (Links, purpose "signature.signer") and a one-time code
 * by SMS; then the signed PDF (signature page appended) and the evidence file, both sealed with the
 * organisation's certificate, filed in the dossier and registered by SHA-256.
 *
 * Every state change is one Engine.transaction: the rows, the journal entries, the mails/SMS of
 * the outbox and the engine's message `signature-completed` commit together or not at all. The
 * sealing (PDF work, async) runs after commit from durable rows (`seal_state = 'pending'`), so a
 * crash before it is picked up again on the next start; expiry and reminders are read from rows by
 * a periodic check, never from in-memory timers.
 *
 * One-time codes: 6 digits from crypto.randomInt, stored as HMAC-SHA256(server key, signer id +
 * code) only, valid 10 minutes, never logged; 5 wrong codes lock the signer (the dossier's people
 * unlock it); at most one code a minute and 5 codes per signer.
 */
import { createHmac, randomInt, timingSafeEqual } from "node:crypto";
import { readFileSync } from "node:fs";
import type Database from "better-sqlite3";
import type { Engine, EngineTransaction } from "../engine/engine.js";
import type { Domain } from "../dossiers/domain.js";
import { DossierError } from "../dossiers/errors.js";
import { ApiError } from "../api/errors.js";
import { dossierById } from "../dossiers/rows.js";
import type { DossierRow } from "../dossiers/rows.js";
import type { Identity } from "../identity/identity.js";
import type { Outbox, SmsOutbox } from "../mail/api.js";
import type { LinkRow, Links } from "../portal/links.js";
import { statement } from "../persistence/statements.js";
import type { OrganisationCertificate } from "./certificate.js";
import { checkSeal, evidenceFile, sealPdf, sha256, withSignaturePage, type SealCheck } from "./pdf.js";

export const SIGNER_PURPOSE = "signature.signer";
export const COMPLETED_MESSAGE = "signature-completed";
export const OTP_LIFETIME_MS = 10 * 60_000;
export const OTP_MAX_FAILURES = 5;
export const OTP_MIN_INTERVAL_MS = 60_000;
export const OTP_MAX_SENDS = 5;
const DAY = 86_400_000;
export const DEFAULT_EXPIRY_MS = 14 * DAY;

export const CONSENT_TEXT = {
  fr: "J'ai lu le(s) document(s) ci-dessus dans leur intégralité et je les signe électroniquement. Je reconnais que le code reçu par SMS sur mon téléphone vaut signature de ma part (signature électronique simple, règlement eIDAS, art. 25).",
  en: "I have read the document(s) above in full and I sign them electronically. I acknowledge that entering the code received by SMS on my phone is my signature (simple electronic signature, eIDAS regulation, art. 25).",
} as const;

export type RequestStatus = "draft" | "sent" | "partially_signed" | "completed" | "declined" | "expired" | "canceled";
export type SignerStatus = "waiting" | "invited" | "signed" | "declined" | "locked";
const OPEN: RequestStatus[] = ["sent", "partially_signed"];

export interface SignerInput {
  partyId?: unknown;
  role?: unknown;
  username?: unknown;
  order?: unknown;
}

export interface CreateRequestInput {
  documents?: unknown;
  signers?: unknown;
  message?: unknown;
  title?: unknown;
  /** ISO 8601 duration (P14D, PT12H) or ms. */
  expiresIn?: unknown;
  /** A number of reminders (every 3 days), or {every: "P3D", count: 2}. */
  reminders?: unknown;
  locale?: unknown;
}

export interface RequestRow {
  id: number; dossierId: number; status: RequestStatus; title: string; message: string | null; locale: "fr" | "en"; provider: string;
  createdAt: number; createdBy: string | null; sentAt: number | null; expiresAt: number; completedAt: number | null; declinedReason: string | null;
  canceledAt: number | null; canceledBy: string | null; reminderEveryMs: number | null; nextReminderAt: number | null; remindersLeft: number;
  processInstanceKey: number | null; jobKey: number | null; correlationKey: string; sealState: string | null; sealAttempts: number; sealError: string | null;
  sealedDocumentId: number | null; evidenceDocumentId: number | null; version: number;
}

export interface SignerRow {
  id: number; requestId: number; position: number; order: number; kind: "party" | "user"; partyId: number | null; username: string | null; role: string | null;
  name: string; email: string | null; phone: string | null; status: SignerStatus; invitedAt: number | null; signedAt: number | null; declinedAt: number | null;
  declineReason: string | null; failedAttempts: number; lockedAt: number | null; linkId: number | null; otpHash: string | null; otpExpiresAt: number | null;
  otpSentCount: number; otpLastSentAt: number | null; evidence: Record<string, unknown> | null;
}

export interface RequestDocument { position: number; documentId: number; version: number; sha256: string; filename: string }

/** What the signer's browser and the request's circumstances tell about a signature. */
export interface SigningContext {
  ip: string | null;
  userAgent: string | null;
  /** The signer's local time and zone as the page read them (evidence, not trusted for anything). */
  localTime?: string | null;
  timeZone?: string | null;
  /** SHA-256 of each document as the page received it. */
  documentSha256?: string[] | null;
  locale?: "fr" | "en";
}

const toRequest = (r: any): RequestRow => ({
  id: r.id, dossierId: r.dossier_id, status: r.status, title: r.title, message: r.message, locale: r.locale === "en" ? "en" : "fr", provider: r.provider,
  createdAt: r.created_at, createdBy: r.created_by, sentAt: r.sent_at, expiresAt: r.expires_at, completedAt: r.completed_at, declinedReason: r.declined_reason,
  canceledAt: r.canceled_at, canceledBy: r.canceled_by, reminderEveryMs: r.reminder_every_ms, nextReminderAt: r.next_reminder_at, remindersLeft: r.reminders_left,
  processInstanceKey: r.process_instance_key, jobKey: r.job_key, correlationKey: r.correlation_key, sealState: r.seal_state, sealAttempts: r.seal_attempts, sealError: r.seal_error,
  sealedDocumentId: r.sealed_document_id, evidenceDocumentId: r.evidence_document_id, version: r.version,
});
const toSigner = (r: any): SignerRow => ({
  id: r.id, requestId: r.request_id, position: r.position, order: r.order_no, kind: r.kind, partyId: r.party_id, username: r.username, role: r.role, name: r.name,
  email: r.email, phone: r.phone, status: r.status, invitedAt: r.invited_at, signedAt: r.signed_at, declinedAt: r.declined_at, declineReason: r.decline_reason,
  failedAttempts: r.failed_attempts, lockedAt: r.locked_at, linkId: r.link_id, otpHash: r.otp_hash, otpExpiresAt: r.otp_expires_at, otpSentCount: r.otp_sent_count,
  otpLastSentAt: r.otp_last_sent_at, evidence: r.evidence ? JSON.parse(r.evidence) : null,
});

/** "+33 6 ** ** ** 78": enough for the signer to recognise their phone, not enough to call it. */
export function maskPhone(e164: string | null): string | null {
  if (!e164) return null;
  const digits = e164.replace(/[^\d+]/g, "");
  if (digits.length < 6) return "****";
  return `${digits.slice(0, digits.startsWith("+") ? 4 : 2)}${"*".repeat(Math.max(2, digits.length - 6))}${digits.slice(-2)}`;
}

/** ISO 8601 durations of days/weeks/hours/minutes (P14D, P2W, PT12H, P1DT6H), or ms. */
export function parseDuration(value: unknown, name: string): number {
  if (typeof value === "number" && Number.isSafeInteger(value) && value > 0) return value;
  const m = typeof value === "string" ? /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?)?$/.exec(value) : null;
  if (!m || m.slice(1).every((g) => g === undefined) || (typeof value === "string" && value.endsWith("T"))) {
    throw new DossierError("INVALID_ARGUMENT", `Expected '${name}' to be an ISO 8601 duration such as P14D or PT12H, but found ${JSON.stringify(value)}`);
  }
  const [w, d, h, min] = m.slice(1).map((g) => Number(g ?? 0)) as [number, number, number, number];
  const ms = ((w * 7 + d) * 24 + h) * 3_600_000 + min * 60_000;
  if (ms <= 0) throw new DossierError("INVALID_ARGUMENT", `Expected '${name}' to be longer than zero, but found ${JSON.stringify(value)}`);
  return ms;
}

/** A party's mobile: a phone labelled mobile, else a French/Belgian mobile number. */
function mobileOf(phones: Array<{ number: string; label: string }>): string | null {
  return phones.find((p) => p.label === "mobile")?.number ?? phones.find((p) => /^\+33[67]\d{8}$|^\+324\d{8}$/.test(p.number))?.number ?? null;
}

export interface SignatureServiceDeps {
  db: Database.Database;
  engine: Engine;
  domain: Domain;
  identity: Identity;
  outbox: Outbox;
  sms: SmsOutbox;
  links: Links;
  certificate: OrganisationCertificate;
  publicUrl: () => string;
  log: (message: string) => void;
  /** HMAC key of the one-time codes. */
  otpKey: Buffer;
  organisation: string;
}

export class SignatureService {
  private sealing: Promise<void> | null = null;
  constructor(private readonly deps: SignatureServiceDeps) {}

  private get db() {
    return this.deps.db;
  }
  private now() {
    return this.deps.engine.clock.now();
  }

  clockNow(): number {
    return this.now();
  }

  certificateInfo() {
    const c = this.deps.certificate;
    return { selfSigned: c.selfSigned, subject: c.subject, fingerprint256: c.fingerprint256, notAfter: c.notAfter.toISOString(), source: c.selfSigned ? "generated" : "SIGNING_P12" };
  }

  /** The bytes of a request's document, as they were when the request was made. */
  documentContent(doc: RequestDocument): Buffer {
    return readFileSync(this.deps.domain.documents.content(doc.documentId, { sql: "1 = 1", params: [] }, doc.version).path);
  }

  dossierReferenceOf(dossierId: number): string | null {
    return dossierById(this.db, dossierId)?.reference ?? null;
  }

  documentTypeOf(documentId: number): string | null {
    return (statement(this.db, `SELECT document_type FROM document WHERE id = ?`).get(documentId) as { document_type: string | null } | undefined)?.document_type ?? null;
  }

  sealedContent(documentId: number): Buffer {
    return readFileSync(this.deps.domain.documents.content(documentId, { sql: "1 = 1", params: [] }).path);
  }

  // ── reads ─────────────────────────────────────────────────────────────────────────────────────

  get(id: number): RequestRow | undefined {
    const r = statement(this.db, `SELECT * FROM signature_request WHERE id = ?`).get(id);
    return r ? toRequest(r) : undefined;
  }
  require(id: number): RequestRow {
    const r = Number.isSafeInteger(id) ? this.get(id) : undefined;
    if (!r) throw new DossierError("NOT_FOUND", `Expected to find a signature request '${id}', but none was found`);
    return r;
  }
  signers(requestId: number): SignerRow[] {
    return (statement(this.db, `SELECT * FROM signature_signer WHERE request_id = ? ORDER BY order_no, position`).all(requestId) as any[]).map(toSigner);
  }
  signer(id: number): SignerRow | undefined {
    const r = statement(this.db, `SELECT * FROM signature_signer WHERE id = ?`).get(id);
    return r ? toSigner(r) : undefined;
  }
  documents(requestId: number): RequestDocument[] {
    return (statement(this.db, `SELECT position, document_id, version, sha256, filename FROM signature_document WHERE request_id = ? ORDER BY position`).all(requestId) as any[]).map((r) => ({
      position: r.position, documentId: r.document_id, version: r.version, sha256: r.sha256, filename: r.filename,
    }));
  }
  forDossier(dossierId: number): RequestRow[] {
    return (statement(this.db, `SELECT * FROM signature_request WHERE dossier_id = ? ORDER BY id DESC`).all(dossierId) as any[]).map(toRequest);
  }
  /** The requests a party signs, in the given dossiers (the portal's section). */
  forParty(partyId: number, dossierIds: number[]): Array<{ request: RequestRow; signer: SignerRow }> {
    if (dossierIds.length === 0) return [];
    const rows = statement(this.db, `SELECT s.id AS signer_id FROM signature_signer s JOIN signature_request r ON r.id = s.request_id WHERE s.party_id = ? AND r.status <> 'draft' AND r.dossier_id IN (${dossierIds.map(() => "?").join(", ")}) ORDER BY r.id DESC LIMIT 100`)
      .all(partyId, ...dossierIds) as Array<{ signer_id: number }>;
    return rows.map((r) => {
      const signer = this.signer(r.signer_id)!;
      return { signer, request: this.require(signer.requestId) };
    });
  }
  timeline(requestId: number): Array<{ id: number; at: number; type: string; signerId: number | null; actor: string | null; details: Record<string, unknown> | null }> {
    return (statement(this.db, `SELECT * FROM signature_event WHERE request_id = ? ORDER BY id`).all(requestId) as any[]).map((r) => ({
      id: r.id, at: r.at, type: r.type, signerId: r.signer_id, actor: r.actor, details: r.details ? JSON.parse(r.details) : null,
    }));
  }

  /** A request as the back office sees it (never a code or a token). */
  view(request: RequestRow) {
    const links = this.deps.links;
    return {
      id: request.id, status: request.status, title: request.title, message: request.message, locale: request.locale, provider: request.provider,
      createdAt: request.createdAt, createdBy: request.createdBy, sentAt: request.sentAt, expiresAt: request.expiresAt, completedAt: request.completedAt,
      declinedReason: request.declinedReason, canceledAt: request.canceledAt, canceledBy: request.canceledBy, remindersLeft: request.remindersLeft, nextReminderAt: request.nextReminderAt,
      sealing: request.sealState, sealError: request.sealError, sealedDocumentId: request.sealedDocumentId, evidenceDocumentId: request.evidenceDocumentId,
      documents: this.documents(request.id),
      signers: this.signers(request.id).map((s) => {
        const link = s.linkId ? links.get(s.linkId) : undefined;
        return {
          id: s.id, order: s.order, kind: s.kind, partyId: s.partyId, username: s.username, role: s.role, name: s.name, email: s.email, maskedPhone: maskPhone(s.phone),
          status: s.status, invitedAt: s.invitedAt, signedAt: s.signedAt, declinedAt: s.declinedAt, declineReason: s.declineReason, failedAttempts: s.failedAttempts, lockedAt: s.lockedAt,
          codesSent: s.otpSentCount, link: link ? { id: link.id, state: links.stateOf(link), expiresAt: link.expiresAt, uses: link.uses, lastUsedAt: link.lastUsedAt } : null,
        };
      }),
      timeline: this.timeline(request.id),
      certificate: this.certificateInfo(),
    };
  }

  // ── creating and sending ──────────────────────────────────────────────────────────────────────

  /**
   * Checks a request against its dossier before anything is written (what the API and the worker
   * both call); throws naming every problem.
   */
  prepare(dossier: DossierRow, input: CreateRequestInput) {
    const problems: string[] = [];
    const docsIn = Array.isArray(input.documents) ? input.documents : input.documents === undefined || input.documents === null ? [] : [input.documents];
    const documents: RequestDocument[] = [];
    docsIn.forEach((raw, i) => {
      const id = typeof raw === "object" && raw !== null ? Number((raw as Record<string, unknown>)["documentId"] ?? (raw as Record<string, unknown>)["id"]) : Number(raw);
      if (!Number.isSafeInteger(id) || id < 1) return void problems.push(`documents[${i}]: expected a document id, but found ${JSON.stringify(raw)?.slice(0, 60)}`);
      const row = statement(this.db,
        `SELECT d.id, d.current_version, v.sha256, v.mime, v.filename FROM dossier_document dd JOIN document d ON d.id = dd.document_id JOIN document_version v ON v.document_id = d.id AND v.version = d.current_version WHERE dd.dossier_id = ? AND d.id = ?`,
      ).get(dossier.id, id) as { id: number; current_version: number; sha256: string; mime: string; filename: string } | undefined;
      if (!row) return void problems.push(`documents[${i}]: expected a document of ${dossier.reference}, but document ${id} is not one`);
      if (row.mime !== "application/pdf") return void problems.push(`documents[${i}]: expected a PDF, but document ${id} (${row.filename}) is ${row.mime}`);
      documents.push({ position: documents.length, documentId: row.id, version: row.current_version, sha256: row.sha256, filename: row.filename });
    });
    if (docsIn.length === 0) problems.push("documents: expected at least one PDF document of the dossier to sign, but found none");
    const signersIn = Array.isArray(input.signers) ? (input.signers as SignerInput[]) : [];
    if (signersIn.length === 0) problems.push("signers: expected a list of signers ({role|partyId|username, order}), but found none");
    if (signersIn.length > 20) problems.push(`signers: expected at most 20 signers, but found ${signersIn.length}`);
    // the dossier's parties, then its parent's (a contract's decision-maker is often the customer file's)
    const dossierParties = [...this.deps.domain.service.partiesOf(dossier.id), ...(dossier.parentId ? this.deps.domain.service.partiesOf(dossier.parentId) : [])];
    const type = this.deps.domain.types.get(dossier.typeId);
    const roleLabel = (role: string) => type?.partyRoles.find((r) => r.id === role)?.label?.["en"] ?? role;
    const signers: Array<Omit<SignerRow, "id" | "requestId" | "status" | "invitedAt" | "signedAt" | "declinedAt" | "declineReason" | "failedAttempts" | "lockedAt" | "linkId" | "otpHash" | "otpExpiresAt" | "otpSentCount" | "otpLastSentAt" | "evidence">> = [];
    signersIn.slice(0, 20).forEach((s, i) => {
      if (typeof s !== "object" || s === null) return void problems.push(`signers[${i}]: expected {role|partyId|username, order}, but found ${JSON.stringify(s)}`);
      const order = s.order === undefined || s.order === null || s.order === "" ? i + 1 : Number(s.order);
      if (!Number.isSafeInteger(order) || order < 1 || order > 99) return void problems.push(`signers[${i}].order: expected a whole number from 1 to 99, but found ${JSON.stringify(s.order)}`);
      if (typeof s.username === "string" && s.username) {
        const user = this.deps.identity.store.user(s.username);
        if (!user) return void problems.push(`signers[${i}]: expected a back-office user '${s.username}', but none exists`);
        signers.push({ position: i, order, kind: "user", partyId: null, username: user.username, role: null, name: user.name || user.username, email: user.email, phone: null });
        return;
      }
      let partyId: number | undefined;
      let role: string | null = null;
      if (s.partyId !== undefined && s.partyId !== null && s.partyId !== "") {
        partyId = Number(s.partyId);
        const link = dossierParties.find((p) => p.partyId === partyId);
        if (!link) return void problems.push(`signers[${i}]: expected a party of ${dossier.reference}, but party #${JSON.stringify(s.partyId)} is not one`);
        role = typeof s.role === "string" && s.role ? s.role : link.role;
      } else if (typeof s.role === "string" && s.role) {
        // "decisionMaker|customer": the first of these roles that a party holds on the dossier
        const roles = s.role.split("|").map((r) => r.trim()).filter(Boolean);
        const found = roles.map((r) => dossierParties.find((p) => p.role === r)).find((p) => p !== undefined);
        if (!found) return void problems.push(`signers[${i}]: expected a party in the role ${roles.map((r) => `'${r}'`).join(" or ")} on ${dossier.reference}, but found none`);
        role = found.role;
        partyId = found.partyId;
      } else return void problems.push(`signers[${i}]: expected a role, a partyId or a username, but found ${JSON.stringify(s)}`);
      const party = this.deps.domain.parties.get(partyId!);
      if (!party) return void problems.push(`signers[${i}]: party #${partyId} does not exist`);
      const who = `party #${party.id} (${party.firstName ? `${party.firstName} ${party.lastName ?? ""}`.trim() : party.name}, role ${roleLabel(role!)})`;
      const phone = mobileOf(party.phones);
      if (!phone) problems.push(`Expected ${who} to have a mobile phone number for the SMS code, but found none`);
      if (!party.emails[0]) problems.push(`Expected ${who} to have an e-mail address for the signing link, but found none`);
      if (signers.some((x) => x.partyId === party.id)) return void problems.push(`signers[${i}]: ${who} is already a signer of this request`);
      signers.push({ position: i, order, kind: "party", partyId: party.id, username: null, role, name: party.firstName ? `${party.firstName} ${party.lastName ?? ""}`.trim() : party.name, email: party.emails[0] ?? null, phone });
    });
    const expiresIn = input.expiresIn === undefined || input.expiresIn === null || input.expiresIn === "" ? DEFAULT_EXPIRY_MS : parseDuration(input.expiresIn, "expiresIn");
    if (expiresIn > 365 * DAY) problems.push(`expiresIn: expected at most a year, but found ${Math.round(expiresIn / DAY)} days`);
    let reminderEveryMs: number | null = null;
    let remindersLeft = 0;
    const rem = input.reminders;
    if (typeof rem === "number" || (typeof rem === "string" && /^\d+$/.test(rem))) {
      remindersLeft = Number(rem);
      reminderEveryMs = 3 * DAY;
    } else if (rem && typeof rem === "object") {
      const r = rem as Record<string, unknown>;
      reminderEveryMs = parseDuration(r["every"] ?? "P3D", "reminders.every");
      remindersLeft = Number(r["count"] ?? 1);
    } else if (rem !== undefined && rem !== null && rem !== "") problems.push(`reminders: expected a number of reminders or {every, count}, but found ${JSON.stringify(rem)}`);
    if (!Number.isSafeInteger(remindersLeft) || remindersLeft < 0 || remindersLeft > 10) problems.push(`reminders: expected 0 to 10 reminders, but found ${JSON.stringify(rem)}`);
    const message = input.message === undefined || input.message === null ? null : String(input.message).slice(0, 4000);
    const title = typeof input.title === "string" && input.title.trim() ? input.title.trim().slice(0, 256) : documents[0]?.filename.replace(/\.pdf$/i, "") ?? dossier.title;
    const locale = input.locale === "en" ? "en" : "fr";
    if (problems.length) throw new DossierError("INVALID_ARGUMENT", problems.length === 1 ? problems[0]! : `Expected a signature request that can start, but: ${problems.join("; ")}`, problems.map((message) => ({ field: "signature", message })));
    return { documents, signers, expiresIn, reminderEveryMs, remindersLeft, message, title, locale } as const;
  }

  /** Creates the request (draft) and, unless `send` is false, sends it: inside the caller's transaction. */
  createIn(tx: EngineTransaction, dossier: DossierRow, prepared: ReturnType<SignatureService["prepare"]>, options: { actor: string | null; send?: boolean; processInstanceKey?: number | null; jobKey?: number | null; provider?: { id: string; ref: string } }): RequestRow {
    const at = tx.now;
    const info = statement(this.db,
      `INSERT INTO signature_request (dossier_id, status, title, message, locale, created_at, created_by, expires_at, reminder_every_ms, reminders_left, process_instance_key, job_key, correlation_key) VALUES (?, 'draft', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '')`,
    ).run(dossier.id, prepared.title, prepared.message, prepared.locale, at, options.actor, at + prepared.expiresIn, prepared.reminderEveryMs, prepared.remindersLeft, options.processInstanceKey ?? null, options.jobKey ?? null);
    const id = Number(info.lastInsertRowid);
    statement(this.db, `UPDATE signature_request SET correlation_key = ? WHERE id = ?`).run(String(id), id);
    for (const d of prepared.documents) statement(this.db, `INSERT INTO signature_document (request_id, position, document_id, version, sha256, filename) VALUES (?, ?, ?, ?, ?, ?)`).run(id, d.position, d.documentId, d.version, d.sha256, d.filename);
    for (const s of prepared.signers) {
      statement(this.db, `INSERT INTO signature_signer (request_id, position, order_no, kind, party_id, username, role, name, email, phone, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'waiting')`)
        .run(id, s.position, s.order, s.kind, s.partyId, s.username, s.role, s.name, s.email, s.phone);
    }
    this.event(tx, id, null, "request.created", options.actor, { documents: prepared.documents.map((d) => ({ documentId: d.documentId, sha256: d.sha256 })), signers: prepared.signers.map((s) => ({ name: s.name, order: s.order })) });
    this.journal(tx, dossier.id, options.actor, "signature.created", `Demande de signature n° ${id} : ${prepared.title} (${prepared.signers.map((s) => s.name).join(", ")})`, { requestId: id });
    if (options.provider) {
      // an external provider invites and signs on its side: the request is sent, its webhook finishes it
      statement(this.db, `UPDATE signature_request SET provider = ?, provider_ref = ?, status = 'sent', sent_at = ? WHERE id = ?`).run(options.provider.id, options.provider.ref, tx.now, id);
      this.event(tx, id, null, "request.sent", options.actor, { provider: options.provider.id, providerRef: options.provider.ref });
    } else if (options.send !== false) this.sendIn(tx, id, options.actor);
    return this.require(id);
  }

  /** draft → sent: the first signers in order are invited. */
  sendIn(tx: EngineTransaction, id: number, actor: string | null): void {
    const request = this.require(id);
    if (request.status !== "draft") throw new DossierError("INVALID_STATE", `Expected a draft request to send, but request ${id} is ${request.status}`);
    const expiresAt = Math.max(request.expiresAt, tx.now + 60_000);
    statement(this.db, `UPDATE signature_request SET status = 'sent', sent_at = ?, expires_at = ?, next_reminder_at = ?, version = version + 1 WHERE id = ?`)
      .run(tx.now, expiresAt, request.reminderEveryMs && request.remindersLeft > 0 ? tx.now + request.reminderEveryMs : null, id);
    this.event(tx, id, null, "request.sent", actor, null);
    this.journal(tx, request.dossierId, actor, "signature.sent", `Demande de signature n° ${id} envoyée`, { requestId: id });
    this.inviteNext(tx, this.require(id), actor);
  }

  /** Invites the waiting signers of the lowest order not yet signed (parallel signers together). */
  private inviteNext(tx: EngineTransaction, request: RequestRow, actor: string | null): void {
    const pending = this.signers(request.id).filter((s) => s.status !== "signed");
    if (pending.length === 0) return;
    const order = Math.min(...pending.map((s) => s.order));
    for (const s of pending.filter((x) => x.order === order && x.status === "waiting")) {
      statement(this.db, `UPDATE signature_signer SET status = 'invited', invited_at = ? WHERE id = ?`).run(tx.now, s.id);
      this.invite(tx, request, s, actor, "invitation");
    }
  }

  private invite(tx: EngineTransaction, request: RequestRow, s: SignerRow, actor: string | null, kind: "invitation" | "reminder"): void {
    const dossier = dossierById(this.db, request.dossierId)!;
    if (s.kind === "user") {
      this.event(tx, request.id, s.id, kind === "invitation" ? "signer.invited" : "signer.reminded", actor, { channel: "back-office" });
      if (s.email) {
        this.deps.outbox.enqueue(tx, {
          to: [s.email], dossierId: request.dossierId, purpose: "signature.invitation", key: `signature:${kind}:${s.id}:${tx.now}`, actor,
          subject: `[${dossier.reference}] À contresigner : ${request.title}`,
          text: `Bonjour ${s.name},\n\nLa demande de signature n° ${request.id} (${request.title}) attend votre contresignature.\nOuvrez le dossier ${dossier.reference} : ${this.deps.publicUrl()}/dossiers/${encodeURIComponent(dossier.reference)}\n`,
        });
      }
      return;
    }
    let token: string;
    let linkId: number;
    const old = s.linkId ? this.deps.links.get(s.linkId) : undefined;
    if (old && kind === "reminder") {
      const fresh = this.deps.links.reissue(old.id, Math.max(60_000, request.expiresAt - tx.now), actor);
      token = fresh.token;
      linkId = fresh.id;
    } else {
      const issued = this.deps.links.issue({ partyId: s.partyId!, purpose: SIGNER_PURPOSE, subject: `signer:${s.id}`, dossierId: request.dossierId, expiresAt: request.expiresAt, actor });
      token = issued.token;
      linkId = issued.id;
    }
    statement(this.db, `UPDATE signature_signer SET link_id = ? WHERE id = ?`).run(linkId, s.id);
    const url = `${this.deps.publicUrl()}/signature/${token}`;
    const until = new Intl.DateTimeFormat(request.locale === "en" ? "en-GB" : "fr-FR", { dateStyle: "long", timeZone: "Europe/Paris" }).format(new Date(request.expiresAt));
    const fr = request.locale !== "en";
    this.deps.outbox.enqueue(tx, {
      to: [{ partyId: s.partyId! }], dossierId: request.dossierId, purpose: "signature.invitation", key: `signature:${kind}:${s.id}:${linkId}`, actor, locale: request.locale, sensitive: true,
      subject: fr ? `${kind === "reminder" ? "Rappel : " : ""}Document à signer : ${request.title}` : `${kind === "reminder" ? "Reminder: " : ""}Document to sign: ${request.title}`,
      // The personal link comes last, well past the first 280 characters: the mail module journals an
      // excerpt of each mail in the dossier's (append-only) journal, which must not hold the token.
      text: fr
        ? `Bonjour ${s.name},\n\n${request.message ? `${request.message}\n\n` : ""}${this.deps.organisation} vous invite à signer électroniquement « ${request.title} » (dossier ${dossier.reference}, demande n° ${request.id}).\n\nAu moment de signer, un code à 6 chiffres vous sera envoyé par SMS au ${maskPhone(s.phone)}. Ce lien est valable jusqu'au ${until}.\nIl vous est personnel : ne le transférez pas. Si vous n'attendiez pas ce document, ignorez ce message.\n\nLisez le document et signez-le ici :\n${url}\n`
        : `Hello ${s.name},\n\n${request.message ? `${request.message}\n\n` : ""}${this.deps.organisation} invites you to sign "${request.title}" electronically (file ${dossier.reference}, request ${request.id}).\n\nWhen you sign, a 6-digit code is sent by SMS to ${maskPhone(s.phone)}. This link is valid until ${until}.\nIt is personal: do not forward it. If you did not expect this document, ignore this message.\n\nRead and sign it here:\n${url}\n`,
    });
    this.event(tx, request.id, s.id, kind === "invitation" ? "signer.invited" : "signer.reminded", actor, { channel: "email", email: s.email, linkId });
    if (kind === "invitation") this.journal(tx, request.dossierId, actor, "signature.invited", `${s.name} invité(e) à signer (demande n° ${request.id})`, { requestId: request.id, signerId: s.id });
  }

  cancelIn(tx: EngineTransaction, id: number, actor: string | null, reason?: string): void {
    const request = this.require(id);
    if (request.status !== "draft" && !OPEN.includes(request.status)) throw new DossierError("INVALID_STATE", `Expected a draft or open request to cancel, but request ${id} is ${request.status}`);
    statement(this.db, `UPDATE signature_request SET status = 'canceled', canceled_at = ?, canceled_by = ?, next_reminder_at = NULL, version = version + 1 WHERE id = ?`).run(tx.now, actor, id);
    this.closeLinks(request.id, actor, "canceled");
    this.event(tx, id, null, "request.canceled", actor, reason ? { reason } : null);
    this.journal(tx, request.dossierId, actor, "signature.canceled", `Demande de signature n° ${id} annulée${reason ? ` : ${reason}` : ""}`, { requestId: id });
    this.finish(tx, request, "canceled", {});
  }

  unlockIn(tx: EngineTransaction, requestId: number, signerId: number, actor: string | null): void {
    const request = this.require(requestId);
    const s = this.signer(signerId);
    if (!s || s.requestId !== requestId) throw new DossierError("NOT_FOUND", `Expected a signer '${signerId}' of request ${requestId}, but none was found`);
    if (s.status !== "locked") throw new DossierError("INVALID_STATE", `Expected a locked signer to unlock, but ${s.name} is ${s.status}`);
    if (!OPEN.includes(request.status)) throw new DossierError("INVALID_STATE", `Expected an open request, but request ${requestId} is ${request.status}`);
    statement(this.db, `UPDATE signature_signer SET status = 'invited', failed_attempts = 0, locked_at = NULL, otp_hash = NULL, otp_expires_at = NULL, otp_sent_count = 0 WHERE id = ?`).run(s.id);
    this.event(tx, requestId, s.id, "signer.unlocked", actor, null);
    this.journal(tx, request.dossierId, actor, "signature.unlocked", `${s.name} déverrouillé(e) (demande n° ${requestId})`, { requestId, signerId });
  }

  // ── the signer's side ─────────────────────────────────────────────────────────────────────────

  /** The signer a token opens (404 for another purpose; 410 data for expired/revoked). */
  resolveSigner(token: unknown): { link: LinkRow; linkState: "active" | "expired" | "revoked"; signer: SignerRow; request: RequestRow } {
    const { link, state } = this.deps.links.resolve(token, SIGNER_PURPOSE);
    const m = /^signer:(\d+)$/.exec(link.subject);
    const signer = m ? this.signer(Number(m[1])) : undefined;
    if (!signer || signer.partyId !== link.partyId) throw new DossierError("NOT_FOUND", "This link is not valid: check that it was copied whole, or ask for a new one");
    return { link, linkState: state, signer, request: this.require(signer.requestId) };
  }

  /** Why a signer cannot act now, or null. */
  private blocker(request: RequestRow, s: SignerRow, now: number): DossierError | ApiError | null {
    if (request.status === "completed" || (s.status === "signed")) return new DossierError("INVALID_STATE", s.status === "signed" ? `${s.name} has already signed this request` : `Request ${request.id} is already completed`);
    if (request.status === "expired" || (OPEN.includes(request.status) && request.expiresAt <= now)) return new DossierError("INVALID_STATE", `This signature request expired on ${new Date(request.expiresAt).toISOString()}`, [], { gone: true });
    if (request.status === "canceled") return new DossierError("INVALID_STATE", "This signature request was canceled by the sender", [], { gone: true });
    if (request.status === "declined") return new DossierError("INVALID_STATE", `This signature request was declined${request.declinedReason ? `: ${request.declinedReason}` : ""}`, [], { gone: true });
    if (!OPEN.includes(request.status)) return new DossierError("INVALID_STATE", `Expected a sent request, but request ${request.id} is ${request.status}`);
    if (s.status === "locked") return new ApiError("TOO_MANY_REQUESTS", `Too many wrong codes: this signature is locked until the sender unlocks it`, { locked: true });
    if (s.status === "waiting") {
      const before = this.signers(request.id).filter((x) => x.order < s.order && x.status !== "signed").map((x) => x.name);
      return new DossierError("INVALID_STATE", `Expected ${before.join(" and ")} to sign first (signing order ${s.order}), but ${before.length > 1 ? "they have" : "that signer has"} not signed yet`);
    }
    return null;
  }

  /** Sends a fresh 6-digit code by SMS (rate-limited). Returns when the code expires and the masked phone. */
  async sendCode(token: unknown, ctx: SigningContext): Promise<{ expiresAt: number; maskedPhone: string | null; sendsLeft: number }> {
    return this.deps.engine.transaction((tx) => {
      const { link, linkState, signer, request } = this.resolveSigner(token);
      if (linkState !== "active") throw new DossierError("INVALID_STATE", "This link is no longer valid", [], { gone: true });
      const blocked = this.blocker(request, signer, tx.now);
      if (blocked) throw blocked;
      if (signer.otpLastSentAt !== null && tx.now - signer.otpLastSentAt < OTP_MIN_INTERVAL_MS) {
        const wait = Math.ceil((signer.otpLastSentAt + OTP_MIN_INTERVAL_MS - tx.now) / 1000);
        throw new ApiError("TOO_MANY_REQUESTS", `A code was sent less than a minute ago: wait ${wait} s before asking for another one`, { retryAfter: wait });
      }
      if (signer.otpSentCount >= OTP_MAX_SENDS) throw new ApiError("TOO_MANY_REQUESTS", `Expected at most ${OTP_MAX_SENDS} codes for one signature, but ${signer.otpSentCount} were sent already: ask the sender for help`);
      const code = String(randomInt(0, 1_000_000)).padStart(6, "0");
      const expiresAt = tx.now + OTP_LIFETIME_MS;
      statement(this.db, `UPDATE signature_signer SET otp_hash = ?, otp_expires_at = ?, otp_sent_count = otp_sent_count + 1, otp_last_sent_at = ? WHERE id = ?`).run(this.otpHash(signer.id, code), expiresAt, tx.now, signer.id);
      const fr = (ctx.locale ?? request.locale) !== "en";
      this.deps.sms.enqueue(tx, {
        to: signer.phone!, dossierId: request.dossierId, purpose: "signature.otp", key: `signature:otp:${signer.id}:${tx.now}:${signer.otpSentCount + 1}`, sensitive: true, actor: `signer:${signer.id}`,
        text: fr ? `${code} est votre code de signature ${this.deps.organisation} (demande n° ${request.id}). Valable 10 minutes. Ne le communiquez à personne.` : `${code} is your ${this.deps.organisation} signing code (request ${request.id}). Valid 10 minutes. Do not share it.`,
      });
      this.deps.links.touch(link.id);
      this.event(tx, request.id, signer.id, "otp.sent", `signer:${signer.id}`, { to: maskPhone(signer.phone), ip: ctx.ip, userAgent: ctx.userAgent?.slice(0, 300) ?? null });
      return { expiresAt, maskedPhone: maskPhone(signer.phone), sendsLeft: OTP_MAX_SENDS - signer.otpSentCount - 1 };
    });
  }

  /** Checks the code and records the signature (409 twice, out of order …). */
  async sign(token: unknown, code: unknown, ctx: SigningContext): Promise<{ request: RequestRow; signer: SignerRow }> {
    const result = await this.deps.engine.transaction((tx) => {
      const { link, linkState, signer, request } = this.resolveSigner(token);
      if (linkState !== "active" && signer.status !== "signed") throw new DossierError("INVALID_STATE", "This link is no longer valid", [], { gone: true });
      const blocked = this.blocker(request, signer, tx.now);
      if (blocked) throw blocked;
      if (typeof code !== "string" || !/^\d{6}$/.test(code.trim())) throw new DossierError("INVALID_ARGUMENT", `Expected the 6-digit code received by SMS, but found ${typeof code === "string" ? `${code.trim().length} characters` : "none"}`);
      if (!signer.otpHash || signer.otpExpiresAt === null) throw new DossierError("INVALID_STATE", "Expected a code sent by SMS first: press « Signer » to receive one");
      if (signer.otpExpiresAt <= tx.now) {
        this.event(tx, request.id, signer.id, "otp.expired", `signer:${signer.id}`, null);
        return { error: new DossierError("INVALID_STATE", "This code has expired (codes are valid 10 minutes): ask for a new one", [], { codeExpired: true }) };
      }
      const expected = Buffer.from(signer.otpHash, "hex");
      const given = Buffer.from(this.otpHash(signer.id, code.trim()), "hex");
      if (!timingSafeEqual(expected, given)) {
        const failures = signer.failedAttempts + 1;
        const lock = failures >= OTP_MAX_FAILURES;
        statement(this.db, `UPDATE signature_signer SET failed_attempts = ?, status = ?, locked_at = ?, otp_hash = ${lock ? "NULL" : "otp_hash"} WHERE id = ?`).run(failures, lock ? "locked" : signer.status, lock ? tx.now : null, signer.id);
        this.event(tx, request.id, signer.id, lock ? "signer.locked" : "otp.failed", `signer:${signer.id}`, { failures, ip: ctx.ip });
        if (lock) this.journal(tx, request.dossierId, null, "signature.locked", `${signer.name} bloqué(e) après ${failures} codes erronés (demande n° ${request.id})`, { requestId: request.id, signerId: signer.id });
        // the failed try is kept (it commits): the error goes out after the transaction
        return { error: lock ? new ApiError("TOO_MANY_REQUESTS", `Wrong code, ${OTP_MAX_FAILURES} times: this signature is now locked until the sender unlocks it`, { locked: true }) : new DossierError("VALIDATION_FAILED", `Wrong code: ${OTP_MAX_FAILURES - failures} tr${OTP_MAX_FAILURES - failures > 1 ? "ies" : "y"} left`, [{ field: "code", message: "wrong code" }], { triesLeft: OTP_MAX_FAILURES - failures }) };
      }
      const docs = this.documents(request.id);
      const shown = ctx.documentSha256 ?? null;
      const matches = shown ? shown.length === docs.length && shown.every((h, i) => h === docs[i]!.sha256) : null;
      const evidence = {
        method: "sms-otp", utc: new Date(tx.now).toISOString(), local: ctx.localTime ?? null, timeZone: ctx.timeZone ?? null,
        serverParis: new Intl.DateTimeFormat("fr-FR", { dateStyle: "short", timeStyle: "medium", timeZone: "Europe/Paris" }).format(new Date(tx.now)),
        ip: ctx.ip, userAgent: ctx.userAgent?.slice(0, 500) ?? null, documentSha256: docs.map((d) => d.sha256).join(","), documentSha256SeenByPage: shown?.join(",") ?? null, documentMatches: matches,
        maskedPhone: maskPhone(signer.phone), otpSentAt: signer.otpLastSentAt ? new Date(signer.otpLastSentAt).toISOString() : null, otpVerifiedAt: new Date(tx.now).toISOString(),
        consent: CONSENT_TEXT[request.locale], linkId: link.id,
      };
      this.deps.links.touch(link.id);
      this.event(tx, request.id, signer.id, "otp.verified", `signer:${signer.id}`, { ip: ctx.ip });
      return { ...this.recordSignature(tx, request, signer, evidence, `signer:${signer.id}`) };
    });
    if ("error" in result) throw result.error;
    this.kick();
    return result;
  }

  /** An internal countersigner signing from the 360° view (their signed-in session is the authentication). */
  async signAsUser(username: string, requestId: number, ctx: SigningContext): Promise<{ request: RequestRow; signer: SignerRow }> {
    const result = await this.deps.engine.transaction((tx) => {
      const request = this.require(requestId);
      const signer = this.signers(requestId).find((s) => s.kind === "user" && s.username === username && s.status !== "signed") ?? this.signers(requestId).find((s) => s.kind === "user" && s.username === username);
      if (!signer) throw new DossierError("FORBIDDEN", `Expected ${username} to be a signer of request ${requestId}, but they are not`);
      const blocked = this.blocker(request, signer, tx.now);
      if (blocked) throw blocked;
      const docs = this.documents(request.id);
      const evidence = {
        method: "back-office-session", utc: new Date(tx.now).toISOString(), local: ctx.localTime ?? null, timeZone: ctx.timeZone ?? null, ip: ctx.ip, userAgent: ctx.userAgent?.slice(0, 500) ?? null,
        documentSha256: docs.map((d) => d.sha256).join(","), username, consent: CONSENT_TEXT[request.locale].replace(/ Je reconnais.*$| I acknowledge.*$/, ""),
      };
      return this.recordSignature(tx, request, signer, evidence, username);
    });
    this.kick();
    return result;
  }

  private recordSignature(tx: EngineTransaction, request: RequestRow, signer: SignerRow, evidence: Record<string, unknown>, actor: string) {
    statement(this.db, `UPDATE signature_signer SET status = 'signed', signed_at = ?, otp_hash = NULL, otp_expires_at = NULL, evidence = ? WHERE id = ?`).run(tx.now, JSON.stringify(evidence), signer.id);
    this.event(tx, request.id, signer.id, "signer.signed", actor, { method: evidence["method"], ip: evidence["ip"] ?? null });
    this.journal(tx, request.dossierId, actor, "signature.signed", `${signer.name} a signé (demande n° ${request.id})`, { requestId: request.id, signerId: signer.id, method: evidence["method"] });
    const all = this.signers(request.id);
    if (all.every((s) => s.status === "signed")) {
      statement(this.db, `UPDATE signature_request SET status = 'partially_signed', seal_state = 'pending', next_reminder_at = NULL, version = version + 1 WHERE id = ?`).run(request.id);
      this.event(tx, request.id, null, "request.all-signed", null, null);
    } else {
      statement(this.db, `UPDATE signature_request SET status = 'partially_signed', version = version + 1 WHERE id = ?`).run(request.id);
      this.inviteNext(tx, this.require(request.id), null);
    }
    return { request: this.require(request.id), signer: this.signer(signer.id)! };
  }

  async decline(token: unknown, reason: unknown, ctx: SigningContext): Promise<RequestRow> {
    return this.deps.engine.transaction((tx) => {
      const { linkState, signer, request } = this.resolveSigner(token);
      if (linkState !== "active") throw new DossierError("INVALID_STATE", "This link is no longer valid", [], { gone: true });
      const blocked = this.blocker(request, signer, tx.now);
      if (blocked && !(blocked instanceof ApiError)) throw blocked;
      const text = typeof reason === "string" ? reason.trim() : "";
      if (!text) throw new DossierError("VALIDATION_FAILED", "Expected the reason why you decline to sign, but found none", [{ field: "reason", message: "required" }]);
      statement(this.db, `UPDATE signature_signer SET status = 'declined', declined_at = ?, decline_reason = ? WHERE id = ?`).run(tx.now, text.slice(0, 2000), signer.id);
      statement(this.db, `UPDATE signature_request SET status = 'declined', declined_reason = ?, next_reminder_at = NULL, version = version + 1 WHERE id = ?`).run(`${signer.name} : ${text.slice(0, 2000)}`, request.id);
      this.closeLinks(request.id, `signer:${signer.id}`, "declined");
      this.event(tx, request.id, signer.id, "signer.declined", `signer:${signer.id}`, { reason: text.slice(0, 2000), ip: ctx.ip, userAgent: ctx.userAgent?.slice(0, 300) ?? null });
      this.journal(tx, request.dossierId, `signer:${signer.id}`, "signature.declined", `${signer.name} a refusé de signer (demande n° ${request.id}) : ${text.slice(0, 300)}`, { requestId: request.id, signerId: signer.id });
      this.finish(tx, request, "declined", { signatureDeclinedReason: text.slice(0, 2000) });
      return this.require(request.id);
    });
  }

  // ── completion ────────────────────────────────────────────────────────────────────────────────

  /** Publishes the outcome to the waiting process (correlation key: the request id). */
  private finish(tx: EngineTransaction, request: RequestRow, outcome: "signed" | "declined" | "expired" | "canceled", extra: Record<string, unknown>): void {
    tx.publishMessage({
      name: COMPLETED_MESSAGE, correlationKey: request.correlationKey, messageId: `signature-completed:${request.id}`, timeToLive: 7 * DAY,
      variables: { signatureOutcome: outcome, signatureRequestId: request.id, ...extra },
    });
  }

  private closeLinks(requestId: number, actor: string | null, reason: string) {
    for (const s of this.signers(requestId)) if (s.kind === "party") this.deps.links.revokeSubject(SIGNER_PURPOSE, `signer:${s.id}`, actor, reason);
  }

  /** Starts sealing the pending requests (once at a time). */
  kick(): Promise<void> {
    this.sealing ??= this.sealPending().finally(() => {
      this.sealing = null;
    });
    return this.sealing;
  }

  /** Waits for the sealing in progress (tests, stop). */
  async idle(): Promise<void> {
    while (this.sealing) await this.sealing;
  }

  private async sealPending(): Promise<void> {
    for (;;) {
      const row = statement(this.db, `SELECT id FROM signature_request WHERE seal_state = 'pending' AND seal_attempts < 5 ORDER BY id LIMIT 1`).get() as { id: number } | undefined;
      if (!row) return;
      try {
        await this.seal(row.id);
      } catch (error) {
        this.deps.log(`signature: sealing request ${row.id} failed: ${(error as Error).message}`);
        await this.deps.engine.transaction(() => {
          statement(this.db, `UPDATE signature_request SET seal_attempts = seal_attempts + 1, seal_error = ?, seal_state = CASE WHEN seal_attempts + 1 >= 5 THEN 'failed' ELSE 'pending' END WHERE id = ?`).run(String((error as Error).message).slice(0, 1000), row.id);
        });
        if ((this.get(row.id)?.sealAttempts ?? 5) < 5) await new Promise((r) => setTimeout(r, 200));
      }
    }
  }

  /** The signed PDF (signature page appended) and the evidence file, sealed, filed and registered. */
  private async seal(id: number): Promise<void> {
    const request = this.require(id);
    const dossier = dossierById(this.db, request.dossierId)!;
    const docs = this.documents(id);
    const everyone = { sql: "1 = 1", params: [] };
    const sources = docs.map((d) => readFileSync(this.deps.domain.documents.content(d.documentId, everyone, d.version).path));
    sources.forEach((bytes, i) => {
      if (sha256(bytes) !== docs[i]!.sha256) throw new Error(`document ${docs[i]!.documentId} version ${docs[i]!.version} does not match the hash it was sent with`);
    });
    const signers = this.signers(id);
    const type = this.deps.domain.types.get(dossier.typeId);
    const roleLabel = (role: string | null) => (role ? type?.partyRoles.find((r) => r.id === role)?.label?.["fr"] ?? role : null);
    const cert = this.deps.certificate;
    const signedPdf = await withSignaturePage(sources, {
      requestId: id, title: request.title, dossierReference: dossier.reference, originalSha256: docs.map((d) => d.sha256),
      signers: signers.map((s) => ({ name: s.name, role: s.kind === "user" ? "contresignataire, " + this.deps.organisation : roleLabel(s.role), signedAt: s.signedAt!, method: s.kind === "user" ? "session authentifiée de l'espace interne" : "lien personnel par courriel et code à usage unique par SMS", maskedPhone: maskPhone(s.phone) })),
    });
    const at = new Date(this.now());
    const sealed = await sealPdf(signedPdf, cert, { reason: `Signature électronique, demande n° ${id}`, name: this.deps.organisation, location: dossier.reference, at });
    const finalSha = sha256(sealed);
    const timeline = this.timeline(id).map((t) => ({ at: t.at, type: t.type, signer: t.signerId ? signers.find((s) => s.id === t.signerId)?.name ?? null : null, details: t.details }));
    const evidencePdf = await evidenceFile({
      requestId: id, title: request.title, dossierReference: dossier.reference, organisation: this.deps.organisation,
      certificate: { subject: cert.subject, fingerprint256: cert.fingerprint256, selfSigned: cert.selfSigned }, createdAt: request.createdAt, createdBy: request.createdBy, completedAt: at.getTime(),
      documents: docs.map((d) => ({ filename: d.filename, documentId: d.documentId, version: d.version, sha256: d.sha256 })), finalSha256: finalSha,
      signers: signers.map((s) => ({ name: s.name, role: roleLabel(s.role), kind: s.kind, email: s.email, maskedPhone: maskPhone(s.phone), signedAt: s.signedAt, evidence: s.evidence })),
      timeline,
    });
    const evidence = await sealPdf(evidencePdf, cert, { reason: `Fichier de preuve, demande n° ${id}`, name: this.deps.organisation, location: dossier.reference, at });
    const base = (request.title || "document").replace(/[^\p{L}\p{N} ._-]+/gu, "-").slice(0, 80);
    const documentType = type?.documentTypes.some((t) => t.id === "contrat") ? "contrat" : null;
    const library = this.deps.domain.documents;
    const [signedView] = await library.add({ dossier, documentType, files: [await library.stage(sealed, `${base} - signé.pdf`)], actor: "signature" });
    const [evidenceView] = await library.add({ dossier, documentType: null, files: [await library.stage(evidence, `${base} - fichier de preuve.pdf`)], actor: "signature" });
    await this.deps.engine.transaction((tx) => {
      const current = this.require(id);
      if (current.sealState !== "pending") return; // canceled meanwhile: the documents stay, nothing is published
      const insert = statement(this.db, `INSERT INTO signature_seal (sha256, request_id, document_id, kind, sealed_at, size, certificate_fingerprint) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING`);
      insert.run(finalSha, id, signedView!.id, "contract", tx.now, sealed.length, cert.fingerprint256);
      insert.run(sha256(evidence), id, evidenceView!.id, "evidence", tx.now, evidence.length, cert.fingerprint256);
      statement(this.db, `UPDATE signature_request SET status = 'completed', completed_at = ?, seal_state = 'done', seal_error = NULL, sealed_document_id = ?, evidence_document_id = ?, version = version + 1 WHERE id = ?`)
        .run(tx.now, signedView!.id, evidenceView!.id, id);
      this.event(tx, id, null, "request.sealed", "signature", { sealedDocumentId: signedView!.id, sealedSha256: finalSha, evidenceDocumentId: evidenceView!.id, evidenceSha256: sha256(evidence), certificate: cert.fingerprint256, selfSigned: cert.selfSigned });
      this.journal(tx, request.dossierId, "signature", "signature.completed", `Demande de signature n° ${id} signée par tous et scellée${cert.selfSigned ? " (certificat AUTO-SIGNÉ, à remplacer)" : ""}`, { requestId: id, sealedDocumentId: signedView!.id, evidenceDocumentId: evidenceView!.id, sha256: finalSha });
      this.finish(tx, current, "signed", { signedDocumentId: signedView!.id, evidenceDocumentId: evidenceView!.id, signedDocumentIds: [signedView!.id, evidenceView!.id] });
    });
  }

  // ── the periodic check ────────────────────────────────────────────────────────────────────────

  /** Expires overdue requests and sends due reminders; returns what it did. */
  async tick(): Promise<{ expired: number; reminded: number }> {
    const now = this.now();
    const overdue = statement(this.db, `SELECT id FROM signature_request WHERE status IN ('sent', 'partially_signed') AND seal_state IS NULL AND expires_at <= ? LIMIT 100`).all(now) as Array<{ id: number }>;
    const due = statement(this.db, `SELECT id FROM signature_request WHERE status IN ('sent', 'partially_signed') AND seal_state IS NULL AND next_reminder_at <= ? AND reminders_left > 0 LIMIT 100`).all(now) as Array<{ id: number }>;
    let expired = 0;
    let reminded = 0;
    for (const { id } of overdue) {
      await this.deps.engine.transaction((tx) => {
        const r = this.require(id);
        if (!OPEN.includes(r.status) || r.expiresAt > tx.now || r.sealState) return;
        statement(this.db, `UPDATE signature_request SET status = 'expired', next_reminder_at = NULL, version = version + 1 WHERE id = ?`).run(id);
        this.event(tx, id, null, "request.expired", null, null);
        this.journal(tx, r.dossierId, null, "signature.expired", `Demande de signature n° ${id} expirée sans toutes les signatures`, { requestId: id });
        this.finish(tx, r, "expired", {});
        expired++;
      });
    }
    for (const { id } of due) {
      await this.deps.engine.transaction((tx) => {
        const r = this.require(id);
        if (!OPEN.includes(r.status) || r.nextReminderAt === null || r.nextReminderAt > tx.now || r.remindersLeft <= 0) return;
        for (const s of this.signers(id).filter((x) => x.status === "invited")) this.invite(tx, r, s, null, "reminder");
        const left = r.remindersLeft - 1;
        statement(this.db, `UPDATE signature_request SET reminders_left = ?, next_reminder_at = ? WHERE id = ?`).run(left, left > 0 && r.reminderEveryMs ? tx.now + r.reminderEveryMs : null, id);
        reminded++;
      });
    }
    return { expired, reminded };
  }

  // ── verification ──────────────────────────────────────────────────────────────────────────────

  /** What the verification page says of an uploaded PDF. */
  verify(pdf: Buffer): { sha256: string; registered: null | { requestId: number; kind: string; sealedAt: number; dossierReference: string | null; title: string | null }; seal: SealCheck; verdict: "authentic" | "altered" | "unknown" } {
    const hash = sha256(pdf);
    const row = statement(this.db, `SELECT s.request_id, s.kind, s.sealed_at, r.title, d.reference FROM signature_seal s JOIN signature_request r ON r.id = s.request_id LEFT JOIN dossier d ON d.id = r.dossier_id WHERE s.sha256 = ?`).get(hash) as any;
    const seal = checkSeal(pdf);
    const ours = seal.certificateFingerprint256 === this.deps.certificate.fingerprint256;
    const verdict = row && seal.intact && seal.wholeFile ? "authentic" : seal.signed && (!seal.intact || (ours && !row)) ? "altered" : "unknown";
    return { sha256: hash, registered: row ? { requestId: row.request_id, kind: row.kind, sealedAt: row.sealed_at, dossierReference: row.reference, title: row.title } : null, seal, verdict };
  }

  // ── helpers ───────────────────────────────────────────────────────────────────────────────────

  private otpHash(signerId: number, code: string): string {
    return createHmac("sha256", this.deps.otpKey).update(`${signerId}:${code}`).digest("hex");
  }

  private event(tx: EngineTransaction, requestId: number, signerId: number | null, type: string, actor: string | null, details: Record<string, unknown> | null) {
    statement(this.db, `INSERT INTO signature_event (request_id, signer_id, at, type, actor, details) VALUES (?, ?, ?, ?, ?, ?)`).run(requestId, signerId, tx.now, type, actor, details ? JSON.stringify(details) : null);
  }

  private journal(tx: EngineTransaction, dossierId: number, actor: string | null, action: string, summary: string, after: Record<string, unknown>) {
    this.deps.domain.journal.append({ dossierId, at: tx.now, actor, action, summary, before: null, after });
  }
}
