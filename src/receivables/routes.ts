/**
 * The receivables' back-office API (/api). Permissions: invoices.read to read (every role), invoices.write
 * to record by hand (payments, reasons, notes, disputes, sending again: agents and managers), invoices.manage
 * for the ERP's side and the settings (POST /api/invoices, imports, printer patterns, scenario rules, the
 * dunning run, bulk reminders, customer accounts: managers and administrators). Everything listed is
 * restricted to the dossiers the caller may see (the access predicate); another's invoice is a 404.
 */
import express, { Router, type Request } from "express";
import multer from "multer";
import { allow, principalOf } from "../api/auth/guard.js";
import { dossierVisibility } from "../dossiers/access.js";
import { DossierError } from "../dossiers/errors.js";
import { visibleDossier, visibleDossierById } from "../dossiers/rows.js";
import type { Principal } from "../identity/identity.js";
import { statement } from "../persistence/statements.js";
import type { Diffusion } from "./diffusion.js";
import type { Dunning } from "./dunning.js";
import { importInvoices, importPayments, parseRows } from "./import.js";
import { INVOICE_STATUSES, toInvoice, type InvoiceRow, type Invoices } from "./invoices.js";
import { checkPatterns, DEFAULT_PATTERNS, extract, PATTERN_FIELDS, type VirtualPrinter } from "./printer.js";
import type Database from "better-sqlite3";
import type { Domain } from "../dossiers/domain.js";
import { isoDay, money } from "./format.js";
import { seedDemoInvoices } from "./demo.js";

export interface RoutesDeps {
  db: Database.Database;
  domain: Domain;
  invoices: Invoices;
  diffusion: Diffusion;
  dunning: Dunning;
  printer: VirtualPrinter;
}

const bad = (m: string) => new DossierError("INVALID_ARGUMENT", m);

function body(req: Request): Record<string, any> {
  const b = req.body as unknown;
  if (!b || typeof b !== "object" || Array.isArray(b)) throw bad("Expected a JSON object body");
  return b as Record<string, any>;
}

function q(req: Request, name: string): string | undefined {
  const v = req.query[name];
  if (v === undefined || v === "") return undefined;
  if (typeof v !== "string") throw bad(`Expected one value for '${name}', but found several`);
  return v;
}

function bool(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined || value === "") return fallback;
  if (value === true || value === "true" || value === "1") return true;
  if (value === false || value === "false" || value === "0") return false;
  throw bad(`Expected ${name} to be true or false, but found '${String(value)}'`);
}

export function receivablesRouter(deps: RoutesDeps): Router {
  const { db, domain, invoices, diffusion, dunning, printer } = deps;
  const router = Router();
  const json = express.json({ limit: "1mb" });
  const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: 20 * 1024 * 1024, files: 1, fields: 10, parts: 12 } });

  /** The invoice if the caller may see its dossier; 404 otherwise (never a 403 that would tell it exists). */
  const visibleInvoice = (principal: Principal, id: string): InvoiceRow => {
    const n = /^\d{1,15}$/.test(id) ? Number(id) : NaN;
    const inv = Number.isSafeInteger(n) ? invoices.byId(n) : invoices.byNumber(id);
    if (!inv || !visibleDossierById(db, principal, inv.dossierId)) throw new DossierError("NOT_FOUND", `Expected to find an invoice '${id}', but none was found`);
    return inv;
  };
  const dossierFilter = (principal: Principal) => dossierVisibility(principal, "d");
  const view = (inv: InvoiceRow) => {
    const d = statement(db, `SELECT reference, title FROM dossier WHERE id = ?`).get(inv.dossierId) as { reference: string; title: string };
    const today = isoDay(domain.engine.clock.now());
    return { ...inv, dossierReference: d.reference, customer: d.title, overdue: inv.balanceCents > 0 && inv.dueDate < today, grossText: money(inv.grossCents, inv.currency), balanceText: money(inv.balanceCents, inv.currency) };
  };

  // ── invoices ──────────────────────────────────────────────────────────────────────────────
  router.get("/invoices", allow("invoices.read"), (req, res) => {
    const principal = principalOf(res);
    const access = dossierFilter(principal);
    const where: string[] = [access.sql];
    const params: unknown[] = [...access.params];
    const status = q(req, "status");
    if (status) {
      if (status === "overdue") {
        where.push(`i.status IN ('issued','sent','partially_paid','disputed') AND i.due_date < ?`);
        params.push(isoDay(domain.engine.clock.now()));
      } else if (status === "open") where.push(`i.status IN ('issued','sent','partially_paid','disputed')`);
      else {
        if (!(INVOICE_STATUSES as readonly string[]).includes(status)) throw bad(`Expected status to be open, overdue or one of ${INVOICE_STATUSES.join(", ")}, but found '${status}'`);
        where.push(`i.status = ?`);
        params.push(status);
      }
    }
    const dossier = q(req, "dossier");
    if (dossier) {
      where.push(`d.reference = ?`);
      params.push(dossier);
    }
    const segment = q(req, "segment");
    if (segment) {
      where.push(`i.segment = ?`);
      params.push(segment);
    }
    const text = q(req, "q");
    if (text) {
      where.push(`(i.number LIKE ? OR d.title LIKE ? OR d.reference LIKE ?)`);
      params.push(`%${text}%`, `%${text}%`, `%${text}%`);
    }
    const limitText = q(req, "limit") ?? "100";
    if (!/^\d{1,4}$/.test(limitText) || Number(limitText) < 1 || Number(limitText) > 1000) throw bad(`Expected limit to be a whole number from 1 to 1000, but found '${limitText}'`);
    const rows = statement(db, `SELECT i.* FROM invoice i JOIN dossier d ON d.id = i.dossier_id WHERE ${where.join(" AND ")} ORDER BY i.due_date DESC, i.id DESC LIMIT ${Number(limitText)}`).all(...params) as Record<string, any>[];
    res.json({ items: rows.map((r) => view(toInvoice(r))) });
  });

  router.post("/invoices", allow("invoices.manage"), json, async (req, res) => {
    const b = body(req);
    let pdf: Buffer | undefined;
    if (b["pdfBase64"] !== undefined) {
      if (typeof b["pdfBase64"] !== "string" || !/^[A-Za-z0-9+/=\s]+$/.test(b["pdfBase64"])) throw bad("Expected pdfBase64 to be the PDF in base64, but found something else");
      pdf = Buffer.from(b["pdfBase64"], "base64");
    }
    const { invoice, created } = await invoices.upsert({ ...(b as any), source: b["source"] ?? "api", ...(pdf ? { pdf } : {}) }, principalOf(res).username);
    res.status(created ? 201 : 200).json({ ...view(invoice), created });
  });

  router.get("/invoices/:id", allow("invoices.read"), (req, res) => {
    const inv = visibleInvoice(principalOf(res), String(req.params["id"]));
    res.json({
      ...view(inv),
      payments: invoices.payments(inv.id),
      sends: diffusion.sends({ invoiceId: inv.id }),
      actions: statement(db, `SELECT * FROM dunning_action WHERE invoice_id = ? ORDER BY at DESC, id DESC LIMIT 200`).all(inv.id).map((r: any) => ({ ...r, details: r.details ? JSON.parse(r.details) : null })),
      promises: statement(db, `SELECT * FROM payment_promise WHERE invoice_id = ? ORDER BY id DESC`).all(inv.id),
      disputes: statement(db, `SELECT * FROM invoice_dispute WHERE invoice_id = ? ORDER BY id DESC`).all(inv.id),
      dunning: statement(db, `SELECT * FROM dunning_case WHERE invoice_id = ?`).get(inv.id) ?? null,
      history: domain.journal.entries(inv.dossierId, { includePrivate: true, limit: 200 }).filter((e) => new RegExp(`"invoiceId":${inv.id}[,}]`).test(JSON.stringify(e.after ?? ""))),
    });
  });

  router.post("/invoices/:id/payments", allow("invoices.write"), json, async (req, res) => {
    const inv = visibleInvoice(principalOf(res), String(req.params["id"]));
    const b = body(req);
    const r = await invoices.recordPayment({ invoiceNumber: inv.number, amountCents: b["amountCents"], receivedOn: b["receivedOn"], kind: b["kind"], method: b["method"], reference: b["reference"], currency: b["currency"] ?? inv.currency, source: "manual" }, principalOf(res).username);
    res.status(201).json({ payment: r.payment, invoice: r.invoice ? view(r.invoice) : null });
  });

  router.post("/invoices/:id/send", allow("invoices.write"), json, async (req, res) => {
    const inv = visibleInvoice(principalOf(res), String(req.params["id"]));
    const channel = body(req)["channel"];
    if (channel !== undefined && !["email", "paper", "portal", "einvoicing"].includes(channel)) throw bad(`Expected channel email, paper, portal or einvoicing, but found ${JSON.stringify(channel)}`);
    const id = await domain.engine.transaction((tx) => diffusion.sendInvoiceIn(tx, inv, principalOf(res).username, channel));
    res.status(201).json({ sendId: id, sends: diffusion.sends({ invoiceId: inv.id }) });
  });

  router.put("/invoices/:id/reason", allow("invoices.write"), json, async (req, res) => {
    const inv = visibleInvoice(principalOf(res), String(req.params["id"]));
    const b = body(req);
    const reason = b["reason"] ?? null;
    if (reason !== null && !dunning.reasons(true).some((r) => r.id === reason)) throw bad(`Expected reason to be one of ${dunning.reasons().map((r) => r.id).join(", ")} (or null), but found ${JSON.stringify(reason)}`);
    const note = typeof b["note"] === "string" ? b["note"].slice(0, 2000) : null;
    await domain.engine.transaction((tx) => {
      statement(db, `UPDATE invoice SET late_reason = ?, late_reason_note = ?, updated_at = ?, version = version + 1 WHERE id = ?`).run(reason, note, tx.now, inv.id);
      const label = dunning.reasons(true).find((r) => r.id === reason)?.fr ?? "aucun";
      domain.journal.append({ dossierId: inv.dossierId, at: tx.now, actor: principalOf(res).username, action: "note.added", summary: `Motif de retard de la facture ${inv.number} : ${label}${note ? ` — ${note}` : ""}`, after: { kind: "invoice.late_reason", invoiceId: inv.id, reason, note } });
    });
    res.json(view(invoices.byId(inv.id)!));
  });

  router.post("/invoices/:id/disputes", allow("invoices.write"), json, async (req, res) => {
    const inv = visibleInvoice(principalOf(res), String(req.params["id"]));
    const b = body(req);
    const id = await domain.engine.transaction((tx) => invoices.openDisputeIn(tx, inv, { reason: typeof b["reason"] === "string" ? b["reason"] : null, message: typeof b["message"] === "string" ? b["message"].slice(0, 4000) : null, by: principalOf(res).username }));
    res.status(201).json({ disputeId: id, invoice: view(invoices.byId(inv.id)!) });
  });

  router.post("/invoices/:id/credit-note-entered", allow("invoices.write"), json, async (req, res) => {
    const inv = visibleInvoice(principalOf(res), String(req.params["id"]));
    const changed = statement(db, `UPDATE invoice_dispute SET credit_note = 'entered' WHERE invoice_id = ? AND credit_note = 'requested'`).run(inv.id).changes;
    if (!changed) throw new DossierError("NOT_FOUND", `Expected a credit note to enter for invoice ${inv.number}, but none is requested`);
    res.json({ entered: changed });
  });

  // ── imports ───────────────────────────────────────────────────────────────────────────────
  const readUpload = (req: Request) => {
    if (!req.is("multipart/form-data")) throw new DossierError("UNSUPPORTED_MEDIA_TYPE", `Expected a multipart/form-data upload with a 'file' field, but found ${req.get("content-type") ?? "no content type"}`);
    if (!req.file) throw bad("Expected a CSV or JSON file in the 'file' field, but found none");
    const fields = { ...(req.query as Record<string, unknown>), ...((req.body ?? {}) as Record<string, unknown>) };
    return { file: req.file, dryRun: bool(fields["dryRun"], "dryRun", true), source: String(fields["source"] ?? "csv") };
  };
  router.post("/invoices/import", allow("invoices.manage"), upload.single("file"), async (req, res) => {
    const { file, dryRun } = readUpload(req);
    const report = await importInvoices(invoices, parseRows(file.buffer, file.originalname), dryRun, principalOf(res).username);
    if (!dryRun && !report.imported) throw new DossierError("VALIDATION_FAILED", `Expected every line to be valid, but ${report.errors} of ${report.total} are wrong: nothing was imported`, [], { report });
    res.status(dryRun ? 200 : 201).json(report);
  });
  router.post("/payments/import", allow("invoices.manage"), upload.single("file"), async (req, res) => {
    const { file, dryRun, source } = readUpload(req);
    if (!["csv", "dolibarr", "api", "manual"].includes(source)) throw bad(`Expected source csv (a bank statement), dolibarr, api or manual, but found '${source}'`);
    const report = await importPayments(invoices, parseRows(file.buffer, file.originalname), source, dryRun, principalOf(res).username);
    if (!dryRun && !report.imported) throw new DossierError("VALIDATION_FAILED", `Expected every line to be valid, but ${report.errors} of ${report.total} are wrong: nothing was imported`, [], { report });
    res.status(dryRun ? 200 : 201).json(report);
  });
  router.get("/payments/unmatched", allow("invoices.read"), (_req, res) => {
    res.json({ items: statement(db, `SELECT * FROM invoice_payment WHERE invoice_id IS NULL ORDER BY received_on DESC LIMIT 500`).all() });
  });
  router.post("/payments/:id/assign", allow("invoices.manage"), json, async (req, res) => {
    const number = body(req)["invoiceNumber"];
    if (typeof number !== "string" || !number.trim()) throw bad("Expected invoiceNumber, but found none");
    const inv = visibleInvoice(principalOf(res), number.trim());
    const id = /^\d{1,15}$/.test(String(req.params["id"])) ? Number(req.params["id"]) : -1;
    const r = await domain.engine.transaction((tx) => invoices.assignPaymentIn(tx, id, inv.number, principalOf(res).username));
    res.json({ payment: r.payment, invoice: view(r.invoice) });
  });

  // ── the virtual printer ───────────────────────────────────────────────────────────────────
  router.get("/receivables/printer", allow("invoices.read"), (_req, res) => {
    res.json({
      inbox: printer["deps"].inboxDir, patterns: printer.patterns(), defaults: DEFAULT_PATTERNS, fields: PATTERN_FIELDS,
      files: statement(db, `SELECT sha256, name, state, invoice_id AS invoiceId, detail, at FROM printer_file ORDER BY at DESC LIMIT 100`).all().map((r: any) => ({ ...r, detail: r.detail ? JSON.parse(r.detail) : null })),
    });
  });
  router.put("/receivables/printer/patterns", allow("invoices.manage"), json, (req, res) => {
    const patterns = checkPatterns(body(req)["patterns"] ?? body(req));
    dunning.putSetting("printerPatterns", patterns, principalOf(res).username);
    res.json({ patterns });
  });
  router.post("/receivables/printer/test", allow("invoices.read"), json, (req, res) => {
    const b = body(req);
    if (typeof b["text"] !== "string" || b["text"].length > 200_000) throw bad("Expected text (the invoice's text, at most 200 000 characters), but found none");
    res.json(extract(b["text"], b["patterns"] ? checkPatterns(b["patterns"]) : printer.patterns()));
  });
  router.post("/receivables/printer/scan", allow("invoices.manage"), async (_req, res) => {
    res.json({ results: await printer.scan() });
  });

  // ── dunning ───────────────────────────────────────────────────────────────────────────────
  router.get("/receivables/scenarios", allow("invoices.read"), (_req, res) => {
    const deployed = ["relance-standard", "relance-grands-comptes", "relance-mauvais-payeur"].map((id) => ({ id, deployed: !!domain.engine.definitions.latest(id), name: domain.engine.definitions.latest(id)?.process.name ?? id }));
    const counts = statement(db, `SELECT scenario, state, COUNT(*) AS n FROM dunning_case GROUP BY scenario, state`).all();
    res.json({ rules: dunning.rules(), scenarios: deployed, cases: counts, lastRun: dunning.setting<string | null>("lastDunningRun", null) });
  });
  router.put("/receivables/scenarios/rules", allow("invoices.manage"), json, (req, res) => {
    res.json({ rules: dunning.setRules(body(req)["rules"], principalOf(res).username) });
  });
  router.post("/receivables/dunning/run", allow("invoices.manage"), json, async (_req, res) => {
    res.json(await dunning.run());
  });
  router.post("/receivables/print/run", allow("invoices.manage"), async (_req, res) => {
    res.json({ batch: await diffusion.printRun() });
  });
  router.post("/receivables/bulk-reminder", allow("invoices.manage"), json, async (req, res) => {
    const b = body(req);
    const level = b["level"];
    if (!Number.isSafeInteger(level) || level < 0 || level > 5) throw bad(`Expected level to be a whole number from 0 to 5, but found ${JSON.stringify(level)}`);
    const channel = b["channel"] ?? "email";
    if (channel !== "email" && channel !== "letter") throw bad(`Expected channel email or letter, but found ${JSON.stringify(channel)}`);
    const minDays = b["minDaysOverdue"] ?? 0;
    if (!Number.isSafeInteger(minDays) || minDays < 0) throw bad(`Expected minDaysOverdue to be a whole number of days, but found ${JSON.stringify(minDays)}`);
    const minAmount = b["minAmountCents"] ?? 0;
    if (!Number.isSafeInteger(minAmount) || minAmount < 0) throw bad(`Expected minAmountCents to be whole cents, but found ${JSON.stringify(minAmount)}`);
    const principal = principalOf(res);
    const result = await dunning.bulk({ level, channel, segment: typeof b["segment"] === "string" && b["segment"] ? b["segment"] : null, minDaysOverdue: minDays, minAmountCents: minAmount, preview: bool(b["preview"], "preview", true) }, principal.username, (id) => !!visibleDossierById(db, principal, id));
    res.json(result);
  });
  router.post("/receivables/demo", allow("invoices.manage"), async (_req, res) => {
    const created = await seedDemoInvoices(db, invoices, dunning, domain.engine.clock.now(), () => undefined);
    res.status(created ? 201 : 200).json({ created });
  });
  router.get("/receivables/worklist", allow("invoices.read"), (_req, res) => {
    res.json(dunning.worklist(dossierFilter(principalOf(res))));
  });

  // ── reasons, customer accounts, notes ─────────────────────────────────────────────────────
  router.get("/receivables/reasons", allow("invoices.read"), (_req, res) => {
    res.json({ reasons: dunning.reasons(true), byMonth: dunning.reasonsByMonth(dossierFilter(principalOf(res))) });
  });
  router.put("/receivables/reasons/:id", allow("invoices.manage"), json, (req, res) => {
    dunning.saveReason({ ...body(req), id: req.params["id"] });
    res.json({ reasons: dunning.reasons(true) });
  });
  router.get("/receivables/customers/:reference", allow("invoices.read"), (req, res) => {
    const dossier = visibleDossier(db, principalOf(res), String(req.params["reference"]));
    const partyId = invoices.customerParty(dossier.id);
    const rows = (statement(db, `SELECT * FROM invoice WHERE dossier_id = ? ORDER BY issue_date DESC, id DESC LIMIT 500`).all(dossier.id) as Record<string, any>[]).map((r) => view(toInvoice(r)));
    const party = partyId !== null ? domain.parties.get(partyId) : undefined;
    res.json({
      dossierReference: dossier.reference, dossierType: dossier.typeId, customer: dossier.title, partyId, preferredChannel: party?.preferredChannel ?? null, channel: diffusion.channelOf(party), language: party?.language ?? null,
      account: dunning.account(partyId) ?? null, invoices: rows, balanceCents: rows.reduce((s, i) => s + Math.max(0, i.balanceCents), 0),
      sends: diffusion.sends({ dossierId: dossier.id }),
      notes: statement(db, `SELECT id, at, author, text FROM customer_note WHERE dossier_id = ? ORDER BY at DESC LIMIT 200`).all(dossier.id),
      promises: statement(db, `SELECT p.*, i.number FROM payment_promise p JOIN invoice i ON i.id = p.invoice_id WHERE p.dossier_id = ? ORDER BY p.id DESC`).all(dossier.id),
    });
  });
  router.put("/receivables/customers/:reference/account", allow("invoices.manage"), json, (req, res) => {
    const dossier = visibleDossier(db, principalOf(res), String(req.params["reference"]));
    const partyId = invoices.customerParty(dossier.id);
    if (partyId === null) throw new DossierError("NOT_FOUND", `Expected a customer party in ${dossier.reference}, but it has none`);
    res.json({ account: dunning.saveAccount(partyId, body(req), principalOf(res).username) });
  });
  router.post("/receivables/customers/:reference/notes", allow("invoices.write"), json, async (req, res) => {
    const principal = principalOf(res);
    const dossier = visibleDossier(db, principal, String(req.params["reference"]));
    const text = body(req)["text"];
    if (typeof text !== "string" || !text.trim() || text.length > 4000) throw bad("Expected text (a note of at most 4000 characters), but found none");
    const id = await domain.engine.transaction((tx) => {
      const nid = Number(statement(db, `INSERT INTO customer_note (party_id, dossier_id, at, author, text) VALUES (?, ?, ?, ?, ?)`).run(invoices.customerParty(dossier.id), dossier.id, tx.now, principal.username, text.trim()).lastInsertRowid);
      domain.journal.append({ dossierId: dossier.id, at: tx.now, actor: principal.username, action: "note.added", summary: `Note de recouvrement : ${text.trim().slice(0, 500)}`, after: { kind: "receivables.note", noteId: nid, text: text.trim() }, private: true });
      return nid;
    });
    res.status(201).json({ id });
  });

  return router;
}
