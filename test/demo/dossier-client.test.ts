/**
 * Demo content: the case model "Dossier client (cas)" (processes/dossier-client.bpmn), deployed from processes/
 * as `npm start` does. The file stays open with on-demand actions (children of the ad-hoc sub-process
 * "Actions sur le dossier"), handles complaints without being interrupted, and closes once the closure is
 * confirmed (`closed`) and nothing runs any more.
 */
import { expect } from "chai";
import { visited, type TestEngine } from "../helpers/engine.js";
import { useDemoLibrary } from "./support.js";


describe("demo: customer file case (dossier-client)", () => {
  const demo = useDemoLibrary();
  let t: TestEngine;
  beforeEach(() => {
    t = demo.t;
  });
  const { openTasks, openTask, complete } = demo;

  const open = async (variables: Record<string, unknown> = { fileReference: "DOS-2026-0001", customer: "SARL Martin" }) =>
    (await t.engine.createProcessInstance({ bpmnProcessId: "dossier-client", variables })).processInstanceKey;
  const caseKey = (pi: number) => {
    const scope = t.engine.activeElements(pi).find((e) => e.elementId === "CaseActions");
    expect(scope, "the open case (CaseActions)").to.not.equal(undefined);
    return scope!.key;
  };
  const run = async (pi: number, ...elementIds: string[]) =>
    t.engine.activateAdHocElements(caseKey(pi), { elements: elementIds.map((elementId) => ({ elementId })) });
  const state = (pi: number) => t.engine.processInstance(pi)?.state;
  const closeFile = async (pi: number) => {
    await run(pi, "CloseFile");
    await complete(openTask(pi, "CloseFile", "agents", "close-file"), { closureReason: "contract-ended", closed: true });
  };

  it("should stay open and wait, with no task, until an action is started", async () => {
    // when
    const pi = await open();

    // then
    expect(t.engine.activeElements(pi).map((e) => e.elementId)).to.deep.equal(["CaseActions"]);
    expect(t.engine.userTasks({ processInstanceKey: pi })).to.deep.equal([]);
    expect(t.engine.incidents({ processInstanceKey: pi })).to.deep.equal([]);
  });

  it("should give the file a reference when it has none", async () => {
    // when
    const pi = await open({});

    // then
    expect(t.engine.variables(pi)["fileReference"]).to.equal("DOS-20260101000000");
  });

  it("should start the actions named in initialActions when the file opens", async () => {
    // when
    const pi = await open({ fileReference: "DOS-7", initialActions: ["NewContract"] });

    // then
    openTask(pi, "NewContract", "sales", "new-contract");
  });

  it("should run each on-demand action for its group, as often as needed, and keep the file open", async () => {
    // given
    const pi = await open();

    // when the agents start a new contract, an amendment and a renewal, then a second amendment
    await run(pi, "NewContract", "Amendment", "Renewal");
    await complete(openTask(pi, "NewContract", "sales", "new-contract"), { contractProduct: "Maintenance chaudière", contractNumber: "CT-1", contractStartDate: "2026-02-01" });
    await complete(openTask(pi, "Amendment", "agents", "amendment"), { contractNumber: "CT-1", amendmentEffectiveDate: "2026-03-01", amendmentDescription: "Ajout d'un site" });
    await complete(openTask(pi, "Renewal", "sales", "renewal"), { contractNumber: "CT-1", renewalTerm: "P1Y" });
    await run(pi, "Amendment");
    await complete(openTask(pi, "Amendment", "agents", "amendment"), { contractNumber: "CT-1", amendmentDescription: "Changement d'adresse" });

    // then
    expect(state(pi)).to.equal("ACTIVE");
    expect(visited(t.engine, pi).filter((id) => id === "Amendment")).to.have.length(2);
    expect(t.engine.activeElements(pi).map((e) => e.elementId)).to.deep.equal(["CaseActions"]);
  });

  it("should have a declared claim assessed by the reviewers", async () => {
    // given
    const pi = await open();

    // when
    await run(pi, "DeclareClaim");
    await complete(openTask(pi, "DeclareClaim", "agents", "declare-claim"), { claimDate: "2026-01-10", claimDescription: "Dégât des eaux", claimEstimatedAmount: 3200 });
    await complete(openTask(pi, "AssessClaim", "reviewers", "assess-claim"), { claimDecision: "accepted", claimCompensation: 2800 });

    // then
    expect(visited(t.engine, pi).filter((id) => id.endsWith("Claim"))).to.deep.equal(["DeclareClaim", "AssessClaim"]);
    expect(state(pi)).to.equal("ACTIVE");
  });

  it("should close the file once the closure is confirmed", async () => {
    // given
    const pi = await open();

    // when
    await closeFile(pi);

    // then
    expect(state(pi)).to.equal("COMPLETED");
    expect(visited(t.engine, pi).slice(-3)).to.deep.equal(["CaseActions", "CaseClosed", "dossier-client"]);
  });

  it("should stay open when the closure task is completed without confirming", async () => {
    // given
    const pi = await open();
    await run(pi, "CloseFile");

    // when
    await complete(openTask(pi, "CloseFile", "agents", "close-file"), { closureReason: "other", closed: false });

    // then
    expect(state(pi)).to.equal("ACTIVE");
  });

  it("should wait for a running claim before closing", async () => {
    // given a claim under assessment
    const pi = await open();
    await run(pi, "DeclareClaim");
    await complete(openTask(pi, "DeclareClaim", "agents", "declare-claim"), { claimDate: "2026-01-10", claimDescription: "Bris de vitre" });

    // when the closure is confirmed
    await closeFile(pi);

    // then the file closes only once the claim is settled
    expect(state(pi)).to.equal("ACTIVE");
    await complete(openTask(pi, "AssessClaim", "reviewers", "assess-claim"), { claimDecision: "refused" });
    expect(state(pi)).to.equal("COMPLETED");
    expect(visited(t.engine, pi)).to.include("CaseClosed");
  });

  it("should handle a complaint received for the file without interrupting it", async () => {
    // given a file with an action under way
    const pi = await open();
    await run(pi, "Amendment");

    // when a complaint arrives for this file
    const published = await t.engine.publishMessage({
      name: "reclamation-recue", correlationKey: "DOS-2026-0001",
      variables: { complaintSubject: "Retard d'intervention", complaintText: "Le technicien n'est pas venu mardi." },
    });

    // then the reviewers handle it while the amendment stays open
    expect(published.correlations.map((c) => c.processInstanceKey)).to.deep.equal([pi]);
    const complaint = openTask(pi, "HandleComplaint", "reviewers", "handle-complaint");
    openTask(pi, "Amendment", "agents", "amendment");
    await complete(complaint, { complaintJustified: "yes", complaintResponse: "Nouveau rendez-vous fixé, geste commercial." });
    expect(visited(t.engine, pi)).to.include("ComplaintHandled");
    expect(state(pi)).to.equal("ACTIVE");
    expect(t.engine.incidents({ processInstanceKey: pi })).to.deep.equal([]);
  });

  it("should not close while a complaint is being handled", async () => {
    // given a complaint under way
    const pi = await open();
    await t.engine.publishMessage({ name: "reclamation-recue", correlationKey: "DOS-2026-0001", variables: { complaintSubject: "Facture erronée" } });

    // when the closure is confirmed
    await closeFile(pi);

    // then the file closes once the complaint is answered
    expect(state(pi)).to.equal("ACTIVE");
    await complete(openTask(pi, "HandleComplaint", "reviewers", "handle-complaint"), { complaintJustified: "partly", complaintResponse: "Avoir émis." });
    expect(state(pi)).to.equal("COMPLETED");
    expect(visited(t.engine, pi)).to.include.members(["ComplaintHandled", "CaseClosed"]);
  });
});
