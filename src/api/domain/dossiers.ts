/**
 * /api/dossiers and /api/dossier-types: the customer file over HTTP (docs/api-dossiers.md). Every
 * dossier is read through `visibleDossier` (404 outside the caller's sectors), every change is
 * one domain command; PATCH needs the version (If-Match or `version`) and answers 409 with the
 * current one when it is stale.
 */
import { Router, type Request, type Response } from "express";
import { allow, principalOf } from "../auth/guard.js";
import { body } from "../v2/wire.js";
import type { Domain } from "../../dossiers/domain.js";
import { DossierError } from "../../dossiers/errors.js";
import { fieldFilters, type ListQuery } from "../../dossiers/list.js";
import { visibleDossier } from "../../dossiers/rows.js";
import { seesPrivate } from "../../dossiers/access.js";
import { statement } from "../../persistence/statements.js";

export function langOf(req: Request): "fr" | "en" {
  const q = req.query["lang"];
  if (q === "en" || q === "fr") return q;
  return /^en\b/i.test(req.get("accept-language") ?? "") ? "en" : "fr";
}

/** The version a change is based on: `If-Match: "3"` (or W/"3") or `version` in the body. */
export function expectedVersion(req: Request, body: Record<string, unknown>, required: boolean): number | undefined {
  const header = req.get("if-match");
  const raw = header !== undefined ? header.replace(/^W\//, "").replace(/"/g, "").trim() : body["version"];
  if (raw === undefined || raw === null || raw === "") {
    if (!required) return undefined;
    throw new DossierError("PRECONDITION_REQUIRED", "Expected the version the change is based on (If-Match: \"<version>\" or 'version' in the body), but found none");
  }
  const n = typeof raw === "number" ? raw : Number(raw);
  if (!Number.isSafeInteger(n) || n < 1) throw new DossierError("INVALID_ARGUMENT", `Expected a version (a whole number ≥ 1), but found ${JSON.stringify(raw)}`);
  return n;
}

function one(value: unknown, name: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "string") throw new DossierError("INVALID_ARGUMENT", `Expected one value for '${name}', but found ${JSON.stringify(value)}`);
  return value;
}

/** A query parameter that must be a whole number (page, pageSize, limit, before, party). */
function whole(req: Request, name: string): number | undefined {
  const v = one(req.query[name], name);
  if (v === undefined) return undefined;
  if (!/^\d{1,9}$/.test(v)) throw new DossierError("INVALID_ARGUMENT", `Expected '${name}' to be a whole number, but found '${v}'`);
  return Number(v);
}

export function listQuery(req: Request): ListQuery {
  const q = req.query as Record<string, unknown>;
  const int = (name: string) => whole(req, name);
  const state = one(q["state"], "state");
  const out: ListQuery = { fields: fieldFilters(q) };
  const set = <K extends keyof ListQuery>(k: K, v: ListQuery[K] | undefined) => {
    if (v !== undefined) out[k] = v;
  };
  set("type", one(q["type"], "type"));
  set("state", state ? state.split(",") : undefined);
  set("q", one(q["q"], "q"));
  set("owner", one(q["owner"], "owner"));
  set("sector", one(q["sector"], "sector"));
  set("party", int("party"));
  set("sort", one(q["sort"], "sort"));
  set("page", int("page"));
  set("pageSize", int("pageSize"));
  return out;
}

/** The exchanges of the timeline: notes, logged calls and (later) mails. */
const EXCHANGE_ACTIONS = ["note.added", "call.logged", "mail.received", "mail.sent", "portal.message"];

export function dossiersRouter(domain: Domain): Router {
  const router = Router();
  const { service, views, lists, types, catalogue, journal, db } = domain;
  const find = (req: Request, res: Response) => visibleDossier(db, principalOf(res), String(req.params["reference"]));
  const sendDossier = (req: Request, res: Response, status: number, reference: string) => {
    const me = principalOf(res);
    const d = visibleDossier(db, me, reference);
    res.status(status).set("ETag", `"${d.version}"`).json(views.full(me, d, langOf(req)));
  };

  // ── types ──
  router.get("/dossier-types", allow("dossiers.read"), (_req, res) => {
    res.json({ items: types.all() });
  });
  router.get("/dossier-types/:typeId", allow("dossiers.read"), (req, res) => {
    const version = one(req.query["version"], "version");
    const type = version ? types.version(String(req.params["typeId"]), Number(version)) : types.get(String(req.params["typeId"]));
    if (!type) throw new DossierError("NOT_FOUND", `Expected a dossier type '${req.params["typeId"]}'${version ? ` with version ${version}` : ""}, but none was found`);
    res.json(type);
  });
  router.put("/dossier-types/:typeId", allow("dossiers.configure"), async (req, res) => {
    const saved = await domain.saveType(String(req.params["typeId"]), body(req) as Record<string, any>, principalOf(res).username);
    res.status(saved.created ? 201 : 200).json(saved.type);
  });

  router.get("/dossier-meta", allow("dossiers.read"), (_req, res) => {
    const me = principalOf(res);
    const groups = statement(db, `SELECT group_id, name FROM identity_group ORDER BY name`).all() as Array<{ group_id: string; name: string }>;
    const sectors = me.permissions.has("dossiers.all") ? groups : groups.filter((g) => me.groups.includes(g.group_id));
    res.json({ sectors: sectors.map((g) => ({ id: g.group_id, name: g.name })), me: { username: me.username, name: me.name, groups: me.groups, roles: me.roles } });
  });

  // ── lists and export ──
  router.get("/dossiers", allow("dossiers.read"), (req, res) => {
    const page = lists.list(principalOf(res), listQuery(req));
    res.json({ items: views.summaries(page.items, langOf(req)), total: page.total, hasMoreTotalItems: page.hasMoreTotalItems, page: page.page, pageSize: page.pageSize });
  });

  // ── one dossier ──
  router.post("/dossiers", allow("dossiers.write"), async (req, res) => {
    const b = body(req) as Record<string, any>;
    const idempotencyKey = req.get("idempotency-key");
    const created = await service.create(principalOf(res), {
      type: b["type"], title: b["title"], data: b["data"], parties: b["parties"] ?? [], sector: b["sector"], owner: b["owner"], parent: b["parent"], tags: b["tags"],
      ...(idempotencyKey !== undefined ? { idempotencyKey } : {}),
    });
    res.status(created.repeated ? 200 : 201).set("ETag", `"${created.dossier.version}"`).set("Location", `/api/dossiers/${encodeURIComponent(created.dossier.reference)}`)
      .json({ reference: created.dossier.reference, version: created.dossier.version, processInstanceKey: created.processInstanceKey === null ? null : String(created.processInstanceKey) });
  });
  router.get("/dossiers/:reference", allow("dossiers.read"), (req, res) => {
    const me = principalOf(res);
    const d = find(req, res);
    res.set("ETag", `"${d.version}"`).json(views.full(me, d, langOf(req)));
  });
  router.patch("/dossiers/:reference", allow("dossiers.write"), async (req, res) => {
    const d = find(req, res);
    const b = body(req) as Record<string, any>;
    const version = expectedVersion(req, b, true)!;
    const patch: Record<string, unknown> = {};
    for (const k of ["title", "data", "tags", "owner", "sector"]) if (b[k] !== undefined) patch[k] = b[k];
    const saved = await service.update(principalOf(res), d, patch, version);
    sendDossier(req, res, 200, saved.reference);
  });
  router.post("/dossiers/:reference/state", allow("dossiers.write"), async (req, res) => {
    const d = find(req, res);
    const b = body(req) as Record<string, any>;
    if (b["comment"] !== undefined && (typeof b["comment"] !== "string" || b["comment"].length > 2000)) throw new DossierError("INVALID_ARGUMENT", "Expected 'comment' to be text of at most 2,000 characters");
    const saved = await service.changeState(principalOf(res), d, b["to"], expectedVersion(req, b, false), b["comment"]);
    sendDossier(req, res, 200, saved.reference);
  });
  router.post("/dossiers/:reference/parties", allow("dossiers.write"), async (req, res) => {
    const d = find(req, res);
    const b = body(req) as Record<string, any>;
    const saved = await service.addParty(principalOf(res), d, { role: b["role"], ...(b["partyId"] !== undefined ? { partyId: b["partyId"] } : {}), ...(b["party"] !== undefined ? { party: b["party"] } : {}) });
    sendDossier(req, res, 201, saved.reference);
  });
  router.delete("/dossiers/:reference/parties/:role/:partyId", allow("dossiers.write"), async (req, res) => {
    const d = find(req, res);
    const partyId = Number(req.params["partyId"]);
    if (!Number.isSafeInteger(partyId)) throw new DossierError("INVALID_ARGUMENT", `Expected a party id, but found '${req.params["partyId"]}'`);
    const saved = await service.removeParty(principalOf(res), d, String(req.params["role"]), partyId);
    sendDossier(req, res, 200, saved.reference);
  });

  // ── exchanges ──
  router.post("/dossiers/:reference/notes", allow("dossiers.write"), async (req, res) => {
    const d = find(req, res);
    const b = body(req) as Record<string, any>;
    if (typeof b["text"] !== "string" || b["text"].trim() === "" || b["text"].length > 20_000) {
      throw new DossierError("VALIDATION_FAILED", "Expected a note: 'text' of 1 to 20,000 characters", [{ field: "text", message: "expected 1 to 20,000 characters" }]);
    }
    if (b["public"] !== undefined && typeof b["public"] !== "boolean") throw new DossierError("VALIDATION_FAILED", "Expected 'public' to be true or false", [{ field: "public", message: "expected true or false" }]);
    const isPublic = b["public"] === true;
    await service.addExchange(principalOf(res), d, { action: "note.added", summary: b["text"].slice(0, 300), after: { text: b["text"], public: isPublic }, private: !isPublic });
    res.status(201).json({ ok: true });
  });
  router.post("/dossiers/:reference/calls", allow("dossiers.write"), async (req, res) => {
    const d = find(req, res);
    const call = checkCall(body(req) as Record<string, any>);
    const dir = call.direction === "in" ? "entrant" : "sortant";
    await service.addExchange(principalOf(res), d, { action: "call.logged", summary: `Appel ${dir} — ${call.contact} : ${call.outcome}`, after: call, private: true });
    res.status(201).json({ ok: true });
  });

  // ── journal ──
  router.get("/dossiers/:reference/journal", allow("dossiers.read"), (req, res) => {
    const me = principalOf(res);
    const d = find(req, res);
    const kind = one(req.query["kind"], "kind");
    if (kind !== undefined && kind !== "exchanges") throw new DossierError("INVALID_ARGUMENT", `Expected 'kind' to be 'exchanges' or absent, but found '${kind}'`);
    const includePrivate = seesPrivate(me, d);
    const before = whole(req, "before");
    const items = journal.entries(d.id, {
      includePrivate, limit: whole(req, "limit") ?? 200, ...(before !== undefined ? { beforeSeq: before } : {}),
      ...(kind === "exchanges" ? { actions: EXCHANGE_ACTIONS } : {}),
    });
    res.json({
      items: items.map((e) => ({ seq: e.seq, at: new Date(e.at).toISOString(), actor: e.actor, action: e.action, summary: e.summary, before: e.before, after: e.after, private: e.private, hash: e.hash })),
      next: items.length && items[0]!.seq > 1 ? String(items[0]!.seq) : null,
    });
  });
  router.get("/dossiers/:reference/journal/verification", allow("dossiers.read"), (req, res) => {
    res.json(journal.verify(find(req, res).id));
  });

  // ── actions ──
  router.get("/dossiers/:reference/actions", allow("dossiers.read"), (req, res) => {
    const d = find(req, res);
    res.json({ items: catalogue.actions(principalOf(res), d, service.typeOf(d), langOf(req)) });
  });
  router.post("/dossiers/:reference/actions/:actionId", allow("dossiers.write"), async (req, res) => {
    const d = find(req, res);
    const b = body(req) as Record<string, any>;
    if (b["variables"] !== undefined && (typeof b["variables"] !== "object" || Array.isArray(b["variables"]) || b["variables"] === null)) throw new DossierError("INVALID_ARGUMENT", "Expected 'variables' to be an object");
    const key = await catalogue.startAction(principalOf(res), d, service.typeOf(d), String(req.params["actionId"]), b["variables"] ?? {});
    res.status(201).json({ processInstanceKey: String(key) });
  });

  // ── global search ──
  router.get("/search", allow("dossiers.read"), (req, res) => {
    const q = one(req.query["q"], "q") ?? "";
    if (q.length > 200) throw new DossierError("INVALID_ARGUMENT", `Expected a search of at most 200 characters, but found ${q.length}`);
    const found = domain.search.search(principalOf(res), q, 8);
    res.json({ dossiers: views.summaries(found.dossiers, langOf(req)), parties: found.parties, documents: found.documents });
  });

  return router;
}

const SCRIPT_STEPS = ["greet", "identify", "search", "listen", "rephrase", "propose", "recap", "close"] as const;

/** A logged phone call, following the intake call script (greet, identify, search and open the file, listen, rephrase, propose, recap, close). */
function checkCall(b: Record<string, any>) {
  const problems = [];
  if (b["direction"] !== "in" && b["direction"] !== "out") problems.push({ field: "direction", message: `expected 'in' or 'out', but found ${JSON.stringify(b["direction"])}` });
  for (const f of ["contact", "outcome"]) if (typeof b[f] !== "string" || b[f].trim() === "" || b[f].length > 500) problems.push({ field: f, message: "expected 1 to 500 characters" });
  if (b["summary"] !== undefined && (typeof b["summary"] !== "string" || b["summary"].length > 20_000)) problems.push({ field: "summary", message: "expected at most 20,000 characters" });
  if (b["at"] !== undefined && (typeof b["at"] !== "string" || !Number.isFinite(Date.parse(b["at"])))) problems.push({ field: "at", message: `expected an ISO date-time, but found ${JSON.stringify(b["at"])}` });
  if (b["durationMinutes"] !== undefined && !(Number.isInteger(b["durationMinutes"]) && b["durationMinutes"] >= 0 && b["durationMinutes"] < 600)) problems.push({ field: "durationMinutes", message: "expected whole minutes from 0 to 600" });
  const script: Record<string, boolean> = {};
  const given = b["script"] ?? {};
  if (typeof given !== "object" || Array.isArray(given)) problems.push({ field: "script", message: `expected {${SCRIPT_STEPS.join(", ")}} as true/false` });
  else for (const s of SCRIPT_STEPS) script[s] = given[s] === true;
  if (problems.length) throw new DossierError("VALIDATION_FAILED", `Expected a valid call log, but ${problems.map((p) => `${p.field}: ${p.message}`).join("; ")}`, problems);
  return {
    direction: b["direction"] as "in" | "out", contact: String(b["contact"]).trim(), outcome: String(b["outcome"]).trim(), summary: (b["summary"] as string | undefined) ?? "",
    at: b["at"] ?? null, durationMinutes: b["durationMinutes"] ?? null, script, scriptCompleted: SCRIPT_STEPS.filter((s) => script[s]).length,
  };
}
