/**
 * GET /v2/openapi.json: OpenAPI 3.1 for what Dossier serves under /v2. Operations come from
 * operations.ts; the permission of each is read from the mounted route (x-dossier-permission).
 */
import type { Router } from "express";
import { routesOf } from "../../route-table.js";
import { ref, type Schema } from "./dsl.js";
import { OPERATIONS, type Operation } from "./operations.js";
import { SCHEMAS } from "./schemas.js";

const problem = (description: string) => ({ description, content: { "application/problem+json": { schema: ref("ProblemDetail") } } });

function requestBody(body: string | undefined): Record<string, unknown> | undefined {
  if (!body) return undefined;
  if (body.startsWith("multipart:")) return { required: true, content: { "multipart/form-data": { schema: ref(body.slice("multipart:".length)) } } };
  const schema: Schema = body === "search" ? ref("SearchQueryRequest") : body === "any" ? { type: "object" } : ref(body);
  return { required: false, content: { "application/json": { schema } } };
}

function responses(op: Operation): Record<string, unknown> {
  const [status, schema] = op.ok;
  const ok = !schema
    ? { description: status === 204 ? "Done, no content" : "Done" }
    : schema === "xml"
      ? { description: "The XML", content: { "text/xml": { schema: { type: "string" } } } }
      : { description: "Done", content: { "application/json": { schema: schema === "any" ? { type: "object" } : ref(schema) } } };
  const out: Record<string, unknown> = op.pending ? {} : { [String(status)]: ok };
  Object.assign(out, { 400: problem("Invalid input"), 401: problem("No or wrong credentials"), 403: problem("The caller's role does not allow this") });
  if (op.path.includes("{")) out["404"] = problem("Unknown key (or hidden from the caller)");
  if (op.method !== "GET") out["409"] = problem("Stale or repeated command");
  if (op.pending) out["501"] = problem("Not supported yet: the problem names the missing engine capability");
  return out;
}

export function openApiDocument(routers: Router[], version: string): Record<string, unknown> {
  const permissions = new Map(routers.flatMap(routesOf).map((r) => [`${r.method} ${r.path}`, r.permission]));
  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPERATIONS) {
    const params = [...op.path.matchAll(/\{(\w+)\}/g)].map((m) => ({ name: m[1], in: "path", required: true, schema: { type: "string" } }));
    const body = requestBody(op.body);
    const permission = op.path === "/openapi.json" ? "public" : permissions.get(`${op.method} ${op.path}`);
    (paths[op.path] ??= {})[op.method.toLowerCase()] = {
      operationId: op.operationId, tags: [op.tag], summary: op.summary,
      ...(params.length ? { parameters: params } : {}), ...(body ? { requestBody: body } : {}),
      responses: responses(op), "x-dossier-permission": permission,
      ...(permission === "public" ? { security: [] } : {}),
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Dossier — Camunda 8 compatible REST API", version,
      description: "A subset of the Camunda 8 Orchestration Cluster REST API (v2). Keys are decimal strings, dates ISO 8601, errors application/problem+json. Operations of the Camunda API not listed here answer 501.",
    },
    servers: [{ url: "/v2" }],
    security: [{ basic: [] }, { bearer: [] }, { session: [] }],
    paths,
    components: {
      schemas: SCHEMAS,
      securitySchemes: {
        basic: { type: "http", scheme: "basic" },
        bearer: { type: "http", scheme: "bearer", description: "An API token from POST /auth/tokens" },
        session: { type: "apiKey", in: "cookie", name: "dossier_session", description: "Browser session from POST /auth/login; state-changing requests also send X-CSRF-Token" },
      },
    },
  };
}
