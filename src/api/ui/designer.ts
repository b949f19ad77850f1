/**
 * What the designer's model list needs beyond /v2: the latest deployed version of every process
 * and form with its checksum and version count (so the browser can tell "deployed" from "changed
 * since last deploy"), and a deployed form's schema by key (/v2 only serves forms through a task).
 * Read-only SQL on the engine's tables, like the /v2 search endpoints.
 */
import { Router } from "express";
import { allow } from "../auth/guard.js";
import { ApiError } from "../errors.js";
import { Sql, type Row } from "../v2/read/sql.js";
import { keyParam, wireKey } from "../v2/wire.js";
import type { UiDeps } from "./router.js";

/** A case model is a BPMN model hosting on-demand actions in an ad-hoc sub-process. */
const CASE_MODEL = /<([\w-]+:)?adHocSubProcess[\s>/]/;

/** The latest row per id, with how many versions exist. */
function latestPerId(rows: Row[], idColumn: string): Array<Row & { versions: number }> {
  const latest = new Map<string, Row & { versions: number }>();
  for (const row of rows) {
    const id = String(row[idColumn]);
    const seen = latest.get(id);
    const versions = (seen?.versions ?? 0) + 1;
    latest.set(id, !seen || row.version > seen.version ? { ...row, versions } : { ...seen, versions });
  }
  return [...latest.values()];
}

export function designerRouter({ engine }: UiDeps): Router {
  const router = Router();
  let sql: Sql | undefined;
  const db = () => (sql ??= new Sql(engine.store.db));

  router.get("/resources", allow("definitions.read"), (_req, res) => {
    const processes = latestPerId(db().all(`SELECT key, bpmn_process_id, version, name, version_tag, resource_name, checksum, created_at FROM process_definition ORDER BY key`), "bpmn_process_id");
    const forms = latestPerId(db().all(`SELECT key, form_id, version, resource_name, checksum, created_at FROM form ORDER BY key`), "form_id");
    res.json({
      processes: processes.map((p) => ({
        processDefinitionKey: wireKey(p.key), processDefinitionId: p.bpmn_process_id, name: p.name, version: p.version, versions: p.versions,
        versionTag: p.version_tag, resourceName: p.resource_name, checksum: p.checksum, deployedAt: new Date(p.created_at).toISOString(),
        isCase: CASE_MODEL.test(engine.store.processDefinition(p.key)?.xml ?? ""),
      })),
      forms: forms.map((f) => ({
        formKey: wireKey(f.key), formId: f.form_id, version: f.version, versions: f.versions, resourceName: f.resource_name,
        checksum: f.checksum, deployedAt: new Date(f.created_at).toISOString(),
      })),
    });
  });

  router.get("/forms/:formKey", allow("definitions.read"), (req, res) => {
    const key = keyParam(req, "formKey");
    const form = engine.store.form(key);
    if (!form) throw new ApiError("NOT_FOUND", `Expected to find a form with key '${key}', but none was found`);
    res.json({ formKey: wireKey(form.key), formId: form.formId, version: form.version, resourceName: form.resourceName, checksum: form.checksum, schema: form.schema });
  });

  return router;
}
