/**
 * Regression: a deployment and a message publication written in the same batch of the write lane.
 * The deployment stored its start subscriptions inside the batch, but registered the new process
 * version in memory only after the commit; a publication queued right behind it in the same batch
 * found the new message start subscription, could not find its definition, and started nothing.
 * A command must see every deployment ordered before it, whether or not the batch has committed.
 *
 * The lane groups the commands queued before its next flush (a setImmediate); a deployment is
 * queued once its resources are parsed, which takes only promise turns. Publishing after those
 * turns, before any macrotask, queues the publication behind the deployment in the same batch.
 */
import { expect } from "chai";
import { deployFixtures, startTestEngine, type TestEngine } from "../helpers/engine.js";
import { instancesOf } from "../events/helpers.js";

/** Lets pending promise continuations run (the deployment is parsed and queued), without letting the lane flush. */
async function afterPromiseTurns(turns = 1000): Promise<void> {
  for (let i = 0; i < turns; i++) await null;
}

describe("regression: a message published in the same write batch as the deployment that adds its start event", () => {
  let t: TestEngine;

  beforeEach(async () => {
    t = await startTestEngine();
    await deployFixtures(t.engine, "regressions/message-start-added-v1.bpmn");
  });

  afterEach(async () => {
    await t.close();
  });

  it("should start an instance of the new version from a message queued right behind its deployment", async () => {
    // given version 2 adds a message start event; its deployment is queued
    const batchesBefore = t.engine.laneStats.batches;
    const deploying = deployFixtures(t.engine, "regressions/message-start-added-v2.bpmn");
    await afterPromiseTurns();

    // when the message is published before the lane has written anything
    const publishing = t.engine.publishMessage({ name: "order-received", correlationKey: "order-1", variables: { orderId: "order-1" } });
    const [deployment, published] = await Promise.all([deploying, publishing]);

    // then (given both went through one batch, the deployment first)
    const v2 = deployment.processes[0]!;
    expect(v2).to.include({ bpmnProcessId: "message-start-added", version: 2 });
    expect(t.engine.laneStats.batches - batchesBefore, "precondition: one write batch for both commands").to.equal(1);
    expect(published.messageKey, "precondition: the deployment was written before the publication").to.be.greaterThan(v2.processDefinitionKey);
    // the message started an instance of version 2
    expect(published.correlations.map((c) => c.elementId)).to.deep.equal(["Start_Order_Received"]);
    const [processInstanceKey] = instancesOf(t.engine, "message-start-added");
    expect(instancesOf(t.engine, "message-start-added")).to.have.length(1);
    expect(published.correlations[0]!.processInstanceKey).to.equal(processInstanceKey);
    expect(t.engine.processInstance(processInstanceKey!)).to.include({ processDefinitionKey: v2.processDefinitionKey, version: 2, state: "ACTIVE" });
    expect(t.engine.variables(processInstanceKey!)).to.deep.equal({ orderId: "order-1" });
    expect(t.engine.jobs({ processInstanceKey: processInstanceKey!, type: "register-order" })).to.have.length(1);
  });

  it("should start an instance of the new version from a message published after the deployment returned", async () => {
    // given
    const deployment = await deployFixtures(t.engine, "regressions/message-start-added-v2.bpmn");

    // when
    const published = await t.engine.publishMessage({ name: "order-received", correlationKey: "order-1" });

    // then
    expect(published.correlations.map((c) => c.elementId)).to.deep.equal(["Start_Order_Received"]);
    expect(t.engine.processInstance(published.correlations[0]!.processInstanceKey)).to.include({ processDefinitionKey: deployment.processes[0]!.processDefinitionKey, version: 2 });
  });
});
