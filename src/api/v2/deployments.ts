/**
 * POST /deployments: multipart/form-data with one or more `resources` files (.bpmn, .form) and an
 * optional `tenantId`. The whole deployment is refused when any resource is invalid (400 listing
 * every problem); unchanged resources come back with their existing version. At most 20 files of
 * 5 MB each and 25 MB in all (by Content-Length, checked before reading: 413, or 411 without one).
 */
import { Router, type RequestHandler } from "express";
import multer from "multer";
import { ApiError } from "../errors.js";
import { allow } from "../auth/guard.js";
import type { V2Context } from "./context.js";
import { checkTenant, TENANT, wireKey } from "./wire.js";

const MAX_FILE_BYTES = 5 * 1024 * 1024;
const MAX_FILES = 20;
/** Uploads are held in memory until deployed: the whole request is capped, not only each file. */
const MAX_UPLOAD_BYTES = 25 * 1024 * 1024;
const MB = (bytes: number) => `${bytes / (1024 * 1024)} MB`;

/** Refuses an upload by its Content-Length, before a byte of it is read (a chunked one has none to check). */
const uploadSize: RequestHandler = (req, _res, next) => {
  if (!req.is("multipart/form-data")) return next();
  const declared = req.get("content-length");
  if (declared === undefined) {
    return next(new ApiError("LENGTH_REQUIRED", `Expected a Content-Length header on the upload (at most ${MB(MAX_UPLOAD_BYTES)}), but found none`));
  }
  if (Number(declared) > MAX_UPLOAD_BYTES) {
    return next(new ApiError("PAYLOAD_TOO_LARGE", `Expected an upload of at most ${MB(MAX_UPLOAD_BYTES)} in all, but found ${declared} bytes`));
  }
  next();
};

export function deploymentRoutes({ engine }: V2Context): Router {
  const router = Router();
  const upload = multer({
    storage: multer.memoryStorage(),
    limits: { fileSize: MAX_FILE_BYTES, files: MAX_FILES, fields: 10, fieldSize: 1024, parts: MAX_FILES + 10 },
  });

  router.post("/deployments", allow("definitions.deploy"), uploadSize, upload.array("resources", MAX_FILES), async (req, res) => {
    if (!req.is("multipart/form-data")) throw new ApiError("UNSUPPORTED_MEDIA_TYPE", `Expected a multipart/form-data upload with 'resources' files, but found ${req.get("content-type") ?? "no content type"}`);
    checkTenant((req.body ?? {}) as Record<string, unknown>);
    const files = (req.files ?? []) as Express.Multer.File[];
    if (files.length === 0) throw new ApiError("INVALID_ARGUMENT", "Expected at least one file in the 'resources' field, but found none");
    const result = await engine.deploy(files.map((f) => ({ name: f.originalname, content: f.buffer })));
    const none = { processDefinition: null, decisionDefinition: null, decisionRequirements: null, form: null, resource: null };
    res.json({
      deploymentKey: wireKey(result.deploymentKey),
      tenantId: TENANT,
      deployments: [
        ...result.processes.map((p) => ({
          ...none,
          processDefinition: { processDefinitionId: p.bpmnProcessId, processDefinitionVersion: p.version, resourceName: p.resourceName, tenantId: TENANT, processDefinitionKey: wireKey(p.processDefinitionKey) },
        })),
        ...result.forms.map((f) => ({
          ...none,
          form: { formId: f.formId, version: f.version, resourceName: f.resourceName, tenantId: TENANT, formKey: wireKey(f.formKey) },
        })),
      ],
    });
  });
  return router;
}
