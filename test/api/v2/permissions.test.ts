import { expect } from "chai";
import { EventEmitter } from "node:events";
import { authRouter, loginRouter } from "../../../src/api/auth/routes.js";
import { legacyRouter } from "../../../src/api/legacy.js";
import { domainRouter } from "../../../src/api/domain/router.js";
import { routesOf } from "../../../src/api/route-table.js";
import { Sql } from "../../../src/api/v2/read/sql.js";
import { createV2Router } from "../../../src/api/v2/router.js";
import { ROLE_USERS, startApiServer, type ApiServer } from "./server.js";
import { ROWS as ARCHIVE } from "../matrix/archive.js";
import { ROWS as MAIL } from "../matrix/mail.js";
import { ROWS as MAIL_INTAKE } from "../matrix/mail-intake.js";
import { ROWS as PORTAL } from "../matrix/portal.js";
import { ROWS as RECEIVABLES } from "../matrix/receivables.js";
import { ROWS as SIGNATURE } from "../matrix/signature.js";
import { ROWS as TEMPLATES } from "../matrix/templates.js";
import { ROWS as INSIGHTS } from "../matrix/insights.js";
import { ROWS as ERP } from "../matrix/erp.js";

/**
 * The permission matrix: every route × every role (and no credentials) → allowed or 403 (401).
 * Letters: A administrator, D designer, G agent, M manager, U auditor; "*" = no sign-in needed.
 * An allowed call is sent with an empty body and unknown keys, so it ends in 2xx, 400, 404, 409
 * or 415 — never 401, 403 or 5xx.
 */
const MATRIX: Record<string, string> = {
  "GET /v2/topology": "ADGMU", "GET /v2/status": "*", "GET /v2/authentication/me": "ADGMU", "POST /v2/expression/evaluation": "AD",
  "GET /v2/openapi.json": "*", "POST /v2/deployments": "AD",
  "POST /v2/process-definitions/search": "ADGMU", "GET /v2/process-definitions/{processDefinitionKey}": "ADGMU",
  "GET /v2/process-definitions/{processDefinitionKey}/xml": "ADGMU", "GET /v2/process-definitions/{processDefinitionKey}/form": "ADGMU",
  "POST /v2/process-instances": "ADGM", "POST /v2/process-instances/search": "ADMU", "GET /v2/process-instances/{processInstanceKey}": "ADMU",
  "POST /v2/process-instances/{processInstanceKey}/cancellation": "AD", "POST /v2/process-instances/{processInstanceKey}/incident-resolution": "AD",
  "POST /v2/process-instances/{processInstanceKey}/incidents/search": "ADMU", "POST /v2/process-instances/{processInstanceKey}/modification": "AD",
  "POST /v2/process-instances/{processInstanceKey}/migration": "AD", "GET /v2/process-instances/{processInstanceKey}/call-hierarchy": "ADMU",
  "POST /v2/element-instances/search": "ADMU", "GET /v2/element-instances/{elementInstanceKey}": "ADMU",
  "PUT /v2/element-instances/{elementInstanceKey}/variables": "ADGM", "POST /v2/element-instances/ad-hoc-activities/{adHocSubProcessInstanceKey}/activation": "ADGM",
  "POST /v2/variables/search": "ADMU", "GET /v2/variables/{variableKey}": "ADMU",
  "POST /v2/user-tasks/search": "AGMU", "GET /v2/user-tasks/{userTaskKey}": "AGMU", "POST /v2/user-tasks/{userTaskKey}/assignment": "AGM",
  "DELETE /v2/user-tasks/{userTaskKey}/assignee": "AGM", "POST /v2/user-tasks/{userTaskKey}/completion": "AGM",
  "GET /v2/user-tasks/{userTaskKey}/form": "AGMU", "POST /v2/user-tasks/{userTaskKey}/variables/search": "AGMU",
  "POST /v2/jobs/activation": "AD", "POST /v2/jobs/{jobKey}/completion": "AD", "POST /v2/jobs/{jobKey}/failure": "AD", "POST /v2/jobs/{jobKey}/error": "AD",
  "PATCH /v2/jobs/{jobKey}": "AD", "POST /v2/jobs/search": "ADMU",
  "POST /v2/incidents/search": "ADMU", "GET /v2/incidents/{incidentKey}": "ADMU", "POST /v2/incidents/{incidentKey}/resolution": "AD",
  "POST /v2/messages/publication": "ADM", "POST /v2/messages/correlation": "ADM", "POST /v2/signals/broadcast": "ADM",
  "PUT /v2/clock": "A", "POST /v2/clock/reset": "A",
  "POST /v2/users": "A", "POST /v2/users/search": "AMU", "GET /v2/users/{username}": "AMU", "PUT /v2/users/{username}": "A", "DELETE /v2/users/{username}": "A",
  "POST /v2/groups": "A", "POST /v2/groups/search": "AMU", "GET /v2/groups/{groupId}": "AMU", "PUT /v2/groups/{groupId}": "A", "DELETE /v2/groups/{groupId}": "A",
  "PUT /v2/groups/{groupId}/users/{username}": "A", "DELETE /v2/groups/{groupId}/users/{username}": "A", "POST /v2/groups/{groupId}/users/search": "AMU",
  "POST /v2/roles/search": "AMU", "GET /v2/roles/{roleId}": "AMU",
  "PUT /v2/roles/{roleId}/users/{username}": "A", "DELETE /v2/roles/{roleId}/users/{username}": "A", "POST /v2/roles/{roleId}/users/search": "AMU",
  "PUT /v2/roles/{roleId}/groups/{groupId}": "A", "DELETE /v2/roles/{roleId}/groups/{groupId}": "A", "POST /v2/roles/{roleId}/groups/search": "AMU",
  "POST /auth/login": "*", "POST /auth/logout": "ADGMU", "GET /auth/session": "ADGMU", "GET /auth/tokens": "ADGMU", "POST /auth/tokens": "ADGMU",
  "DELETE /auth/tokens/{id}": "ADGMU",
  "GET /api/health": "*", "GET /api/process-definitions": "ADGMU", "POST /api/deployments": "AD", "POST /api/process-instances": "ADGM",
  "GET /api/process-instances/{key}": "ADMU", "GET /api/process-instances/{key}/history": "ADMU", "POST /api/process-instances/{key}/cancellation": "AD",
  "GET /api/user-tasks": "AGMU", "POST /api/user-tasks/{key}/completion": "AGM", "GET /api/incidents": "ADMU", "POST /api/incidents/{key}/resolution": "AD",
  // The customer file (/api): dossiers.read R = everyone, dossiers.write W = A G M, dossiers.configure = A D,
  // parties.read = everyone, parties.write = A G M, parties.manage = A M.
  "GET /api/openapi.json": "*",
  "GET /api/dossier-types": "ADGMU", "GET /api/dossier-types/{typeId}": "ADGMU", "PUT /api/dossier-types/{typeId}": "AD", "GET /api/dossier-meta": "ADGMU",
  "GET /api/dossiers": "ADGMU", "GET /api/dossiers/export": "ADGMU", "POST /api/dossiers": "AGM", "GET /api/dossiers/{reference}": "ADGMU",
  "PATCH /api/dossiers/{reference}": "AGM", "POST /api/dossiers/{reference}/state": "AGM", "POST /api/dossiers/{reference}/parties": "AGM",
  "DELETE /api/dossiers/{reference}/parties/{role}/{partyId}": "AGM", "POST /api/dossiers/{reference}/notes": "AGM", "POST /api/dossiers/{reference}/calls": "AGM",
  "GET /api/dossiers/{reference}/journal": "ADGMU", "GET /api/dossiers/{reference}/journal/verification": "ADGMU",
  "GET /api/dossiers/{reference}/actions": "ADGMU", "POST /api/dossiers/{reference}/actions/{actionId}": "AGM", "GET /api/search": "ADGMU",
  "GET /api/dossier-views": "ADGMU", "POST /api/dossier-views": "ADGMU", "DELETE /api/dossier-views/{id}": "ADGMU",
  "GET /api/parties": "ADGMU", "GET /api/parties/meta": "ADGMU", "GET /api/parties/export": "ADGMU", "POST /api/parties": "AGM", "POST /api/parties/duplicates": "ADGMU",
  "POST /api/parties/import": "AM", "GET /api/parties/{id}": "ADGMU", "PATCH /api/parties/{id}": "AGM", "POST /api/parties/{id}/merge": "AM",
  "GET /api/dossiers/{reference}/documents": "ADGMU", "POST /api/dossiers/{reference}/documents": "AGM", "POST /api/dossiers/{reference}/documents/{documentId}/link": "AGM",
  "GET /api/documents/{id}": "ADGMU", "GET /api/documents/{id}/content": "ADGMU", "POST /api/documents/{id}/versions": "AGM", "POST /api/documents/{id}/status": "AGM",
  // The capability modules' rows, one file each (test/api/matrix/).
  ...TEMPLATES, ...MAIL, ...MAIL_INTAKE, ...PORTAL, ...SIGNATURE, ...ARCHIVE, ...RECEIVABLES, ...INSIGHTS, ...ERP,
};

const LETTER = { A: ROLE_USERS.administrator, D: ROLE_USERS.designer, G: ROLE_USERS.agent, M: ROLE_USERS.manager, U: ROLE_USERS.auditor } as const;

/** Path parameters that exist nowhere: allowed calls end in 404 (or 400), never touching real data. */
const concrete = (path: string) => path.replace(/\{(\w+)\}/g, (_m, name: string) => (/key$/i.test(name) ? "9007199254740" : name === "roleId" ? "auditor" : `no-such-${name}`));

describe("permission matrix: every route × every role", () => {
  let api: ApiServer;
  before(async () => {
    api = await startApiServer();
  });
  after(() => api.stop());

  it("should list every mounted route in the matrix", () => {
    const { engine, identity } = api.server;
    const v2 = createV2Router({ engine, identity, sql: new Sql(engine.store.db), lifecycle: new EventEmitter(), version: "t", defaultLongPollMs: 1 });
    const mounted = [
      ...routesOf(v2).map((r) => `${r.method} /v2${r.path}`),
      ...[loginRouter(identity, { secureCookies: false }), authRouter(identity, { secureCookies: false }), legacyRouter(engine)].flatMap(routesOf).map((r) => `${r.method} ${r.path}`),
      ...routesOf(domainRouter({ domain: api.server.domain, moduleRouters: api.server.capabilities.apiRouters() })).map((r) => `${r.method} /api${r.path}`),
    ];
    expect(mounted.filter((r) => !(r in MATRIX)), "routes missing from the matrix").to.deep.equal([]);
    expect(Object.keys(MATRIX).filter((r) => !mounted.includes(r)), "matrix rows without a route").to.deep.equal([]);
  });

  for (const [route, allowed] of Object.entries(MATRIX)) {
    it(`${route}: ${allowed === "*" ? "open to all" : `allowed to ${allowed}, 403 for the others, 401 without credentials`}`, async () => {
      const [method, path] = route.split(" ") as [string, string];
      const url = concrete(path);
      const seen: string[] = [];
      for (const [letter, user] of Object.entries(LETTER)) {
        const { status } = await api.call(method, url, { as: user, body: method === "GET" || method === "DELETE" ? undefined : {} });
        const ok = allowed === "*" || allowed.includes(letter);
        if (ok ? status === 401 || status === 403 || status >= 500 : status !== 403) seen.push(`${letter}=${status}`);
      }
      const anonymous = await api.call(method, url, { as: "", body: method === "GET" || method === "DELETE" ? undefined : {} });
      if (allowed === "*" ? anonymous.status === 401 || anonymous.status === 403 : anonymous.status !== 401) seen.push(`anonymous=${anonymous.status}`);
      expect(seen, "unexpected statuses").to.deep.equal([]);
    });
  }
});
