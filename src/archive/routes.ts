/**
 * The archive's back-office API (mounted under /api). Every route names its permission first.
 * Records are served by these routes (consultation and download journaled before the answer);
 * the documents route's downloads of archived versions are journaled too (src/archive/service.ts).
 * Who sees which record: archivists (archive.manage) every record — the archive is their job —;
 * other holders of archive.read only those of dossiers the access predicate lets them see (404
 * otherwise).
 */
import express, { Router, type Response } from "express";
import type Database from "better-sqlite3";
import { dossierVisibility } from "../dossiers/access.js";
import { DossierError } from "../dossiers/errors.js";
import { visibleDossier } from "../dossiers/rows.js";
import type { Domain } from "../dossiers/domain.js";
import { allow, can, principalOf } from "../api/auth/guard.js";
import { statement } from "../persistence/statements.js";
import { checkRule } from "./rules.js";
import { evidencePack } from "./evidence.js";
import type { RecordRow } from "./records.js";
import type { ArchiveService } from "./service.js";

const INLINE = new Set(["application/pdf", "image/png", "image/jpeg", "text/plain"]);

function idParam(raw: unknown, what = "id"): number {
  const n = Number(raw);
  if (!/^\d{1,15}$/.test(String(raw)) || !Number.isSafeInteger(n)) throw new DossierError("NOT_FOUND", `Expected a ${what} (a whole number), but found '${String(raw).slice(0, 40)}'`);
  return n;
}

const disposition = (kind: "inline" | "attachment", name: string) => `${kind}; filename="${name.replace(/[^\x20-\x7e]|["\\]/g, "_")}"; filename*=UTF-8''${encodeURIComponent(name)}`;

export function archiveRouter(deps: { db: Database.Database; domain: Domain; archive: ArchiveService }): Router {
  const { db, domain, archive } = deps;
  const router = Router();
  const json = express.json({ limit: "64kb" });
  const body = (req: express.Request) => (req.body && typeof req.body === "object" ? req.body : {}) as Record<string, unknown>;
  const who = (res: Response) => principalOf(res).username;

  /** The condition on `d` (the record's dossier) for the caller. */
  const scope = (res: Response) => (can(principalOf(res), "archive.manage") ? { sql: "1 = 1", params: [] as unknown[] } : dossierVisibility(principalOf(res), "d"));
  const recordFor = (res: Response, raw: unknown): RecordRow & { reference: string; dossier_title: string } => {
    const s = scope(res);
    const row = statement(db, `SELECT r.*, d.reference, d.title AS dossier_title FROM archive_record r JOIN dossier d ON d.id = r.dossier_id WHERE r.id = ? AND ${s.sql}`).get(idParam(raw, "record id"), ...s.params) as (RecordRow & { reference: string; dossier_title: string }) | undefined;
    if (!row) throw new DossierError("NOT_FOUND", `Expected to find an archived record '${raw}', but none was found`);
    return row;
  };
  const view = (r: RecordRow & { reference?: string; dossier_title?: string }) => {
    const holds = archive.holds.activeFor(r);
    return {
      id: r.id, dossier: r.reference, dossierTitle: r.dossier_title, period: r.period, kind: r.kind, documentId: r.document_id, version: r.version, documentType: r.document_type,
      filename: r.filename, mime: r.mime, size: r.size, sha256: r.sha256, metadata: r.kind === "dossier" ? JSON.parse(r.metadata) : JSON.parse(r.metadata), depositedAt: r.deposited_at, depositedBy: r.deposited_by,
      rule: r.rule_id, retainFrom: r.retain_from, retainUntil: r.retain_until, finalAction: r.final_action, status: r.status, destroyedAt: r.destroyed_at, disposal: r.disposal_id,
      holds: holds.map((h) => ({ id: h.id, reason: h.reason, placedBy: h.placed_by, placedAt: h.placed_at, on: h.record_id !== null ? "record" : "dossier" })),
    };
  };

  router.get("/archive/overview", allow("archive.read"), (_req, res) => {
    const s = scope(res);
    const count = (where: string) => (statement(db, `SELECT COUNT(*) AS n FROM archive_record r JOIN dossier d ON d.id = r.dossier_id WHERE ${where} AND ${s.sql}`).get(...s.params) as { n: number }).n;
    const lastAudit = archive.audit.reports(1)[0] ?? null;
    const lastSeal = statement(db, `SELECT seq, to_seq, sealed_at, merkle_root FROM archive_seal ORDER BY seq DESC LIMIT 1`).get() ?? null;
    res.json({
      records: count("r.status = 'kept'"), destroyed: count("r.status = 'destroyed'"),
      dossiers: (statement(db, `SELECT COUNT(*) AS n FROM archive_dossier a JOIN dossier d ON d.id = a.dossier_id WHERE a.status = 'archived' AND ${s.sql}`).get(...s.params) as { n: number }).n,
      holds: (statement(db, `SELECT COUNT(*) AS n FROM archive_hold WHERE released_at IS NULL`).get() as { n: number }).n,
      eligible: can(principalOf(res), "archive.manage") || can(principalOf(res), "archive.approve") ? archive.disposals.eligible().length : null,
      incidents: archive.incidents(true).length, journal: archive.journal.lastSeq(), lastAudit, lastSeal,
      certificate: { subject: archive.certificate.subject, fingerprint: archive.certificate.fingerprint256, selfSigned: archive.certificate.selfSigned, notAfter: archive.certificate.notAfter.toISOString() },
      canManage: can(principalOf(res), "archive.manage"), canApprove: can(principalOf(res), "archive.approve"),
    });
  });

  router.get("/archive/records", allow("archive.read"), (req, res) => {
    const s = scope(res);
    const where = [s.sql];
    const params = [...s.params];
    const q = typeof req.query["q"] === "string" ? req.query["q"].trim().slice(0, 200) : "";
    if (q) {
      where.push(`(d.reference LIKE ? OR d.title LIKE ? OR r.filename LIKE ? OR r.document_id IN (SELECT rowid FROM document_fts WHERE document_fts MATCH ?))`);
      const like = `%${q.replace(/[%_]/g, "")}%`;
      params.push(like, like, like, q.split(/\s+/).filter(Boolean).map((w) => `"${w.replace(/"/g, "")}"*`).join(" "));
    }
    if (typeof req.query["dossier"] === "string" && req.query["dossier"]) {
      where.push("d.reference = ?");
      params.push(req.query["dossier"]);
    }
    if (req.query["status"] === "kept" || req.query["status"] === "destroyed") {
      where.push("r.status = ?");
      params.push(req.query["status"]);
    }
    const rows = statement(db, `SELECT r.*, d.reference, d.title AS dossier_title FROM archive_record r JOIN dossier d ON d.id = r.dossier_id WHERE ${where.join(" AND ")} ORDER BY r.id DESC LIMIT 500`).all(...params) as Array<RecordRow & { reference: string; dossier_title: string }>;
    res.json({ items: rows.map(view) });
  });

  router.get("/archive/records/:id", allow("archive.read"), async (req, res) => {
    const r = recordFor(res, req.params["id"]);
    await archive.logAccess(who(res), r, "consultation");
    res.json({ ...view(r), journal: archive.journal.ofRecord(r.id), tombstone: r.status === "destroyed" ? statement(db, `SELECT * FROM archive_tombstone WHERE record_id = ?`).get(r.id) : null });
  });

  router.get("/archive/records/:id/content", allow("archive.read"), async (req, res) => {
    const r = recordFor(res, req.params["id"]);
    if (r.status === "destroyed") throw new DossierError("NOT_FOUND", `Expected a kept record, but record ${r.id} was destroyed by disposal ${r.disposal_id}: only its tombstone remains`);
    await archive.logAccess(who(res), r, "download");
    const inline = r.kind === "document" && INLINE.has(String(r.mime)) && req.query["download"] !== "1";
    res.set({ "X-Content-Type-Options": "nosniff", "Content-Security-Policy": "sandbox", "Cache-Control": "private, no-store", "Content-Disposition": disposition(inline ? "inline" : "attachment", r.filename ?? `record-${r.id}`) });
    if (r.kind === "dossier") return void res.type("application/json").send(r.metadata);
    res.type(String(r.mime)).sendFile(domain.documents.store.pathOf(r.sha256!), { dotfiles: "allow" });
  });

  router.get("/archive/records/:id/evidence", allow("archive.read"), async (req, res) => {
    const r = recordFor(res, req.params["id"]);
    await archive.logAccess(who(res), r, "download", { evidencePack: true });
    const zip = evidencePack({ db, store: domain.documents.store, journal: archive.journal, sealer: archive.sealer }, r);
    res.set({ "Content-Type": "application/zip", "Content-Disposition": disposition("attachment", `preuve-enregistrement-${r.id}.zip`) }).send(zip);
  });

  router.patch("/archive/records/:id", allow("archive.manage"), json, async (req, res) => {
    const r = recordFor(res, req.params["id"]);
    if (r.kind !== "document") throw new DossierError("INVALID_STATE", `Expected a document record to correct, but record ${r.id} is the dossier's snapshot (its fingerprint covers its metadata)`);
    const b = body(req);
    const saved = await archive.holds.correct(who(res), r, b["metadata"], b["reason"]);
    res.json(view({ ...saved, reference: r.reference, dossier_title: r.dossier_title }));
  });

  router.post("/archive/records/:id/retention", allow("archive.manage"), json, async (req, res) => {
    const r = recordFor(res, req.params["id"]);
    const b = body(req);
    await archive.holds.extend(who(res), r, b["retainUntil"], b["reason"]);
    res.json(view(recordFor(res, r.id)));
  });

  /** The ids of the dossiers the caller sees (all of them with archive.manage): the archive's lists are cut to them. */
  const visibleIds = (res: Response) => {
    const s = scope(res);
    return new Set((statement(db, `SELECT d.id FROM dossier d WHERE ${s.sql}`).all(...s.params) as Array<{ id: number }>).map((r) => r.id));
  };
  const dossierOfRecord = (recordId: number | null) => (recordId === null ? null : (statement(db, `SELECT dossier_id FROM archive_record WHERE id = ?`).get(recordId) as { dossier_id: number } | undefined)?.dossier_id ?? null);

  router.get("/archive/holds", allow("archive.read"), (req, res) => {
    const holds = archive.holds.list(req.query["all"] !== "true");
    if (can(principalOf(res), "archive.manage")) return void res.json({ items: holds });
    const visible = visibleIds(res);
    res.json({ items: holds.filter((h) => { const d = h.dossier_id ?? dossierOfRecord(h.record_id); return d !== null && visible.has(d); }) });
  });

  router.post("/archive/holds", allow("archive.manage"), json, async (req, res) => {
    const b = body(req);
    let dossierId: number | undefined;
    if (b["dossier"] !== undefined && b["dossier"] !== null) {
      // the archivist holds any archived dossier (the archive is their job); others only those they see
      const d = can(principalOf(res), "archive.manage") ? domain.service.byReference(String(b["dossier"])) : visibleDossier(db, principalOf(res), String(b["dossier"]));
      dossierId = d.id;
    } else if (b["recordId"] !== undefined) recordFor(res, b["recordId"]);
    const hold = await archive.holds.place(who(res), { recordId: b["recordId"], ...(dossierId !== undefined ? { dossierId } : {}), reason: b["reason"] });
    res.status(201).json(hold);
  });

  router.post("/archive/holds/:id/release", allow("archive.manage"), json, async (req, res) => {
    res.json(await archive.holds.release(who(res), idParam(req.params["id"], "hold id"), body(req)["reason"]));
  });

  router.get("/archive/rules", allow("archive.read"), (_req, res) => {
    res.json({ items: archive.rules.all(), settings: archive.rules.settings });
  });

  router.put("/archive/rules/:id", allow("archive.manage"), json, async (req, res) => {
    const rule = checkRule(body(req), String(req.params["id"]));
    await domain.engine.transaction((tx) => {
      const before = archive.rules.get(rule.id) ?? null;
      archive.rules.put(rule, tx.now, who(res));
      archive.journal.append({ at: tx.now, actor: who(res), action: "rule.changed", details: { rule: rule.id, before, after: rule } });
    });
    res.json(archive.rules.get(rule.id));
  });

  router.delete("/archive/rules/:id", allow("archive.manage"), async (req, res) => {
    const id = String(req.params["id"]);
    await domain.engine.transaction((tx) => {
      const before = archive.rules.get(id);
      if (!before) throw new DossierError("NOT_FOUND", `Expected to find a retention rule '${id}', but none was found`);
      archive.rules.remove(id);
      archive.journal.append({ at: tx.now, actor: who(res), action: "rule.changed", details: { rule: id, before, after: null } });
    });
    res.status(204).end();
  });

  // The dossier page's view of its archive: status, periods, records (the access predicate decides).
  router.get("/archive/dossiers/:reference", allow("dossiers.read"), (req, res) => {
    const d = visibleDossier(db, principalOf(res), String(req.params["reference"]));
    const row = archive.records.archiveRow(d.id);
    const type = domain.types.get(d.typeId);
    res.json({
      reference: d.reference, status: row?.status ?? "active", period: row?.period ?? 1, archivedAt: row?.archived_at ?? null, archivedBy: row?.archived_by ?? null,
      reactivatedAt: row?.reactivated_at ?? null, reactivatedBy: row?.reactivated_by ?? null, reason: row?.reason ?? null,
      canArchive: row?.status !== "archived" && !!type?.states.find((s) => s.id === d.state)?.final, canReactivate: row?.status === "archived",
      records: archive.records.ofDossier(d.id).map((r) => view({ ...r, reference: d.reference, dossier_title: d.title })),
    });
  });

  router.post("/archive/dossiers/:reference/archive", allow("dossiers.write"), json, async (req, res) => {
    const d = visibleDossier(db, principalOf(res), String(req.params["reference"]));
    const comment = typeof body(req)["comment"] === "string" ? String(body(req)["comment"]).slice(0, 500) : undefined;
    const saved = await archive.records.archive(principalOf(res), d, comment);
    res.json({ reference: saved.reference, state: saved.state, records: archive.records.ofDossier(saved.id).length });
  });

  router.post("/archive/dossiers/:reference/reactivation", allow("dossiers.write"), json, async (req, res) => {
    const d = visibleDossier(db, principalOf(res), String(req.params["reference"]));
    const b = body(req);
    const saved = await archive.records.reactivate(principalOf(res), d, b["reason"], b["state"]);
    res.json({ reference: saved.reference, state: saved.state, period: archive.records.archiveRow(saved.id)?.period ?? 1 });
  });

  router.get("/archive/journal", allow("archive.read"), (req, res) => {
    const limit = Math.min(Math.max(Number(req.query["limit"]) || 100, 1), 500);
    const manage = can(principalOf(res), "archive.manage");
    const entries = archive.journal.latest(limit).filter((e) => manage || e.dossierId === null || statement(db, `SELECT 1 FROM dossier d WHERE d.id = ? AND ${dossierVisibility(principalOf(res), "d").sql}`).get(e.dossierId, ...dossierVisibility(principalOf(res), "d").params));
    res.json({ items: entries, last: archive.journal.lastSeq() });
  });

  router.get("/archive/journal/verification", allow("archive.read"), (_req, res) => {
    res.json({ journal: archive.journal.verify(), seals: archive.sealer.verify() });
  });

  router.get("/archive/seals", allow("archive.read"), (_req, res) => {
    res.json({ items: archive.sealer.all().reverse().slice(0, 200).map(({ signature, ...s }) => ({ ...s, signature: `${signature.slice(0, 24)}…` })) });
  });

  router.post("/archive/seals", allow("archive.manage"), async (_req, res) => {
    const seal = await archive.sealer.seal(who(res));
    res.status(seal ? 201 : 200).json({ seal: seal ? { ...seal, signature: `${seal.signature.slice(0, 24)}…` } : null });
  });

  router.get("/archive/audits", allow("archive.read"), (_req, res) => {
    res.json({ items: archive.audit.reports(), lastRunAt: archive.audit.lastRunAt() ?? null });
  });

  router.get("/archive/audits/:id", allow("archive.read"), (req, res) => {
    const report = archive.audit.report(idParam(req.params["id"], "audit id"));
    if (!report) throw new DossierError("NOT_FOUND", `Expected to find an audit report '${req.params["id"]}', but none was found`);
    res.json(report);
  });

  router.post("/archive/audits", allow("archive.manage"), async (_req, res) => {
    await archive.sealer.seal(who(res));
    res.status(201).json(await archive.audit.run("manual", who(res)));
  });

  router.get("/archive/incidents", allow("archive.read"), (req, res) => {
    const incidents = archive.incidents(req.query["all"] !== "true");
    if (can(principalOf(res), "archive.manage")) return void res.json({ items: incidents });
    // an incident of a record names its file and dossier: only to who sees that dossier (journal-wide ones to all readers)
    const visible = visibleIds(res);
    res.json({ items: incidents.filter((i) => { if (i["record_id"] === null) return true; const d = dossierOfRecord(Number(i["record_id"])); return d !== null && visible.has(d); }) });
  });

  router.post("/archive/incidents/:id/repair", allow("archive.manage"), async (req, res) => {
    await archive.repair(idParam(req.params["id"], "incident id"), who(res));
    res.json({ repaired: true });
  });

  router.get("/archive/disposals/eligible", allow("archive.read"), (_req, res) => {
    const s = scope(res);
    const visible = new Set((statement(db, `SELECT d.id FROM dossier d WHERE ${s.sql}`).all(...s.params) as Array<{ id: number }>).map((r) => r.id));
    res.json({ today: archive.disposals.today(), items: archive.disposals.eligible().filter((r) => visible.has(r.dossier_id)).map(view) });
  });

  router.get("/archive/disposals", allow("archive.read"), (_req, res) => {
    res.json({ items: archive.disposals.list().map((d) => ({ ...d, record_ids: JSON.parse(d.record_ids) })) });
  });

  router.post("/archive/disposals", allow("archive.manage"), json, async (req, res) => {
    const b = body(req);
    const d = await archive.disposals.request(who(res), b["recordIds"], b["eraseParties"]);
    res.status(201).json({ ...d, record_ids: JSON.parse(d.record_ids) });
  });

  router.post("/archive/disposals/:id/review", allow("archive.manage"), json, async (req, res) => {
    const b = body(req);
    const d = await archive.disposals.decide("review", who(res), idParam(req.params["id"], "disposal id"), b["approve"], b["comment"]);
    res.json({ ...d, record_ids: JSON.parse(d.record_ids) });
  });

  router.post("/archive/disposals/:id/approval", allow("archive.approve"), json, async (req, res) => {
    const b = body(req);
    const d = await archive.disposals.decide("approval", who(res), idParam(req.params["id"], "disposal id"), b["approve"], b["comment"]);
    res.json({ ...d, record_ids: JSON.parse(d.record_ids) });
  });

  router.get("/archive/disposals/:id/certificate", allow("archive.read"), (req, res) => {
    const d = archive.disposals.get(idParam(req.params["id"], "disposal id"));
    const file = archive.disposals.certificatePath(d);
    if (!file) throw new DossierError("NOT_FOUND", `Expected a destruction certificate for disposal ${d.id}, but it is '${d.status}' (not executed yet)`);
    res.set({ "Content-Disposition": disposition("inline", `certificat-destruction-${d.id}.pdf`), "X-Content-Type-Options": "nosniff" }).type("application/pdf").sendFile(file);
  });

  router.get("/archive/export", allow("archive.manage"), async (req, res) => {
    const reference = typeof req.query["dossier"] === "string" && req.query["dossier"] ? req.query["dossier"] : undefined;
    if (reference) visibleDossier(db, principalOf(res), reference);
    const zip = await archive.exportZip(reference ? { reference } : {}, who(res));
    res.set({ "Content-Type": "application/zip", "Content-Disposition": disposition("attachment", `archive-${reference ?? "complete"}.zip`) }).send(zip);
  });

  return router;
}
