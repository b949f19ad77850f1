/**
 * The engine enforces its budget itself (EngineOptions.limits), for every caller — the API, domain
 * modules, in-process workers: collections read from variables become incidents, collections and
 * variables a command is given are refused with LIMIT_EXCEEDED naming the setting and the value.
 */
import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { DataSource } from "typeorm";
import { ControlledClock } from "../../src/engine/clock.js";
import { Engine } from "../../src/engine/engine.js";
import { DEFAULT_LIMITS, LimitExceededError, type EngineLimits } from "../../src/engine/limits.js";
import { openDatabase } from "../../src/persistence/data-source.js";
import { deployFixtures } from "../helpers/engine.js";

async function refusal(promise: Promise<unknown>): Promise<LimitExceededError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(LimitExceededError);
    return error as LimitExceededError;
  }
  return expect.fail("Expected the command to be refused with LIMIT_EXCEEDED, but it was applied");
}

describe("security: the engine's limits", function () {
  this.timeout(30_000);
  let dir: string;
  let dataSource: DataSource;
  let engine: Engine;

  async function start(limits: Partial<EngineLimits>) {
    dir = mkdtempSync(path.join(tmpdir(), "dossier-limits-"));
    const opened = await openDatabase({ path: path.join(dir, "engine.sqlite"), synchronous: "NORMAL" });
    dataSource = opened.dataSource;
    engine = await new Engine({ db: opened.db, clock: new ControlledClock(), schedulerInterval: 0, limits }).start();
  }
  afterEach(async () => {
    await engine.stop();
    await dataSource.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it("should take the defaults for whatever is not given", async () => {
    // given / when
    await start({ maxCollectionItems: 5 });

    // then
    expect(engine.limits).to.deep.equal({ ...DEFAULT_LIMITS, maxCollectionItems: 5 });
  });

  it("should raise an incident naming MAX_COLLECTION_ITEMS for a multi-instance input longer than the limit, and create no inner instance", async () => {
    // given
    await start({ maxCollectionItems: 3 });
    await deployFixtures(engine, "composition/mi-service-task-parallel.bpmn");

    // when
    const { processInstanceKey } = await engine.createProcessInstance({ bpmnProcessId: "mi-service-task-parallel", variables: { insurers: ["a", "b", "c", "d"] } });

    // then
    const incidents = engine.incidents({ processInstanceKey });
    expect(incidents).to.have.length(1);
    expect(incidents[0]!.errorMessage).to.contain("at most 3 items (MAX_COLLECTION_ITEMS), but found 4");
    expect(engine.jobs({ processInstanceKey })).to.have.length(0);
  });

  it("should refuse a signal that would reach more waits than MAX_SIGNAL_FANOUT, and fire none of them", async () => {
    // given three instances waiting for the signal
    await start({ maxSignalFanOut: 2 });
    await deployFixtures(engine, "events/signal-catch.bpmn");
    for (let i = 0; i < 3; i++) await engine.createProcessInstance({ bpmnProcessId: "signal-catch" });

    // when
    const error = await refusal(engine.broadcastSignal("alarm"));

    // then
    expect(error.limit).to.equal("MAX_SIGNAL_FANOUT");
    expect(error.found).to.equal(3);
    expect(error.message).to.equal("Expected signal 'alarm' to reach at most 2 waiting events (MAX_SIGNAL_FANOUT), but found 3");
    expect(engine.store.events.signalSubscriptions("alarm")).to.have.length(3);
  });

  it("should refuse message and signal variables deeper than MAX_VARIABLE_DEPTH and larger than MAX_VARIABLE_BYTES", async () => {
    // given
    await start({ maxVariableDepth: 3, maxVariableBytes: 2048 });

    // when
    const deep = await refusal(engine.publishMessage({ name: "m", correlationKey: "k", variables: { v: [[[[1]]]] } }));
    const large = await refusal(engine.broadcastSignal("s", { v: "x".repeat(3000) }));
    const fine = await engine.publishMessage({ name: "m", correlationKey: "k", variables: { v: [[[1]]] } });

    // then
    expect(deep.limit).to.equal("MAX_VARIABLE_DEPTH");
    expect(deep.message).to.contain("'v'").and.contain("at most 3 levels");
    expect(large.limit).to.equal("MAX_VARIABLE_BYTES");
    expect(large.found).to.equal(3002);
    expect(fine.messageKey).to.be.a("number");
  });

  it("should refuse a document of more variables than MAX_COLLECTION_ITEMS", async () => {
    // given
    await start({ maxCollectionItems: 10 });
    await deployFixtures(engine, "events/signal-catch.bpmn");
    const variables = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`v${i}`, i]));

    // when
    const error = await refusal(engine.createProcessInstance({ bpmnProcessId: "signal-catch", variables }));

    // then
    expect(error.message).to.equal("Expected variables to have at most 10 items (MAX_COLLECTION_ITEMS), but found 11");
  });

  it("should hand out at most MAX_COLLECTION_ITEMS jobs per activation, whatever maxJobsToActivate asks", async () => {
    // given three waiting jobs
    await start({ maxCollectionItems: 2 });
    await deployFixtures(engine, "engine/job-simple.bpmn");
    for (let i = 0; i < 3; i++) await engine.createProcessInstance({ bpmnProcessId: "job-simple" });

    // when
    const first = await engine.activateJobs({ type: "work", maxJobsToActivate: 1_000_000, timeout: 60_000 });
    const second = await engine.activateJobs({ type: "work", maxJobsToActivate: 1_000_000, timeout: 60_000 });

    // then
    expect([first.length, second.length]).to.deep.equal([2, 1]);
  });

  it("should stop a FEEL condition over FEEL_TIMEOUT_MS with an incident, and keep the instance", async () => {
    // given a model whose script runs forever
    await start({ feelTimeoutMs: 20 });
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="D" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="slow" isExecutable="true">
    <bpmn:startEvent id="Start"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="Start" targetRef="Gate" />
    <bpmn:exclusiveGateway id="Gate" default="f3"><bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing><bpmn:outgoing>f3</bpmn:outgoing></bpmn:exclusiveGateway>
    <bpmn:sequenceFlow id="f2" sourceRef="Gate" targetRef="End"><bpmn:conditionExpression>=some i in 1..1000000000 satisfies i = 0</bpmn:conditionExpression></bpmn:sequenceFlow>
    <bpmn:sequenceFlow id="f3" sourceRef="Gate" targetRef="End" />
    <bpmn:endEvent id="End"><bpmn:incoming>f2</bpmn:incoming><bpmn:incoming>f3</bpmn:incoming></bpmn:endEvent>
  </bpmn:process>
</bpmn:definitions>`;
    await engine.deploy([{ name: "slow.bpmn", content: xml }]);

    // when
    const started = performance.now();
    const { processInstanceKey } = await engine.createProcessInstance({ bpmnProcessId: "slow" });

    // then
    expect(performance.now() - started).to.be.below(1000);
    const incidents = engine.incidents({ processInstanceKey });
    expect(incidents.map((i) => [i.elementId, i.errorType])).to.deep.equal([["Gate", "CONDITION_ERROR"]]);
    expect(incidents[0]!.errorMessage).to.contain("20 ms (FEEL_TIMEOUT_MS)");
  });
});
