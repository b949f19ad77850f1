/**
 * Ad-hoc sub-processes, the heart of case models: a dossier's on-demand actions are the children of
 * an ad-hoc sub-process. On entry it activates the elements named by `activeElementsCollection` (or
 * none, and waits); `engine.activateAdHocElements` activates more on demand, as often as wanted. It
 * completes when its completion condition holds (cancelling what still runs, unless told not to), or,
 * without a condition, when its last element completes.
 */
import { expect } from "chai";
import { deployFixtures, startTestEngine, visited, type TestEngine } from "../helpers/engine.js";
import { activateAll, activateOne, openTask, records, rejection, tokenAt } from "./support.js";

describe("composition: ad-hoc sub-processes (case models)", () => {
  let t: TestEngine;

  beforeEach(async () => {
    t = await startTestEngine();
    await deployFixtures(
      t.engine,
      "composition/case-dossier.bpmn",
      "composition/case-completion.bpmn",
      "composition/case-completion-wait.bpmn",
      "composition/case-closure.bpmn",
    );
  });

  afterEach(async () => {
    await t.close();
  });

  const caseOf = (processInstanceKey: number) => tokenAt(t.engine, processInstanceKey, "AdHoc_Case");
  const innerIds = (processInstanceKey: number) => t.engine.activeElements(processInstanceKey).filter((e) => e.elementId !== "AdHoc_Case").map((e) => e.elementId);

  describe("on entry", () => {
    it("should activate the elements named by activeElementsCollection", async () => {
      // when
      const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "case-dossier", variables: { initialActions: ["Task_New_Contract", "Task_Renewal"] } });

      // then
      expect(caseOf(processInstanceKey)).to.include({ elementType: "AD_HOC_SUB_PROCESS", state: "ACTIVATED" });
      expect(innerIds(processInstanceKey)).to.have.members(["Task_New_Contract", "Task_Renewal"]);
      openTask(t.engine, processInstanceKey, "Task_New_Contract");
      expect(t.engine.jobs({ processInstanceKey }).map((job) => job.type)).to.deep.equal(["renew-contract"]);
    });

    it("should raise an incident naming the element when the collection names one that cannot be activated", async () => {
      // when
      const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "case-dossier", variables: { initialActions: ["Task_New_Contract", "Task_Nope"] } });

      // then nothing is activated, and the incident says which id is wrong
      const [incident] = t.engine.incidents({ processInstanceKey });
      expect(incident).to.include({ errorType: "EXTRACT_VALUE_ERROR", elementId: "AdHoc_Case", state: "ACTIVE" });
      expect(t.engine.userTasks({ processInstanceKey })).to.deep.equal([]);
      expect(incident!.errorMessage).to.contain("'Task_Nope'");
    });

    it("should stay active and wait when the collection is empty", async () => {
      // when
      const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "case-dossier", variables: { initialActions: [] } });

      // then
      expect(caseOf(processInstanceKey).state).to.equal("ACTIVATED");
      expect(innerIds(processInstanceKey)).to.deep.equal([]);
      expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("ACTIVE");
    });

    it("should stay active and wait when there is no activeElementsCollection", async () => {
      // when
      const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "case-completion" });

      // then
      expect(caseOf(processInstanceKey).state).to.equal("ACTIVATED");
      expect(innerIds(processInstanceKey)).to.deep.equal([]);
      expect(t.engine.incidents({ processInstanceKey })).to.deep.equal([]);
    });
  });

  describe("activating elements on demand", () => {
    it("should activate an inner element with the given variables as its locals", async () => {
      // given
      const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "case-dossier", variables: { initialActions: [] } });

      // when
      await t.engine.activateAdHocElements(caseOf(processInstanceKey).key, { elements: [{ elementId: "Task_Amendment", variables: { amendmentType: "address" } }] });

      // then
      const amendment = tokenAt(t.engine, processInstanceKey, "Task_Amendment");
      openTask(t.engine, processInstanceKey, "Task_Amendment");
      const created = records(t.engine, processInstanceKey, "VARIABLE_CREATED").find((r) => r["name"] === "amendmentType");
      expect(created).to.include({ scopeKey: amendment.key, value: "address" });
      expect(t.engine.variables(processInstanceKey)).to.not.have.property("amendmentType");
    });

    it("should activate the same element several times, each with its own variables", async () => {
      // given
      const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "case-dossier", variables: { initialActions: [] } });
      const adHocKey = caseOf(processInstanceKey).key;

      // when
      await t.engine.activateAdHocElements(adHocKey, { elements: [{ elementId: "Task_Renewal", variables: { contractId: "C-1" } }] });
      await t.engine.activateAdHocElements(adHocKey, { elements: [{ elementId: "Task_Renewal", variables: { contractId: "C-2" } }] });

      // then
      const jobs = await activateAll(t.engine, "renew-contract");
      expect(jobs.map((job) => job.variables["contractId"])).to.deep.equal(["C-1", "C-2"]);
      expect(innerIds(processInstanceKey)).to.deep.equal(["Task_Renewal", "Task_Renewal"]);
    });

    it("should refuse an element that is not in the ad-hoc sub-process, and change nothing", async () => {
      // given
      const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "case-dossier", variables: { initialActions: [] } });
      const before = t.engine.history(processInstanceKey).length;

      // when
      const error = await rejection(t.engine.activateAdHocElements(caseOf(processInstanceKey).key, { elements: [{ elementId: "Task_Amendment" }, { elementId: "Task_Unknown" }] }));

      // then
      expect(error.code).to.equal("INVALID_ARGUMENT");
      expect(error.message).to.contain("'Task_Unknown'");
      expect(t.engine.history(processInstanceKey)).to.have.length(before);
      expect(innerIds(processInstanceKey)).to.deep.equal([]);
    });

    it("should refuse an element that is the target of an inner sequence flow", async () => {
      // given
      const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "case-dossier", variables: { initialActions: [] } });

      // when
      const error = await rejection(t.engine.activateAdHocElements(caseOf(processInstanceKey).key, { elements: [{ elementId: "Task_Claim_Review" }] }));

      // then
      expect(error.code).to.equal("INVALID_ARGUMENT");
      expect(error.message).to.contain("'Task_Claim_Review'");
      expect(innerIds(processInstanceKey)).to.deep.equal([]);
    });

    it("should follow the inner sequence flows of an activated element", async () => {
      // given
      const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "case-dossier", variables: { initialActions: ["Task_Claim"] } });

      // when
      await t.engine.completeUserTask(openTask(t.engine, processInstanceKey, "Task_Claim").key);

      // then
      openTask(t.engine, processInstanceKey, "Task_Claim_Review");
      expect(caseOf(processInstanceKey).state).to.equal("ACTIVATED");
    });
  });

  describe("completion", () => {
    it("should complete when its last element completes, without a completion condition", async () => {
      // given two actions running
      const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "case-dossier", variables: { initialActions: ["Task_New_Contract", "Task_Amendment"] } });

      // when
      await t.engine.completeUserTask(openTask(t.engine, processInstanceKey, "Task_New_Contract").key);
      expect(caseOf(processInstanceKey).state).to.equal("ACTIVATED");
      await t.engine.completeUserTask(openTask(t.engine, processInstanceKey, "Task_Amendment").key);

      // then
      expect(visited(t.engine, processInstanceKey).slice(-3)).to.deep.equal(["AdHoc_Case", "EndEvent_1", "case-dossier"]);
      expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
    });

    it("should complete when its completion condition holds, terminating what still runs", async () => {
      // given a note being written
      const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "case-completion" });
      const adHocKey = caseOf(processInstanceKey).key;
      await t.engine.activateAdHocElements(adHocKey, { elements: [{ elementId: "Task_Note" }, { elementId: "Task_Close" }] });
      const note = openTask(t.engine, processInstanceKey, "Task_Note");

      // when the dossier is closed
      await t.engine.completeUserTask(openTask(t.engine, processInstanceKey, "Task_Close").key, { closed: true });

      // then
      expect(visited(t.engine, processInstanceKey, "ELEMENT_TERMINATED")).to.deep.equal(["Task_Note"]);
      expect(t.engine.userTasks({ processInstanceKey, elementId: "Task_Note" })[0]).to.include({ key: note.key, state: "CANCELED" });
      expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
    });

    it("should not complete while the condition is false", async () => {
      // given
      const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "case-completion" });
      await t.engine.activateAdHocElements(caseOf(processInstanceKey).key, { elements: [{ elementId: "Task_Close" }] });

      // when
      await t.engine.completeUserTask(openTask(t.engine, processInstanceKey, "Task_Close").key, { closed: false });

      // then the case waits for more actions
      expect(caseOf(processInstanceKey).state).to.equal("ACTIVATED");
      expect(innerIds(processInstanceKey)).to.deep.equal([]);
    });

    it("should wait for the running elements when cancelRemainingInstances is false", async () => {
      // given
      const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "case-completion-wait" });
      await t.engine.activateAdHocElements(caseOf(processInstanceKey).key, { elements: [{ elementId: "Task_Note" }, { elementId: "Task_Close" }] });

      // when
      await t.engine.completeUserTask(openTask(t.engine, processInstanceKey, "Task_Close").key, { closed: true });

      // then the note is still open, and the case completes with it
      expect(caseOf(processInstanceKey).state).to.equal("ACTIVATED");
      expect(visited(t.engine, processInstanceKey, "ELEMENT_TERMINATED")).to.deep.equal([]);
      await t.engine.completeUserTask(openTask(t.engine, processInstanceKey, "Task_Note").key);
      expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
    });
  });

  it("should keep a waiting case across a restart and activate its elements after it", async () => {
    // given a case opened, then the engine restarted
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "case-dossier", variables: { initialActions: [] } });
    t = await t.restart();

    // when
    await t.engine.activateAdHocElements(caseOf(processInstanceKey).key, { elements: [{ elementId: "Task_Amendment" }] });
    await t.engine.completeUserTask(openTask(t.engine, processInstanceKey, "Task_Amendment").key);

    // then
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
  });

  it("should close the case through its 'closure requested' event sub-process", async () => {
    // given a case with a contract being drafted
    const { processInstanceKey } = await t.engine.createProcessInstance({ bpmnProcessId: "case-closure", variables: { dossierId: "D-42" } });
    await t.engine.activateAdHocElements(caseOf(processInstanceKey).key, { elements: [{ elementId: "Task_New_Contract" }] });
    const contract = openTask(t.engine, processInstanceKey, "Task_New_Contract");

    // when
    const { correlations } = await t.engine.publishMessage({ name: "closure-requested", correlationKey: "D-42", variables: { closureReason: "customer left" } });

    // then the case is terminated and the dossier archived
    expect(correlations).to.deep.equal([{ processInstanceKey, elementId: "Start_Closure" }]);
    expect(visited(t.engine, processInstanceKey, "ELEMENT_TERMINATED")).to.deep.equal(["Task_New_Contract", "AdHoc_Case"]);
    expect(t.engine.userTasks({ processInstanceKey })[0]).to.include({ key: contract.key, state: "CANCELED" });
    const job = await activateOne(t.engine, "archive-dossier");
    expect(job.variables).to.include({ dossierId: "D-42", closureReason: "customer left" });
    await t.engine.completeJob(job.jobKey);
    expect(t.engine.processInstance(processInstanceKey)?.state).to.equal("COMPLETED");
  });
});
