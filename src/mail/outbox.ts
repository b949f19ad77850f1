/**
 * The mail outbox: `enqueue` records a mail INSIDE the caller's transaction — recipients resolved
 * now (addresses, parties, the dossier's parties in a role), the template rendered, a Message-ID
 * and the Reply-To plus address that thread replies back to the dossier, the attachments (document
 * versions of the dossier), and the copy in the dossier's journal (`mail.sent`). The sender
 * (sender.ts) delivers it after the commit. An idempotency key already queued answers the mail
 * already recorded.
 */
import { randomUUID } from "node:crypto";
import type Database from "better-sqlite3";
import type { EngineTransaction } from "../engine/engine.js";
import type { Domain } from "../dossiers/domain.js";
import { DossierError } from "../dossiers/errors.js";
import { dossierById } from "../dossiers/rows.js";
import type { DossierRow } from "../dossiers/rows.js";
import type { PartyRow } from "../dossiers/parties/types.js";
import { statement } from "../persistence/statements.js";
import type { TemplateRenderer } from "../templates/api.js";
import type { MailRecipient, Outbox, OutboundMailRequest, QueuedMail } from "./api.js";
import { bareAddress, plusAddress, type MailSettings } from "./config.js";
import { renderMail, type Locale } from "./render.js";

export interface ResolvedRecipient {
  address: string;
  name: string | null;
  partyId: number | null;
  role: string | null;
}

export interface AttachmentRef {
  documentId: number;
  version: number;
  filename: string;
  mime: string;
  size: number;
}

const ALL = { sql: "1 = 1", params: [] as unknown[] };
const MAX_TEXT = 200_000;
const MAX_HTML = 1_000_000;
const MAX_RECIPIENTS = 50;

export interface OutboxDeps {
  db: Database.Database;
  domain: Domain;
  settings: MailSettings;
  templates: TemplateRenderer;
  publicUrl: () => string;
  /** The organisation's details (the templates module's settings: /templates → Paramètres, else ORGANISATION_*). */
  organisation: () => Record<string, unknown>;
  /** Wakes the sender once the transaction committed. */
  wake: () => void;
}

const normLocale = (v: unknown): Locale | null => (typeof v === "string" && /^en\b/i.test(v) ? "en" : typeof v === "string" && /^fr\b/i.test(v) ? "fr" : null);

export class MailOutbox implements Outbox {
  constructor(private readonly deps: OutboxDeps) {}

  enqueue(tx: EngineTransaction, mail: OutboundMailRequest): QueuedMail {
    const { db } = this.deps;
    if (mail.key !== undefined && (typeof mail.key !== "string" || mail.key === "" || mail.key.length > 255)) {
      throw new DossierError("INVALID_ARGUMENT", `Expected 'key' to be text of 1 to 255 characters, but found ${JSON.stringify(mail.key)}`);
    }
    if (mail.key) {
      const found = statement(db, `SELECT id, message_id FROM mail_outbound WHERE idem_key = ?`).get(mail.key) as { id: number; message_id: string } | undefined;
      if (found) return { id: found.id, messageId: found.message_id, duplicate: true };
    }
    if (typeof mail.purpose !== "string" || !/^[a-z][a-z0-9._-]{0,63}$/.test(mail.purpose)) {
      throw new DossierError("INVALID_ARGUMENT", `Expected 'purpose' such as 'process' or 'agent', but found ${JSON.stringify(mail.purpose)}`);
    }
    const dossier = mail.dossierId === undefined || mail.dossierId === null ? null : (dossierById(db, mail.dossierId) ?? null);
    if (mail.dossierId !== undefined && mail.dossierId !== null && !dossier) throw new DossierError("NOT_FOUND", `Expected to find a dossier ${mail.dossierId}, but none was found`);
    if (!Array.isArray(mail.to) || mail.to.length === 0) throw new DossierError("INVALID_ARGUMENT", "Expected at least one recipient in 'to', but found none");
    const to = this.resolve(mail.to, dossier, "to");
    const cc = this.resolve(mail.cc ?? [], dossier, "cc");
    const bcc = this.resolve(mail.bcc ?? [], dossier, "bcc");
    if (to.length + cc.length + bcc.length > MAX_RECIPIENTS) throw new DossierError("INVALID_ARGUMENT", `Expected at most ${MAX_RECIPIENTS} recipients, but found ${to.length + cc.length + bcc.length}`);
    const locale = normLocale(mail.locale) ?? this.localeOf(to) ?? "fr";
    const attachments = this.attachments(mail.attachments ?? [], dossier);

    let subject: string;
    let text: string;
    let html: string | null;
    let template: string | null = null;
    let templateVersion: string | null = null;
    if (mail.template) {
      const rendered = renderMail(this.deps.templates, mail.template, locale, this.templateData(mail, dossier, to));
      subject = rendered.subject || (mail.subject ?? "");
      text = rendered.text;
      html = rendered.html;
      template = mail.template;
      templateVersion = rendered.version;
    } else {
      subject = mail.subject ?? "";
      html = typeof mail.html === "string" && mail.html.trim() ? mail.html : null;
      text = typeof mail.text === "string" && mail.text.trim() ? mail.text : html ? htmlToText(html) : "";
      if (!text.trim()) throw new DossierError("INVALID_ARGUMENT", "Expected a template, or a text or html body, but found neither");
    }
    subject = subject.replace(/[\r\n]+/g, " ").trim();
    if (!subject) throw new DossierError("INVALID_ARGUMENT", "Expected a subject (or a template with a subject), but found none");
    if (dossier && !subject.includes(`[${dossier.reference}]`)) subject = `${subject} [${dossier.reference}]`;
    if (subject.length > 900) throw new DossierError("INVALID_ARGUMENT", `Expected a subject of at most 900 characters, but found ${subject.length}`);
    if (text.length > MAX_TEXT) throw new DossierError("INVALID_ARGUMENT", `Expected a text body of at most ${MAX_TEXT} characters, but found ${text.length}`);
    if (html && html.length > MAX_HTML) throw new DossierError("INVALID_ARGUMENT", `Expected an HTML body of at most ${MAX_HTML} characters, but found ${html.length}`);

    const messageId = `<${randomUUID()}@${this.deps.settings.messageIdHost}>`;
    const replyTo = dossier ? plusAddress(this.deps.settings.replyTo, dossier.reference) : this.deps.settings.replyTo;
    const now = tx.now;
    const info = statement(db,
      `INSERT INTO mail_outbound (dossier_id, message_id, idem_key, purpose, actor, from_addr, reply_to, to_json, cc_json, bcc_json, subject, text_body, html_body,
         template, template_version, locale, attachments_json, status, attempts, next_attempt_at, created_at, updated_at, sensitive)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', 0, ?, ?, ?, ?)`,
    ).run(dossier?.id ?? null, messageId, mail.key ?? null, mail.purpose, mail.actor ?? null, this.deps.settings.from, replyTo, JSON.stringify(to), JSON.stringify(cc), JSON.stringify(bcc),
      subject, text, html, template, templateVersion, locale, JSON.stringify(attachments), now, now, now, mail.sensitive ? 1 : 0);
    const id = Number(info.lastInsertRowid);
    if (dossier) {
      this.deps.domain.journal.append({
        dossierId: dossier.id, at: now, actor: mail.actor ?? null, action: "mail.sent", summary: `E-mail à ${to.map((r) => r.address).join(", ")} : ${subject}`.slice(0, 300),
        after: { outboundId: id, messageId, to: to.map((r) => r.address), cc: cc.map((r) => r.address), subject, purpose: mail.purpose, status: "queued", template, attachments: attachments.map((a) => a.documentId), excerpt: mail.sensitive ? null : text.slice(0, 280), ...(mail.sensitive ? { sensitive: true } : {}) },
        private: true,
      });
      statement(db, `UPDATE dossier SET updated_at = ? WHERE id = ?`).run(now, dossier.id);
    }
    tx.afterCommit(this.deps.wake);
    return { id, messageId, duplicate: false };
  }

  /** Recipients resolved now: a later change of the address book does not change a queued mail. */
  resolve(list: MailRecipient[], dossier: DossierRow | null, field: string): ResolvedRecipient[] {
    if (!Array.isArray(list)) throw new DossierError("INVALID_ARGUMENT", `Expected '${field}' to be a list of recipients, but found ${JSON.stringify(list)?.slice(0, 80)}`);
    const out: ResolvedRecipient[] = [];
    const add = (r: ResolvedRecipient) => {
      if (!out.some((o) => o.address.toLowerCase() === r.address.toLowerCase())) out.push(r);
    };
    for (const entry of list) {
      if (typeof entry === "string") {
        for (const piece of entry.split(/[,;]/).map((s) => s.trim()).filter(Boolean)) {
          const address = bareAddress(piece);
          if (!address) throw new DossierError("INVALID_ARGUMENT", `Expected an e-mail address in '${field}', but found '${piece.slice(0, 120)}'`);
          const name = /^(.*?)\s*</.exec(piece)?.[1]?.replace(/^"|"$/g, "").trim() || null;
          add({ address, name, partyId: null, role: null });
        }
      } else if (entry && typeof entry === "object" && "partyId" in entry) {
        const party = this.partyOf(entry.partyId, field);
        add({ address: this.emailOf(party, null, dossier), name: party.name, partyId: party.id, role: null });
      } else if (entry && typeof entry === "object" && "role" in entry && typeof entry.role === "string") {
        if (!dossier) throw new DossierError("INVALID_ARGUMENT", `Expected a dossier for the recipients in the role '${entry.role}', but the mail has none`);
        const links = this.deps.domain.service.partiesOf(dossier.id).filter((l) => l.role === entry.role);
        if (links.length === 0) throw new DossierError("INVALID_ARGUMENT", `Expected a party in the role '${entry.role}' of ${dossier.reference}, but found none`);
        const parties = this.deps.domain.parties.getMany(links.map((l) => l.partyId));
        for (const link of links) {
          const party = parties.get(link.partyId);
          if (!party) throw new DossierError("INVALID_ARGUMENT", `Expected party ${link.partyId} (role '${entry.role}') in the address book, but it is not there`);
          add({ address: this.emailOf(party, entry.role, dossier), name: party.name, partyId: party.id, role: entry.role });
        }
      } else {
        throw new DossierError("INVALID_ARGUMENT", `Expected a recipient in '${field}' (an address, {partyId} or {role}), but found ${JSON.stringify(entry)?.slice(0, 80)}`);
      }
    }
    return out;
  }

  private partyOf(id: unknown, field: string): PartyRow {
    const party = Number.isSafeInteger(id) ? this.deps.domain.parties.get(id as number) : undefined;
    if (!party) throw new DossierError("INVALID_ARGUMENT", `Expected a party of the address book in '${field}', but found ${JSON.stringify(id)}`);
    return party;
  }

  private emailOf(party: PartyRow, role: string | null, dossier: DossierRow | null): string {
    const address = party.emails.map((e) => bareAddress(e)).find((e) => e !== null);
    if (!address) {
      const where = role && dossier ? ` (role '${role}' of ${dossier.reference})` : "";
      throw new DossierError("INVALID_ARGUMENT", `Expected party ${party.id} '${party.name}'${where} to have an e-mail address, but it has none`);
    }
    return address;
  }

  private localeOf(to: ResolvedRecipient[]): Locale | null {
    const first = to.find((r) => r.partyId !== null);
    return first ? normLocale(this.deps.domain.parties.get(first.partyId!)?.language) : null;
  }

  private attachments(ids: unknown[], dossier: DossierRow | null): AttachmentRef[] {
    if (!Array.isArray(ids)) throw new DossierError("INVALID_ARGUMENT", `Expected 'attachments' to be a list of document ids, but found ${JSON.stringify(ids)?.slice(0, 80)}`);
    if (ids.length && !dossier) throw new DossierError("INVALID_ARGUMENT", "Expected a dossier for attachments (documents are attached from the mail's dossier), but the mail has none");
    if (ids.length > 20) throw new DossierError("INVALID_ARGUMENT", `Expected at most 20 attachments, but found ${ids.length}`);
    const out: AttachmentRef[] = [];
    for (const id of new Set(ids)) {
      if (!Number.isSafeInteger(id) || (id as number) < 1) throw new DossierError("INVALID_ARGUMENT", `Expected document ids in 'attachments', but found ${JSON.stringify(id)}`);
      const shown = statement(this.deps.db, `SELECT 1 FROM dossier_document WHERE dossier_id = ? AND document_id = ?`).get(dossier!.id, id);
      if (!shown) throw new DossierError("INVALID_ARGUMENT", `Expected documents of ${dossier!.reference} to attach, but document ${id} does not show in it`);
      const file = this.deps.domain.documents.content(id as number, ALL);
      out.push({ documentId: id as number, version: file.version, filename: file.filename, mime: file.mime, size: file.size });
    }
    const total = out.reduce((n, a) => n + a.size, 0);
    if (total > 20 * 1024 * 1024) throw new DossierError("INVALID_ARGUMENT", `Expected attachments of at most 20 MB in all, but found ${(total / 1024 / 1024).toFixed(1)} MB`);
    return out;
  }

  /** What a template sees: the request's data (process variables …), the dossier, the recipient, the links and the organisation. */
  private templateData(mail: OutboundMailRequest, dossier: DossierRow | null, to: ResolvedRecipient[]): Record<string, unknown> {
    const { domain, settings } = this.deps;
    const parties = dossier ? domain.service.partiesOf(dossier.id) : [];
    const rows = domain.parties.getMany(parties.map((p) => p.partyId));
    const first = to[0]!;
    const recipientParty = first.partyId !== null ? rows.get(first.partyId) ?? domain.parties.get(first.partyId) : undefined;
    return {
      ...(mail.data ?? {}),
      dossier: dossier
        ? {
            reference: dossier.reference, title: dossier.title, type: dossier.typeId, state: dossier.state, fields: dossier.data, owner: dossier.owner,
            url: `${this.deps.publicUrl()}/dossiers/${encodeURIComponent(dossier.reference)}`,
            parties: parties.map((p) => ({ role: p.role, id: p.partyId, name: rows.get(p.partyId)?.name ?? null, email: rows.get(p.partyId)?.emails[0] ?? null })),
          }
        : null,
      recipient: { name: first.name, address: first.address, role: first.role, firstName: recipientParty?.firstName ?? null, lastName: recipientParty?.lastName ?? null, kind: recipientParty?.kind ?? null },
      publicUrl: this.deps.publicUrl(),
      organisation: { ...this.deps.organisation(), from: settings.fromAddress, replyTo: settings.replyTo },
    };
  }
}

/** A plain-text rendering of an HTML body (when only HTML was given). */
export function htmlToText(html: string): string {
  return html
    .replace(/<(script|style)[^>]*>[\s\S]*?<\/\1>/gi, "")
    .replace(/<br\s*\/?>/gi, "\n")
    .replace(/<\/(p|div|h[1-6]|li|tr)>/gi, "\n")
    .replace(/<[^>]+>/g, "")
    .replace(/&nbsp;/g, " ").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, "&")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}
