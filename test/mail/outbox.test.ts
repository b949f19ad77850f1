/**
 * The mail outbox against a real SMTP sink (smtp-server) and the outbox folder: threading headers,
 * idempotency, refusals, retries with the server's answer, a restart that finds queued mails.
 */
import { expect } from "chai";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { simpleParser } from "mailparser";
import { DossierError } from "../../src/dossiers/errors.js";
import { startSmtpSink, type SmtpSink } from "../helpers/smtp-sink.js";
import { startMailWorld, until, type MailWorld } from "./support.js";

const row = (w: MailWorld, id: number) => w.db.prepare(`SELECT * FROM mail_outbound WHERE id = ?`).get(id) as Record<string, any>;

describe("mail outbox", function () {
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

  it("should send a template mail to a role with the reference in its subject, a Reply-To plus address and its Message-ID recorded", async () => {
    // given a customer file whose customer has an e-mail
    w = await startMailWorld({ MAIL_SMTP_URL: sink.url, MAIL_REPLY_TO: "dossiers@exemple.fr" });
    const file = await w.customerFile({ email: "compta@martin-sarl.fr" });

    // when a reminder is queued for the customer role
    const queued = await w.t.engine.transaction((tx) => w!.mail.outbox.enqueue(tx, { to: [{ role: "customer" }], dossierId: file.id, template: "relance-pieces", data: { missingDocuments: ["RIB", "Extrait Kbis"] }, purpose: "process" }));
    await w.mail.sender.flush();

    // then the sink has it, threaded back to the dossier
    const [got] = await sink.until(1);
    const m = got!.parsed;
    expect(m.subject).to.equal(`Pièces manquantes pour votre dossier « Dossier SARL Martin 1 » [${file.reference}]`);
    expect(m.replyTo?.value[0]?.address).to.equal(`dossiers+${file.reference}@exemple.fr`);
    expect(m.messageId).to.equal(queued.messageId);
    expect(queued.messageId).to.match(/^<[0-9a-f-]{36}@exemple\.fr>$/);
    expect(got!.envelope.to).to.deep.equal(["compta@martin-sarl.fr"]);
    expect(m.text).to.include("- RIB").and.include("- Extrait Kbis").and.include("L'équipe Horizon Assurances"); // the templates module's demo organisation
    expect(m.html).to.include("<li>RIB</li>");
    expect(m.headers.get("x-dossier-reference")).to.equal(file.reference);
    // and the outbox row and the dossier's journal say so
    const r = row(w, queued.id);
    expect(r["status"]).to.equal("sent");
    expect(r["accepted_response"]).to.match(/queued as Q1/);
    expect(w.mail.sent.byMessageId(queued.messageId.slice(1, -1))).to.deep.equal({ id: queued.id, dossierId: file.id });
    const entry = w.domain.journal.entries(file.id, { includePrivate: true, actions: ["mail.sent"] })[0]!;
    expect(entry.after).to.include({ outboundId: queued.id, messageId: queued.messageId, status: "queued", purpose: "process" });
  });

  it("should queue a key once: the same key answers the mail already queued", async () => {
    w = await startMailWorld({ MAIL_SMTP_URL: sink.url });
    const file = await w.customerFile();
    const send = () => w!.t.engine.transaction((tx) => w!.mail.outbox.enqueue(tx, { to: ["client@exemple.fr"], dossierId: file.id, subject: "Bonjour", text: "Un message", purpose: "agent", key: "job:42" }));
    const first = await send();
    const again = await send();
    expect(again).to.deep.equal({ ...first, duplicate: true });
    await w.mail.sender.flush();
    await sink.until(1);
    await new Promise((r) => setTimeout(r, 100));
    expect(sink.mails).to.have.length(1);
  });

  it("should refuse a role whose party has no e-mail, naming the party and the role, and record nothing", async () => {
    w = await startMailWorld({ MAIL_SMTP_URL: sink.url });
    const file = await w.customerFile({ email: null });
    let error: unknown;
    try {
      await w.t.engine.transaction((tx) => w!.mail.outbox.enqueue(tx, { to: [{ role: "customer" }], dossierId: file.id, template: "relance-pieces", purpose: "process" }));
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(DossierError);
    expect((error as DossierError).code).to.equal("INVALID_ARGUMENT");
    expect((error as Error).message).to.equal(`Expected party ${file.partyId} 'SARL Martin 1' (role 'customer' of ${file.reference}) to have an e-mail address, but it has none`);
    expect((w.db.prepare(`SELECT COUNT(*) AS n FROM mail_outbound`).get() as { n: number }).n).to.equal(0);
  });

  it("should retry while the server answers 451, then fail the mail with the server's answer", async () => {
    w = await startMailWorld({ MAIL_SMTP_URL: sink.url, MAIL_SEND_ATTEMPTS: "3", MAIL_RETRY_BASE_MS: "1000" });
    const file = await w.customerFile();
    sink.reject = "451 4.3.0 Mailbox temporarily unavailable";
    const q = await w.t.engine.transaction((tx) => w!.mail.outbox.enqueue(tx, { to: [{ role: "customer" }], dossierId: file.id, template: "relance-pieces", purpose: "process" }));
    await w.mail.sender.flush();
    expect(row(w, q.id)).to.include({ status: "queued", attempts: 1 });
    expect(row(w, q.id)["last_error"]).to.include("451");
    // not before its back-off
    await w.mail.sender.flush();
    expect(row(w, q.id)["attempts"]).to.equal(1);
    w.t.clock.advance(1000);
    await w.mail.sender.flush();
    expect(row(w, q.id)).to.include({ status: "queued", attempts: 2 });
    w.t.clock.advance(2000);
    await w.mail.sender.flush();
    const r = row(w, q.id);
    expect(r["status"]).to.equal("failed");
    expect(r["attempts"]).to.equal(3);
    expect(r["last_error"]).to.match(/^451 4\.3\.0 Mailbox temporarily unavailable/);
    expect(w.domain.journal.entries(file.id, { includePrivate: true, actions: ["mail.failed"] })).to.have.length(1);
  });

  it("should fail at once on a permanent 550 answer", async () => {
    w = await startMailWorld({ MAIL_SMTP_URL: sink.url });
    const file = await w.customerFile();
    sink.reject = "550 5.1.1 No such user";
    const q = await w.t.engine.transaction((tx) => w!.mail.outbox.enqueue(tx, { to: ["inconnu@exemple.fr"], dossierId: file.id, subject: "Test", text: "x", purpose: "agent" }));
    await w.mail.sender.flush();
    expect(row(w, q.id)).to.include({ status: "failed", attempts: 1 });
    expect(row(w, q.id)["last_error"]).to.include("550 5.1.1 No such user");
  });

  it("should keep mails queued while the server is down and send them after a restart", async () => {
    // given a mail queued while nothing listens
    const downUrl = sink.url;
    await sink.stop();
    w = await startMailWorld({ MAIL_SMTP_URL: downUrl });
    const file = await w.customerFile();
    const q = await w.t.engine.transaction((tx) => w!.mail.outbox.enqueue(tx, { to: [{ role: "customer" }], dossierId: file.id, template: "relance-pieces", purpose: "process" }));
    await w.mail.sender.flush();
    expect(row(w, q.id)["status"]).to.equal("queued");
    expect(row(w, q.id)["last_error"]).to.match(/ECONNREFUSED|ECONNECTION/);
    // and a mail left "sending" by a crash
    await w.t.engine.transaction((tx) => {
      w!.db.prepare(`UPDATE mail_outbound SET status = 'sending', locked_until = ? WHERE id = ?`).run(tx.now - 1, q.id);
    });

    // when the server comes back on the same port and Dossier restarts on the same database
    sink = await startSmtpSink({ port: Number(new URL(downUrl).port) });
    const t2 = await w.restartEngine();
    w = await startMailWorld({ MAIL_SMTP_URL: downUrl }, { t: t2 });
    w.t.clock.advance(10 * 60_000);
    await w.mail.sender.flush();

    // then it is sent once, and the interruption is on record
    const [got] = await sink.until(1);
    expect(got!.parsed.messageId).to.equal(q.messageId);
    expect(row(w, q.id)["status"]).to.equal("sent");
    expect(row(w, q.id)["last_error"]).to.match(/interrupted/);
  });

  it("should write mails to DATA_DIR/mail/outbox/ without an SMTP server", async () => {
    w = await startMailWorld({});
    const file = await w.customerFile({ language: "en" });
    const q = await w.t.engine.transaction((tx) => w!.mail.outbox.enqueue(tx, { to: [{ role: "customer" }], dossierId: file.id, template: "relance-pieces", purpose: "process" }));
    await until(() => row(w!, q.id)["status"] === "sent", "the mail in the outbox folder");
    const dir = path.join(w.dataDir, "mail", "outbox");
    const files = readdirSync(dir).filter((n) => n.endsWith(".eml"));
    expect(files).to.have.length(1);
    const parsed = await simpleParser(readFileSync(path.join(dir, files[0]!)));
    // the customer's language is English
    expect(parsed.subject).to.equal(`Documents missing for your file "Dossier SARL Martin 1" [${file.reference}]`);
    expect(parsed.messageId).to.equal(q.messageId);
    expect(row(w, q.id)["accepted_response"]).to.match(/stored in the outbox folder/);
  });
});

