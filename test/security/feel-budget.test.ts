/**
 * Issue 15, reproduction 2: FEEL cannot take the server down. Loops and ranges run under
 * FEEL_TIMEOUT_MS (a 400 from the evaluation endpoint, an incident at run time), regular
 * expressions run in linear time, and deploying a model parses its expressions without running them.
 */
import { expect } from "chai";
import { deployXml, processXml, startApiServer, whileOtherClientAsks, type ApiServer, within } from "./support.js";

describe("security: FEEL within its budget", function () {
  this.timeout(60_000);
  let api: ApiServer;

  before(async () => {
    api = await startApiServer();
    await api.call("POST", "/v2/expression/evaluation", { as: "designer", body: { expression: "=1" } }); // warm-up: first request of a fresh server
  });
  after(async () => {
    await api.stop();
  });

  const evaluate = (expression: string, variables: Record<string, unknown> = {}) =>
    api.call("POST", "/v2/expression/evaluation", { as: "designer", body: { expression, variables } });

  for (const expression of ["=for i in 1..100000000 return i", "=count(for i in 1..5000000 return i)", "={f: function(n) if n = 0 then 0 else f(n-1) + f(n-1)}.f(40)", "=some i in 1..100000000 satisfies i < 0"]) {
    it(`should answer '${expression}' with a fast 400 naming FEEL_TIMEOUT_MS, while another client is answered`, async () => {
      // given / when
      const { result, ms, slowestOtherMs, otherAnswers } = await whileOtherClientAsks(api, () => evaluate(expression));

      // then
      expect(result.status, JSON.stringify(result.body)).to.equal(400);
      expect(result.body.detail).to.contain("FEEL_TIMEOUT_MS");
      expect(ms).to.be.below(within(1500));
      expect(slowestOtherMs).to.be.below(within(1000));
      expect(otherAnswers).to.be.greaterThan(0);
      expect(process.memoryUsage().heapUsed).to.be.below(1.5 * 1024 ** 3);
    });
  }

  it("should match 36 characters against ^(a+)+$ at once (a linear-time engine), and still answer plain patterns", async () => {
    // given
    const input = "a".repeat(36) + "!";

    // when
    const { result, ms } = await whileOtherClientAsks(api, () => evaluate('=matches(input, "^(a+)+$")', { input }));
    const plain = await evaluate('=[matches("Dossier", "^d", "i"), replace("2026-01-02", "[^0-9]", ""), split("a,b", ",")]');

    // then
    expect(result.status, JSON.stringify(result.body)).to.equal(200);
    expect(result.body.result).to.equal(false);
    expect(ms).to.be.below(within(500));
    expect(plain.body.result).to.deep.equal([true, "20260102", ["a", "b"]]);
  });

  it("should refuse a pattern RE2 cannot run in linear time (a back-reference) as an invalid pattern", async () => {
    // given / when
    const result = await evaluate('=matches("aa", "(a)\\\\1")');

    // then
    expect(result.status).to.equal(400);
    expect(result.body.detail).to.contain("valid pattern");
  });

  it("should deploy a model with a runaway expression without running it, and make it an incident when it runs", async () => {
    // given a script task whose expression would run for minutes
    const xml = processXml("runaway", `
    <bpmn:startEvent id="Start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="Start" targetRef="Loop" />
    <bpmn:scriptTask id="Loop"><bpmn:extensionElements><zeebe:script expression="=count(for i in 1..100000000 return i)" resultVariable="n" /></bpmn:extensionElements><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:scriptTask>
    <bpmn:sequenceFlow id="f2" sourceRef="Loop" targetRef="End" />
    <bpmn:endEvent id="End"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>`);

    // when
    const deployed = await whileOtherClientAsks(api, () => deployXml(api, "runaway.bpmn", xml));
    const started = await whileOtherClientAsks(api, () => api.call("POST", "/v2/process-instances", { as: "agent", body: { processDefinitionId: "runaway" } }));

    // then
    expect(deployed.result.status, JSON.stringify(deployed.result.body)).to.equal(200);
    expect(deployed.ms).to.be.below(within(1500));
    expect(started.result.status, JSON.stringify(started.result.body)).to.equal(200);
    expect(started.ms).to.be.below(within(1500));
    expect(started.slowestOtherMs).to.be.below(within(1000));
    const incidents = await api.call("POST", "/v2/incidents/search", { body: { filter: { processInstanceKey: started.result.body.processInstanceKey } } });
    expect(incidents.body.items).to.have.length(1);
    expect(incidents.body.items[0].elementId).to.equal("Loop");
    expect(incidents.body.items[0].errorMessage).to.contain("FEEL_TIMEOUT_MS");
  });

  it("should refuse at deploy an expression that does not parse, saying where", async () => {
    // given
    const xml = processXml("broken", `
    <bpmn:startEvent id="Start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="Start" targetRef="Script" />
    <bpmn:scriptTask id="Script"><bpmn:extensionElements><zeebe:script expression="=amount &gt;" resultVariable="n" /></bpmn:extensionElements><bpmn:incoming>f1</bpmn:incoming></bpmn:scriptTask>`);

    // when
    const deployed = await deployXml(api, "broken.bpmn", xml);

    // then
    expect(deployed.status).to.equal(400);
    expect(JSON.stringify(deployed.body.problems)).to.contain("Script").and.contain("does not parse");
  });
});
