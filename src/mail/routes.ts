/**
 * /api of the sending side (docs/mail.md): the sent mails and SMS (mail.read, through the access
 * predicate: a mail of a dossier the caller cannot see does not exist for them; mails without a
 * dossier need mail.manage), a failed mail queued again (mail.manage), and the 360° view's
 * compose: what can be written (recipients, documents, templates) and the mail itself (dossiers.write).
 */
import { Router, type Request } from "express";
import sanitizeHtml from "sanitize-html";
import type Database from "better-sqlite3";
import { allow, principalOf } from "../api/auth/guard.js";
import { body } from "../api/v2/wire.js";
import type { Engine } from "../engine/engine.js";
import type { Domain } from "../dossiers/domain.js";
import { DossierError } from "../dossiers/errors.js";
import { dossierVisibility, seesPrivate } from "../dossiers/access.js";
import { visibleDossier } from "../dossiers/rows.js";
import type { Principal } from "../identity/identity.js";
import { statement } from "../persistence/statements.js";
import type { TemplateRenderer } from "../templates/api.js";
import type { MailRecipient } from "./api.js";
import type { MailLedger } from "./ledger.js";
import type { MailOutbox } from "./outbox.js";
import { mailTemplateExists } from "./render.js";
import type { OutboundRow } from "./sender.js";

/** The templates an agent can pick in the compose dialog (those present under templates/mail/). */
export const COMPOSE_TEMPLATES: Array<{ name: string; label: { fr: string; en: string } }> = [
  { name: "message", label: { fr: "Message libre (avec signature)", en: "Free message (with signature)" } },
  { name: "relance-pieces", label: { fr: "Relance : pièces manquantes", en: "Reminder: missing documents" } },
  { name: "relance-devis", label: { fr: "Relance du devis", en: "Quote follow-up" } },
  { name: "enquete-satisfaction", label: { fr: "Enquête de satisfaction", en: "Satisfaction survey" } },
  { name: "refus-dossier", label: { fr: "Refus du dossier", en: "File refused" } },
];

const STATUSES = ["queued", "sending", "sent", "failed"];

function one(req: Request, name: string): string | undefined {
  const v = req.query[name];
  if (v === undefined || v === "") return undefined;
  if (typeof v !== "string") throw new DossierError("INVALID_ARGUMENT", `Expected one value for '${name}', but found ${JSON.stringify(v)}`);
  return v;
}

function idParam(raw: unknown): number {
  const s = String(raw);
  if (!/^\d{1,12}$/.test(s)) throw new DossierError("INVALID_ARGUMENT", `Expected an id (a whole number), but found '${s.slice(0, 40)}'`);
  return Number(s);
}

/** Which rows of `table` (aliased m, its dossier joined as d) the principal may see. */
function visibleRows(me: Principal): { sql: string; params: unknown[] } {
  const vis = dossierVisibility(me, "d");
  const manage = me.permissions.has("mail.manage");
  return { sql: `((m.dossier_id IS NOT NULL AND ${vis.sql}) OR (m.dossier_id IS NULL AND ${manage ? "1 = 1" : "1 = 0"}))`, params: vis.params };
}

function filters(req: Request, me: Principal) {
  const where = [];
  const access = visibleRows(me);
  where.push(access.sql);
  const params = [...access.params];
  const dossier = one(req, "dossier");
  if (dossier) {
    where.push("d.reference = ?");
    params.push(dossier);
  }
  const status = one(req, "status");
  if (status) {
    if (!STATUSES.includes(status)) throw new DossierError("INVALID_ARGUMENT", `Expected 'status' to be one of ${STATUSES.join(", ")}, but found '${status}'`);
    where.push("m.status = ?");
    params.push(status);
  }
  const purpose = one(req, "purpose");
  if (purpose) {
    where.push("m.purpose = ?");
    params.push(purpose);
  }
  const limitRaw = one(req, "limit") ?? "50";
  const beforeRaw = one(req, "before");
  if (!/^\d{1,4}$/.test(limitRaw) || Number(limitRaw) < 1 || Number(limitRaw) > 200) throw new DossierError("INVALID_ARGUMENT", `Expected 'limit' from 1 to 200, but found '${limitRaw}'`);
  if (beforeRaw !== undefined) {
    where.push("m.id < ?");
    params.push(idParam(beforeRaw));
  }
  return { where: where.join(" AND "), params, limit: Number(limitRaw) };
}

const addresses = (json: string) => (JSON.parse(json) as Array<{ address: string; name: string | null }>).map((r) => (r.name ? `${r.name} <${r.address}>` : r.address));
const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function mailSummary(r: OutboundRow & { reference: string | null }) {
  return {
    id: r.id, dossier: r.reference, messageId: r.message_id, purpose: r.purpose, actor: r.actor, to: addresses(r.to_json), subject: r.subject, status: r.status,
    attempts: r.attempts, lastError: r.last_error, createdAt: iso(r.created_at), sentAt: iso(r.sent_at), attachments: (JSON.parse(r.attachments_json) as unknown[]).length,
  };
}

/** E-mail HTML as shown in the app: no scripts, forms, frames, event handlers or remote content (sanitize-html). */
export function sanitizeMailHtml(html: string): string {
  return sanitizeHtml(html, {
    allowedTags: sanitizeHtml.defaults.allowedTags.concat(["img", "span", "font", "center"]),
    allowedAttributes: { "*": ["style", "align", "width", "height", "bgcolor", "color", "border", "cellpadding", "cellspacing", "valign"], a: ["href", "title"], img: ["src", "alt", "width", "height"] },
    allowedSchemes: ["http", "https", "mailto"],
    allowedSchemesByTag: { img: ["data"] },
  });
}

export function mailRouter(deps: {
  db: Database.Database; engine: Engine; domain: Domain; outbox: MailOutbox; ledger: MailLedger; templates: TemplateRenderer; wake: () => void;
  /** Show the body of sensitive mails (personal links, codes): only with the development outbox folder, where no mail leaves the machine. */
  revealSensitive?: boolean;
}): Router {
  const { db, engine, domain, outbox, templates } = deps;
  const router = Router();

  router.get("/mail/outbound", allow("mail.read"), (req, res) => {
    const f = filters(req, principalOf(res));
    const rows = statement(db, `SELECT m.*, d.reference FROM mail_outbound m LEFT JOIN dossier d ON d.id = m.dossier_id WHERE ${f.where} ORDER BY m.id DESC LIMIT ${f.limit + 1}`).all(...f.params) as Array<OutboundRow & { reference: string | null }>;
    const page = rows.slice(0, f.limit);
    res.json({ items: page.map(mailSummary), next: rows.length > f.limit ? String(page[page.length - 1]!.id) : null });
  });

  router.get("/mail/outbound/:id", allow("mail.read"), (req, res) => {
    const me = principalOf(res);
    const access = visibleRows(me);
    const r = statement(db, `SELECT m.*, d.reference FROM mail_outbound m LEFT JOIN dossier d ON d.id = m.dossier_id WHERE m.id = ? AND ${access.sql}`).get(idParam(req.params["id"]), ...access.params) as (OutboundRow & { reference: string | null; template_version: string | null }) | undefined;
    if (!r) throw new DossierError("NOT_FOUND", `Expected to find a sent mail '${req.params["id"]}', but none was found`);
    const hidden = r.sensitive === 1 && !deps.revealSensitive;
    res.json({
      ...mailSummary(r), from: r.from_addr, replyTo: r.reply_to, cc: addresses(r.cc_json), bcc: addresses(r.bcc_json), text: hidden ? null : r.text_body,
      html: !hidden && r.html_body ? sanitizeMailHtml(r.html_body) : null, sensitive: r.sensitive === 1, hidden, template: r.template, templateVersion: r.template_version, locale: r.locale,
      attachments: JSON.parse(r.attachments_json), acceptedResponse: r.accepted_response, failedAt: iso(r.failed_at), nextAttemptAt: r.status === "queued" ? iso(r.next_attempt_at) : null,
      headers: { "Message-ID": r.message_id, From: r.from_addr, To: addresses(r.to_json).join(", "), ...(r.reply_to ? { "Reply-To": r.reply_to } : {}), Subject: r.subject, ...(r.reference ? { "X-Dossier-Reference": r.reference } : {}) },
    });
  });

  router.post("/mail/outbound/:id/retry", allow("mail.manage"), async (req, res) => {
    const me = principalOf(res);
    const id = idParam(req.params["id"]);
    const access = visibleRows(me);
    const r = statement(db, `SELECT m.id, m.status FROM mail_outbound m LEFT JOIN dossier d ON d.id = m.dossier_id WHERE m.id = ? AND ${access.sql}`).get(id, ...access.params) as { id: number; status: string } | undefined;
    if (!r) throw new DossierError("NOT_FOUND", `Expected to find a sent mail '${req.params["id"]}', but none was found`);
    if (r.status !== "failed") throw new DossierError("INVALID_STATE", `Expected a failed mail to send again, but mail ${id} is ${r.status}`);
    await engine.transaction((tx) => {
      deps.ledger.requeue(tx, id);
      tx.afterCommit(deps.wake);
    });
    res.json({ id, status: "queued" });
  });

  router.get("/mail/sms", allow("mail.read"), (req, res) => {
    const f = filters(req, principalOf(res));
    const rows = statement(db, `SELECT m.*, d.reference, r.text AS received_text FROM sms_outbound m LEFT JOIN dossier d ON d.id = m.dossier_id LEFT JOIN sms_dev_received r ON r.sms_id = m.id WHERE ${f.where} ORDER BY m.id DESC LIMIT ${f.limit + 1}`).all(...f.params) as Array<Record<string, any>>;
    const page = rows.slice(0, f.limit);
    res.json({
      items: page.map((r) => ({
        id: r["id"], dossier: r["reference"], purpose: r["purpose"], to: r["to_number"], from: r["from_name"], status: r["status"], attempts: r["attempts"], lastError: r["last_error"],
        encoding: r["encoding"], length: r["length"], segments: r["segments"], sensitive: r["sensitive"] === 1, text: r["sensitive"] === 1 ? null : r["text"],
        // What the development gateway's "phone" received (only with that gateway): one-time codes can be read there.
        received: r["received_text"] ?? null, createdAt: iso(r["created_at"]), sentAt: iso(r["sent_at"]),
      })),
      next: rows.length > f.limit ? String(page[page.length - 1]!["id"]) : null,
    });
  });

  // ── compose from the 360° view ──
  router.get("/dossiers/:reference/mail-options", allow("dossiers.read"), (req, res) => {
    const me = principalOf(res);
    const d = visibleDossier(db, me, String(req.params["reference"]));
    const links = domain.service.partiesOf(d.id);
    const parties = domain.parties.getMany(links.map((l) => l.partyId));
    const lang = req.query["lang"] === "en" || req.query["lang"] === "fr" ? req.query["lang"] : /^en\b/i.test(req.get("accept-language") ?? "") ? "en" : "fr";
    res.json({
      recipients: links.map((l) => ({ role: l.role, partyId: l.partyId, name: parties.get(l.partyId)?.name ?? null, email: parties.get(l.partyId)?.emails[0] ?? null })),
      documents: domain.documents.listFor(d.id, dossierVisibility(me, "d")).map((doc) => ({ id: doc.id, title: doc.title, filename: doc.filename, size: doc.size, mime: doc.mime })),
      templates: COMPOSE_TEMPLATES.filter((t) => mailTemplateExists(templates, t.name)).map((t) => ({ name: t.name, label: t.label[lang] })),
      canWrite: me.permissions.has("dossiers.write"),
      seesPrivate: seesPrivate(me, d),
    });
  });

  router.post("/dossiers/:reference/mails", allow("dossiers.write"), async (req, res) => {
    const me = principalOf(res);
    const d = visibleDossier(db, me, String(req.params["reference"]));
    const b = body(req) as Record<string, unknown>;
    const list = (v: unknown, name: string): MailRecipient[] => {
      if (v === undefined || v === null) return [];
      if (!Array.isArray(v)) throw new DossierError("VALIDATION_FAILED", `Expected '${name}' to be a list of recipients`, [{ field: name, message: "expected a list of addresses, {partyId} or {role}" }]);
      return v as MailRecipient[];
    };
    const to = list(b["to"], "to");
    if (to.length === 0) throw new DossierError("VALIDATION_FAILED", "Expected at least one recipient in 'to'", [{ field: "to", message: "expected at least one recipient" }]);
    const template = b["template"] === undefined || b["template"] === "" ? "message" : b["template"];
    if (typeof template !== "string") throw new DossierError("VALIDATION_FAILED", "Expected 'template' to be a template name", [{ field: "template", message: "expected a name such as relance-pieces" }]);
    const text = b["text"];
    if (text !== undefined && (typeof text !== "string" || text.length > 50_000)) throw new DossierError("VALIDATION_FAILED", "Expected 'text' of at most 50,000 characters", [{ field: "text", message: "expected text" }]);
    if (template === "message" && (typeof text !== "string" || !text.trim())) throw new DossierError("VALIDATION_FAILED", "Expected the message's 'text'", [{ field: "text", message: "expected the message" }]);
    const subject = b["subject"];
    if (subject !== undefined && typeof subject !== "string") throw new DossierError("VALIDATION_FAILED", "Expected 'subject' to be text", [{ field: "subject", message: "expected text" }]);
    if (template === "message" && (typeof subject !== "string" || !subject.trim())) throw new DossierError("VALIDATION_FAILED", "Expected a 'subject'", [{ field: "subject", message: "expected a subject" }]);
    const locale = b["locale"] === "en" || b["locale"] === "fr" ? b["locale"] : undefined;
    const key = req.get("idempotency-key");
    if (key !== undefined && !/^[\x21-\x7e]{1,128}$/.test(key)) throw new DossierError("INVALID_ARGUMENT", "Expected an Idempotency-Key of 1 to 128 visible ASCII characters");
    const queued = await engine.transaction((tx) =>
      outbox.enqueue(tx, {
        to, cc: list(b["cc"], "cc"), dossierId: d.id, template, ...(typeof subject === "string" && subject.trim() ? { subject } : {}), ...(locale ? { locale } : {}),
        data: { body: typeof text === "string" ? text : "", sender: { name: me.name ?? me.username, email: me.email } }, attachments: list(b["attachments"], "attachments") as unknown as number[],
        purpose: "agent", actor: me.username, ...(key ? { key: `agent:${me.username}:${key}` } : {}),
      }),
    );
    res.status(queued.duplicate ? 200 : 201).json(queued);
  });

  return router;
}
