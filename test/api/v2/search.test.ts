import { expect } from "chai";
import { fixtureFile, startApiServer, type ApiServer } from "./server.js";

/** What a search request cannot do to the server: hang it on a pattern, or reach past the known fields. */
describe("/v2 searches: hostile requests", () => {
  let api: ApiServer;
  before(async () => {
    api = await startApiServer();
    await api.client("designer").createDeployment({ resources: [fixtureFile("shipment.bpmn")] });
  });
  after(() => api.stop());

  const start = async (variables: Record<string, unknown>) =>
    (await api.call("POST", "/v2/process-instances", { body: { processDefinitionId: "shipment", variables: { orderId: "o", ...variables } } })).body.processInstanceKey as string;

  it("should answer a $like with many stars on a long value at once, and correctly", async function () {
    this.timeout(10_000); // the regular expression it replaces took 90 s, blocking the server (and this test)
    // given a variable of 250 characters, and one that ends with X
    const processInstanceKey = await start({ long: "a ".repeat(125), longX: `${"a ".repeat(124)}aX` });
    // when a client searches its value with ten stars
    const res = await api.call("POST", "/v2/variables/search", { body: { filter: { processInstanceKey, value: { $like: "* * * * * * * * * *X" } } } });
    // then none matches (values are JSON text: they end with a quote), and with the quotes the one ending with X does
    expect(res.status).to.equal(200);
    expect(res.body.items).to.deep.equal([]);
    const quoted = await api.call("POST", "/v2/variables/search", { body: { filter: { processInstanceKey, value: { $like: '"* * * * * * * * * *X"' } } } });
    expect(quoted.body.items.map((v: { name: string }) => v.name)).to.deep.equal(["longX"]);
  });

  it("should refuse a $like pattern longer than 256 characters with 400", async () => {
    const res = await api.call("POST", "/v2/variables/search", { body: { filter: { value: { $like: "*a".repeat(129) } } } });
    expect(res.status).to.equal(400);
    expect(res.body.detail).to.equal("Expected 'value.$like' to be a pattern of at most 256 characters (setting SEARCH_LIKE_MAX_PATTERN), but found 258");
  });

  for (const name of ["__proto__", "constructor", "toString", "hasOwnProperty"]) {
    it(`should refuse '${name}' as a filter or sort field with 400 naming it`, async () => {
      const filter = await api.call("POST", "/v2/process-instances/search", { body: `{"filter":{"${name}":{"$eq":"x"}}}` });
      expect(filter.status).to.equal(400);
      expect(filter.body.detail).to.match(new RegExp(`^Expected a filter field of .*processInstanceKey.*, but found '${name}'$`));
      const sort = await api.call("POST", "/v2/variables/search", { body: { sort: [{ field: name }] } });
      expect(sort.status).to.equal(400);
      expect(sort.body.detail).to.match(new RegExp(`^Expected a sort field of .*variableKey.*, but found "${name}"$`));
    });
  }
});
