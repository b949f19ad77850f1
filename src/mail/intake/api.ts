/**
 * The intake over HTTP (mounted under /api): received mails and the quarantine (mail.read to look,
 * mail.manage to retry, assign or discard), .eml uploads by agents (dossiers.write), mailboxes and
 * rules (mail.manage; reading rules: mail.read) and the dry run. A received mail attached to a
 * dossier is listed only to those who see that dossier (the access predicate, in SQL).
 */
import express, { Router, type Request, type Response } from "express";
import type Database from "better-sqlite3";
import { createHash } from "node:crypto";
import { dossierVisibility } from "../../dossiers/access.js";
import { DossierError } from "../../dossiers/errors.js";
import { visibleDossier } from "../../dossiers/rows.js";
import type { Principal } from "../../identity/identity.js";
import { allow, can, principalOf } from "../../api/auth/guard.js";
import type { IntakeService } from "./service.js";

function id(req: Request, name = "id"): number {
  const raw = String(req.params[name]);
  const n = Number(raw);
  if (!/^\d{1,15}$/.test(raw) || !Number.isSafeInteger(n)) throw new DossierError("NOT_FOUND", `Expected a numeric id, but found '${raw.slice(0, 40)}'`);
  return n;
}

function visibleDossierIds(db: Database.Database, principal: Principal, ids: number[]): Set<number> {
  if (ids.length === 0) return new Set();
  const access = dossierVisibility(principal, "d");
  const rows = db.prepare(`SELECT d.id FROM dossier d WHERE d.id IN (${ids.map(() => "?").join(",")}) AND ${access.sql}`).all(...ids, ...access.params) as Array<{ id: number }>;
  return new Set(rows.map((r) => r.id));
}

export function intakeRouter(service: IntakeService, db: Database.Database, maxBytes: number): Router {
  const router = Router();
  const raw = express.raw({ type: () => true, limit: maxBytes });

  /**
   * A received mail the caller may see: attached ones to who sees the dossier; quarantined or unattached
   * ones (anyone's mail, of any sector) only to those who triage them (mail.manage) or see every sector.
   */
  const seesUnattached = (res: Response) => {
    const me = principalOf(res);
    return can(me, "mail.manage") || can(me, "dossiers.all");
  };
  const visible = (res: Response, mailId: number) => {
    const row = service.store.get(mailId);
    if (!row) throw new DossierError("NOT_FOUND", `Expected a received mail ${mailId}, but there is none`);
    if (row.dossierId === null ? !seesUnattached(res) : !visibleDossierIds(db, principalOf(res), [row.dossierId]).has(row.dossierId)) {
      throw new DossierError("NOT_FOUND", `Expected a received mail ${mailId}, but there is none`);
    }
    return row;
  };

  router.get("/mail/inbound", allow("mail.read"), (req, res) => {
    const status = typeof req.query["status"] === "string" && req.query["status"] ? String(req.query["status"]) : undefined;
    if (status && !["processed", "ignored", "quarantined", "discarded", "duplicate"].includes(status)) {
      throw new DossierError("INVALID_ARGUMENT", `Expected status to be processed, ignored, quarantined, discarded or duplicate, but found '${status.slice(0, 40)}'`);
    }
    const limitRaw = req.query["limit"] === undefined ? "50" : String(req.query["limit"]);
    const limit = Number(limitRaw);
    if (!/^\d{1,4}$/.test(limitRaw) || limit < 1 || limit > 200) throw new DossierError("INVALID_ARGUMENT", `Expected limit to be a whole number from 1 to 200, but found '${limitRaw.slice(0, 20)}'`);
    const beforeRaw = req.query["before"] === undefined ? undefined : String(req.query["before"]);
    if (beforeRaw !== undefined && !/^\d{1,15}$/.test(beforeRaw)) throw new DossierError("INVALID_ARGUMENT", `Expected before to be a mail id, but found '${beforeRaw.slice(0, 20)}'`);
    const rows = service.store.list({ ...(status ? { status } : {}), ...(beforeRaw ? { before: Number(beforeRaw) } : {}), limit });
    const seen = visibleDossierIds(db, principalOf(res), [...new Set(rows.flatMap((r) => (r.dossierId === null ? [] : [r.dossierId])))]);
    const unattached = seesUnattached(res);
    const items = rows.filter((r) => (r.dossierId === null ? unattached : seen.has(r.dossierId))).map((r) => service.summary(r));
    res.json({ items, counts: service.store.counts(), next: rows.length === limit ? rows[rows.length - 1]!.id : null });
  });

  router.get("/mail/inbound/:id", allow("mail.read"), async (req, res) => {
    res.json(await service.detail(visible(res, id(req))));
  });

  router.get("/mail/inbound/:id/raw", allow("mail.read"), async (req, res) => {
    const row = visible(res, id(req));
    if (!row.rawSha256) throw new DossierError("NOT_FOUND", `Expected the original of mail ${row.id}, but it was not kept (larger than MAIL_MAX_BYTES)`);
    const bytes = await service.processor.readRaw(row.rawSha256);
    res.set("content-type", "message/rfc822").set("x-content-type-options", "nosniff").set("content-disposition", `attachment; filename="mail-${row.id}.eml"`).send(bytes);
  });

  router.post("/mail/inbound/:id/retry", allow("mail.manage"), async (req, res) => {
    const row = visible(res, id(req));
    res.json(await service.processor.reprocess(row.id, principalOf(res).username));
  });

  router.post("/mail/inbound/:id/assignment", allow("mail.manage"), async (req, res) => {
    const row = visible(res, id(req));
    const reference = (req.body as { dossier?: unknown } | undefined)?.dossier;
    if (typeof reference !== "string" || !reference) throw new DossierError("INVALID_ARGUMENT", `Expected {"dossier": "<reference>"}, but found ${JSON.stringify(reference ?? null)}`);
    const dossier = visibleDossier(db, principalOf(res), reference);
    res.json(await service.processor.reprocess(row.id, principalOf(res).username, dossier.id));
  });

  router.post("/mail/inbound/:id/discard", allow("mail.manage"), async (req, res) => {
    const row = visible(res, id(req));
    if (row.status !== "quarantined") throw new DossierError("INVALID_STATE", `Expected a mail in quarantine, but mail ${row.id} is ${row.status}`);
    await service.discard(row.id, principalOf(res).username);
    res.json(service.summary(service.store.get(row.id)!));
  });

  /** An agent's .eml (raw body, message/rfc822): onto a dossier (?dossier=REF), or routed like any mail. */
  router.post("/mail/uploads", allow("dossiers.write"), raw, async (req, res) => {
    const principal = principalOf(res);
    const reference = typeof req.query["dossier"] === "string" && req.query["dossier"] ? String(req.query["dossier"]) : undefined;
    const dossier = reference ? visibleDossier(db, principal, reference) : undefined;
    const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
    if (body.length === 0) throw new DossierError("INVALID_ARGUMENT", "Expected an .eml file as the request body (Content-Type: message/rfc822), but found an empty body");
    const sha = createHash("sha256").update(body).digest("hex");
    const result = await service.processor.ingest({ source: "upload", sourceKey: `upload:${sha}${dossier ? `:${dossier.id}` : ""}`, raw: body, dossierId: dossier?.id ?? null, actor: principal.username });
    res.status(result.duplicate ? 200 : 201).json(result);
  });

  // ── mailboxes ──

  router.get("/mail/mailboxes", allow("mail.manage"), (_req, res) => {
    res.json({ items: service.mailboxViews() });
  });
  router.post("/mail/mailboxes", allow("mail.manage"), async (req, res) => {
    res.status(201).json(await service.saveMailbox(undefined, req.body));
  });
  router.put("/mail/mailboxes/:id", allow("mail.manage"), async (req, res) => {
    res.json(await service.saveMailbox(id(req), req.body));
  });
  router.delete("/mail/mailboxes/:id", allow("mail.manage"), async (req, res) => {
    await service.deleteMailbox(id(req));
    res.status(204).end();
  });
  router.post("/mail/mailboxes/:id/check", allow("mail.manage"), (req, res) => {
    service.checkNow(id(req));
    res.status(202).json({ ok: true });
  });

  // ── rules ──

  router.get("/mail/rules", allow("mail.read"), (_req, res) => {
    res.json({ items: service.store.rules() });
  });
  router.post("/mail/rules", allow("mail.manage"), async (req, res) => {
    res.status(201).json(await service.saveRule(undefined, req.body, principalOf(res).username));
  });
  router.put("/mail/rules/:id", allow("mail.manage"), async (req, res) => {
    res.json(await service.saveRule(id(req), req.body, principalOf(res).username));
  });
  router.delete("/mail/rules/:id", allow("mail.manage"), async (req, res) => {
    await service.deleteRule(id(req));
    res.status(204).end();
  });
  /** What the rules (saved, or the one in the body) would do on the last 50 mails; changes nothing. */
  router.post("/mail/rules/dry-run", allow("mail.manage"), async (req, res) => {
    res.json(await service.dryRun(req.body));
  });

  return router;
}
