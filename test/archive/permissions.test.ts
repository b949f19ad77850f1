/**
 * The archivist's permissions (READ + archive.read + archive.manage + their inbox), over the
 * archive's routes and a few core ones; the shared matrix (test/api/v2/permissions.test.ts) has
 * no letter for this role. Allowed calls end in 2xx/400/404/409, refused ones in 403.
 */
import { expect } from "chai";
import type { ApiServer } from "../api/v2/server.js";
import { startArchiveServer } from "./helpers.js";
import { ROWS } from "../api/matrix/archive.js";

/** Routes of archive.read / archive.manage (every "A…" row but the approval and the dossier writes). */
const ARCHIVIST_DENIED = new Set(["POST /api/archive/disposals/{id}/approval", "POST /api/archive/dossiers/{reference}/archive", "POST /api/archive/dossiers/{reference}/reactivation"]);
const CORE: Array<[string, boolean]> = [
  ["GET /api/dossiers", true], ["GET /api/search?q=x", true], ["GET /api/parties", true], ["POST /api/dossiers", false], ["PATCH /api/dossiers/no-such-reference", false],
  ["POST /v2/user-tasks/search", true], ["POST /v2/process-instances/search", false], ["PUT /api/dossier-types/x", false], ["POST /v2/deployments", false],
];

describe("archive permissions: the archivist", function () {
  this.timeout(60_000);
  let api: ApiServer;
  before(async () => (api = await startArchiveServer()));
  after(() => api.stop());

  const concrete = (p: string) => p.replace(/\{(\w+)\}/g, (_m, n: string) => `no-such-${n}`).replace(/no-such-id/g, "987654");

  it("should let the archivist use every archive route but the manager's approval, and refuse it without credentials", async () => {
    const seen: string[] = [];
    for (const route of Object.keys(ROWS)) {
      const [method, path] = route.split(" ") as [string, string];
      const body = method === "GET" || method === "DELETE" ? undefined : {};
      const { status } = await api.call(method, concrete(path), { as: "archivist", body });
      const allowed = !ARCHIVIST_DENIED.has(route);
      if (allowed ? status === 401 || status === 403 || status >= 500 : status !== 403) seen.push(`${route}=${status}`);
      const anonymous = await api.call(method, concrete(path), { as: "", body });
      if (anonymous.status !== 401) seen.push(`${route} anonymous=${anonymous.status}`);
    }
    expect(seen).to.deep.equal([]);
  });

  it("should give the archivist read access to the customer file and the inbox, and nothing to write", async () => {
    const seen: string[] = [];
    for (const [route, allowed] of CORE) {
      const [method, path] = route.split(" ") as [string, string];
      const { status } = await api.call(method, path, { as: "archivist", body: method === "GET" ? undefined : {} });
      if (allowed ? status === 401 || status === 403 || status >= 500 : status !== 403) seen.push(`${route}=${status}`);
    }
    expect(seen).to.deep.equal([]);
  });

  it("should let a manager approve but not manage, and an agent see nothing of the archive", async () => {
    expect((await api.call("POST", "/api/archive/holds", { as: "manager", body: {} })).status).to.equal(403);
    expect((await api.call("POST", "/api/archive/disposals/987654/approval", { as: "manager", body: {} })).status).to.equal(400);
    expect((await api.call("GET", "/api/archive/records", { as: "agent" })).status).to.equal(403);
  });
});
