import { expect } from "chai";
import { ProcessDefinitionId } from "@camunda8/orchestration-cluster-api";
import { fixtureFile, startApiServer, type ApiServer } from "./server.js";

/** Messages, timers and signals driven by the official client (BASIC auth). */
describe("/v2 with the official client: messages, signals and the clock", () => {
  let api: ApiServer;
  const now = { consistency: { waitUpToMs: 0 } };
  const shipment = ProcessDefinitionId.assumeExists("shipment");

  before(async () => {
    api = await startApiServer();
    await api.client("designer").createDeployment({ resources: [fixtureFile("shipment.bpmn")] });
  });
  after(async () => {
    await api.client().resetClock();
    await api.stop();
  });

  async function waitingAt(processInstanceKey: string): Promise<string[]> {
    const active = await api.client().searchElementInstances({ filter: { processInstanceKey: processInstanceKey as never, state: "ACTIVE" } }, now);
    return active.items.map((e) => e.elementId);
  }

  it("should move a shipment on by a correlated message, a pinned clock and a broadcast signal", async () => {
    const client = api.client();
    // given a shipment waiting for its payment
    const { processInstanceKey } = await client.createProcessInstance({ processDefinitionId: shipment, variables: { orderId: "ORD-1" } });
    expect(await waitingAt(processInstanceKey)).to.deep.equal(["PaymentReceived"]);
    // when the payment is correlated
    const correlated = await client.correlateMessage({ name: "payment-received", correlationKey: "ORD-1", variables: { paid: 120 } });
    // then it reached this instance and the cooling-off hour starts
    expect(correlated.processInstanceKey).to.equal(processInstanceKey);
    expect(await waitingAt(processInstanceKey)).to.deep.equal(["CoolingOff"]);
    // when the clock is pinned two hours ahead
    await client.pinClock({ timestamp: Date.now() + 2 * 3_600_000 });
    // then the timer fired and the instance waits for the warehouse
    expect(await waitingAt(processInstanceKey)).to.deep.equal(["WarehouseOpen"]);
    // when the warehouse opens
    const signal = await client.broadcastSignal({ signalName: "warehouse-open" });
    expect(signal.signalKey).to.match(/^\d+$/);
    // then the shipment is done, with the payment's variables
    const instance = await client.getProcessInstance({ processInstanceKey }, now);
    expect(instance.state).to.equal("COMPLETED");
    const paid = await client.searchVariables({ filter: { processInstanceKey, name: "paid" } }, now);
    expect(paid.items.map((v) => v.value)).to.deep.equal(["120"]);
  });

  it("should keep a published message for its time to live and deliver it to an instance that waits later", async () => {
    const client = api.client("manager");
    // given a payment published before the shipment exists
    const published = await client.publishMessage({ name: "payment-received", correlationKey: "ORD-2", timeToLive: 60_000, variables: { early: true } });
    expect(published.messageKey).to.match(/^\d+$/);
    // when the shipment starts
    const { processInstanceKey } = await api.client().createProcessInstance({ processDefinitionId: shipment, variables: { orderId: "ORD-2" } });
    // then it does not wait for the payment
    expect(await waitingAt(processInstanceKey)).to.deep.equal(["CoolingOff"]);
  });

  it("should answer 404 when no instance waits for a correlated message", async () => {
    const res = await api.call("POST", "/v2/messages/correlation", { body: { name: "payment-received", correlationKey: "nobody" } });
    expect(res.status).to.equal(404);
    expect(res.type).to.contain("application/problem+json");
  });
});
