/**
 * The address book over HTTP (`/api/parties…`, see docs/parties.md). The book is company-wide for
 * internal users with `parties.read` (no sector filter). Every write goes through
 * `engine.transaction`, so it is serialised in the write lane and atomic; an import (dry run or
 * real) runs as ONE transaction that is rolled back for a dry run or when any line is wrong.
 */
import express, { Router, type Request, type Response } from "express";
import multer from "multer";
import type { Engine } from "../../engine/engine.js";
import { DossierError } from "../../dossiers/errors.js";
import type { PartyBook } from "../../dossiers/parties/book.js";
import { IMPORT_FIELDS, parsePartyCsv, runImport, type DuplicatePolicy, type ImportReport } from "../../dossiers/parties/csv-import.js";
import { DEFAULT_COUNTRY } from "../../dossiers/parties/normalize.js";
import { batchesOf, writePartiesCsv, writePartiesXlsx } from "../../dossiers/parties/export.js";
import type { PartyFilters } from "../../dossiers/parties/search.js";
import { PARTY_FLAGS, PARTY_KINDS, type PartyFlag, type PartyInput, type PartyKind, type PartyRow } from "../../dossiers/parties/types.js";
import { allow, principalOf } from "../auth/guard.js";

const fr_en = (fr: string, en: string) => ({ fr, en });
const PARTY_META = {
  kinds: [{ id: "person", label: fr_en("Personne", "Person") }, { id: "organisation", label: fr_en("Organisation", "Organisation") }],
  flags: [
    { id: "prospect", label: fr_en("Prospect", "Prospect") }, { id: "customer", label: fr_en("Client", "Customer") },
    { id: "supplier", label: fr_en("Fournisseur", "Supplier") }, { id: "partner", label: fr_en("Partenaire", "Partner") },
  ],
  phoneLabels: [
    { id: "mobile", label: fr_en("Mobile", "Mobile") }, { id: "fixe", label: fr_en("Fixe", "Landline") },
    { id: "fax", label: fr_en("Fax", "Fax") }, { id: "autre", label: fr_en("Autre", "Other") },
  ],
  channels: [{ id: "email", label: fr_en("E-mail", "E-mail") }, { id: "post", label: fr_en("Courrier", "Post") }, { id: "portal", label: fr_en("Portail", "Portal") }],
  contactFunctions: [fr_en("Décideur", "Decision-maker"), fr_en("Comptabilité", "Accounting"), fr_en("Direction", "Management"), fr_en("Technique", "Technical"), fr_en("Commercial", "Sales")],
  defaultCountry: DEFAULT_COUNTRY,
  importFields: IMPORT_FIELDS,
};

export interface PartiesRouterDeps {
  engine: Engine;
  parties: PartyBook;
}

const MAX_IMPORT_BYTES = 20 * 1024 * 1024;
const MAX_EXPORT_ROWS = 1_000_000;
const bad = (message: string) => new DossierError("INVALID_ARGUMENT", message);

/** Thrown inside the import's transaction to roll it back while keeping its report. */
class Rollback extends Error {
  constructor(readonly report: ImportReport) {
    super("import rolled back");
  }
}

const iso = (ms: number) => new Date(ms).toISOString();

/** A party as answered: the stored row with ISO dates. */
export function partyJson(row: PartyRow): Record<string, unknown> {
  return { ...row, createdAt: iso(row.createdAt), updatedAt: iso(row.updatedAt) };
}

function query(req: Request, name: string): string | undefined {
  const v = req.query[name];
  if (v === undefined) return undefined;
  if (typeof v !== "string") throw bad(`Expected one value for '${name}', but found several`);
  return v;
}

function filtersOf(req: Request): PartyFilters {
  const kind = query(req, "kind");
  const flag = query(req, "flag");
  if (kind !== undefined && kind !== "" && !(PARTY_KINDS as readonly string[]).includes(kind)) throw bad(`Expected kind to be one of ${PARTY_KINDS.join(", ")}, but found '${kind}'`);
  if (flag !== undefined && flag !== "" && !(PARTY_FLAGS as readonly string[]).includes(flag)) throw bad(`Expected flag to be one of ${PARTY_FLAGS.join(", ")}, but found '${flag}'`);
  return { ...(kind ? { kind: kind as PartyKind } : {}), ...(flag ? { flag: flag as PartyFlag } : {}) };
}

function idOf(req: Request): number {
  const raw = String(req.params["id"] ?? "");
  const id = /^\d{1,15}$/.test(raw) ? Number(raw) : NaN;
  if (!Number.isSafeInteger(id) || id <= 0) throw new DossierError("NOT_FOUND", `Expected to find a party '${raw}', but none was found`);
  return id;
}

function bodyOf(req: Request): Record<string, unknown> {
  const body = req.body as unknown;
  if (body === undefined || body === null || typeof body !== "object" || Array.isArray(body)) throw bad("Expected a JSON object body");
  return body as Record<string, unknown>;
}

/** The version a change is based on: `If-Match: "3"` (or W/"3"), else `version` in the body; 428 without either. */
function expectedVersion(req: Request, body: Record<string, unknown>): number {
  const header = req.get("if-match");
  if (header !== undefined) {
    const m = /^\s*(?:W\/)?"?(\d+)"?\s*$/.exec(header);
    if (!m) throw bad(`Expected If-Match to be a party version such as "3", but found '${header}'`);
    return Number(m[1]);
  }
  if (body["version"] !== undefined) {
    if (!Number.isSafeInteger(body["version"])) throw bad(`Expected version to be an integer, but found '${String(body["version"])}'`);
    return body["version"] as number;
  }
  throw new DossierError("PRECONDITION_REQUIRED", "Expected the version the change is based on (If-Match header or `version` in the body), but found none");
}

function boolParam(value: unknown, name: string, fallback: boolean): boolean {
  if (value === undefined || value === "") return fallback;
  if (value === true || value === "true" || value === "1") return true;
  if (value === false || value === "false" || value === "0") return false;
  throw bad(`Expected ${name} to be true or false, but found '${String(value)}'`);
}

export function partiesRouter(deps: PartiesRouterDeps): Router {
  const { engine, parties } = deps;
  const router = Router();
  const json = express.json({ limit: "1mb" });
  const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: MAX_IMPORT_BYTES, files: 1, fields: 10, fieldSize: 64 * 1024, parts: 12 } });

  const detail = (row: PartyRow, requestedId?: number) => ({
    ...partyJson(row),
    ...parties.related(row),
    ...(requestedId !== undefined && requestedId !== row.id ? { resolvedFrom: requestedId } : {}),
  });
  const sendParty = (res: Response, status: number, body: Record<string, unknown>, row: PartyRow) => {
    res.status(status).set("ETag", `"${row.version}"`).json(body);
  };

  router.get("/parties", allow("parties.read"), (req, res) => {
    const limitText = query(req, "limit");
    const limit = limitText === undefined ? 20 : Number(limitText);
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw bad(`Expected limit between 1 and 100, but found '${limitText}'`);
    const offsetText = query(req, "offset");
    const offset = offsetText === undefined ? 0 : Number(offsetText);
    if (!Number.isInteger(offset) || offset < 0 || offset > 10_000) throw bad(`Expected offset between 0 and 10000, but found '${offsetText}'`);
    const q = query(req, "q") ?? "";
    if (q.length > 200) throw bad(`Expected a search text of at most 200 characters, but found ${q.length}`);
    // One more than asked tells whether a next page exists.
    const found = parties.search(q, offset + limit + 1, filtersOf(req)).slice(offset);
    res.json({ items: found.slice(0, limit), offset, limit, more: found.length > limit });
  });

  // What the forms offer: kinds, flags, phone labels, channels and the import's fields, with labels.
  router.get("/parties/meta", allow("parties.read"), (_req, res) => {
    res.json(PARTY_META);
  });

  router.get("/parties/export", allow("parties.read"), async (req, res) => {
    const format = query(req, "format") ?? "csv";
    if (format !== "csv" && format !== "xlsx") throw bad(`Expected format csv or xlsx, but found '${format}'`);
    const ids = parties.findIds(query(req, "q") ?? "", MAX_EXPORT_ROWS, filtersOf(req));
    const batches = batchesOf(ids, (chunk) => parties.rowsOf(chunk));
    const stamp = new Date().toISOString().slice(0, 10);
    res.attachment(`parties-${stamp}.${format}`);
    if (format === "csv") {
      res.type("text/csv; charset=utf-8");
      await writePartiesCsv(res, batches);
    } else {
      res.type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet");
      await writePartiesXlsx(res, batches);
    }
  });

  router.post("/parties", allow("parties.write"), json, async (req, res) => {
    const { rejectDuplicates, ...input } = bodyOf(req);
    const reject = boolParam(rejectDuplicates, "rejectDuplicates", false);
    const actor = principalOf(res).username;
    const { row, duplicates } = await engine.transaction(() => {
      const row = parties.create(input as PartyInput, actor);
      const duplicates = parties.duplicatesOf(input as PartyInput, row.id);
      if (reject && duplicates.length > 0) {
        throw new DossierError("ALREADY_EXISTS", `Expected no party like this one, but found ${duplicates.length}: ${duplicates.map((d) => `${d.party.name} (${d.party.id}: ${d.reasons.join(", ")})`).join("; ")}`, [], { duplicates });
      }
      return { row, duplicates };
    });
    res.location(`/api/parties/${row.id}`);
    sendParty(res, 201, { ...detail(row), duplicates }, row);
  });

  router.post("/parties/duplicates", allow("parties.read"), json, (req, res) => {
    const { excludeId, ...input } = bodyOf(req);
    if (excludeId !== undefined && !Number.isSafeInteger(excludeId)) throw bad(`Expected excludeId to be a party id, but found '${String(excludeId)}'`);
    res.json({ duplicates: parties.duplicatesOf(input as PartyInput, excludeId as number | undefined) });
  });

  router.post("/parties/import", allow("parties.manage"), upload.single("file"), async (req, res) => {
    if (!req.is("multipart/form-data")) throw new DossierError("UNSUPPORTED_MEDIA_TYPE", `Expected a multipart/form-data upload with a 'file' field, but found ${req.get("content-type") ?? "no content type"}`);
    const file = req.file;
    if (!file) throw bad("Expected a CSV file in the 'file' field, but found none");
    // Options as form fields, or in the query string (`?dryRun=false`).
    const fields = { ...(req.query as Record<string, unknown>), ...((req.body ?? {}) as Record<string, unknown>) };
    const dryRun = boolParam(fields["dryRun"], "dryRun", true);
    const policy = (fields["duplicates"] ?? "skip") as DuplicatePolicy;
    if (policy !== "skip" && policy !== "create") throw bad(`Expected duplicates to be skip or create, but found '${String(policy)}'`);
    let mapping: Record<string, string> | undefined;
    if (fields["mapping"] !== undefined && fields["mapping"] !== "") {
      try {
        mapping = JSON.parse(String(fields["mapping"])) as Record<string, string>;
      } catch (e) {
        throw bad(`Expected mapping to be a JSON object {column: field}, but it does not parse: ${(e as Error).message}`);
      }
      if (mapping === null || typeof mapping !== "object" || Array.isArray(mapping)) throw bad("Expected mapping to be a JSON object {column: field}");
    }
    const delimiter = fields["delimiter"] === undefined || fields["delimiter"] === "" ? undefined : String(fields["delimiter"]);
    if (delimiter !== undefined && ![";", ",", "\t"].includes(delimiter)) throw bad(`Expected delimiter ; , or a tab, but found '${delimiter}'`);
    const parsed = parsePartyCsv(file.buffer, { ...(mapping ? { mapping } : {}), ...(delimiter ? { delimiter } : {}) });
    const actor = principalOf(res).username;
    let report: ImportReport;
    try {
      report = await engine.transaction(() => {
        const r = runImport(parties, parsed, { dryRun, duplicates: policy }, actor);
        if (dryRun || r.errors > 0) throw new Rollback(r);
        r.imported = true;
        return r;
      });
    } catch (error) {
      if (!(error instanceof Rollback)) throw error;
      report = error.report;
    }
    if (!dryRun && !report.imported) {
      const problems = report.lines.flatMap((l) => (l.problems ?? []).map((p) => ({ field: `line ${l.line}: ${p.column ?? p.field}`, message: p.message })));
      throw new DossierError(
        "VALIDATION_FAILED",
        `Expected every line to be valid, but ${report.errors} of ${report.total} are wrong: nothing was imported`,
        problems.slice(0, 500),
        { report },
      );
    }
    res.status(dryRun ? 200 : 201).json(report);
  });

  router.get("/parties/:id", allow("parties.read"), (req, res) => {
    const id = idOf(req);
    const row = parties.get(id);
    if (!row) throw new DossierError("NOT_FOUND", `Expected to find a party ${id}, but none was found`);
    if (row.id !== id) res.set("Content-Location", `/api/parties/${row.id}`);
    sendParty(res, 200, detail(row, id), row);
  });

  router.patch("/parties/:id", allow("parties.write"), json, async (req, res) => {
    const id = idOf(req);
    const { version: _v, ...patch } = bodyOf(req);
    const version = expectedVersion(req, bodyOf(req));
    const actor = principalOf(res).username;
    const row = await engine.transaction(() => parties.update(id, patch as PartyInput, version, actor));
    sendParty(res, 200, detail(row), row);
  });

  router.post("/parties/:id/merge", allow("parties.manage"), json, async (req, res) => {
    const id = idOf(req);
    const into = bodyOf(req)["into"];
    if (!Number.isSafeInteger(into) || (into as number) <= 0) throw bad(`Expected 'into' to be the id of the party to keep, but found '${String(into)}'`);
    const actor = principalOf(res).username;
    const row = await engine.transaction(() => parties.merge(id, into as number, actor));
    sendParty(res, 200, detail(row), row);
  });

  return router;
}
