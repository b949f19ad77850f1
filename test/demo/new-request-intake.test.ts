/**
 * Demo content: "Prise en charge d'une nouvelle demande (téléphone ou e-mail)" (processes/new-request-intake.bpmn),
 * deployed from processes/ as `npm start` does, and walked to each of its ends: "Demande réalisée" (signed quote,
 * works, as-built file, invoice, survey), "Demande perdue" (no signature after two reminders, or the customer
 * declines) and "Demande orientée vers un partenaire" (beyond 30 km).
 */
import { expect } from "chai";
import { visited, type TestEngine } from "../helpers/engine.js";
import { useDemoLibrary } from "./support.js";

const DAY = 24 * 60 * 60 * 1000;
const ENDS = ["Completed", "Lost", "Referred"];
const CALLER = {
  callerName: "Mme Durand", callerPhone: "06 12 34 56 78", callerEmail: "durand@example.fr", siteAddress: "12 rue des Lilas, Villeurbanne",
  fileReference: "", requestType: "repair", requestDescription: "Fuite sous l'évier", urgent: false, estimatedAmount: 800, distanceKm: 12,
};

describe("demo: intake of a new request by phone or e-mail (new-request-intake)", () => {
  const demo = useDemoLibrary();
  let t: TestEngine;
  beforeEach(() => {
    t = demo.t;
  });
  const { openTasks, openTask, complete } = demo;

  const start = async (variables: Record<string, unknown> = { requestReference: "DEM-0001", channel: "telephone" }) =>
    (await t.engine.createProcessInstance({ bpmnProcessId: "new-request-intake", variables })).processInstanceKey;
  const waiting = (pi: number) => t.engine.activeElements(pi).map((e) => e.elementId);
  const passTimers = async (ms: number) => {
    t.clock.advance(ms);
    await t.engine.fireDueTimers();
  };
  /** The mail.send jobs waiting at `elementId`, completed as the worker does once the mail is sent (test/mail/ runs the worker). */
  const sendMails = async (pi: number, elementId: string, template: string) => {
    const jobs = (await t.engine.activateJobs({ type: "mail.send", worker: "spec", timeout: 60_000, maxJobsToActivate: 10 })).filter((j) => j.processInstanceKey === pi);
    expect(jobs.map((j) => j.elementId)).to.deep.equal([elementId]);
    expect(jobs[0]!.variables).to.deep.include({ toRole: "customer", template });
    await t.engine.completeJob(jobs[0]!.jobKey, { mailStatus: "sent" });
  };
  const endedAt = (pi: number) => {
    expect(t.engine.incidents({ processInstanceKey: pi })).to.deep.equal([]);
    expect(t.engine.processInstance(pi)?.state).to.equal("COMPLETED");
    return visited(t.engine, pi).filter((id) => ENDS.includes(id));
  };
  const identify = async (pi: number, variables: Record<string, unknown> = {}) =>
    complete(openTask(pi, "IdentifyCaller", "agents", "identify-request"), { ...CALLER, ...variables });
  /** Identified, in zone, appointment held and quote sent: waiting for the signature or the deadline. */
  const quoteSent = async (pi: number) => {
    await identify(pi);
    await complete(openTask(pi, "PlanAppointment", "sales", "plan-appointment"), { appointmentDate: "2026-01-05T10:00", salesRep: "M. Bernard" });
    await complete(openTask(pi, "SendQuote", "sales", "send-quote"), { quoteReference: "DV-2026-031", quoteAmount: 950, quoteSentDate: "2026-01-06" });
    expect(waiting(pi)).to.have.members(["AwaitQuote"]);
  };
  const signQuote = async (requestReference = "DEM-0001") =>
    t.engine.publishMessage({ name: "devis-signe", correlationKey: requestReference, variables: { signedAt: "2026-01-08" } });

  describe("taking the call", () => {
    it("should give the request a reference when none was provided, and keep a provided one", async () => {
      // when
      const anonymous = await start({});
      const referenced = await start({ requestReference: "DEM-MAIL-77" });

      // then
      expect(t.engine.variables(anonymous)["requestReference"]).to.equal("DEM-20260101000000");
      expect(t.engine.variables(referenced)["requestReference"]).to.equal("DEM-MAIL-77");
      openTask(anonymous, "IdentifyCaller", "agents", "identify-request");
    });

    it("should create a customer file for a new caller and keep the file of a known one", async () => {
      // given
      const newcomer = await start({ requestReference: "DEM-1" });
      const known = await start({ requestReference: "DEM-2" });

      // when
      await identify(newcomer, { fileReference: "" });
      await identify(known, { fileReference: "DOS-2019-0042" });

      // then
      expect(visited(t.engine, newcomer)).to.include("CreateFile");
      expect(t.engine.variables(newcomer)["fileReference"]).to.equal("DOS-20260101000000");
      expect(visited(t.engine, known)).to.not.include("CreateFile");
      expect(t.engine.variables(known)["fileReference"]).to.equal("DOS-2019-0042");
    });

    it("should refer a request beyond 30 km of the depot to a partner", async () => {
      // given
      const pi = await start();

      // when
      await identify(pi, { distanceKm: 45 });
      await complete(openTask(pi, "ReferToPartner", "agents", "refer-partner"), { partnerName: "Plomberie du Beaujolais", callerInformed: true });

      // then
      expect(endedAt(pi)).to.deep.equal(["Referred"]);
      expect(t.engine.variables(pi)["inZone"]).to.equal(false);
    });

    it("should treat a request without a distance as out of zone", async () => {
      // given
      const pi = await start();

      // when
      await identify(pi, { distanceKm: null });

      // then
      expect(waiting(pi)).to.deep.equal(["ReferToPartner"]);
    });
  });

  describe("urgent requests", () => {
    it("should plan an urgent intervention at once when the insured amount covers it, then the appointment", async () => {
      // given
      const pi = await start();

      // when
      await identify(pi, { urgent: true, estimatedAmount: 800, insuredAmount: 1500 });

      // then
      expect(t.engine.variables(pi)["urgentCovered"]).to.equal(true);
      const emergency = openTask(pi, "PlanEmergencyJob", "agents", "plan-emergency");
      expect(openTasks(pi, "PlanAppointment")).to.deep.equal([]);
      await complete(emergency, { emergencyDate: "2026-01-01T14:00", technician: "Karim" });
      openTask(pi, "PlanAppointment", "sales", "plan-appointment");
    });

    it("should go straight to the appointment when the urgent job exceeds the insured amount", async () => {
      // given
      const pi = await start();

      // when
      await identify(pi, { urgent: true, estimatedAmount: 2400, insuredAmount: 1500 });

      // then
      expect(t.engine.variables(pi)["urgentCovered"]).to.equal(false);
      expect(visited(t.engine, pi)).to.not.include("PlanEmergencyJob");
      openTask(pi, "PlanAppointment", "sales", "plan-appointment");
    });
  });

  describe("following the quote", () => {
    it("should carry a signed quote through works, as-built file, invoice and survey to 'Demande réalisée'", async () => {
      // given
      const pi = await start();
      await quoteSent(pi);

      // when the signed quote comes back
      const published = await signQuote();
      expect(published.correlations.map((c) => c.processInstanceKey)).to.deep.equal([pi]);
      await complete(openTask(pi, "PlanWorks", "agents", "plan-works"), { worksStartDate: "2026-01-12", worksDurationDays: 3, worksTeam: "Équipe Nord" });
      await complete(openTask(pi, "ReceiveWorks", "agents", "receive-works"), { worksEndDate: "2026-01-15", reservations: "none", receptionSigned: true });
      const asBuilt = openTask(pi, "BuildAsBuiltFile", "agents", "as-built-file");
      await complete(openTask(pi, "IssueInvoice", "agents", "issue-invoice"), { invoiceNumber: "FA-2026-0107", invoiceDate: "2026-01-16", invoiceAmount: 950 });

      // then the survey waits a week after the invoice
      await passTimers(6 * DAY);
      expect(openTasks(pi, "SatisfactionSurvey")).to.deep.equal([]);
      await passTimers(1 * DAY);
      await sendMails(pi, "SendSurveyInvitation", "enquete-satisfaction");
      await complete(openTask(pi, "SatisfactionSurvey", "agents", "satisfaction-survey"), { satisfactionScore: "5", wouldRecommend: true });
      expect(t.engine.processInstance(pi)?.state).to.equal("ACTIVE");
      await complete(asBuilt, { asBuiltDocuments: ["plans", "warranties", "reception-report"], asBuiltSent: true });

      // then
      expect(endedAt(pi)).to.deep.equal(["Completed"]);
      expect(t.engine.variables(pi)["signedAt"]).to.equal("2026-01-08");
    });

    it("should remind the customer after 10 days without signature, and still accept the signature afterwards", async () => {
      // given
      const pi = await start();
      await quoteSent(pi);

      // when
      await passTimers(10 * DAY);
      await sendMails(pi, "SendQuoteReminder", "relance-devis");
      await complete(openTask(pi, "RemindQuote", "sales", "remind-quote"), { customerDeclined: false, quoteReminderNote: "Signature prévue cette semaine" });
      await signQuote();

      // then
      expect(t.engine.variables(pi)["quoteReminders"]).to.equal(1);
      openTask(pi, "PlanWorks", "agents", "plan-works");
    });

    it("should close the request as lost when the quote is still unsigned after two reminders", async () => {
      // given
      const pi = await start();
      await quoteSent(pi);

      // when 10 days pass three times
      for (let reminder = 1; reminder <= 2; reminder++) {
        await passTimers(10 * DAY);
        await sendMails(pi, "SendQuoteReminder", "relance-devis");
        await complete(openTask(pi, "RemindQuote", "sales", "remind-quote"), { customerDeclined: false });
      }
      await passTimers(10 * DAY);

      // then
      expect(openTasks(pi, "RemindQuote")).to.deep.equal([]);
      await complete(openTask(pi, "CloseLost", "sales", "close-lost"), { lostReason: "no-answer" });
      expect(endedAt(pi)).to.deep.equal(["Lost"]);
      expect(t.engine.variables(pi)["quoteReminders"]).to.equal(3);
      expect(visited(t.engine, pi).filter((id) => id === "RemindQuote")).to.have.length(2);
    });

    it("should close the request as lost when the customer declines during a reminder", async () => {
      // given
      const pi = await start();
      await quoteSent(pi);

      // when
      await passTimers(10 * DAY);
      await sendMails(pi, "SendQuoteReminder", "relance-devis");
      await complete(openTask(pi, "RemindQuote", "sales", "remind-quote"), { customerDeclined: true });
      await complete(openTask(pi, "CloseLost", "sales", "close-lost"), { lostReason: "competitor" });

      // then
      expect(endedAt(pi)).to.deep.equal(["Lost"]);
    });

    it("should leave the quote follow-up to the salesperson's call when no e-mail can go", async () => {
      // given a request outside any dossier (no customer to e-mail)
      const pi = await start();
      await quoteSent(pi);
      await passTimers(10 * DAY);

      // when the reminder mail is rejected
      const [job] = await t.engine.activateJobs({ type: "mail.send", worker: "spec", timeout: 60_000, maxJobsToActivate: 1 });
      await t.engine.throwError(job!.jobKey, { errorCode: "MAIL_REJECTED", errorMessage: "Expected a dossier for the recipients in the role 'customer', but the mail has none" });

      // then the salesperson follows up
      await complete(openTask(pi, "RemindQuote", "sales", "remind-quote"), { customerDeclined: true });
      await complete(openTask(pi, "CloseLost", "sales", "close-lost"), { lostReason: "competitor" });
      expect(endedAt(pi)).to.deep.equal(["Lost"]);
    });

    it("should correlate a signed quote to its own request only", async () => {
      // given two requests waiting for their signature
      const mine = await start({ requestReference: "DEM-A" });
      const other = await start({ requestReference: "DEM-B" });
      await quoteSent(mine);
      await quoteSent(other);

      // when
      await signQuote("DEM-A");

      // then
      openTask(mine, "PlanWorks", "agents", "plan-works");
      expect(waiting(other)).to.deep.equal(["AwaitQuote"]);
    });
  });
});
