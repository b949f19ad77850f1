/**
 * Demo content: "Validation d'un dossier client" (processes/customer-file-validation.bpmn), deployed from
 * processes/ as `npm start` does, and walked along its main paths to one of its two ends: "Dossier validé"
 * or "Dossier refusé" (not conform, or documents still missing after 15 days).
 */
import { expect } from "chai";
import { visited, type TestEngine } from "../helpers/engine.js";
import { useDemoLibrary } from "./support.js";

const DAY = 24 * 60 * 60 * 1000;
const ORDER = { customer: "SARL Martin", quoteReference: "DV-2026-014", quoteAmount: 12500, orderDate: "2026-01-02" };
const ALL_DOCUMENTS = { kbis: true, rib: true, decisionMakerId: true };

describe("demo: validation of a customer file (customer-file-validation)", () => {
  const demo = useDemoLibrary();
  let t: TestEngine;
  beforeEach(() => {
    t = demo.t;
  });
  const { openTasks, openTask, complete } = demo;

  const start = async () => (await t.engine.createProcessInstance({ bpmnProcessId: "customer-file-validation", variables: ORDER })).processInstanceKey;
  const passTimers = async (ms: number) => {
    t.clock.advance(ms);
    await t.engine.fireDueTimers();
  };
  const endedAt = (pi: number) => {
    expect(t.engine.incidents({ processInstanceKey: pi })).to.deep.equal([]);
    expect(t.engine.processInstance(pi)?.state).to.equal("COMPLETED");
    return visited(t.engine, pi).filter((id) => id === "Validated" || id === "Refused");
  };
  const toConformityCheck = async (pi: number) => {
    await complete(openTask(pi, "CollectDocuments", "agents", "collect-documents"), ALL_DOCUMENTS);
    return openTask(pi, "ConformityCheck", "reviewers", "conformity-check");
  };

  it("should validate a complete, conform file once the contract is prepared and the sales manager informed", async () => {
    // given a file whose documents all came in
    const pi = await start();
    const check = await toConformityCheck(pi);

    // when the reviewer finds it conform, then the contract is prepared and the sales manager informed, in parallel
    await complete(check, { conform: true });
    const contract = openTask(pi, "PrepareContract", "agents", "prepare-contract");
    const inform = openTask(pi, "InformSalesManager", "sales", "inform-sales-manager");
    await complete(inform, { salesAcknowledged: true });
    expect(t.engine.processInstance(pi)?.state).to.equal("ACTIVE");
    await complete(contract, { contractNumber: "CT-2026-001", contractStartDate: "2026-02-01" });

    // then
    expect(endedAt(pi)).to.deep.equal(["Validated"]);
    expect(visited(t.engine, pi)).to.include.members(["CollectDocumentsPhase", "ConformityCheck", "PrepareContract", "InformSalesManager", "Join"]);
  });

  it("should ask for the documents again while one of them is missing", async () => {
    // given
    const pi = await start();

    // when the agent reports the RIB missing
    await complete(openTask(pi, "CollectDocuments", "agents", "collect-documents"), { kbis: true, rib: false, decisionMakerId: true, comment: "RIB à recevoir" });

    // then the collection task comes back, and the check waits until it is complete
    expect(openTasks(pi, "ConformityCheck")).to.deep.equal([]);
    await toConformityCheck(pi);
    expect(visited(t.engine, pi).filter((id) => id === "CollectDocuments")).to.have.length(2);
  });

  it("should create a reminder task every 2 days while the documents are awaited, three times at most", async () => {
    // given
    const pi = await start();

    // when 2 days pass without the documents
    await passTimers(2 * DAY);

    // then an agent is asked to remind the customer, and the collection task stays open
    const first = openTask(pi, "RemindCustomer", "agents", "remind-customer");
    expect(openTasks(pi, "CollectDocuments")).to.have.length(1);
    await complete(first, { reminderChannel: "telephone", reminderNote: "Le client envoie le RIB demain" });

    // and every 2 more days another, three in all
    await passTimers(2 * DAY);
    await complete(openTask(pi, "RemindCustomer", "agents", "remind-customer"), { reminderChannel: "email" });
    await passTimers(2 * DAY);
    await complete(openTask(pi, "RemindCustomer", "agents", "remind-customer"), { reminderChannel: "email" });
    await passTimers(2 * DAY);
    expect(openTasks(pi, "RemindCustomer")).to.deep.equal([]);
    expect(visited(t.engine, pi).filter((id) => id === "CustomerReminded")).to.have.length(3);
  });

  it("should withdraw a pending reminder once the file is complete", async () => {
    // given a reminder nobody handled yet
    const pi = await start();
    await passTimers(2 * DAY);
    openTask(pi, "RemindCustomer", "agents", "remind-customer");

    // when the documents arrive
    await toConformityCheck(pi);

    // then the reminder is gone
    expect(openTasks(pi, "RemindCustomer")).to.deep.equal([]);
    expect(visited(t.engine, pi, "ELEMENT_TERMINATED")).to.include("RemindCustomer");
    expect(visited(t.engine, pi)).to.include("DocumentsReceived");
  });

  it("should refuse a file the reviewer finds not conform, once the customer is informed", async () => {
    // given
    const pi = await start();
    const check = await toConformityCheck(pi);

    // when
    await complete(check, { conform: false, refusalReason: "Le Kbis ne correspond pas à la société du devis" });
    const notify = openTask(pi, "NotifyRefusal", "agents", "notify-refusal");
    expect(openTasks(pi, "PrepareContract")).to.deep.equal([]);
    await complete(notify, { refusalChannel: "email", customerNotified: true });

    // then
    expect(endedAt(pi)).to.deep.equal(["Refused"]);
    expect(t.engine.variables(pi)["refusalReason"]).to.equal("Le Kbis ne correspond pas à la société du devis");
  });

  it("should refuse the file when the documents are still incomplete after 15 days", async () => {
    // given a customer who sends only part of the documents, and reminders left unhandled
    const pi = await start();
    await complete(openTask(pi, "CollectDocuments", "agents", "collect-documents"), { kbis: true, rib: false, decisionMakerId: false });
    for (let day = 0; day < 14; day += 2) await passTimers(2 * DAY);
    expect(openTasks(pi, "RemindCustomer").length).to.be.greaterThan(0);

    // when the 15th day comes
    await passTimers(1 * DAY);

    // then collection stops, reminders included, and the customer is informed of the refusal
    expect(openTasks(pi, "CollectDocuments")).to.deep.equal([]);
    expect(openTasks(pi, "RemindCustomer")).to.deep.equal([]);
    expect(visited(t.engine, pi, "ELEMENT_TERMINATED")).to.include("CollectDocumentsPhase");
    expect(t.engine.variables(pi)["refusalReason"]).to.equal("Pièces justificatives non reçues dans le délai de 15 jours");
    await complete(openTask(pi, "NotifyRefusal", "agents", "notify-refusal"), { refusalChannel: "courrier", customerNotified: true });
    expect(endedAt(pi)).to.deep.equal(["Refused"]);
    expect(visited(t.engine, pi)).to.include("DocumentsDeadline");
  });
});
