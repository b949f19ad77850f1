/**
 * Documents of the customer file over HTTP (mounted under /api). Every route names its permission
 * first; a dossier is found with the access predicate (404 for one the caller may not see), a
 * document only when it shows in at least one dossier the caller sees (else 404).
 *
 * Uploads are multipart `file` (one or several) streamed to temporary files of the store (never
 * held in memory), then checked all or nothing by the library. The content endpoint serves the
 * sniffed type with `nosniff` and a sandboxing CSP, inline only for what a browser shows without
 * running anything (PDF, images, plain text), as an attachment otherwise.
 */
import { createReadStream } from "node:fs";
import { rm } from "node:fs/promises";
import express, { Router, type Request, type RequestHandler, type Response } from "express";
import multer from "multer";
import type Database from "better-sqlite3";
import type { Engine } from "../../engine/engine.js";
import { dossierVisibility } from "../../dossiers/access.js";
import { DossierError } from "../../dossiers/errors.js";
import { visibleDossier } from "../../dossiers/rows.js";
import type { DocumentLibrary, DocumentLimits, TempFile } from "../../documents/library.js";
import { allow, principalOf } from "../auth/guard.js";

export interface DocumentsRouterDeps {
  db: Database.Database;
  engine: Engine;
  documents: DocumentLibrary;
  uploadLimits: DocumentLimits;
}

/** Types a browser displays without running anything: the only ones served inline. */
const INLINE = new Set(["application/pdf", "image/png", "image/jpeg", "image/gif", "image/webp", "image/tiff", "image/heic", "image/heif", "text/plain"]);

const MB = (bytes: number) => `${Math.round((bytes / (1024 * 1024)) * 10) / 10} MB`;

export function documentsRouter(deps: DocumentsRouterDeps): Router {
  const { db, documents, uploadLimits } = deps;
  const router = Router();
  const json = express.json({ limit: "16kb" });
  const upload = multer({
    storage: documents.uploadStorage(),
    defParamCharset: "utf8",
    limits: { fileSize: uploadLimits.maxFileBytes, files: uploadLimits.maxFiles, fields: 10, fieldSize: 2048, parts: uploadLimits.maxFiles + 10 },
  });
  const receive = (max: number): RequestHandler => (req, res, next) => {
    if (!req.is("multipart/form-data")) {
      return next(new DossierError("UNSUPPORTED_MEDIA_TYPE", `Expected a multipart/form-data upload with 'file' parts, but found ${req.get("content-type") ?? "no content type"}`));
    }
    upload.array("file", max)(req, res, (error?: unknown) => next(error ? uploadError(error, uploadLimits, max) : undefined));
  };
  const access = (res: Response) => dossierVisibility(principalOf(res), "d");
  const actor = (res: Response) => principalOf(res).username;
  /** Looks the dossier up (404) before a byte of the upload is written. */
  const dossierFirst: RequestHandler = (req, res, next) => {
    res.locals["dossier"] = visibleDossier(db, principalOf(res), String(req.params["reference"]));
    next();
  };

  router.get("/dossiers/:reference/documents", allow("dossiers.read"), (req, res) => {
    const dossier = visibleDossier(db, principalOf(res), String(req.params["reference"]));
    res.json({ items: documents.listFor(dossier.id, access(res)) });
  });

  router.post("/dossiers/:reference/documents", allow("dossiers.write"), dossierFirst, receive(uploadLimits.maxFiles), async (req, res) => {
    const files = tempFiles(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const documentType = typeof body["documentType"] === "string" ? body["documentType"] : null;
    const items = await documents.add({ dossier: res.locals["dossier"], documentType, files, actor: actor(res) });
    res.status(201).json({ items });
  });

  router.post("/dossiers/:reference/documents/:documentId/link", allow("dossiers.write"), async (req, res) => {
    const dossier = visibleDossier(db, principalOf(res), String(req.params["reference"]));
    const { document, created } = await documents.link({ dossier, documentId: idParam(req.params["documentId"]), access: access(res), actor: actor(res) });
    res.status(created ? 201 : 200).json(document);
  });

  router.get("/documents/:id", allow("dossiers.read"), (req, res) => {
    const view = documents.get(idParam(req.params["id"]), access(res));
    res.set("ETag", `"${view.revision}"`).json(view);
  });

  router.get("/documents/:id/content", allow("dossiers.read"), (req, res, next) => {
    const version = req.query["version"] === undefined || req.query["version"] === "" ? undefined : versionParam(req.query["version"]);
    const file = documents.content(idParam(req.params["id"]), access(res), version, actor(res));
    const etag = `"${file.sha256}"`;
    const base = file.mime.split(";")[0]!.trim().toLowerCase();
    const inline = INLINE.has(base) && req.query["download"] !== "1" && req.query["download"] !== "true";
    res.set({
      "Content-Type": file.mime,
      "Content-Disposition": contentDisposition(inline ? "inline" : "attachment", file.filename),
      "X-Content-Type-Options": "nosniff",
      "Content-Security-Policy": "sandbox",
      "Cross-Origin-Resource-Policy": "same-origin",
      "Cache-Control": "private, no-cache",
      "Accept-Ranges": "bytes",
      ETag: etag,
    });
    if ((req.get("if-none-match") ?? "").split(",").map((t) => t.trim().replace(/^W\//, "")).includes(etag)) return void res.status(304).end();
    // One byte range (pdf.js reads a large PDF's end first); a stale If-Range gets the whole file.
    const ifRange = req.get("if-range");
    const range = ifRange === undefined || ifRange === etag ? byteRange(req.get("range"), file.size) : undefined;
    if (range === "unsatisfiable") return void res.status(416).set("Content-Range", `bytes */${file.size}`).end();
    const stream = range ? createReadStream(file.path, { start: range.start, end: range.end }) : createReadStream(file.path);
    stream.once("open", () => {
      if (range) res.status(206).set("Content-Range", `bytes ${range.start}-${range.end}/${file.size}`);
      res.set("Content-Length", String(range ? range.end - range.start + 1 : file.size));
      if (req.method === "HEAD") {
        stream.destroy();
        return void res.end();
      }
      stream.pipe(res);
    });
    stream.once("error", (error) => next(new Error(`the stored file of document ${req.params["id"]} version ${file.version} (${file.sha256}) cannot be read: ${error.message}`)));
  });

  router.post("/documents/:id/versions", allow("dossiers.write"), receive(1), async (req, res) => {
    const files = tempFiles(req);
    const body = (req.body ?? {}) as Record<string, unknown>;
    if (files.length !== 1) {
      await Promise.all(files.map((f) => rm(f.path, { force: true })));
      throw new DossierError("INVALID_ARGUMENT", `Expected exactly one file in the 'file' field, but found ${files.length}`);
    }
    const view = await documents.addVersion({ documentId: idParam(req.params["id"]), access: access(res), file: files[0]!, actor: actor(res), revision: revisionOf(req, body["revision"]) });
    res.status(201).set("ETag", `"${view.revision}"`).json(view);
  });

  router.post("/documents/:id/status", allow("dossiers.write"), json, async (req, res) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const view = await documents.setStatus({ documentId: idParam(req.params["id"]), access: access(res), status: body["status"], reason: body["reason"], actor: actor(res), revision: revisionOf(req, body["revision"]) });
    res.set("ETag", `"${view.revision}"`).json(view);
  });

  return router;
}

function tempFiles(req: Request): TempFile[] {
  const files = (req.files ?? []) as Array<Express.Multer.File & { sha256: string }>;
  return files.map((f) => ({ originalName: f.originalname, path: f.path, size: f.size, sha256: f.sha256 }));
}

function idParam(raw: unknown): number {
  const s = String(raw);
  if (!/^\d{1,15}$/.test(s)) throw new DossierError("NOT_FOUND", `Expected to find a document '${s}', but none was found`);
  return Number(s);
}

function versionParam(raw: unknown): number {
  const s = String(raw);
  if (!/^[1-9]\d{0,8}$/.test(s)) throw new DossierError("INVALID_ARGUMENT", `Expected 'version' to be a version number (1, 2, …), but found '${s}'`);
  return Number(s);
}

/** The revision to check: `revision` in the body, or `If-Match: "<revision>"`; none means no check. */
function revisionOf(req: Request, fromBody: unknown): number | undefined {
  const header = req.get("if-match")?.trim().replace(/^W\//, "").replace(/^"|"$/g, "");
  const raw = fromBody ?? (header === undefined || header === "" || header === "*" ? undefined : header);
  if (raw === undefined || raw === null || raw === "") return undefined;
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n < 1) throw new DossierError("INVALID_ARGUMENT", `Expected 'revision' (or If-Match) to be the document's revision number, but found '${String(raw)}'`);
  return n;
}

/** A single `bytes=a-b`, `bytes=a-` or `bytes=-n` range; undefined for none (or several: the whole file is sent). */
export function byteRange(header: string | undefined, size: number): { start: number; end: number } | "unsatisfiable" | undefined {
  const m = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!m || (m[1] === "" && m[2] === "")) return undefined;
  let start: number;
  let end: number;
  if (m[1] === "") {
    start = Math.max(0, size - Number(m[2]));
    end = size - 1;
  } else {
    start = Number(m[1]);
    end = m[2] === "" ? size - 1 : Math.min(Number(m[2]), size - 1);
  }
  if (start >= size || start > end || size === 0) return "unsatisfiable";
  return { start, end };
}

/** RFC 6266: an ASCII fallback and the exact UTF-8 name. */
export function contentDisposition(kind: "inline" | "attachment", filename: string): string {
  const fallback = filename.replace(/[^\x20-\x7e]|["\\%]/g, "_");
  const exact = encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${kind}; filename="${fallback}"; filename*=UTF-8''${exact}`;
}

/** multer's limits, in words. */
function uploadError(error: unknown, limits: DocumentLimits, maxFiles: number): unknown {
  const e = error as { name?: string; code?: string; field?: string; message?: string };
  if (e?.name !== "MulterError") {
    // The client went away mid-upload: multer removed what was written; nothing to log as a fault.
    if (e?.message === "Request aborted" || e?.message === "Request closed") return new DossierError("INVALID_ARGUMENT", "Expected a complete upload, but the client interrupted it (nothing was stored)");
    return error;
  }
  switch (e.code) {
    case "LIMIT_FILE_SIZE":
      return new DossierError("PAYLOAD_TOO_LARGE", `Expected files of at most ${MB(limits.maxFileBytes)}, but one is larger (nothing was stored)`, [{ field: "file", message: `at most ${MB(limits.maxFileBytes)} per file` }]);
    case "LIMIT_FILE_COUNT":
    case "LIMIT_UNEXPECTED_FILE":
      if (e.field === "file" || e.code === "LIMIT_FILE_COUNT") {
        return new DossierError("PAYLOAD_TOO_LARGE", `Expected at most ${maxFiles} file${maxFiles > 1 ? "s" : ""} per upload, but found more (nothing was stored)`, [{ field: "file", message: `at most ${maxFiles}` }]);
      }
      return new DossierError("INVALID_ARGUMENT", `Expected the files in the 'file' field, but found a file in '${e.field ?? "?"}'`, [{ field: e.field ?? "file", message: "unexpected file field" }]);
    default:
      return error;
  }
}
