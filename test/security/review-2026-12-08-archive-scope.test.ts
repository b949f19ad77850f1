/**
 * Security review 2026-12-08 — the archive's lists and a sector-bound reader.
 *
 * Finding: GET /api/archive/holds answers every legal hold of the installation (its dossier id,
 * its free-text reason, who placed it) to anyone with archive.read, including a manager bound to
 * one sector, while the records, the journal and the eligible disposals are scoped by the access
 * predicate. A hold's reason names the dispute ("contentieux prud'homal de M. X").
 *
 * The real server (SQLite file, demo accounts), no mocks.
 */
import { expect } from "chai";
import type { ApiServer } from "../api/v2/server.js";
import { newCustomerFile, startDossierServer } from "../dossiers/support.js";

describe("security review 2026-12-08: the archive's lists for a sector-bound reader", function () {
  this.timeout(60_000);
  let api: ApiServer;
  before(async () => {
    api = await startDossierServer();
  });
  after(() => api.stop());

  it("should not list to a manager bound to his sectors the legal hold of a dossier of another sector", async () => {
    // Given a dossier of the sector 'reviewers', which the manager (agents, recrutement, sales) does not see
    const created = await api.call("POST", "/api/dossiers", { body: { ...newCustomerFile("Cabinet Secret RH", "rh@cabinet-secret.fr"), sector: "reviewers" } });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    const reference = created.body.reference as string;
    // (and no task of it is offered to the manager: its opening process is canceled)
    const { domain, engine } = api.server;
    const id = domain.service.byReference(reference).id;
    const keys = (domain.db.prepare(`SELECT process_instance_key AS k FROM dossier_process WHERE dossier_id = ?`).all(id) as Array<{ k: number }>).map((r) => Number(r.k));
    await engine.transaction((tx) => { for (const k of keys) { try { tx.cancelInstance(k); } catch { /* already ended */ } } });
    expect((await api.call("GET", `/api/dossiers/${reference}`, { as: "manager" })).status).to.equal(404);
    // … and the archivist puts it under legal hold
    const reason = "Contentieux prud'homal confidentiel — Cabinet Secret RH";
    const hold = await api.call("POST", "/api/archive/holds", { as: "archivist", body: { dossier: reference, reason } });
    expect(hold.status, JSON.stringify(hold.body)).to.equal(201);
    // When the manager reads the holds on the archive page
    const list = await api.call("GET", "/api/archive/holds?all=true", { as: "manager" });
    expect(list.status).to.equal(200);
    // Then nothing of that hold is there
    expect(JSON.stringify(list.body), "a hold of a dossier the reader cannot see").to.not.include("Cabinet Secret RH");
    expect(list.body.items.map((h: { id: number }) => h.id)).to.not.include(hold.body.id);
    // (the archivist, whose job is the whole archive, still sees it)
    expect((await api.call("GET", "/api/archive/holds", { as: "archivist" })).body.items.map((h: { id: number }) => h.id)).to.include(hold.body.id);
  });
});
