/**
 * The back office's side of the portal (mounted under /api): publishing public pages
 * (portal.manage), and in the 360° view of a dossier the links given out (revocable), the party
 * tasks waiting for the outside, the message thread with its answer box, and the documents'
 * "shared with the customer" flag (dossiers.read / dossiers.write, through the access predicate).
 */
import { Router, type Response } from "express";
import { allow, principalOf } from "../api/auth/guard.js";
import type { Domain } from "../dossiers/domain.js";
import { DossierError } from "../dossiers/errors.js";
import { visibleDossier } from "../dossiers/rows.js";
import { rolePriority } from "../dossiers/service.js";
import type { Engine } from "../engine/engine.js";
import type { Outbox } from "../mail/api.js";
import { statement } from "../persistence/statements.js";
import type { PortalAccounts } from "./accounts.js";
import type { Links } from "./links.js";
import { answerMail } from "./mails.js";
import { TASK_PURPOSE } from "./party-tasks.js";
import type { PublicPages } from "./public-pages.js";
import { MAX_MESSAGE_CHARS, MESSAGE_ACTION, type VisitorData } from "./visitor.js";

export function adminRouter(deps: { engine: Engine; domain: Domain; links: Links; outbox: Outbox; accounts: PortalAccounts; pages: PublicPages; visitor: VisitorData; publicUrl: () => string }): Router {
  const { engine, domain, links, outbox, pages, visitor } = deps;
  const router = Router();
  const dossierOf = (res: Response, reference: unknown) => visibleDossier(domain.db, principalOf(res), String(reference));

  router.get("/portal/pages", allow("portal.manage"), (_req, res) => {
    res.json({ items: pages.all().map((p) => ({ ...p, url: `${deps.publicUrl()}/p/${p.slug}` })) });
  });

  /** What a page can be built from: the deployed forms and the dossier types with their fields and roles. */
  router.get("/portal/sources", allow("portal.manage"), (_req, res) => {
    const forms = statement(domain.db, `SELECT form_id, MAX(version) AS version FROM form GROUP BY form_id ORDER BY form_id`).all() as Array<{ form_id: string; version: number }>;
    res.json({
      forms: forms.map((f) => ({ formId: f.form_id, version: f.version })),
      dossierTypes: domain.types.all().map((t) => ({ id: t.id, name: t.name, fields: t.fields.map((f) => ({ id: f.id, label: f.label })), roles: t.partyRoles.map((r) => ({ id: r.id, label: r.label })) })),
    });
  });

  router.put("/portal/pages/:slug", allow("portal.manage"), async (req, res) => {
    const checked = pages.check((req.body ?? {}) as Record<string, unknown>, String(req.params["slug"]));
    const { page, created } = await engine.transaction((tx) => pages.save(checked, principalOf(res).username, tx.now));
    res.status(created ? 201 : 200).json(page);
  });

  router.delete("/portal/pages/:slug", allow("portal.manage"), async (req, res) => {
    const removed = await engine.transaction(() => pages.remove(String(req.params["slug"])));
    if (!removed) throw new DossierError("NOT_FOUND", `Expected a public page '${String(req.params["slug"]).slice(0, 64)}', but there is none`);
    res.status(204).end();
  });

  router.get("/dossiers/:reference/portal", allow("dossiers.read"), (req, res) => {
    const d = dossierOf(res, req.params["reference"]);
    const names = domain.parties.getMany([...new Set(links.forDossier(d.id).map((l) => l.partyId))]);
    const items = links.forDossier(d.id).map((l) => {
      const task = l.purpose === TASK_PURPOSE ? engine.store.userTask(Number(l.subject.slice(5))) : undefined;
      return {
        id: l.id, purpose: l.purpose, subject: l.subject, party: { id: l.partyId, name: names.get(l.partyId)?.name ?? `#${l.partyId}` }, state: links.stateOf(l),
        createdAt: l.createdAt, expiresAt: l.expiresAt, lastUsedAt: l.lastUsedAt, uses: l.uses, revokedAt: l.revokedAt, revokedReason: l.revokedReason,
        taskName: task ? task.name ?? task.elementId : null,
      };
    });
    const waiting = statement(domain.db, `SELECT pt.user_task_key, pt.role, pt.party_id FROM portal_task pt JOIN user_task ut ON ut.key = pt.user_task_key WHERE pt.dossier_id = ? AND pt.outcome = 'linked' AND ut.state = 'CREATED' ORDER BY pt.user_task_key`).all(d.id) as Array<{ user_task_key: number; role: string; party_id: number }>;
    res.json({
      links: items,
      waiting: waiting.map((w) => ({ userTaskKey: String(w.user_task_key), role: w.role, name: engine.store.userTask(w.user_task_key)?.name ?? null, party: domain.parties.get(w.party_id)?.name ?? null })),
      messages: visitor.messages(d.id).map((m) => ({ ...m, from: m.from === "me" ? "customer" : "team" })),
      shared: (statement(domain.db, `SELECT document_id FROM document_share WHERE dossier_id = ?`).all(d.id) as Array<{ document_id: number }>).map((r) => r.document_id),
    });
  });

  router.post("/dossiers/:reference/portal/links/:linkId/revocation", allow("dossiers.write"), async (req, res) => {
    const d = dossierOf(res, req.params["reference"]);
    const id = Number(req.params["linkId"]);
    const link = Number.isSafeInteger(id) ? links.get(id) : undefined;
    if (!link || link.dossierId !== d.id) throw new DossierError("NOT_FOUND", `Expected a link ${String(req.params["linkId"]).slice(0, 20)} of ${d.reference}, but there is none`);
    const actor = principalOf(res).username;
    const revoked = await engine.transaction((tx) => {
      const done = links.revoke(id, actor, "revoked from the dossier");
      // what the link opened goes with it: the portal sessions started through it end now
      const sessions = deps.accounts.endSessionsOfLink(id);
      if (done) domain.journal.append({ dossierId: d.id, at: tx.now, actor, action: "portal.link.revoked", summary: `Lien #${id} retiré`, after: { linkId: id, sessionsEnded: sessions }, private: true });
      return done;
    });
    res.json({ revoked });
  });

  /** An agent's answer in the thread: journaled as an exchange, and a mail tells the customer. */
  router.post("/dossiers/:reference/portal/messages", allow("dossiers.write"), async (req, res) => {
    const d = dossierOf(res, req.params["reference"]);
    const text = String((req.body as Record<string, unknown> | undefined)?.["text"] ?? "").trim();
    if (text === "" || text.length > MAX_MESSAGE_CHARS) throw new DossierError("VALIDATION_FAILED", `Expected a message of 1 to ${MAX_MESSAGE_CHARS} characters, but found ${text.length}`, [{ field: "text", message: `1 to ${MAX_MESSAGE_CHARS} characters` }]);
    const actor = principalOf(res).username;
    const parties = domain.service.partiesOf(d.id);
    const to = [...parties].sort((a, b) => rolePriority(a.role) - rolePriority(b.role))[0];
    if (!to) throw new DossierError("INVALID_STATE", `Expected ${d.reference} to have a party to write to, but it has none`);
    await engine.transaction((tx) => {
      const entry = domain.journal.append({ dossierId: d.id, at: tx.now, actor, action: MESSAGE_ACTION, summary: text.slice(0, 300), after: { text, direction: "out", partyId: to.partyId }, private: false });
      const party = domain.parties.get(to.partyId);
      const locale = party?.language === "en" ? "en" : "fr";
      const mail = answerMail(locale, { name: party?.name ?? "", reference: d.reference, href: `${deps.publicUrl()}/portail/dossiers/${encodeURIComponent(d.reference)}` });
      outbox.enqueue(tx, { to: [{ partyId: to.partyId }], dossierId: d.id, locale, subject: mail.subject, text: mail.text, html: mail.html, purpose: "portal.answer", key: `portal-answer:${d.id}:${entry.seq}`, actor });
    });
    res.status(201).json({ messages: visitor.messages(d.id).map((m) => ({ ...m, from: m.from === "me" ? "customer" : "team" })) });
  });

  router.put("/dossiers/:reference/documents/:documentId/share", allow("dossiers.write"), async (req, res) => {
    const d = dossierOf(res, req.params["reference"]);
    const id = Number(req.params["documentId"]);
    const shown = Number.isSafeInteger(id) && statement(domain.db, `SELECT 1 FROM dossier_document WHERE dossier_id = ? AND document_id = ?`).get(d.id, id);
    if (!shown) throw new DossierError("NOT_FOUND", `Expected a document ${String(req.params["documentId"]).slice(0, 20)} of ${d.reference}, but there is none`);
    const shared = (req.body as Record<string, unknown> | undefined)?.["shared"];
    if (typeof shared !== "boolean") throw new DossierError("VALIDATION_FAILED", `Expected {"shared": true|false}, but found ${JSON.stringify(shared)}`, [{ field: "shared", message: "expected true or false" }]);
    const actor = principalOf(res).username;
    await engine.transaction((tx) => {
      const changed = shared
        ? statement(domain.db, `INSERT INTO document_share (dossier_id, document_id, shared_at, shared_by) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING`).run(d.id, id, tx.now, actor).changes
        : statement(domain.db, `DELETE FROM document_share WHERE dossier_id = ? AND document_id = ?`).run(d.id, id).changes;
      if (changed) domain.journal.append({ dossierId: d.id, at: tx.now, actor, action: shared ? "document.shared" : "document.unshared", summary: `Document #${id} ${shared ? "partagé avec" : "retiré du partage avec"} le client`, after: { documentId: id, shared }, private: true });
    });
    res.json({ documentId: id, shared });
  });

  return router;
}
