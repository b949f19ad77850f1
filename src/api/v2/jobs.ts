/**
 * Jobs: activation (long polling with `requestTimeout`: 0 = the server default, negative = answer
 * at once), completion, failure (retries, back-off), BPMN error, retries update, search.
 */
import { Router } from "express";
import { ApiError, notImplemented } from "../errors.js";
import { allow } from "../auth/guard.js";
import type { V2Context } from "./context.js";
import { jobsAvailable, waitForJobs } from "./long-poll.js";
import { activatedJobWire, jobRows, jobSearch, jobSqlSearch, jobWire, toJobView } from "./read/jobs.js";
import { compileSqlSearch, mapPage } from "./search/sql-search.js";
import { numericKey } from "./read/sql.js";
import { exact, parseSearch, runSearch } from "./search/query.js";
import { body, keyParam, optInt, optString, optStrings, optVariables, reqInt, reqString, TENANT } from "./wire.js";

const MAX_LONG_POLL_MS = 5 * 60_000;

export function jobRoutes(ctx: V2Context): Router {
  const { engine, sql } = ctx;
  const router = Router();

  router.post("/jobs/activation", allow("jobs.work"), async (req, res) => {
    const b = body(req);
    const tenants = optStrings(b, "tenantIds");
    if (tenants?.some((t) => t !== TENANT)) throw new ApiError("INVALID_ARGUMENT", `Expected only the tenant '${TENANT}' (multi-tenancy is not supported), but found ${JSON.stringify(tenants)}`);
    const fetchVariable = optStrings(b, "fetchVariable");
    const request = {
      type: reqString(b, "type"), worker: optString(b, "worker") || "default", timeout: reqInt(b, "timeout", 1),
      maxJobsToActivate: reqInt(b, "maxJobsToActivate", 1), ...(fetchVariable ? { fetchVariable } : {}),
    };
    const requestTimeout = optInt(b, "requestTimeout") ?? 0;
    const waitMs = requestTimeout < 0 ? 0 : requestTimeout === 0 ? ctx.defaultLongPollMs : Math.min(requestTimeout, MAX_LONG_POLL_MS);
    let jobs = jobsAvailable(ctx, request.type) ? await engine.activateJobs(request) : [];
    if (jobs.length === 0 && waitMs > 0) jobs = await waitForJobs(ctx, res, request, waitMs);
    if (res.writableEnded || res.destroyed) return;
    res.json({ jobs: jobs.map(activatedJobWire) });
  });

  router.post("/jobs/:jobKey/completion", allow("jobs.work"), async (req, res) => {
    const b = body(req);
    if (b["result"] !== undefined && b["result"] !== null) throw notImplemented("job-result", "Expected no 'result': job results (task listener corrections, ad-hoc activation) are not supported yet");
    await engine.completeJob(keyParam(req, "jobKey"), optVariables(b));
    res.status(204).end();
  });

  router.post("/jobs/:jobKey/failure", allow("jobs.work"), async (req, res) => {
    const b = body(req);
    const errorMessage = optString(b, "errorMessage");
    const variables = optVariables(b);
    await engine.failJob(keyParam(req, "jobKey"), {
      retries: optInt(b, "retries", 0) ?? 0, retryBackOff: optInt(b, "retryBackOff", 0) ?? 0,
      ...(errorMessage !== undefined ? { errorMessage } : {}), ...(variables ? { variables } : {}),
    });
    res.status(204).end();
  });

  router.post("/jobs/:jobKey/error", allow("jobs.work"), async (req, res) => {
    const b = body(req);
    const errorMessage = optString(b, "errorMessage");
    const variables = optVariables(b);
    await engine.throwError(keyParam(req, "jobKey"), {
      errorCode: reqString(b, "errorCode"), ...(errorMessage !== undefined ? { errorMessage } : {}), ...(variables ? { variables } : {}),
    });
    res.status(204).end();
  });

  router.patch("/jobs/:jobKey", allow("instances.operate"), async (req, res) => {
    const changeset = body(req)["changeset"];
    if (!changeset || typeof changeset !== "object" || Array.isArray(changeset)) throw new ApiError("INVALID_ARGUMENT", "Expected a 'changeset' object with 'retries', but found none");
    const c = changeset as Record<string, unknown>;
    if (c["timeout"] !== undefined && c["timeout"] !== null) throw notImplemented("job-timeout-update", "Expected no 'changeset.timeout': changing the lock of an activated job is not supported yet");
    const retries = optInt(c, "retries", 1);
    if (retries === undefined) throw new ApiError("INVALID_ARGUMENT", "Expected 'changeset.retries' to be a whole number of at least 1, but found nothing");
    await engine.updateJobRetries(keyParam(req, "jobKey"), retries);
    res.status(204).end();
  });

  router.post("/jobs/search", allow("instances.read"), (req, res) => {
    const search = parseSearch(req.body, jobSearch, ctx.searchLimits);
    const compiled = compileSqlSearch(req.body, jobSqlSearch, ctx.searchLimits);
    if (compiled) return void res.json(mapPage(compiled.run(sql), (r) => jobWire(toJobView(r))));
    const type = exact(search.filter, "type");
    const rows = jobRows(sql, {
      key: numericKey(exact(search.filter, "jobKey")),
      type: typeof type === "string" ? type : undefined,
      process_instance_key: numericKey(exact(search.filter, "processInstanceKey")),
    });
    res.json(runSearch(rows, search, jobWire));
  });

  return router;
}
