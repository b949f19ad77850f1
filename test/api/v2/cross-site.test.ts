import { expect } from "chai";
import { fixtureFile, startApiServer, type ApiServer } from "./server.js";

/**
 * Requests a browser sends from another site's page. The session cookie needs its CSRF token, but a
 * browser may also replay HTTP Basic credentials it cached, which need none: such requests are
 * refused by where they come from (Origin, Sec-Fetch-Site), whatever the credentials.
 */
describe("/v2 requests from another site", () => {
  let api: ApiServer;
  before(async () => {
    api = await startApiServer();
    await api.client("designer").createDeployment({ resources: [fixtureFile("review-claim.bpmn")] });
  });
  after(() => api.stop());

  const startClaim = async () =>
    (await api.call("POST", "/v2/process-instances", { body: { processDefinitionId: "review-claim", variables: { groups: [], priority: 1, dueDate: null, owner: "demo" } } })).body.processInstanceKey as string;
  const stateOf = async (key: string) => (await api.call("GET", `/v2/process-instances/${key}`)).body.state as string;

  it("should refuse a cancellation sent with Basic credentials from another site's page (403), and cancel nothing", async () => {
    // given a running instance
    const key = await startClaim();
    // when a page of evil.example posts a form (text/plain) to cancel it, the browser adding the cached credentials
    const fromOrigin = await api.call("POST", `/v2/process-instances/${key}/cancellation`, { body: "", headers: { origin: "https://evil.example", "content-type": "text/plain" } });
    const fromSite = await api.call("POST", `/v2/process-instances/${key}/cancellation`, { body: "", headers: { "sec-fetch-site": "cross-site", "content-type": "text/plain" } });
    const sandboxed = await api.call("POST", `/v2/process-instances/${key}/cancellation`, { body: "", headers: { origin: "null" } });
    // then each is refused, naming where it came from, and the instance runs on
    for (const res of [fromOrigin, fromSite, sandboxed]) {
      expect(res.status).to.equal(403);
      expect(res.type).to.contain("application/problem+json");
      expect(res.body.title).to.equal("CROSS_SITE_REQUEST");
    }
    expect(fromOrigin.body.detail).to.equal(`Expected a POST request from a page of ${new URL(api.base).host}, but it comes from https://evil.example`);
    expect(await stateOf(key)).to.equal("ACTIVE");
  });

  it("should refuse a sign-in from another site's page", async () => {
    const res = await fetch(`${api.base}/auth/login`, { method: "POST", headers: { "content-type": "application/json", origin: "https://evil.example" }, body: JSON.stringify({ username: "agent", password: "agent" }) });
    expect(res.status).to.equal(403);
    expect(res.headers.get("set-cookie")).to.equal(null);
  });

  it("should accept the same requests from the server's own pages, from programs, and reads from anywhere", async () => {
    // the app's own page (same origin, same-origin fetch)
    const own = await startClaim();
    const fromOwnPage = await api.call("POST", `/v2/process-instances/${own}/cancellation`, { body: "", headers: { origin: api.base, "sec-fetch-site": "same-origin" } });
    expect(fromOwnPage.status).to.equal(204);
    // a program (no Origin, no Sec-Fetch-Site)
    const program = await startClaim();
    expect((await api.call("POST", `/v2/process-instances/${program}/cancellation`, { body: "" })).status).to.equal(204);
    // a read, whatever its origin
    const read = await api.call("GET", `/v2/process-instances/${own}`, { headers: { origin: "https://evil.example", "sec-fetch-site": "cross-site" } });
    expect(read.status).to.equal(200);
  });

  it("should not ask the app's own requests for Basic credentials (no WWW-Authenticate with X-Requested-With)", async () => {
    const app = await fetch(`${api.base}/auth/session`, { headers: { "x-requested-with": "XMLHttpRequest" } });
    expect(app.status).to.equal(401);
    expect(app.headers.get("www-authenticate")).to.equal(null);
  });
});
