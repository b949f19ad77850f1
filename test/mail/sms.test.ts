/**
 * SMS: encoding and segments, E.164, the development gateway (its "phone" table) and the erasure
 * of sensitive texts once accepted; the generic HTTP gateway against a real local HTTP server.
 */
import { expect } from "chai";
import { createServer, type IncomingMessage } from "node:http";
import { DossierError } from "../../src/dossiers/errors.js";
import { measureSms } from "../../src/mail/sms-text.js";
import { startMailWorld, type MailWorld } from "./support.js";

describe("SMS", function () {
  this.timeout(20_000);
  let w: MailWorld | undefined;
  afterEach(async () => {
    await w?.stop();
    w = undefined;
  });

  it("should count GSM-7 septets (extension characters twice) and UCS-2 units, with their segments", () => {
    expect(measureSms("Votre code : 123456")).to.deep.equal({ encoding: "GSM-7", length: 19, segments: 1 });
    expect(measureSms("Réglé : 12 € à payer")).to.deep.equal({ encoding: "GSM-7", length: 21, segments: 1 }); // é, à in GSM-7; € is an extension (2)
    expect(measureSms("a".repeat(160)).segments).to.equal(1);
    expect(measureSms("a".repeat(161)).segments).to.equal(2);
    expect(measureSms("a".repeat(306)).segments).to.equal(2);
    expect(measureSms("a".repeat(307)).segments).to.equal(3);
    expect(measureSms("Rendez-vous confirmé ✓")).to.deep.equal({ encoding: "UCS-2", length: 22, segments: 1 }); // ✓ is not GSM
    expect(measureSms("ç".repeat(71))).to.deep.equal({ encoding: "UCS-2", length: 71, segments: 2 }); // lower-case ç is not in GSM-7 (only Ç)
  });

  it("should refuse a national number and record nothing", async () => {
    w = await startMailWorld();
    let error: unknown;
    try {
      await w.t.engine.transaction((tx) => w!.mail.sms.enqueue(tx, { to: "06 12 34 56 78", text: "Bonjour", purpose: "process" }));
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(DossierError);
    expect((error as Error).message).to.equal("Expected a phone number in E.164 (e.g. +33612345678), but found '06 12 34 56 78'");
    expect((w.db.prepare(`SELECT COUNT(*) AS n FROM sms_outbound`).get() as { n: number }).n).to.equal(0);
  });

  it("should deliver to the development gateway's phone and erase a sensitive text from the outbox once accepted", async () => {
    w = await startMailWorld();
    const file = await w.customerFile();
    const { id } = await w.t.engine.transaction((tx) => w!.mail.sms.enqueue(tx, { to: "+33 6 12 34 56 78", text: "Votre code de signature : 482913", purpose: "signature.otp", sensitive: true, dossierId: file.id, key: "otp:1" }));
    const plain = await w.t.engine.transaction((tx) => w!.mail.sms.enqueue(tx, { to: "+32470123456", text: "Votre technicien arrive à 14 h ✓", purpose: "process" }));
    await w.mail.sms.flush();

    const rows = w.db.prepare(`SELECT id, to_number, text, status, encoding, segments, sensitive FROM sms_outbound ORDER BY id`).all() as Array<Record<string, unknown>>;
    expect(rows[0]).to.deep.equal({ id, to_number: "+33612345678", text: null, status: "sent", encoding: "GSM-7", segments: 1, sensitive: 1 });
    expect(rows[1]).to.include({ id: plain.id, status: "sent", encoding: "UCS-2", text: "Votre technicien arrive à 14 h ✓" });
    const phone = w.db.prepare(`SELECT sms_id, to_number, text FROM sms_dev_received ORDER BY sms_id`).all();
    expect(phone[0]).to.deep.equal({ sms_id: id, to_number: "+33612345678", text: "Votre code de signature : 482913" });
    // the journal does not keep the code either, and nothing logged it
    const entry = w.domain.journal.entries(file.id, { includePrivate: true, actions: ["sms.sent"] })[0]!;
    expect(JSON.stringify(entry)).to.not.include("482913");
    expect(w.logs.join("\n")).to.not.include("482913");
  });

  it("should post through the generic HTTP gateway with the body template, and retry then fail on its errors", async () => {
    const received: Array<{ auth: string | undefined; type: string | undefined; body: string }> = [];
    let status = 200;
    const server = createServer((req: IncomingMessage, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        received.push({ auth: req.headers.authorization, type: req.headers["content-type"], body });
        res.writeHead(status, { "content-type": "application/json" }).end(status === 200 ? `{"id":"msg-${received.length}"}` : `{"error":"quota exceeded"}`);
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    const port = (server.address() as { port: number }).port;
    try {
      w = await startMailWorld({ SMS_HTTP_URL: `http://127.0.0.1:${port}/sms`, SMS_HTTP_AUTH: "Bearer test-token", SMS_FROM: "Dossier", SMS_HTTP_BODY: `{"dest":"{{to}}","msg":"{{text}}","sender":"{{from}}"}`, MAIL_SEND_ATTEMPTS: "2", MAIL_RETRY_BASE_MS: "1000" });
      const ok = await w.t.engine.transaction((tx) => w!.mail.sms.enqueue(tx, { to: "+33612345678", text: 'Il a dit "oui"', purpose: "process" }));
      await w.mail.sms.flush();
      expect(received[0]).to.deep.equal({ auth: "Bearer test-token", type: "application/json", body: `{"dest":"+33612345678","msg":"Il a dit \\"oui\\"","sender":"Dossier"}` });
      expect(w.mail.sms.status(ok.id)?.status).to.equal("sent");

      status = 503;
      const ko = await w.t.engine.transaction((tx) => w!.mail.sms.enqueue(tx, { to: "+33612345678", text: "Bonjour", purpose: "process" }));
      await w.mail.sms.flush();
      expect(w.mail.sms.status(ko.id)?.status).to.equal("queued");
      w.t.clock.advance(1000);
      await w.mail.sms.flush();
      expect(w.mail.sms.status(ko.id)).to.deep.equal({ status: "failed", lastError: 'SMS gateway answered 503: {"error":"quota exceeded"}' });
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
