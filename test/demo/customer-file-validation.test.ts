/**
 * Demo content: "Validation d'un dossier client" (processes/customer-file-validation.bpmn), deployed from
 * processes/ as `npm start` does, and walked along its main paths to one of its two ends: "Dossier validé"
 * or "Dossier refusé" (not conform, or documents still missing after 15 days). The reminders and the refusal are
 * `mail.send` jobs (no worker runs here: the spec checks what each job asks for and completes it as the worker would;
 * test/mail/ runs the worker against an SMTP sink).
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
  /** The mail.send jobs waiting at `elementId`, completed as the worker does once the mail is sent. */
  const sendMails = async (pi: number, elementId: string) => {
    const jobs = (await t.engine.activateJobs({ type: "mail.send", worker: "spec", timeout: 60_000, maxJobsToActivate: 10 })).filter((j) => j.processInstanceKey === pi);
    for (const job of jobs) {
      expect(job.elementId).to.equal(elementId);
      await t.engine.completeJob(job.jobKey, { mailStatus: "sent" });
    }
    return jobs;
  };
  const mailJobs = (pi: number, elementId: string) => t.engine.jobs({ processInstanceKey: pi }).filter((j) => j.type === "mail.send" && j.elementId === elementId && (j.state === "ACTIVATABLE" || j.state === "ACTIVATED"));
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

  it("should e-mail the customer every 2 days while the documents are awaited, three times at most, listing what is missing", async () => {
    // given a file whose RIB is missing
    const pi = await start();
    await complete(openTask(pi, "CollectDocuments", "agents", "collect-documents"), { kbis: true, rib: false, decisionMakerId: true, comment: "RIB à recevoir" });

    // when 2 days pass without the documents
    await passTimers(2 * DAY);

    // then the customer is sent the "relance-pieces" mail, and the collection task stays open
    const [first] = await sendMails(pi, "RemindCustomer");
    expect(first!.variables).to.deep.include({ toRole: "customer", template: "relance-pieces", rib: false, kbis: true });
    expect(openTasks(pi, "CollectDocuments")).to.have.length(1);

    // and every 2 more days another, three in all
    await passTimers(2 * DAY);
    expect(await sendMails(pi, "RemindCustomer")).to.have.length(1);
    await passTimers(2 * DAY);
    expect(await sendMails(pi, "RemindCustomer")).to.have.length(1);
    await passTimers(2 * DAY);
    expect(mailJobs(pi, "RemindCustomer")).to.deep.equal([]);
    expect(visited(t.engine, pi).filter((id) => id === "CustomerReminded")).to.have.length(3);
  });

  it("should withdraw a pending reminder once the file is complete", async () => {
    // given a reminder mail not sent yet
    const pi = await start();
    await passTimers(2 * DAY);
    expect(mailJobs(pi, "RemindCustomer")).to.have.length(1);

    // when the documents arrive
    await toConformityCheck(pi);

    // then the reminder is gone
    expect(mailJobs(pi, "RemindCustomer")).to.deep.equal([]);
    expect(visited(t.engine, pi, "ELEMENT_TERMINATED")).to.include("RemindCustomer");
    expect(visited(t.engine, pi)).to.include("DocumentsReceived");
  });

  it("should refuse a file the reviewer finds not conform, once the customer is informed", async () => {
    // given
    const pi = await start();
    const check = await toConformityCheck(pi);

    // when
    await complete(check, { conform: false, refusalReason: "Le Kbis ne correspond pas à la société du devis" });
    expect(openTasks(pi, "PrepareContract")).to.deep.equal([]);
    const [notify] = await sendMails(pi, "NotifyRefusal");
    expect(notify!.variables).to.deep.include({ toRole: "customer", template: "refus-dossier", refusalReason: "Le Kbis ne correspond pas à la société du devis" });

    // then
    expect(endedAt(pi)).to.deep.equal(["Refused"]);
    expect(t.engine.variables(pi)["refusalReason"]).to.equal("Le Kbis ne correspond pas à la société du devis");
  });

  it("should refuse the file when the documents are still incomplete after 15 days", async () => {
    // given a customer who sends only part of the documents, and reminders left unhandled
    const pi = await start();
    await complete(openTask(pi, "CollectDocuments", "agents", "collect-documents"), { kbis: true, rib: false, decisionMakerId: false });
    for (let day = 0; day < 14; day += 2) await passTimers(2 * DAY);
    expect(mailJobs(pi, "RemindCustomer").length).to.be.greaterThan(0);

    // when the 15th day comes
    await passTimers(1 * DAY);

    // then collection stops, reminders included, and the customer is informed of the refusal
    expect(openTasks(pi, "CollectDocuments")).to.deep.equal([]);
    expect(mailJobs(pi, "RemindCustomer")).to.deep.equal([]);
    expect(visited(t.engine, pi, "ELEMENT_TERMINATED")).to.include("CollectDocumentsPhase");
    expect(t.engine.variables(pi)["refusalReason"]).to.equal("Pièces justificatives non reçues dans le délai de 15 jours");
    await sendMails(pi, "NotifyRefusal");
    expect(endedAt(pi)).to.deep.equal(["Refused"]);
    expect(visited(t.engine, pi)).to.include("DocumentsDeadline");
  });

  it("should leave the refusal to an agent when the customer cannot be e-mailed", async () => {
    // given a refused file
    const pi = await start();
    await complete(await toConformityCheck(pi), { conform: false, refusalReason: "Devis non conforme" });

    // when the mail is rejected (no e-mail address for the customer)
    const [job] = (await t.engine.activateJobs({ type: "mail.send", worker: "spec", timeout: 60_000, maxJobsToActivate: 1 }));
    await t.engine.throwError(job!.jobKey, { errorCode: "MAIL_REJECTED", errorMessage: "Expected party 3 'SARL Martin' (role 'customer') to have an e-mail address, but it has none" });

    // then an agent informs the customer by other means
    await complete(openTask(pi, "NotifyRefusalByHand", "agents", "notify-refusal"), { refusalChannel: "courrier", customerNotified: true });
    expect(endedAt(pi)).to.deep.equal(["Refused"]);
  });
});
