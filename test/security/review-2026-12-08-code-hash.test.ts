/**
 * Security review 2026-12-08 — what a copy of the SQLite file gives of a live sign-in code.
 *
 * Finding: portal sign-in codes were stored as SHA-256(accountId + ":" + code) with no key: six
 * digits are a million candidates, so whoever reads the database file (a replica, a copy, a
 * support dump) recovers the code of anyone signing in, in about a second, and signs in as them.
 * The signature module keys its codes (HMAC with a server key): the portal must too.
 *
 * The real server (SQLite file, demo pages), no mocks.
 */
import { createHash } from "node:crypto";
import { expect } from "chai";
import type { ApiServer } from "../api/v2/server.js";
import { pdf, startPortalServer, visitorClient } from "../portal/support.js";

describe("security review 2026-12-08: a copy of the database and a live sign-in code", function () {
  this.timeout(90_000);
  let api: ApiServer;
  before(async () => {
    api = await startPortalServer();
  });
  after(() => api.stop());

  it("should give no working sign-in code to whoever reads portal_code in the SQLite file", async () => {
    // Given a customer with a dossier, asking for a sign-in code
    const email = "gaston.copie@example.fr";
    const body = new FormData();
    body.append("values", JSON.stringify({ firstName: "Gaston", lastName: "Copie", email, phone: "06 12 34 56 78", nature: "fuite", description: "Fuite" }));
    body.append("file:photos", new Blob([pdf("Photo")]), "photo.pdf");
    expect((await visitorClient(api.base).call("POST", "/p/devis/submit", body)).status).to.equal(201);
    expect((await visitorClient(api.base).call("POST", "/portail/api/signin/code", { email })).status).to.equal(202);
    // When someone with a copy of the file tries every six-digit code against the stored hash
    const row = api.server.domain.db.prepare(`SELECT account_id, code_hash FROM portal_code WHERE used_at IS NULL ORDER BY id DESC LIMIT 1`).get() as { account_id: number; code_hash: string };
    let found: string | null = null;
    for (let n = 0; n < 1_000_000 && found === null; n++) {
      const code = String(n).padStart(6, "0");
      if (createHash("sha256").update(`${row.account_id}:${code}`, "utf8").digest("hex") === row.code_hash) found = code;
    }
    // Then the database alone does not give the code (and so does not sign in)
    const signin = found ? await visitorClient(api.base).call("POST", "/portail/api/signin/verify", { email, code: found }) : null;
    expect({ recovered: found !== null, signedIn: signin?.status === 200 }).to.deep.equal({ recovered: false, signedIn: false });
  });
});
