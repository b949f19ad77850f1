/**
 * The mail.send worker in a real process started from a dossier, against a real SMTP sink.
 */
import { expect } from "chai";
import { startMailSendWorker } from "../../src/connectors/mail-send.js";
import { deployFixtures } from "../helpers/engine.js";
import { startSmtpSink, type SmtpSink } from "../helpers/smtp-sink.js";
import { startMailWorld, until, type MailWorld } from "./support.js";

describe("mail.send worker", function () {
  this.timeout(30_000);
  let sink: SmtpSink;
  let w: MailWorld | undefined;
  beforeEach(async () => {
    sink = await startSmtpSink();
  });
  afterEach(async () => {
    await w?.stop();
    w = undefined;
    await sink.stop();
  });

  const startFor = async (world: MailWorld, dossierId: number, variables: Record<string, unknown>) => {
    await deployFixtures(world.t.engine, "../mail/fixtures/mail-send.bpmn");
    const dossier = world.domain.service.byReference((world.db.prepare(`SELECT reference FROM dossier WHERE id = ?`).get(dossierId) as { reference: string }).reference);
    return world.t.engine.transaction((tx) => world.domain.catalogue.start(tx, dossier, "mail-send-spec", { kind: "action", actionId: null, actor: "agent", variables }));
  };
  const mails = (world: MailWorld) => world.db.prepare(`SELECT * FROM mail_outbound ORDER BY id`).all() as Array<Record<string, any>>;

  it("should send the template mail to the dossier's customer and complete the job once the server accepted it", async () => {
    // given
    w = await startMailWorld({ MAIL_SMTP_URL: sink.url });
    const file = await w.customerFile({ email: "direction@martin-sarl.fr" });

    // when the process reaches its mail task
    const pi = await startFor(w, file.id, { recipientRole: "customer", missing: ["RIB", "Pièce d'identité du décisionnaire"] });

    // then the mail reaches the sink with the dossier reference, and the process moves on
    const [got] = await sink.until(1);
    expect(got!.parsed.subject).to.include(`[${file.reference}]`);
    expect(got!.parsed.text).to.include("- Pièce d'identité du décisionnaire");
    await until(() => w!.t.engine.processInstance(pi)?.state === "COMPLETED", "the process to complete");
    const [m] = mails(w);
    expect(m).to.include({ status: "sent", purpose: "process", actor: "process", dossier_id: file.id });
    expect(m!["idem_key"]).to.match(/^job:\d+$/);
    const completed = w.t.engine.history(pi).find((r) => r.type === "JOB_COMPLETED") as Record<string, any> | undefined;
    expect(completed, "JOB_COMPLETED").to.not.equal(undefined);
  });

  it("should complete a retried job whose mail a first activation queued, without sending it again", async () => {
    // given a job activated by a worker that queued its mail and then died
    w = await startMailWorld({ MAIL_SMTP_URL: sink.url }, { workers: false });
    const file = await w.customerFile();
    const pi = await startFor(w, file.id, { recipientRole: "customer", missing: ["RIB"] });
    const [job] = await w.t.engine.activateJobs({ type: "mail.send", worker: "crashed", timeout: 1000, maxJobsToActivate: 1 });
    await w.t.engine.transaction((tx) => w!.mail.outbox.enqueue(tx, { to: [{ role: "customer" }], dossierId: file.id, template: "relance-pieces", purpose: "process", key: `job:${job!.jobKey}` }));
    await sink.until(1);
    await until(() => mails(w!)[0]!["status"] === "sent", "the mail to be sent");

    // when its lock expires and the worker takes the job again
    w.t.clock.advance(2000);
    const worker = startMailSendWorker({ engine: w.t.engine, domain: w.domain, outbox: w.mail.outbox, ledger: w.mail.sent, events: w.mail.sender.events, stopping: () => false });
    try {
      await until(() => w!.t.engine.processInstance(pi)?.state === "COMPLETED", "the process to complete");
    } finally {
      await worker.close();
    }

    // then the job completed in the transaction that found its mail sent: still one mail
    expect(mails(w)).to.have.length(1);
    expect(sink.mails).to.have.length(1);
  });

  it("should raise the BPMN error MAIL_REJECTED, naming the reason, when the role has no party", async () => {
    w = await startMailWorld({ MAIL_SMTP_URL: sink.url });
    const file = await w.customerFile();
    const pi = await startFor(w, file.id, { recipientRole: "decision-maker", missing: [] });
    const [incident] = await until(() => {
      const found = w!.t.engine.incidents({ processInstanceKey: pi });
      return found.length ? found : null;
    }, "the incident");
    expect(incident!.errorType).to.equal("UNHANDLED_ERROR_EVENT");
    expect(incident!.errorMessage).to.include("MAIL_REJECTED").and.include(`Expected a party in the role 'decision-maker' of ${file.reference}, but found none`);
    expect(mails(w)).to.deep.equal([]);
  });

  it("should turn a delivery the server refuses into an incident naming its answer", async () => {
    w = await startMailWorld({ MAIL_SMTP_URL: sink.url });
    const file = await w.customerFile();
    sink.reject = "550 5.7.1 Relaying denied";
    const pi = await startFor(w, file.id, { recipientRole: "customer", missing: [] });
    const [incident] = await until(() => {
      const found = w!.t.engine.incidents({ processInstanceKey: pi });
      return found.length ? found : null;
    }, "the incident");
    expect(incident!.errorType).to.equal("JOB_NO_RETRIES");
    expect(incident!.errorMessage).to.match(/not delivered after 1 attempt\(s\): 550 5\.7\.1 Relaying denied/);
    expect(mails(w)[0]).to.include({ status: "failed" });
  });
});
