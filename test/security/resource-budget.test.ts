/**
 * Issue 15, reproductions 1, 5 and 8: one request from the lowest working role (agent) must not hold
 * the server — collections a command iterates are capped (an incident when they come from
 * variables, a 400 when the request names them), variables are bounded in size and depth, and a
 * FEEL evaluation pays only for the variables it names. Meanwhile another client is answered.
 */
import { expect } from "chai";
import { deployLibraryModel, startApiServer, whileOtherClientAsks, type ApiServer, within } from "./support.js";

/** Nested lists `depth` levels deep, written as JSON text (JSON.stringify would recurse). */
const nested = (depth: number) => "[".repeat(depth) + "1" + "]".repeat(depth);

describe("security: the resource budget of one request", function () {
  this.timeout(60_000);
  let api: ApiServer;

  before(async () => {
    api = await startApiServer();
    await deployLibraryModel(api);
  });
  after(async () => {
    await api.stop();
  });

  it("should open a case with 20,000 initial actions quickly, as an incident naming MAX_COLLECTION_ITEMS, while another client is answered", async () => {
    // given the shipped case model and an agent's request that once held the server for 60 s
    const initialActions = Array.from({ length: 20_000 }, () => "NewContract");

    // when
    const { result, ms, slowestOtherMs } = await whileOtherClientAsks(api, () =>
      api.call("POST", "/v2/process-instances", { as: "agent", body: { processDefinitionId: "dossier-client", variables: { initialActions } } }),
    );

    // then the case is open, stopped at its actions with an incident, and nothing else waited
    expect(result.status, JSON.stringify(result.body)).to.equal(200);
    expect(ms).to.be.below(within(5000));
    expect(slowestOtherMs).to.be.below(within(2000));
    const incidents = await api.call("POST", "/v2/incidents/search", { body: { filter: { processInstanceKey: result.body.processInstanceKey } } });
    expect(incidents.body.items).to.have.length(1);
    expect(incidents.body.items[0].elementId).to.equal("CaseActions");
    expect(incidents.body.items[0].errorMessage).to.contain("MAX_COLLECTION_ITEMS").and.contain("20000");
    const tasks = await api.call("POST", "/v2/user-tasks/search", { body: { filter: { processInstanceKey: result.body.processInstanceKey } } });
    expect(tasks.body.items).to.have.length(0);
  });

  it("should refuse to activate 10,000 ad-hoc elements in one request with a 400 naming the limit and the count", async () => {
    // given an open case
    const created = await api.call("POST", "/v2/process-instances", { as: "agent", body: { processDefinitionId: "dossier-client", variables: { initialActions: ["Amendment"] } } });
    expect(created.status).to.equal(200);
    const elements = await api.call("POST", "/v2/element-instances/search", { body: { filter: { processInstanceKey: created.body.processInstanceKey } } });
    const adHocKey = elements.body.items.find((e: { elementId: string }) => e.elementId === "CaseActions").elementInstanceKey;

    // when the agent who sees its task asks for 10,000 activations
    const { result, ms, slowestOtherMs } = await whileOtherClientAsks(api, () =>
      api.call("POST", `/v2/element-instances/ad-hoc-activities/${adHocKey}/activation`, { as: "agent", body: { elements: Array.from({ length: 10_000 }, () => ({ elementId: "Amendment" })) } }),
    );

    // then
    expect(result.status, JSON.stringify(result.body)).to.equal(400);
    expect(result.body.title).to.equal("LIMIT_EXCEEDED");
    expect(result.body.limit).to.equal("MAX_COLLECTION_ITEMS");
    expect(result.body.found).to.equal(10_000);
    expect(result.body.detail).to.contain("at most 1000").and.contain("10000");
    expect(ms).to.be.below(within(2000));
    expect(slowestOtherMs).to.be.below(within(1500));
    const tasks = await api.call("POST", "/v2/user-tasks/search", { body: { filter: { processInstanceKey: created.body.processInstanceKey } } });
    expect(tasks.body.items, "nothing was activated").to.have.length(1);
  });

  it("should evaluate '=x + 1' as fast with an unused 100,000-item list in the variables as without it", async () => {
    // given
    const unused = Array.from({ length: 100_000 }, (_, i) => i);

    // when
    const { result, ms } = await whileOtherClientAsks(api, () => api.call("POST", "/v2/expression/evaluation", { as: "designer", body: { expression: "=x + 1", variables: { x: 41, unused } } }));

    // then
    expect(result.status, JSON.stringify(result.body)).to.equal(200);
    expect(result.body.result).to.equal(42);
    expect(ms).to.be.below(within(1000));
  });

  for (const depth of [4_100, 4_300]) {
    it(`should refuse a variable nested ${depth} levels deep with a 400 naming MAX_VARIABLE_DEPTH, and keep the instance pages working`, async () => {
      // given a body written by hand (a JSON encoder would recurse as deep)
      const body = `{"processDefinitionId":"dossier-client","variables":{"deep":${nested(depth)}}}`;

      // when
      const { result, slowestOtherMs } = await whileOtherClientAsks(api, () => api.call("POST", "/v2/process-instances", { as: "agent", body }));

      // then
      expect(result.status, JSON.stringify(result.body)).to.equal(400);
      expect(result.body.limit).to.equal("MAX_VARIABLE_DEPTH");
      expect(result.body.detail).to.contain("'deep'").and.contain("64 levels");
      expect(slowestOtherMs).to.be.below(within(1500));
      const search = await api.call("POST", "/v2/process-instances/search", { as: "auditor", body: {} });
      expect(search.status).to.equal(200);
    });
  }

  it("should refuse a variable larger than MAX_VARIABLE_BYTES with a 400 naming the limit and the size found", async () => {
    // given a 1.5 MB string (within the 4 MB body limit)
    const big = "x".repeat(1_500_000);

    // when
    const result = await api.call("POST", "/v2/process-instances", { as: "agent", body: { processDefinitionId: "dossier-client", variables: { big } } });

    // then
    expect(result.status).to.equal(400);
    expect(result.body.limit).to.equal("MAX_VARIABLE_BYTES");
    expect(result.body.max).to.equal(1024 * 1024);
    expect(result.body.found).to.equal(1_500_002);
  });

  it("should not echo a refused 600 KB value back in the error", async () => {
    // given variables that are a list, not an object
    const variables = Array.from({ length: 100_000 }, (_, i) => i);

    // when
    const result = await api.call("POST", "/v2/process-instances", { as: "agent", body: { processDefinitionId: "dossier-client", variables } });

    // then
    expect(result.status).to.equal(400);
    expect(result.body.detail.length).to.be.below(400);
    expect(result.body.detail).to.contain("characters)");
  });

  it("should keep a variable named __proto__ in every view of the instance", async () => {
    // given
    const created = await api.call("POST", "/v2/process-instances", {
      as: "agent",
      body: `{"processDefinitionId":"dossier-client","variables":{"__proto__":{"polluted":true},"constructor":"c","initialActions":["Amendment"]}}`,
    });
    expect(created.status, JSON.stringify(created.body)).to.equal(200);
    const pi = created.body.processInstanceKey;

    // when
    const variables = await api.call("POST", "/v2/variables/search", { as: "auditor", body: { filter: { processInstanceKey: pi } } });
    const tasks = await api.call("POST", "/v2/user-tasks/search", { as: "agent", body: { filter: { processInstanceKey: pi } } });
    const taskVariables = await api.call("POST", `/v2/user-tasks/${tasks.body.items[0].userTaskKey}/variables/search`, { as: "agent", body: {} });
    const evaluated = await api.call("POST", "/v2/expression/evaluation", { as: "designer", body: `{"expression":"=constructor + \\"!\\"","variables":{"__proto__":1,"constructor":"c"}}` });

    // then
    const names = (page: { items: Array<{ name: string }> }) => page.items.map((v) => v.name).sort();
    expect(names(variables.body)).to.include.members(["__proto__", "constructor", "initialActions"]);
    expect(names(taskVariables.body)).to.include.members(["__proto__", "constructor"]);
    const proto = variables.body.items.find((v: { name: string }) => v.name === "__proto__");
    expect(JSON.parse(proto.value)).to.deep.equal({ polluted: true });
    expect(evaluated.body.result).to.equal("c!");
    expect(({} as Record<string, unknown>)["polluted"]).to.equal(undefined);
  });
});
