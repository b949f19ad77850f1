/**
 * The outsider side, mounted at the site root (pageRouters): the page shells (/p/<slug>, /portail…)
 * and their JSON endpoints. Every route names its permission (`public`: these people have no
 * back-office account; the portal session is checked by `visitorSession`). Public pages answer
 * only what they were asked; portal reads are scoped to the visitor's dossiers (404 otherwise).
 */
import { createHash } from "node:crypto";
import express, { Router, type Request, type RequestHandler, type Response } from "express";
import multer from "multer";
import { allow } from "../api/auth/guard.js";
import { ApiError } from "../api/errors.js";
import { DossierError } from "../dossiers/errors.js";
import type { Domain } from "../dossiers/domain.js";
import type { TempFile } from "../documents/library.js";
import type { Engine } from "../engine/engine.js";
import { decoyHash, hashPassword, verifyPassword } from "../identity/passwords.js";
import type { Outbox } from "../mail/api.js";
import { statement } from "../persistence/statements.js";
import type { PortalAccounts } from "./accounts.js";
import type { PortalConfig } from "./config.js";
import { WindowLimiter } from "./limits.js";
import type { Links } from "./links.js";
import { codeMail } from "./mails.js";
import { TASK_PURPOSE, type PartyTasks } from "./party-tasks.js";
import type { PublicPages } from "./public-pages.js";
import { partyIdByEmail, submitPublicPage, type PickedUpload } from "./public-submit.js";
import { portalShell } from "./shell.js";
import type { TaskPages } from "./task-page.js";
import { clearPortalCookie, setPortalCookie, visitorOf, visitorSession } from "./visitor-session.js";
import { MAX_MESSAGE_CHARS, MESSAGE_ACTION, notFound, type VisitorData } from "./visitor.js";

export interface OutsiderDeps {
  engine: Engine;
  domain: Domain;
  links: Links;
  outbox: Outbox;
  accounts: PortalAccounts;
  pages: PublicPages;
  tasks: PartyTasks;
  taskPages: TaskPages;
  visitor: VisitorData;
  config: PortalConfig;
  secureCookies: boolean;
  publicUrl: () => string;
}

const PAGE_ROUTES = ["/p/:slug", "/portail", "/portail/connexion", "/portail/profil", "/portail/dossiers/:reference", "/portail/taches/:key", "/portail/tache/:token"];
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const hashKey = (s: string) => createHash("sha256").update(s).digest("hex").slice(0, 32);
const localeOf = (req: Request): "fr" | "en" => (req.get("x-portal-lang") === "en" || req.query["lang"] === "en" ? "en" : "fr");
const client = (req: Request) => req.ip ?? req.socket.remoteAddress ?? "unknown";

function uploads(req: Request): PickedUpload[] {
  const files = (req.files ?? []) as Array<Express.Multer.File & { sha256: string }>;
  const byKey = new Map<string, TempFile[]>();
  for (const f of files) {
    const key = f.fieldname.startsWith("file:") ? f.fieldname.slice(5) : f.fieldname;
    const list = byKey.get(key) ?? [];
    list.push({ originalName: f.originalname, path: f.path, size: f.size, sha256: f.sha256 });
    byKey.set(key, list);
  }
  return [...byKey].map(([key, list]) => ({ key, files: list }));
}

/** Removes the temporary files of a refused submission (a missing one is fine). */
function dropUploads(files: PickedUpload[]): void {
  for (const u of files) for (const f of u.files) void import("node:fs").then((fs) => fs.promises.rm(f.path, { force: true }));
}

function valuesOf(req: Request): unknown {
  const raw = (req.body as Record<string, unknown> | undefined)?.["values"];
  if (raw === undefined) return {};
  if (typeof raw !== "string") return raw;
  try {
    return JSON.parse(raw);
  } catch {
    throw new DossierError("INVALID_ARGUMENT", "Expected the form's values as JSON in the 'values' part, but it does not parse");
  }
}

export function outsiderRouter(deps: OutsiderDeps): Router {
  const { engine, domain, links, outbox, accounts, pages, taskPages, visitor, config } = deps;
  const router = Router();
  const json = express.json({ limit: "64kb" });
  const session = visitorSession(accounts, domain, { required: true });
  const perClient = new WindowLimiter(3_600_000, config.submissionsPerHour);
  const perEmail = new WindowLimiter(86_400_000, config.submissionsPerEmailPerDay);
  const codesPerClient = new WindowLimiter(3_600_000, config.codesPerHour);
  const codesPerEmail = new WindowLimiter(3_600_000, Math.max(3, Math.ceil(config.codesPerHour / 2)));
  const verifyPerClient = new WindowLimiter(3_600_000, config.codesPerHour * 5);
  const limits = domain.documents.limits;
  const upload = multer({
    storage: domain.documents.uploadStorage(), defParamCharset: "utf8",
    limits: { fileSize: limits.maxFileBytes, files: limits.maxFiles, fields: 8, fieldSize: 256 * 1024, parts: limits.maxFiles + 8 },
  });
  const multipart: RequestHandler = (req, res, next) => {
    if (!req.is("multipart/form-data")) return next(new DossierError("UNSUPPORTED_MEDIA_TYPE", `Expected a multipart/form-data body, but found ${req.get("content-type") ?? "no content type"}`));
    upload.any()(req, res, (error?: unknown) => {
      const e = error as { name?: string; code?: string } | undefined;
      if (e?.name === "MulterError" && e.code === "LIMIT_FILE_SIZE") return next(new DossierError("PAYLOAD_TOO_LARGE", `Expected files of at most ${Math.round(limits.maxFileBytes / 1048576)} MB, but one is larger (nothing was stored)`));
      if (e?.name === "MulterError" && e.code === "LIMIT_FILE_COUNT") return next(new DossierError("PAYLOAD_TOO_LARGE", `Expected at most ${limits.maxFiles} files, but found more (nothing was stored)`));
      next(error);
    });
  };
  const started = (res: Response, accountId: number, linkId: number | null = null) => {
    const s = accounts.createSession(accountId, linkId);
    setPortalCookie(res, s.cookie, deps.secureCookies);
    return s.csrfToken;
  };

  for (const route of PAGE_ROUTES) {
    router.get(route, allow("public"), (_req, res) => {
      res.set("Cache-Control", "no-store").type("html").send(portalShell());
    });
  }

  // ── public pages ────────────────────────────────────────────────────────────────────────────
  router.get("/p/:slug/form", allow("public"), (req, res) => {
    const { page, schema } = pages.published(String(req.params["slug"]));
    const locale = localeOf(req);
    res.set("Cache-Control", "no-store").json({ title: page.title[locale], intro: page.intro?.[locale] ?? null, schema });
  });

  router.post("/p/:slug/submit", allow("public"), (req, _res, next) => {
    try {
      pages.published(String(req.params["slug"])); // 404 before a byte is stored
      perClient.hit(client(req), "submissions from one address");
      next();
    } catch (error) {
      next(error);
    }
  }, multipart, async (req, res) => {
    const { page, schema } = pages.published(String(req.params["slug"]));
    const locale = localeOf(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const files = uploads(req);
    const thanks = { message: page.confirmation?.[locale] ?? (locale === "en" ? "Thank you, we received your request." : "Merci, nous avons bien reçu votre demande.") };
    // The honeypot: a field people never see; a robot filling it gets the same thanks, and nothing is kept.
    if (typeof body["website"] === "string" && body["website"] !== "") {
      for (const u of files) for (const f of u.files) void import("node:fs").then((fs) => fs.promises.rm(f.path, { force: true }));
      return res.status(201).json({ ...thanks, reference: null });
    }
    const values = valuesOf(req) as Record<string, unknown>;
    const email = String(values?.[page.mapping.email] ?? "").trim().toLowerCase();
    try {
      if (EMAIL.test(email)) perEmail.hit(hashKey(email), "submissions for one e-mail address");
    } catch (error) {
      for (const u of files) for (const f of u.files) void import("node:fs").then((fs) => fs.promises.rm(f.path, { force: true }));
      throw error;
    }
    let reference: string;
    try {
      ({ reference } = await submitPublicPage({ engine, domain, outbox, publicUrl: deps.publicUrl }, { page, schema, values, uploads: files, locale }));
    } catch (error) {
      dropUploads(files); // refused before its files were taken in: nothing stays in the upload folder
      throw error;
    }
    res.status(201).json({ ...thanks, reference });
  });

  // ── sign-in ─────────────────────────────────────────────────────────────────────────────────
  router.get("/portail/api/session", allow("public"), session, (_req, res) => {
    const v = visitorOf(res);
    res.json({ signedIn: true, csrfToken: res.locals["portalCsrf"], locale: v.locale, name: domain.parties.get(v.partyId)?.name ?? "" });
  });

  /** Same answer, same work (one transaction) for known and unknown addresses: nothing to learn by trying. */
  router.post("/portail/api/signin/code", allow("public"), json, async (req, res) => {
    const email = String((req.body as Record<string, unknown> | undefined)?.["email"] ?? "").trim().toLowerCase();
    if (!EMAIL.test(email) || email.length > 254) throw new DossierError("VALIDATION_FAILED", `Expected an e-mail address (name@example.fr), but found '${email.slice(0, 60)}'`, [{ field: "email", message: "expected an e-mail address" }]);
    codesPerClient.hit(client(req), "sign-in codes from one address");
    codesPerEmail.hit(hashKey(email), "sign-in codes for one e-mail address");
    await engine.transaction((tx) => {
      const partyId = partyIdByEmail(domain, email);
      const hasDossier = partyId !== undefined && statement(domain.db, `SELECT 1 FROM dossier_party WHERE party_id = ? LIMIT 1`).get(partyId) !== undefined;
      const account = accounts.byEmail(email) ?? (hasDossier ? accounts.ensure(partyId!).account : undefined);
      if (!account) return;
      const party = domain.parties.get(account.partyId);
      const code = accounts.issueCode(account.id);
      const locale = party?.language === "en" ? "en" : account.locale;
      const mail = codeMail(locale, { name: party?.name ?? "", code });
      outbox.enqueue(tx, { to: [email], locale, subject: mail.subject, text: mail.text, html: mail.html, purpose: "portal.signin", actor: null, sensitive: true });
    });
    res.status(202).json({ sent: true, message: "Si cette adresse est connue, un code de connexion vient d'y être envoyé (valable 10 minutes)." });
  });

  const wrongCode = () => new DossierError("VALIDATION_FAILED", "Expected the code sent to this address, but it is wrong or expired: ask for a new one", [{ field: "code", message: "wrong or expired code" }]);

  router.post("/portail/api/signin/verify", allow("public"), json, async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const email = String(body["email"] ?? "").trim().toLowerCase();
    const code = String(body["code"] ?? "").replace(/\s+/g, "");
    verifyPerClient.hit(client(req), "sign-in attempts from one address");
    const csrf = await engine.transaction(() => {
      const account = EMAIL.test(email) ? accounts.byEmail(email) : undefined;
      if (!account) return null;
      if (!accounts.checkCode(account.id, code)) return null;
      return account.id;
    });
    if (csrf === null) throw wrongCode();
    res.json({ signedIn: true, csrfToken: started(res, csrf) });
  });

  router.post("/portail/api/signin/password", allow("public"), json, async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const email = String(body["email"] ?? "").trim().toLowerCase();
    const password = String(body["password"] ?? "");
    verifyPerClient.hit(client(req), "sign-in attempts from one address");
    const account = EMAIL.test(email) ? accounts.byEmail(email) : undefined;
    const hash = account ? accounts.passwordHash(account.id) : null;
    const ok = await verifyPassword(password, hash ?? (await decoyHash()));
    if (!account || !hash || !ok) throw new DossierError("VALIDATION_FAILED", "Expected the e-mail address and the password of a portal account, but they do not match", [{ field: "password", message: "wrong address or password" }]);
    res.json({ signedIn: true, csrfToken: started(res, account.id) });
  });

  router.post("/portail/api/signout", allow("public"), session, (_req, res) => {
    const cookie = res.locals["portalCookie"] as string | undefined;
    if (cookie) accounts.endSession(cookie);
    clearPortalCookie(res, deps.secureCookies);
    res.status(204).end();
  });

  // ── personal links ─────────────────────────────────────────────────────────────────────────
  /** Opening a task link: the party's account (created on the first visit) and a session; then the task. */
  router.get("/portail/api/link/:token", allow("public"), async (req, res) => {
    const { link, state } = links.resolve(req.params["token"], TASK_PURPOSE);
    if (state !== "active") {
      const task = engine.store.userTask(Number(link.subject.slice(5)));
      const open = task?.state === "CREATED" && link.replacedBy === null;
      return res.status(410).json({ linkState: state, canResend: state === "expired" && open });
    }
    const key = Number(link.subject.slice(5));
    const party = domain.parties.get(link.partyId);
    const grant = { partyId: link.partyId, userTaskKey: key, linkId: link.id };
    taskPages.view(grant, "fr"); // the task still waits for them (404 / 409 otherwise), before any account or session
    const created = await engine.transaction((tx) => {
      const { account, created: isNew } = accounts.ensure(link.partyId);
      links.touch(link.id);
      if (isNew && link.dossierId !== null) {
        domain.journal.append({ dossierId: link.dossierId, at: tx.now, actor: `portal:${link.partyId}`, action: "portal.account.created", summary: "Espace client créé à la première visite", after: { accountId: account.id }, private: true });
      }
      return account.id;
    });
    const csrfToken = started(res, created, link.id);
    res.json({ csrfToken, taskId: String(key), view: taskPages.view(grant, party?.language === "en" ? "en" : "fr") });
  });

  /** An expired link's holder asks for a fresh one: sent to the address on file, never to a typed one. */
  router.post("/portail/api/link/:token/resend", allow("public"), async (req, res) => {
    const { link, state } = links.resolve(req.params["token"], TASK_PURPOSE);
    perClient.hit(client(req), "requests from one address");
    if (state === "expired") await engine.transaction((tx) => deps.tasks.reissueExpired(tx, link.id));
    res.status(202).json({ sent: true });
  });

  // ── the signed-in visitor ──────────────────────────────────────────────────────────────────
  router.get("/portail/api/home", allow("public"), session, async (_req, res) => {
    res.json(await visitor.home(visitorOf(res)));
  });

  router.get("/portail/api/dossiers/:reference", allow("public"), session, async (req, res) => {
    res.json(await visitor.dossierView(visitorOf(res), req.params["reference"]));
  });

  router.get("/portail/api/dossiers/:reference/documents/:documentId", allow("public"), session, (req, res) => {
    const file = visitor.document(visitorOf(res), req.params["reference"], req.params["documentId"]);
    res.set("Content-Type", file.mime).set("X-Content-Type-Options", "nosniff").set("Cache-Control", "private, no-store");
    res.set("Content-Disposition", `attachment; filename*=UTF-8''${encodeURIComponent(file.filename)}`);
    res.sendFile(file.path);
  });

  router.post("/portail/api/dossiers/:reference/messages", allow("public"), session, json, async (req, res) => {
    const v = visitorOf(res);
    const d = visitor.dossier(v, req.params["reference"]);
    const text = String((req.body as Record<string, unknown> | undefined)?.["text"] ?? "").trim();
    if (text === "" || text.length > MAX_MESSAGE_CHARS) throw new DossierError("VALIDATION_FAILED", `Expected a message of 1 to ${MAX_MESSAGE_CHARS} characters, but found ${text.length}`, [{ field: "text", message: `1 to ${MAX_MESSAGE_CHARS} characters` }]);
    await engine.transaction((tx) => {
      domain.journal.append({ dossierId: d.id, at: tx.now, actor: `portal:${v.partyId}`, action: MESSAGE_ACTION, summary: text.slice(0, 300), after: { text, direction: "in", partyId: v.partyId }, private: false });
      statement(domain.db, `UPDATE dossier SET updated_at = ? WHERE id = ?`).run(tx.now, d.id);
    });
    res.status(201).json({ messages: visitor.messages(d.id) });
  });

  const taskGrant = (req: Request, res: Response) => {
    const key = String(req.params["key"]);
    if (!/^\d{1,19}$/.test(key)) throw notFound();
    return { partyId: visitorOf(res).partyId, userTaskKey: Number(key) };
  };

  router.get("/portail/api/tasks/:key", allow("public"), session, (req, res) => {
    res.json(taskPages.view(taskGrant(req, res), visitorOf(res).locale));
  });

  router.post("/portail/api/tasks/:key", allow("public"), session, (req, res, next) => {
    try {
      taskPages.view(taskGrant(req, res), "fr"); // 404 / 409 before a byte is stored
      next();
    } catch (error) {
      next(error);
    }
  }, multipart, async (req, res) => {
    const files = uploads(req);
    let result;
    try {
      result = await taskPages.submit(taskGrant(req, res), valuesOf(req), files);
    } catch (error) {
      dropUploads(files);
      throw error;
    }
    res.json({ done: true, ...result });
  });

  router.get("/portail/api/profile", allow("public"), session, (_req, res) => {
    res.json(visitor.profile(visitorOf(res)));
  });

  /** Contact details, language and channel: through the address book (its history) and each dossier's journal. */
  router.patch("/portail/api/profile", allow("public"), session, json, async (req, res) => {
    const v = visitorOf(res);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const patch: Record<string, unknown> = {};
    if (body["phone"] !== undefined) patch["phones"] = body["phone"] === "" ? [] : [String(body["phone"])];
    if (body["address"] !== undefined) patch["address"] = body["address"];
    if (body["language"] !== undefined) {
      if (body["language"] !== "fr" && body["language"] !== "en") throw new DossierError("VALIDATION_FAILED", `Expected the language fr or en, but found ${JSON.stringify(body["language"])}`, [{ field: "language", message: "fr or en" }]);
      patch["language"] = body["language"];
    }
    if (body["preferredChannel"] !== undefined) patch["preferredChannel"] = body["preferredChannel"];
    const password = body["password"];
    // A link can be forwarded: who holds one may act on its task, not make the account theirs for good.
    if (password !== undefined && res.locals["portalLinkId"] !== null && res.locals["portalLinkId"] !== undefined) {
      throw new DossierError("FORBIDDEN", "Expected a sign-in with the code sent to your e-mail address before setting a password, but this session was opened by a personal link: sign out, then sign in at /portail/connexion", [{ field: "password", message: "sign in with a code first" }]);
    }
    if (password !== undefined && (typeof password !== "string" || password.length < 10 || password.length > 200)) {
      throw new DossierError("VALIDATION_FAILED", "Expected a password of 10 to 200 characters", [{ field: "password", message: "10 to 200 characters" }]);
    }
    const hash = typeof password === "string" ? await hashPassword(password) : undefined;
    const expected = Number(body["version"]);
    await engine.transaction((tx) => {
      const actor = `portal:${v.partyId}`;
      if (Object.keys(patch).length) {
        const before = domain.parties.get(v.partyId)!;
        const after = domain.parties.update(v.partyId, patch, Number.isInteger(expected) ? expected : before.version, actor);
        if (after.version !== before.version) {
          for (const id of v.dossierIds) {
            domain.journal.append({ dossierId: id, at: tx.now, actor, action: "portal.profile.changed", summary: "Coordonnées modifiées par le client sur le portail", before: { fields: Object.keys(patch) }, after: { fields: Object.keys(patch) }, private: true });
          }
        }
        if (patch["language"]) accounts.setPreferences(v.accountId, { locale: patch["language"] as "fr" | "en" });
      }
      if (hash) accounts.setPassword(v.accountId, hash);
    });
    res.json(visitor.profile(visitorOf(res)));
  });

  router.use(["/portail/api", "/p"], allow("public"), (req, _res, next) => next(new ApiError("NOT_FOUND", `No route for ${req.method} ${req.path}`)));
  return router;
}
