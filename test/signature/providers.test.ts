import { expect } from "chai";
import type { ApiServer } from "../api/v2/server.js";
import type { FakeProvider } from "../../src/signature/providers.js";
import { martinFile, startSignatureServer, threePagePdf, uploadPdf } from "./support.js";

/** External providers (advanced/qualified signatures) behind the adapter; the fake stands for Yousign-like services offline. */
describe("signature providers: adapter, HMAC-authenticated idempotent webhook", function () {
  this.timeout(60_000);
  let api: ApiServer;
  let provider: FakeProvider;
  let reference: string;
  let documentId: number;
  before(async () => {
    // the modules read their settings from the process environment (startServer's env)
    Object.assign(process.env, { SIGNATURE_PROVIDER_FAKE_SECRET: "a-long-shared-webhook-secret", SIGNATURE_PROVIDER_FOR: "contrat-qualifie:fake" });
    try {
      ({ api } = await startSignatureServer());
    } finally {
      delete process.env["SIGNATURE_PROVIDER_FAKE_SECRET"];
      delete process.env["SIGNATURE_PROVIDER_FOR"];
    }
    provider = api.server.capabilities.signature.providers.get("fake") as FakeProvider;
    ({ reference } = await martinFile(api));
    documentId = await uploadPdf(api, reference, await threePagePdf(), "contrat-avance.pdf");
  });
  after(() => api.stop());

  const post = (body: string, hmac: string) => fetch(`${api.base}/signature-webhooks/fake`, { method: "POST", headers: { "content-type": "application/json", "x-signature-hmac": hmac }, body });

  it("should send the request to the provider, file its signed PDF and audit trail once, whatever the retries", async () => {
    const created = await api.call("POST", `/api/dossiers/${reference}/signatures`, { as: "agent", body: { documents: [documentId], signers: [{ role: "decisionMaker" }], provider: "fake" } });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    expect(created.body).to.include({ status: "sent", provider: "fake" });
    const [ref] = [...provider.requests.keys()];
    expect(provider.requests.get(ref!)!.signers[0]!.name).to.equal("Julie Martin");

    const { body, hmac } = provider.webhook(ref!, "completed", "evt-1");
    expect((await post(body, "0".repeat(64))).status).to.equal(403);
    expect((await post(body + " ", hmac)).status, "a body changed after signing").to.equal(403);
    const first = await post(body, hmac);
    expect(first.status).to.equal(202);
    const again = await post(body, hmac);
    expect(again.status).to.equal(200);
    expect(await again.json()).to.include({ duplicate: true, eventId: "evt-1" });
    const view = (await api.call("GET", `/api/signatures/${created.body.id}`, { as: "agent" })).body;
    expect(view.status).to.equal("completed");
    const docs = (await api.call("GET", `/api/dossiers/${reference}/documents`, { as: "agent" })).body.items.map((d: any) => d.filename);
    expect(docs.filter((n: string) => n.startsWith("signé via fake"))).to.have.length(1);
    expect(docs.filter((n: string) => n.startsWith("piste d'audit fake"))).to.have.length(1);
  });

  it("should answer 404 for an unknown provider and 400 for a malformed event", async () => {
    expect((await fetch(`${api.base}/signature-webhooks/nobody`, { method: "POST", body: "{}" })).status).to.equal(404);
    const { hmac } = { hmac: (await import("../../src/signature/providers.js")).hmacHex("a-long-shared-webhook-secret", "{}") };
    expect((await post("{}", hmac)).status).to.equal(400);
  });

  it("should choose the provider by document type", () => {
    const registry = api.server.capabilities.signature.providers;
    expect(registry.providerFor("contrat-qualifie")).to.equal("fake");
    expect(registry.providerFor("contrat")).to.equal("builtin");
  });
});
