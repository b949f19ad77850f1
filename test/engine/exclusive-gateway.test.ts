/**
 * Exclusive gateway: the first outgoing flow (document order) whose condition is true, else the
 * default flow. No way out, or a condition that is not a boolean, is a CONDITION_ERROR incident
 * that re-evaluates the gateway when resolved.
 */
import { expect } from "chai";
import { deployFixtures, startTestEngine, visited, type TestEngine } from "../helpers/engine.js";

describe("engine: exclusive gateway", () => {
  let t: TestEngine;

  beforeEach(async () => {
    t = await startTestEngine();
    await deployFixtures(t.engine, "engine/exclusive-gateway.bpmn", "engine/exclusive-gateway-no-default.bpmn", "engine/exclusive-gateway-non-boolean.bpmn");
  });

  afterEach(async () => {
    await t.close();
  });

  const route = async (variables: Record<string, unknown>) => {
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "exclusive-gateway", variables });
    return processInstanceKey;
  };

  it("should take the first flow in document order whose condition is true", async () => {
    // when amount > 100 and amount > 10 are both true
    const processInstanceKey = await route({ amount: 500 });

    // then only the first one is taken
    expect(visited(t.engine, processInstanceKey, "SEQUENCE_FLOW_TAKEN")).to.deep.equal(["Flow_1", "Flow_High", "Flow_2"]);
    expect(visited(t.engine, processInstanceKey)).to.deep.equal(["StartEvent_1", "Gateway_Amount", "Task_High", "End_High", "exclusive-gateway"]);
  });

  it("should take a later flow when only its condition is true", async () => {
    // when
    const processInstanceKey = await route({ amount: 50 });

    // then
    expect(visited(t.engine, processInstanceKey)).to.include("Task_Medium").and.not.include.members(["Task_High", "Task_Low"]);
  });

  it("should take the default flow when no condition is true", async () => {
    // when
    const processInstanceKey = await route({ amount: 5 });

    // then
    expect(visited(t.engine, processInstanceKey, "SEQUENCE_FLOW_TAKEN")).to.include("Flow_Low").and.not.include.members(["Flow_High", "Flow_Medium"]);
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
  });

  it("should count a condition on a variable that does not exist as false", async () => {
    // when
    const processInstanceKey = await route({});

    // then
    expect(t.engine.incidents({ processInstanceKey })).to.deep.equal([]);
    expect(visited(t.engine, processInstanceKey)).to.include("Task_Low");
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
  });

  it("should raise a CONDITION_ERROR incident when no condition is true and there is no default flow", async () => {
    // when
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "exclusive-gateway-no-default", variables: { decision: "maybe" } });

    // then
    const [incident] = t.engine.incidents({ processInstanceKey });
    expect(incident).to.include({ state: "ACTIVE", errorType: "CONDITION_ERROR", elementId: "Gateway_Decision" });
    expect(incident!.errorMessage).to.contain("Gateway_Decision");
    expect(t.engine.activeElements(processInstanceKey).map((e) => [e.elementId, e.state, e.incidentKey])).to.deep.equal([["Gateway_Decision", "ACTIVATING", incident!.key]]);
    expect(visited(t.engine, processInstanceKey, "SEQUENCE_FLOW_TAKEN")).to.deep.equal(["Flow_1"]);
  });

  it("should take the flow that became true once the variables are fixed and the incident is resolved", async () => {
    // given
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "exclusive-gateway-no-default", variables: { decision: "maybe" } });
    const [incident] = t.engine.incidents({ processInstanceKey });

    // when
    await t.engine.setVariables(processInstanceKey, { decision: "reject" });
    await t.engine.resolveIncident(incident!.key);

    // then
    expect(t.engine.incidents({ processInstanceKey })[0]?.state).to.equal("RESOLVED");
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
    expect(visited(t.engine, processInstanceKey)).to.deep.equal(["StartEvent_1", "Gateway_Decision", "Task_Reject", "End_Rejected", "exclusive-gateway-no-default"]);
    const types = t.engine.history(processInstanceKey).map((r) => r.type);
    expect(types.filter((type) => type === "INCIDENT_RESOLVED")).to.have.length(1);
  });

  it("should raise a new incident when the incident is resolved without fixing anything", async () => {
    // given
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "exclusive-gateway-no-default", variables: { decision: "maybe" } });
    const [first] = t.engine.incidents({ processInstanceKey });

    // when
    await t.engine.resolveIncident(first!.key);

    // then
    const incidents = t.engine.incidents({ processInstanceKey });
    expect(incidents).to.have.length(2);
    expect(incidents.find((i) => i.key === first!.key)?.state).to.equal("RESOLVED");
    expect(incidents.find((i) => i.key !== first!.key)).to.include({ state: "ACTIVE", errorType: "CONDITION_ERROR", elementId: "Gateway_Decision" });
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("ACTIVE");
  });

  it("should raise a CONDITION_ERROR incident when a condition evaluates to something other than a boolean", async () => {
    // when the condition `=score` evaluates to a number (even though a default flow exists)
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "exclusive-gateway-non-boolean", variables: { score: 7 } });

    // then
    const [incident] = t.engine.incidents({ processInstanceKey });
    expect(incident).to.include({ state: "ACTIVE", errorType: "CONDITION_ERROR", elementId: "Gateway_Score" });
    expect(incident!.errorMessage).to.contain("Flow_Scored").and.contain("boolean");
    expect(visited(t.engine, processInstanceKey)).not.to.include.members(["Task_Scored", "Task_Other"]);
  });
});
