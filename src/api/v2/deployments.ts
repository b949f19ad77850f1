/**
 * POST /deployments: multipart/form-data with one or more `resources` files (.bpmn, .form) and an
 * optional `tenantId`. The whole deployment is refused when any resource is invalid (400 listing
 * every problem); unchanged resources come back with their existing version.
 */
import { Router } from "express";
import multer from "multer";
import { ApiError } from "../errors.js";
import { allow } from "../auth/guard.js";
import type { V2Context } from "./context.js";
import { checkTenant, TENANT, wireKey } from "./wire.js";

const MAX_FILE_BYTES = 5 * 1024 * 1024;
const MAX_FILES = 50;

export function deploymentRoutes({ engine }: V2Context): Router {
  const router = Router();
  const upload = multer({ storage: multer.memoryStorage(), limits: { fileSize: MAX_FILE_BYTES, files: MAX_FILES, fields: 10, fieldSize: 1024 } });

  router.post("/deployments", allow("definitions.deploy"), upload.array("resources", MAX_FILES), async (req, res) => {
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
