import { expect } from "chai";
import { fixtureFile, startApiServer, type ApiServer } from "../api/v2/server.js";

/**
 * Issue 15, item 3: `$like` on variable values cost value length × pattern length over the whole
 * value; a 3.5 MB string and one 256-character pattern blocked the server for 10 s. Values are now
 * matched on a bounded prefix (SEARCH_LIKE_VALUE_PREFIX) with a matcher that finds literal runs
 * natively, and patterns over SEARCH_LIKE_MAX_PATTERN answer 400 naming the limit.
 */
describe("security: $like on huge variable values", () => {
  let api: ApiServer;
  let processInstanceKey: string;
  before(async function () {
    this.timeout(30_000);
    api = await startApiServer({ SEARCH_LIKE_MAX_PATTERN: "300", MAX_VARIABLE_BYTES: "4194304" });
    await api.client("designer").createDeployment({ resources: [fixtureFile("shipment.bpmn")] });
    // given an instance holding a 3.5 MB string variable
    const res = await api.call("POST", "/v2/process-instances", { body: { processDefinitionId: "shipment", variables: { orderId: "o", huge: "ab".repeat(1_750_000) } } });
    expect(res.status).to.equal(200);
    processInstanceKey = res.body.processInstanceKey;
  });
  after(() => api.stop());

  it("should answer the hostile search at once, and a concurrent request of another client promptly", async function () {
    this.timeout(20_000);
    const hostile = { filter: { value: { $like: `${"*a".repeat(128)}X` } } };
    const started = performance.now();
    // when one client sends the pattern that blocked the server, and another client asks something at the same time
    const [search, other] = await Promise.all([
      api.call("POST", "/v2/variables/search", { body: hostile }),
      (async () => {
        const res = await api.call("GET", "/v2/topology", { as: "agent" });
        return { res, ms: performance.now() - started };
      })(),
    ]);
    // then the search answers (nothing matches: no value ends with X) and the other client was answered too
    expect(search.status).to.equal(200);
    expect(search.body.items).to.deep.equal([]);
    expect(other.res.status).to.equal(200);
    expect(other.ms, "the other client waited behind the search").to.be.below(5_000);
  });

  it("should match on the first characters of a value only (the part a search shows)", async () => {
    // when a pattern needs the end of the 3.5 MB value, and another only its beginning
    const end = await api.call("POST", "/v2/variables/search", { body: { filter: { processInstanceKey, name: "huge", value: { $like: '*ab"' } } } });
    const start = await api.call("POST", "/v2/variables/search", { body: { filter: { processInstanceKey, name: "huge", value: { $like: '"abab*' } } } });
    // then only the beginning is seen
    expect(end.body.items).to.deep.equal([]);
    expect(start.body.items.map((v: { name: string; isTruncated: boolean }) => [v.name, v.isTruncated])).to.deep.equal([["huge", true]]);
  });

  it("should refuse a pattern over the configured limit with 400 naming the limit, its setting and the length found", async () => {
    const res = await api.call("POST", "/v2/variables/search", { body: { filter: { value: { $like: "*".repeat(301) } } } });
    expect(res.status).to.equal(400);
    expect(res.body.detail).to.equal("Expected 'value.$like' to be a pattern of at most 300 characters (setting SEARCH_LIKE_MAX_PATTERN), but found 301");
  });
});
