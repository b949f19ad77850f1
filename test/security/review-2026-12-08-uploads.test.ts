/**
 * Security review 2026-12-08 — files sent to the outsider pages under a name the form does not have.
 *
 * Finding: a multipart part named `file:<key>` where <key> is no file picker of the form crashes
 * the public page's submission and the task page's (`shape.pickers.find(…)!` is undefined) into a
 * 500, where the product promises a clear 400 ("Expected …, but found …") that loses nothing.
 *
 * The real server (SQLite file, demo pages), no mocks.
 */
import { expect } from "chai";
import type { ApiServer } from "../api/v2/server.js";
import { pdf, startPortalServer, visitorClient } from "../portal/support.js";

describe("security review 2026-12-08: files under a name the form does not have", function () {
  this.timeout(60_000);
  let api: ApiServer;
  before(async () => {
    api = await startPortalServer();
  });
  after(() => api.stop());

  it("should answer a public page's file under an unknown name with a 400 naming it, and record nothing", async () => {
    const count = () => (api.server.domain.db.prepare(`SELECT COUNT(*) AS n FROM dossier`).get() as { n: number }).n;
    const before = count();
    // Given a valid quote request, plus a file under a name the form has no picker for
    const body = new FormData();
    body.append("values", JSON.stringify({ firstName: "Jean", lastName: "Inconnu", email: "jean.inconnu@example.fr", phone: "06 12 34 56 78", nature: "fuite", description: "Fuite" }));
    body.append("file:photos", new Blob([pdf("Photo")]), "photo.pdf");
    body.append("file:bogus", new Blob([pdf("Autre")]), "autre.pdf");
    // When it is submitted
    const res = await visitorClient(api.base).call("POST", "/p/devis/submit", body);
    // Then a clear 400 names the field, and no dossier was made
    expect(res.status, JSON.stringify(res.body)).to.equal(400);
    expect(JSON.stringify(res.body)).to.include("bogus");
    expect(count()).to.equal(before);
  });
});
