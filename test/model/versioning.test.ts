/**
 * Deployment versioning, per BPMN process id and per form id: the same resource name with the same
 * content as the latest version is a no-op returning that version (duplicate = true); anything else
 * becomes version n+1. Definitions are durable: they survive a restart and the numbering continues.
 */
import { rmSync } from "node:fs";
import { expect } from "chai";
import type { DeployResource } from "../../src/engine/deploy.js";
import { EngineError } from "../../src/engine/errors.js";
import { deployFixtures, fixture, startTestEngine, visited, type TestEngine } from "../helpers/engine.js";

const reviewV1: DeployResource = { name: "review-case.bpmn", content: fixture("deploy/review-case.bpmn") };
const reviewV2: DeployResource = { name: "review-case.bpmn", content: fixture("deploy/review-case-v2.bpmn") };
const formV1: DeployResource = { name: "identity-check.form", content: fixture("deploy/identity-check.form") };
const formV2: DeployResource = { name: "identity-check.form", content: fixture("deploy/identity-check-v2.form") };

describe("model: deployment versioning", () => {
  let t: TestEngine;

  beforeEach(async () => {
    t = await startTestEngine();
  });

  afterEach(async () => {
    await t.close();
    // After t.restart() the harness no longer owns the temp dir, so close() leaves it behind.
    rmSync(t.dir, { recursive: true, force: true });
  });

  /** Completes the only open user task of an instance. */
  async function completeOpenTask(processInstanceKey: number): Promise<void> {
    const [task] = t.engine.userTasks({ processInstanceKey, state: "CREATED" });
    expect(task, `an open user task in instance ${processInstanceKey}`).to.not.equal(undefined);
    await t.engine.completeUserTask(task!.key);
  }

  it("should deploy a new process id as version 1", async () => {
    // given / when
    const result = await t.engine.deploy([reviewV1]);

    // then
    expect(result.processes).to.have.length(1);
    const [deployed] = result.processes;
    expect(deployed).to.include({ bpmnProcessId: "review-case", version: 1, resourceName: "review-case.bpmn", duplicate: false, versionTag: null });
    expect(t.engine.definitions.all().map((d) => [d.key, d.bpmnProcessId, d.version])).to.deep.equal([[deployed!.processDefinitionKey, "review-case", 1]]);
  });

  it("should return the existing version with duplicate=true when the same XML is deployed again under the same name", async () => {
    // given
    const first = await t.engine.deploy([reviewV1]);
    const before = t.engine.store.allProcessDefinitions().map((d) => d.key);

    // when: the same content, once as bytes and once as text
    const again = await t.engine.deploy([reviewV1]);
    const asText = await t.engine.deploy([{ name: "review-case.bpmn", content: fixture("deploy/review-case.bpmn").toString("utf8") }]);

    // then
    for (const result of [again, asText]) {
      expect(result.processes).to.deep.equal([{ ...first.processes[0]!, duplicate: true }]);
    }
    expect(t.engine.store.allProcessDefinitions().map((d) => d.key)).to.deep.equal(before);
    expect(t.engine.definitions.all()).to.have.length(1);
  });

  it("should create version n+1 when the XML changed, while instances of version n finish on version n", async () => {
    // given: an instance of version 1 waiting at its user task
    const v1 = await t.engine.deploy([reviewV1]);
    const old = await t.engine.createProcessInstance({ bpmnProcessId: "review-case" });

    // when
    const v2 = await t.engine.deploy([reviewV2]);

    // then: a new definition
    expect(v2.processes[0]).to.include({ bpmnProcessId: "review-case", version: 2, duplicate: false });
    expect(v2.processes[0]!.processDefinitionKey).to.not.equal(v1.processes[0]!.processDefinitionKey);

    // and: new instances run version 2 (with its extra manual task), the old one finishes on version 1
    const fresh = await t.engine.createProcessInstance({ bpmnProcessId: "review-case" });
    expect(fresh.version).to.equal(2);
    await completeOpenTask(old.processInstanceKey);
    await completeOpenTask(fresh.processInstanceKey);
    expect(visited(t.engine, old.processInstanceKey)).to.deep.equal(["StartEvent_CaseOpened", "Activity_Review", "EndEvent_CaseReviewed", "review-case"]);
    expect(visited(t.engine, fresh.processInstanceKey)).to.deep.equal(["StartEvent_CaseOpened", "Activity_Review", "Activity_Archive", "EndEvent_CaseReviewed", "review-case"]);
  });

  it("should still start an older version when it is asked for by number", async () => {
    // given
    await t.engine.deploy([reviewV1]);
    await t.engine.deploy([reviewV2]);

    // when
    const pinned = await t.engine.createProcessInstance({ bpmnProcessId: "review-case", version: 1 });

    // then
    expect(pinned.version).to.equal(1);
    await completeOpenTask(pinned.processInstanceKey);
    expect(visited(t.engine, pinned.processInstanceKey)).to.not.include("Activity_Archive");
  });

  it("should create a new version when the same XML comes under another resource name", async () => {
    // given
    await t.engine.deploy([reviewV1]);

    // when
    const renamed = await t.engine.deploy([{ name: "review-case-copy.bpmn", content: reviewV1.content }]);

    // then
    expect(renamed.processes[0]).to.include({ bpmnProcessId: "review-case", version: 2, resourceName: "review-case-copy.bpmn", duplicate: false });
  });

  it("should go back to a new version, not to the old one, when an earlier content is deployed again", async () => {
    // given
    await t.engine.deploy([reviewV1]);
    await t.engine.deploy([reviewV2]);

    // when
    const back = await t.engine.deploy([reviewV1]);

    // then
    expect(back.processes[0]).to.include({ version: 3, duplicate: false });
  });

  it("should deploy several .bpmn and .form resources in one deployment under one deployment key", async () => {
    // given / when
    const result = await deployFixtures(t.engine, "deploy/review-case.bpmn", "deploy/notify-customer.bpmn", "deploy/customer-onboarding.bpmn", "deploy/identity-check.form");

    // then
    expect(result.processes.map((p) => [p.bpmnProcessId, p.version, p.resourceName])).to.deep.equal([
      ["review-case", 1, "review-case.bpmn"],
      ["notify-customer", 1, "notify-customer.bpmn"],
      ["customer-onboarding", 1, "customer-onboarding.bpmn"],
    ]);
    expect(result.forms.map((f) => [f.formId, f.version, f.resourceName, f.duplicate])).to.deep.equal([["identity-check", 1, "identity-check.form", false]]);
    const keys = [result.deploymentKey, ...result.processes.map((p) => p.processDefinitionKey), result.forms[0]!.formKey];
    expect(new Set(keys).size).to.equal(keys.length);
    expect(t.engine.store.allProcessDefinitions().map((d) => d.deploymentKey)).to.deep.equal([result.deploymentKey, result.deploymentKey, result.deploymentKey]);

    // and: the user task of the onboarding links the form deployed with it
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "customer-onboarding" });
    const [task] = t.engine.userTasks({ processInstanceKey });
    expect(task?.formKey).to.equal(result.forms[0]!.formKey);
  });

  it("should deploy both processes of a file with two pools and version them together", async () => {
    // given
    const file: DeployResource = { name: "intake-and-archive.bpmn", content: fixture("deploy/intake-and-archive.bpmn") };

    // when
    const first = await t.engine.deploy([file]);
    const same = await t.engine.deploy([file]);
    const changed = await t.engine.deploy([{ name: file.name, content: fixture("deploy/intake-and-archive.bpmn").toString("utf8").replace('name="Sort mail"', 'name="Sort the mail"') }]);

    // then
    expect(first.processes.map((p) => [p.bpmnProcessId, p.version, p.duplicate])).to.deep.equal([["case-intake", 1, false], ["case-archive", 1, false]]);
    expect(same.processes.map((p) => [p.bpmnProcessId, p.version, p.duplicate])).to.deep.equal([["case-intake", 1, true], ["case-archive", 1, true]]);
    expect(changed.processes.map((p) => [p.bpmnProcessId, p.version, p.duplicate])).to.deep.equal([["case-intake", 2, false], ["case-archive", 2, false]]);

    // and: each process starts on its own
    const intake = await t.engine.createProcessInstance({ bpmnProcessId: "case-intake" });
    const archive = await t.engine.createProcessInstance({ bpmnProcessId: "case-archive" });
    expect(t.engine.activeElements(intake.processInstanceKey).map((e) => e.elementId)).to.deep.equal(["Activity_Sort"]);
    expect(t.engine.jobs({ processInstanceKey: archive.processInstanceKey }).map((j) => j.type)).to.deep.equal(["archive.deposit"]);
  });

  it("should version forms by form id: same content is a duplicate, changed content is the next version", async () => {
    // given
    const v1 = await t.engine.deploy([formV1]);

    // when
    const same = await t.engine.deploy([formV1]);
    const v2 = await t.engine.deploy([formV2]);

    // then
    expect(v1.forms[0]).to.include({ formId: "identity-check", version: 1, duplicate: false });
    expect(same.forms).to.deep.equal([{ ...v1.forms[0]!, duplicate: true }]);
    expect(v2.forms[0]).to.include({ formId: "identity-check", version: 2, duplicate: false });
    expect(v2.forms[0]!.formKey).to.not.equal(v1.forms[0]!.formKey);

    // and: a user task created now links the latest form
    await deployFixtures(t.engine, "deploy/customer-onboarding.bpmn");
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "customer-onboarding" });
    expect(t.engine.userTasks({ processInstanceKey })[0]?.formKey).to.equal(v2.forms[0]!.formKey);
  });

  it("should refuse a deployment holding the same process id twice, naming both resources, and deploy neither", async () => {
    // given: version 1 and version 2 of review-case in two files of one deployment
    const resources: DeployResource[] = [reviewV1, { name: "review-case-v2.bpmn", content: fixture("deploy/review-case-v2.bpmn") }];

    // when
    let refused: unknown;
    try {
      await t.engine.deploy(resources);
    } catch (error) {
      refused = error;
    }

    // then
    expect(refused).to.be.instanceOf(EngineError);
    const error = refused as EngineError;
    expect(error.code).to.equal("INVALID_BPMN");
    expect(error.details).to.have.length(1);
    expect(error.details[0]).to.include({ resource: "review-case-v2.bpmn", elementId: "review-case" });
    expect(error.details[0]!.message).to.contain("Expected each process id once per deployment").and.contain("'review-case.bpmn'").and.contain("'review-case-v2.bpmn'");
    expect(t.engine.definitions.all()).to.deep.equal([]);
  });

  it("should give concurrent deployments of one process id distinct versions", async () => {
    // given / when
    const [a, b] = await Promise.all([t.engine.deploy([reviewV1]), t.engine.deploy([reviewV2])]);

    // then
    expect([a.processes[0]!.version, b.processes[0]!.version].sort()).to.deep.equal([1, 2]);
    expect(t.engine.definitions.latest("review-case")?.version).to.equal(2);
  });

  it("should store one version when the same file is deployed twice at the same time", async () => {
    // given / when
    const [a, b] = await Promise.all([t.engine.deploy([reviewV1]), t.engine.deploy([reviewV1])]);

    // then
    expect([a.processes[0]!.duplicate, b.processes[0]!.duplicate].sort()).to.deep.equal([false, true]);
    expect(a.processes[0]!.processDefinitionKey).to.equal(b.processes[0]!.processDefinitionKey);
    expect(t.engine.definitions.all()).to.have.length(1);
  });

  it("should keep definitions and forms across a restart and continue the numbering after it", async () => {
    // given: two versions, a form, and an instance of version 1 waiting
    const v1 = await t.engine.deploy([reviewV1, formV1]);
    const v2 = await t.engine.deploy([reviewV2]);
    const waiting = await t.engine.createProcessInstance({ bpmnProcessId: "review-case", version: 1 });
    const before = t.engine.definitions.all().map((d) => [d.key, d.bpmnProcessId, d.version, d.resourceName]);

    // when
    t = await t.restart();

    // then: the same definitions are loaded
    expect(t.engine.definitions.all().map((d) => [d.key, d.bpmnProcessId, d.version, d.resourceName])).to.deep.equal(before);
    expect(t.engine.definitions.latest("review-case")?.key).to.equal(v2.processes[0]!.processDefinitionKey);

    // and: the identical file is still a duplicate, a change continues the numbering
    const same = await t.engine.deploy([reviewV2]);
    expect(same.processes[0]).to.include({ version: 2, duplicate: true, processDefinitionKey: v2.processes[0]!.processDefinitionKey });
    const v3 = await t.engine.deploy([reviewV1]);
    expect(v3.processes[0]).to.include({ version: 3, duplicate: false });
    const usedKeys = [v1.deploymentKey, v1.processes[0]!.processDefinitionKey, v1.forms[0]!.formKey, v2.deploymentKey, v2.processes[0]!.processDefinitionKey, waiting.processInstanceKey];
    expect(usedKeys).to.not.include(v3.processes[0]!.processDefinitionKey);
    expect(usedKeys).to.not.include(v3.deploymentKey);

    // and: forms too
    expect((await t.engine.deploy([formV1])).forms[0]).to.include({ version: 1, duplicate: true });
    expect((await t.engine.deploy([formV2])).forms[0]).to.include({ version: 2, duplicate: false });

    // and: the instance started before the restart finishes on version 1
    await completeOpenTask(waiting.processInstanceKey);
    expect(t.engine.processInstance(waiting.processInstanceKey)?.state).to.equal("COMPLETED");
    expect(visited(t.engine, waiting.processInstanceKey)).to.not.include("Activity_Archive");
  });
});
