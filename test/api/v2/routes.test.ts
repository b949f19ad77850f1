import { expect } from "chai";
import { EventEmitter } from "node:events";
import { startTestEngine, type TestEngine } from "../../helpers/engine.js";
import { authRouter, loginRouter } from "../../../src/api/auth/routes.js";
import { legacyRouter } from "../../../src/api/legacy.js";
import { routesOf } from "../../../src/api/route-table.js";
import { openApiDocument } from "../../../src/api/v2/openapi/document.js";
import { OPERATIONS } from "../../../src/api/v2/openapi/operations.js";
import { Sql } from "../../../src/api/v2/read/sql.js";
import { createV2Router } from "../../../src/api/v2/router.js";
import { Identity } from "../../../src/identity/identity.js";

describe("/v2 routes: permissions and the OpenAPI document", () => {
  let t: TestEngine;
  let identity: Identity;
  let v2: ReturnType<typeof createV2Router>;

  before(async () => {
    t = await startTestEngine();
    identity = new Identity({ db: t.engine.store.db, log: () => undefined });
    v2 = createV2Router({ engine: t.engine, identity, sql: new Sql(t.engine.store.db), lifecycle: new EventEmitter(), version: "test", defaultLongPollMs: 10 });
  });
  after(() => t.close());

  it("should declare a permission on every route of every router", () => {
    const options = { secureCookies: false };
    const routers = { v2, login: loginRouter(identity, options), auth: authRouter(identity, options), api: legacyRouter(t.engine) };
    const undeclared = Object.entries(routers).flatMap(([name, router]) => routesOf(router).filter((r) => !r.permission).map((r) => `${name}: ${r.method} ${r.path}`));
    expect(routesOf(v2).length).to.be.greaterThan(50);
    expect(undeclared).to.deep.equal([]);
  });

  it("should document every /v2 route, and only those", () => {
    const mounted = routesOf(v2).map((r) => `${r.method} ${r.path}`).sort();
    const documented = OPERATIONS.map((o) => `${o.method} ${o.path}`).sort();
    expect(documented.filter((op) => !mounted.includes(op)), "documented but not mounted").to.deep.equal([]);
    expect(mounted.filter((op) => !documented.includes(op)), "mounted but not documented").to.deep.equal([]);
  });

  it("should give every documented operation a unique id, its permission and only known schemas", () => {
    const doc = openApiDocument([v2], "test") as { paths: Record<string, Record<string, { operationId: string; "x-dossier-permission"?: string }>>; components: { schemas: Record<string, unknown> } };
    const operations = Object.values(doc.paths).flatMap((byMethod) => Object.values(byMethod));
    expect(new Set(operations.map((o) => o.operationId)).size).to.equal(operations.length);
    expect(operations.filter((o) => !o["x-dossier-permission"]).map((o) => o.operationId)).to.deep.equal([]);
    const refs = [...JSON.stringify(doc).matchAll(/"#\/components\/schemas\/(\w+)"/g)].map((m) => m[1]!);
    expect(refs.filter((name) => !(name in doc.components.schemas))).to.deep.equal([]);
  });
});
