/**
 * Regression: an exclusive gateway with a default flow and an output mapping that fails. The gateway
 * chose its flow, then the output mapping raised an incident; resolving it used to take the chosen
 * flow *and* the default flow, so two tokens left an exclusive gateway. After the variable is fixed
 * and the incident resolved, exactly one outgoing flow must be taken.
 *
 * An engine may instead refuse io mappings on gateways at deploy time; each spec accepts that
 * refusal (checked first) when it names the gateway.
 */
import { expect } from "chai";
import { EngineError } from "../../src/engine/errors.js";
import { deployFixtures, startTestEngine, type TestEngine } from "../helpers/engine.js";
import { records } from "../composition/support.js";

describe("regression: exclusive gateway whose output mapping fails", () => {
  let t: TestEngine;

  beforeEach(async () => {
    t = await startTestEngine();
  });

  afterEach(async () => {
    await t.close();
  });

  /** Deploys the fixture; returns the refusal when the engine does not accept io mappings on gateways. */
  async function deployOrRefusal(): Promise<EngineError | undefined> {
    const outcome = await deployFixtures(t.engine, "regressions/exclusive-gateway-output-mapping.bpmn").then(() => undefined, (error: unknown) => error);
    if (outcome === undefined) return undefined;
    expect(outcome, String(outcome)).to.be.instanceOf(EngineError);
    const refusal = outcome as EngineError;
    expect(refusal.code).to.be.oneOf(["INVALID_BPMN", "UNSUPPORTED"]);
    expect(refusal.details.some((p) => p.elementId === "Gateway_Amount") || refusal.message.includes("Gateway_Amount"), `a refusal naming Gateway_Amount: ${refusal.message}`).to.equal(true);
    return refusal;
  }

  /** Starts an instance, fixes the variable the output mapping reads and resolves the gateway's incident. */
  async function runThroughIncident(amount: number) {
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "exclusive-gateway-output-mapping", variables: { amount } });
    const incidents = t.engine.incidents({ processInstanceKey, state: "ACTIVE" });
    expect(incidents).to.have.length(1);
    expect(incidents[0]).to.include({ errorType: "IO_MAPPING_ERROR", elementId: "Gateway_Amount" });
    await t.engine.setVariables(processInstanceKey, { decision: { reason: "checked" } });
    await t.engine.resolveIncident(incidents[0]!.key);
    return processInstanceKey;
  }

  const flowsFromGateway = (processInstanceKey: number) =>
    records(t.engine, processInstanceKey, "SEQUENCE_FLOW_TAKEN").filter((r) => r.source === "Gateway_Amount").map((r) => r.elementId);

  it("should take exactly the conditioned flow after the incident is resolved, not the default flow too", async () => {
    // given
    if (await deployOrRefusal()) return;

    // when a large amount reaches the gateway, whose output mapping fails until `decision` is set
    const processInstanceKey = await runThroughIncident(50);

    // then
    expect(t.engine.activeElements(processInstanceKey).map((e) => e.elementId)).to.deep.equal(["Task_Review_Large"]);
    expect(flowsFromGateway(processInstanceKey)).to.deep.equal(["Flow_Large"]);
    expect(t.engine.jobs({ processInstanceKey }).map((j) => j.type)).to.deep.equal(["review-large"]);
    expect(t.engine.incidents({ processInstanceKey, state: "ACTIVE" })).to.deep.equal([]);
    expect(t.engine.variables(processInstanceKey)).to.include({ reason: "checked" });
  });

  it("should take exactly the default flow after the incident is resolved when no condition holds", async () => {
    // given
    if (await deployOrRefusal()) return;

    // when
    const processInstanceKey = await runThroughIncident(5);

    // then
    expect(t.engine.activeElements(processInstanceKey).map((e) => e.elementId)).to.deep.equal(["Task_Review_Small"]);
    expect(flowsFromGateway(processInstanceKey)).to.deep.equal(["Flow_Small"]);
    expect(t.engine.jobs({ processInstanceKey }).map((j) => j.type)).to.deep.equal(["review-small"]);
  });
});
