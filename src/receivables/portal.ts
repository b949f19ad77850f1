/**
 * The customer's side of receivables in the portal (/portail): the "Mes factures" section, and the
 * endpoints under /portail/factures/api (a portal session, its CSRF token on changes): the list and
 * one invoice with its history, its PDF, contest it (a dispute + the scenario's dispute task), plan a
 * payment (a promise), ask for a credit note, the account statement (PDF), the preferred channel.
 * A visitor sees only the invoices of the dossiers where they are the customer: anything else is a 404.
 * The personal link of an invoice mail (/portail/factures/lien/<token>) opens that one invoice.
 */
import express, { Router, type Response } from "express";
import type Database from "better-sqlite3";
import { allow } from "../api/auth/guard.js";
import type { Domain } from "../dossiers/domain.js";
import { DossierError } from "../dossiers/errors.js";
import { dossierById } from "../dossiers/rows.js";
import type { PortalApi, PortalVisitor } from "../portal/api.js";
import type { Links } from "../portal/links.js";
import { statement } from "../persistence/statements.js";
import type { PdfRenderer, TemplateRenderer } from "../templates/api.js";
import type { ReceivablesConfig } from "./config.js";
import { INVOICE_LINK_PURPOSE, addressLines, type Diffusion } from "./diffusion.js";
import type { Dunning } from "./dunning.js";
import { daysBetween, frDate, isoDay, money } from "./format.js";
import { checkDate, toInvoice, type InvoiceRow, type Invoices } from "./invoices.js";

const STATUS_LABEL: Record<string, { fr: string; en: string }> = {
  issued: { fr: "Émise", en: "Issued" }, sent: { fr: "À payer", en: "To pay" }, partially_paid: { fr: "Partiellement payée", en: "Partly paid" },
  paid: { fr: "Payée", en: "Paid" }, disputed: { fr: "Contestée", en: "Disputed" }, credited: { fr: "Avoir émis", en: "Credited" }, written_off: { fr: "Soldée", en: "Closed" },
};

function shell(title: string): string {
  return `<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<meta name="referrer" content="no-referrer">
<title>${title.replace(/[<>&"]/g, "")}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/build/portal.css">
<script type="module" src="/build/portal-invoices.js"></script>
</head>
<body><p style="padding:16px;font-family:sans-serif;color:#666">Chargement…</p></body>
</html>`;
}

export interface PortalInvoicesDeps {
  db: Database.Database;
  domain: Domain;
  invoices: Invoices;
  diffusion: Diffusion;
  dunning: Dunning;
  portal: PortalApi;
  links: Links;
  templates: TemplateRenderer;
  pdf: PdfRenderer;
  config: ReceivablesConfig;
  organisation: () => Record<string, unknown>;
}

export function portalInvoices(deps: PortalInvoicesDeps): Router {
  const { db, domain, invoices, diffusion, dunning, portal, links } = deps;
  const router = Router();
  const json = express.json({ limit: "64kb" });
  const visitor = portal.requireVisitor();

  /** Dossiers where the visitor holds the customer role (an accountant contact sees the same). */
  const customerDossiers = (v: PortalVisitor): number[] => v.dossierIds;
  const mine = (v: PortalVisitor): InvoiceRow[] => {
    const ids = customerDossiers(v);
    if (ids.length === 0) return [];
    return (statement(db, `SELECT * FROM invoice WHERE dossier_id IN (${ids.map(() => "?").join(", ")}) ORDER BY issue_date DESC, id DESC LIMIT 500`).all(...ids) as Record<string, any>[]).map(toInvoice);
  };
  const one = (v: PortalVisitor, id: string): InvoiceRow => {
    const n = /^\d{1,15}$/.test(id) ? Number(id) : NaN;
    const inv = Number.isSafeInteger(n) ? invoices.byId(n) : undefined;
    if (!inv || !customerDossiers(v).includes(inv.dossierId)) throw new DossierError("NOT_FOUND", `Expected to find an invoice '${id}', but none was found`);
    return inv;
  };
  const today = () => isoDay(domain.engine.clock.now());
  const item = (inv: InvoiceRow, locale: "fr" | "en") => ({
    id: inv.id, number: inv.number, issueDate: inv.issueDate, dueDate: inv.dueDate, grossCents: inv.grossCents, balanceCents: inv.balanceCents, currency: inv.currency,
    grossText: money(inv.grossCents, inv.currency, locale), balanceText: money(inv.balanceCents, inv.currency, locale), status: inv.status, statusText: STATUS_LABEL[inv.status]?.[locale] ?? inv.status,
    overdue: inv.balanceCents > 0 && inv.dueDate < today(), hasPdf: inv.documentId !== null,
  });
  const detail = (inv: InvoiceRow, locale: "fr" | "en") => ({
    ...item(inv, locale),
    payments: invoices.payments(inv.id).map((p) => ({ kind: p.kind, amountText: money(p.amountCents, p.currency, locale), receivedOn: p.receivedOn })),
    sends: diffusion.sends({ invoiceId: inv.id }).map((s) => ({ kind: s.kind, channel: s.channel, status: s.status, at: s.createdAt })),
    reminders: (statement(db, `SELECT level, channel, on_date AS onDate, outcome FROM dunning_action WHERE invoice_id = ? AND channel <> 'call' AND outcome = 'sent' ORDER BY at`).all(inv.id)),
    promises: statement(db, `SELECT promised_on AS promisedOn, amount_cents AS amountCents, status FROM payment_promise WHERE invoice_id = ? ORDER BY id`).all(inv.id),
    disputes: statement(db, `SELECT opened_on AS openedOn, closed_on AS closedOn, reason, message, outcome FROM invoice_dispute WHERE invoice_id = ? ORDER BY id`).all(inv.id),
    reasons: dunning.reasons().map((r) => ({ id: r.id, label: locale === "en" ? r.en : r.fr })),
  });
  const actorOf = (v: PortalVisitor) => `portal:${v.partyId}`;

  portal.registerSection({
    id: "invoices", title: { fr: "Mes factures", en: "My invoices" },
    items: (_partyId, dossierIds, locale) => {
      if (dossierIds.length === 0) return [];
      const rows = (statement(db, `SELECT * FROM invoice WHERE dossier_id IN (${dossierIds.map(() => "?").join(", ")}) ORDER BY issue_date DESC, id DESC LIMIT 50`).all(...dossierIds) as Record<string, any>[]).map(toInvoice);
      return rows.map((inv) => ({
        id: `invoice:${inv.id}`, title: `${locale === "en" ? "Invoice" : "Facture"} ${inv.number}`,
        subtitle: `${money(inv.grossCents, inv.currency, locale)} · ${locale === "en" ? "due" : "échéance"} ${frDate(inv.dueDate)}`,
        date: Date.parse(`${inv.issueDate}T12:00:00Z`), status: STATUS_LABEL[inv.status]?.[locale] ?? inv.status, href: `/portail/factures/${inv.id}`,
        dossierReference: dossierById(db, inv.dossierId)?.reference,
      }));
    },
  });


  const sendPdf = (res: Response, inv: InvoiceRow) => {
    if (!inv.documentId) throw new DossierError("NOT_FOUND", `Expected a PDF for invoice ${inv.number}, but it has none`);
    const file = domain.documents.content(inv.documentId, { sql: "1 = 1", params: [] });
    res.set("Cache-Control", "private, no-store").type("application/pdf").attachment(`facture-${inv.number.replace(/[^A-Za-z0-9._-]/g, "_")}.pdf`).sendFile(file.path);
  };

  // The personal link of an invoice mail: that one invoice, read-only, and its PDF.
  router.get("/portail/factures/api/lien/:token", allow("public"), (req, res) => {
    const link = links.open(req.params["token"], INVOICE_LINK_PURPOSE);
    const inv = invoices.byId(Number(link.subject));
    if (!inv || inv.partyId !== link.partyId) throw new DossierError("NOT_FOUND", "Expected to find an invoice for this link, but none was found");
    links.touch(link.id);
    const party = domain.parties.get(link.partyId);
    const locale = party?.language === "en" ? "en" : "fr";
    res.set("Cache-Control", "no-store").json({ invoice: { ...detail(inv, locale), reasons: [] }, customer: party?.name ?? "", signIn: "/portail/connexion" });
  });
  router.get("/portail/factures/api/lien/:token/pdf", allow("public"), (req, res) => {
    const link = links.open(req.params["token"], INVOICE_LINK_PURPOSE);
    const inv = invoices.byId(Number(link.subject));
    if (!inv || inv.partyId !== link.partyId) throw new DossierError("NOT_FOUND", "Expected to find an invoice for this link, but none was found");
    sendPdf(res, inv);
  });

  router.get("/portail/factures/api", allow("public"), visitor, (_req, res) => {
    const v = portal.visitorOf(res);
    const list = mine(v);
    const party = domain.parties.get(v.partyId);
    res.json({
      items: list.map((i) => item(i, v.locale)), balanceText: money(list.reduce((s, i) => s + Math.max(0, i.balanceCents), 0), "EUR", v.locale),
      preferredChannel: party?.preferredChannel ?? null, channels: ["email", "post", "portal", "einvoicing"],
    });
  });
  router.get("/portail/factures/api/statement.pdf", allow("public"), visitor, async (_req, res) => {
    const v = portal.visitorOf(res);
    const list = mine(v);
    const party = domain.parties.get(v.partyId);
    const day = today();
    let running = 0;
    const rows = [...list].reverse().map((i) => {
      running += i.balanceCents;
      return { invoiceNumber: i.number, issueDateText: frDate(i.issueDate), dueDateText: frDate(i.dueDate), grossText: money(i.grossCents, i.currency), paidText: money(i.paidCents + i.creditedCents + i.writtenOffCents, i.currency), balanceText: money(i.balanceCents, i.currency), overdue: i.balanceCents > 0 && i.dueDate < day, daysOverdue: Math.max(0, daysBetween(i.dueDate, day)), statusText: STATUS_LABEL[i.status]?.fr ?? i.status };
    });
    const html = deps.templates.render("letters/receivables/releve-de-compte", {
      organisation: deps.organisation(), recipient: addressLines(party), customerName: party?.name ?? "", todayText: frDate(day), invoices: rows,
      totalText: money(running), overdueText: money(list.filter((i) => i.balanceCents > 0 && i.dueDate < day).reduce((s, i) => s + i.balanceCents, 0)),
    }).output;
    const pdf = await deps.pdf.htmlToPdf(html);
    res.set("Cache-Control", "private, no-store").type("application/pdf").attachment(`releve-de-compte-${day}.pdf`).send(pdf);
  });
  router.get("/portail/factures/api/:id", allow("public"), visitor, (req, res) => {
    const v = portal.visitorOf(res);
    res.json(detail(one(v, String(req.params["id"])), v.locale));
  });
  router.get("/portail/factures/api/:id/pdf", allow("public"), visitor, (req, res) => {
    sendPdf(res, one(portal.visitorOf(res), String(req.params["id"])));
  });
  router.post("/portail/factures/api/:id/contest", allow("public"), visitor, json, async (req, res) => {
    const v = portal.visitorOf(res);
    const inv = one(v, String(req.params["id"]));
    const b = (req.body ?? {}) as Record<string, unknown>;
    const reason = typeof b["reason"] === "string" ? b["reason"] : "";
    if (!dunning.reasons().some((r) => r.id === reason)) throw new DossierError("INVALID_ARGUMENT", `Expected a reason among ${dunning.reasons().map((r) => r.id).join(", ")}, but found ${JSON.stringify(b["reason"])}`);
    const message = typeof b["message"] === "string" ? b["message"].trim().slice(0, 4000) : "";
    if (message.length < 3) throw new DossierError("INVALID_ARGUMENT", "Expected a message explaining the dispute, but found none");
    if (inv.balanceCents <= 0) throw new DossierError("INVALID_STATE", `Expected an invoice still to pay, but ${inv.number} is settled`);
    await domain.engine.transaction((tx) => {
      statement(db, `UPDATE invoice SET late_reason = COALESCE(late_reason, ?) WHERE id = ?`).run(reason, inv.id);
      invoices.openDisputeIn(tx, inv, { reason, message, by: actorOf(v) });
      // Without a running scenario nobody would see it: a dispute task of its own.
      const running = statement(db, `SELECT 1 FROM dunning_case c JOIN process_instance pi ON pi.key = c.process_instance_key WHERE c.invoice_id = ? AND pi.state = 'ACTIVE'`).get(inv.id);
      if (!running) invoices.startReview(tx, "import", { summary: `Facture ${inv.number} contestée sur le portail (${reason}) : ${message.slice(0, 300)}`, invoiceId: inv.id });
    });
    res.status(201).json(detail(invoices.byId(inv.id)!, v.locale));
  });
  router.post("/portail/factures/api/:id/promise", allow("public"), visitor, json, async (req, res) => {
    const v = portal.visitorOf(res);
    const inv = one(v, String(req.params["id"]));
    const b = (req.body ?? {}) as Record<string, unknown>;
    const on = checkDate(b["promisedOn"], "promisedOn");
    if (on < today()) throw new DossierError("INVALID_ARGUMENT", `Expected a payment date from today on, but found ${on}`);
    if (daysBetween(today(), on) > 90) throw new DossierError("INVALID_ARGUMENT", `Expected a payment date within 90 days, but found ${on}: please contact us`);
    if (inv.balanceCents <= 0) throw new DossierError("INVALID_STATE", `Expected an invoice still to pay, but ${inv.number} is settled`);
    await domain.engine.transaction((tx) => {
      statement(db, `UPDATE payment_promise SET status = 'broken', settled_on = ? WHERE invoice_id = ? AND status = 'open' AND promised_on < ?`).run(isoDay(tx.now), inv.id, isoDay(tx.now));
      const id = Number(statement(db, `INSERT INTO payment_promise (invoice_id, dossier_id, promised_on, amount_cents, status, created_on, created_by) VALUES (?, ?, ?, ?, 'open', ?, ?)`).run(inv.id, inv.dossierId, on, inv.balanceCents, isoDay(tx.now), actorOf(v)).lastInsertRowid);
      statement(db, `INSERT INTO dunning_action (invoice_id, dossier_id, party_id, scenario, level, channel, at, on_date, outcome, actor, details) VALUES (?, ?, ?, 'portal', NULL, 'portal', ?, ?, 'promise', ?, ?)`)
        .run(inv.id, inv.dossierId, inv.partyId, tx.now, isoDay(tx.now), actorOf(v), JSON.stringify({ promiseId: id, promisedOn: on }));
      domain.journal.append({ dossierId: inv.dossierId, at: tx.now, actor: actorOf(v), action: "note.added", private: false, summary: `Paiement de la facture ${inv.number} planifié par le client pour le ${frDate(on)} (portail)`, after: { kind: "dunning.promise", invoiceId: inv.id, promiseId: id, promisedOn: on } });
    });
    res.status(201).json(detail(invoices.byId(inv.id)!, v.locale));
  });
  router.post("/portail/factures/api/:id/credit-note", allow("public"), visitor, json, async (req, res) => {
    const v = portal.visitorOf(res);
    const inv = one(v, String(req.params["id"]));
    const b = (req.body ?? {}) as Record<string, unknown>;
    const message = typeof b["message"] === "string" ? b["message"].trim().slice(0, 4000) : "";
    if (message.length < 3) throw new DossierError("INVALID_ARGUMENT", "Expected a message saying what the credit note is for, but found none");
    await domain.engine.transaction((tx) => {
      const id = invoices.openDisputeIn(tx, inv, { reason: "credit_note_request", message, by: actorOf(v) });
      statement(db, `UPDATE invoice_dispute SET credit_note = 'requested' WHERE id = ?`).run(id);
    });
    res.status(201).json(detail(invoices.byId(inv.id)!, v.locale));
  });
  router.put("/portail/factures/api/channel", allow("public"), visitor, json, async (req, res) => {
    const v = portal.visitorOf(res);
    const channel = (req.body ?? {})["channel"];
    if (!["email", "post", "portal", "einvoicing"].includes(channel)) throw new DossierError("INVALID_ARGUMENT", `Expected channel email, post, portal or einvoicing, but found ${JSON.stringify(channel)}`);
    const party = domain.parties.get(v.partyId);
    if (!party) throw new DossierError("NOT_FOUND", "Expected your address-book entry, but it is gone");
    await domain.engine.transaction((tx) => {
      domain.parties.update(party.id, { preferredChannel: channel }, party.version, actorOf(v));
      for (const dossierId of v.dossierIds.slice(0, 20)) {
        domain.journal.append({ dossierId, at: tx.now, actor: actorOf(v), action: "note.added", private: false, summary: `Canal d'envoi des factures choisi par le client : ${channel}`, after: { kind: "receivables.channel", channel } });
      }
    });
    res.json({ preferredChannel: channel });
  });

  // The pages (after the JSON endpoints: /portail/factures/api/… is never a page).
  for (const route of ["/portail/factures", "/portail/factures/:id", "/portail/factures/lien/:token"]) {
    router.get(route, allow("public"), (_req, res) => void res.set("Cache-Control", "no-store").type("html").send(shell("Mes factures")));
  }
  return router;
}
