/**
 * Regression: migrating a waiting message catch event to a version whose correlation key cannot be
 * evaluated (`=orderRef` unset). The migration raises an EXTRACT_VALUE_ERROR incident on the catch
 * event; resolving it after setting the variable used to mark the incident resolved without opening
 * the message subscription again, so the instance could never be reached by its message.
 */
import { expect } from "chai";
import { deployFixtures, startTestEngine, visited, type TestEngine } from "../helpers/engine.js";
import { records, tokenAt } from "../composition/support.js";

describe("regression: resolving a correlation key incident raised by a migration", () => {
  let t: TestEngine;
  let v2Key: number;

  beforeEach(async () => {
    t = await startTestEngine();
    await deployFixtures(t.engine, "regressions/migrate-correlation-key-v1.bpmn");
  });

  afterEach(async () => {
    await t.close();
  });

  /** Starts an instance on v1 (correlated by orderId), deploys v2 (correlated by orderRef) and migrates to it. */
  async function startAndMigrate(variables: Record<string, unknown> = { orderId: "order-1" }) {
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "migrate-correlation-key", variables });
    const v2 = await deployFixtures(t.engine, "regressions/migrate-correlation-key-v2.bpmn");
    v2Key = v2.processes[0]!.processDefinitionKey;
    await t.engine.migrateProcessInstance(processInstanceKey, {
      targetProcessDefinitionKey: v2Key,
      mappingInstructions: [{ sourceElementId: "Event_Payment_Received", targetElementId: "Event_Payment_Received" }],
    });
    return processInstanceKey;
  }

  it("should raise an EXTRACT_VALUE_ERROR incident on the catch event when the new correlation key cannot be evaluated", async () => {
    // when
    const processInstanceKey = await startAndMigrate();

    // then
    const incidents = t.engine.incidents({ processInstanceKey, state: "ACTIVE" });
    expect(incidents).to.have.length(1);
    expect(incidents[0]).to.include({ errorType: "EXTRACT_VALUE_ERROR", elementId: "Event_Payment_Received" });
    expect(records(t.engine, processInstanceKey, "PROCESS_INSTANCE_MIGRATED")).to.have.length(1);
    expect(t.engine.subscriptions(processInstanceKey)).to.deep.equal([]);
  });

  it("should open the message subscription when the variable is set and the incident resolved, and correlate the message", async () => {
    // given
    const processInstanceKey = await startAndMigrate();
    const [incident] = t.engine.incidents({ processInstanceKey, state: "ACTIVE" });
    const wait = tokenAt(t.engine, processInstanceKey, "Event_Payment_Received");

    // when
    await t.engine.setVariables(processInstanceKey, { orderRef: "REF-1" });
    await t.engine.resolveIncident(incident!.key);

    // then the subscription of v2 is open under the new key
    expect(t.engine.incidents({ processInstanceKey }).map((i) => i.state)).to.deep.equal(["RESOLVED"]);
    const subscriptions = t.engine.subscriptions(processInstanceKey);
    expect(subscriptions).to.have.length(1);
    expect(subscriptions[0]).to.include({ kind: "MESSAGE", elementId: "Event_Payment_Received", name: "payment-received", correlationKey: "REF-1", elementInstanceKey: wait.key, processDefinitionKey: v2Key });

    // and the message reaches the instance
    const correlated = await t.engine.correlateMessage({ name: "payment-received", correlationKey: "REF-1" });
    expect(correlated.processInstanceKey).to.equal(processInstanceKey);
    expect(visited(t.engine, processInstanceKey)).to.deep.equal(["StartEvent_1", "Event_Payment_Received", "EndEvent_1", "migrate-correlation-key"]);
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
  });

  it("should leave the catch event in an incident when the incident is resolved before the variable is set", async () => {
    // given
    const processInstanceKey = await startAndMigrate();
    const [incident] = t.engine.incidents({ processInstanceKey, state: "ACTIVE" });

    // when
    await t.engine.resolveIncident(incident!.key);

    // then the key still cannot be evaluated: an incident is open again and nothing subscribes
    const open = t.engine.incidents({ processInstanceKey, state: "ACTIVE" });
    expect(open).to.have.length(1);
    expect(open[0]).to.include({ errorType: "EXTRACT_VALUE_ERROR", elementId: "Event_Payment_Received" });
    expect(t.engine.subscriptions(processInstanceKey)).to.deep.equal([]);

    // and setting the variable and resolving the new incident recovers the instance
    await t.engine.setVariables(processInstanceKey, { orderRef: "REF-1" });
    await t.engine.resolveIncident(open[0]!.key);
    expect((await t.engine.correlateMessage({ name: "payment-received", correlationKey: "REF-1" })).processInstanceKey).to.equal(processInstanceKey);
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
  });

  it("should open the subscription under the new key right away when the variable is already set", async () => {
    // when
    const processInstanceKey = await startAndMigrate({ orderId: "order-1", orderRef: "REF-1" });

    // then
    expect(t.engine.incidents({ processInstanceKey })).to.deep.equal([]);
    expect(t.engine.subscriptions(processInstanceKey).map((s) => [s.kind, s.correlationKey])).to.deep.equal([["MESSAGE", "REF-1"]]);
  });
});
