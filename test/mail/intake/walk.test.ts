/**
 * The walk, as a new user would try it, on real parts: MAIL_IMAP_URL at a rootless Dovecot,
 * MAIL_SMTP_URL at an SMTP sink. A mail with a PDF to the intake mailbox opens a "Demande
 * d'intervention" with the PDF and a running new-request-intake; a mail the dossier sends reaches the
 * sink with the reference in its subject; the customer's reply (In-Reply-To that mail, two
 * attachments) lands in the same dossier and moves a process waiting for `mail-received` on.
 */
import { expect } from "chai";
import { readFileSync, rmSync } from "node:fs";
import path from "node:path";
import MailComposer from "nodemailer/lib/mail-composer/index.js";
import { simplePdf } from "../../../src/dossiers/simple-pdf.js";
import { startDovecot, type Dovecot } from "../../helpers/dovecot.js";
import { startSmtpSink, type SmtpSink } from "../../helpers/smtp-sink.js";
import { FIXTURES, mailFixture, startIntakeServer, until } from "./support.js";

describe("mail intake: the walk with Dovecot and an SMTP sink", function () {
  this.timeout(90_000);
  let dovecot: Dovecot;
  let sink: SmtpSink;
  let app: Awaited<ReturnType<typeof startIntakeServer>>;
  const user = "demandes@dossier.local";

  before(async () => {
    dovecot = await startDovecot({ users: { [user]: "walk-secret" } });
    sink = await startSmtpSink();
    app = await startIntakeServer({ MAIL_IMAP_URL: dovecot.url(user), MAIL_SMTP_URL: `smtp://127.0.0.1:${sink.port}`, MAIL_FROM: "Dossier <demandes@dossier.local>", MAIL_POLL_MS: "100" });
    await app.engine.deploy([{ name: "wait-for-mail.bpmn", content: readFileSync(path.join(FIXTURES, "wait-for-mail.bpmn")) }]);
  });
  after(async () => {
    await app?.server.stop();
    await sink?.stop();
    await dovecot?.stop();
    if (app) rmSync(app.dir, { recursive: true, force: true });
  });

  it("should open the dossier from the mail, send from it, and thread the customer's reply back into it", async () => {
    await dovecot.append(user, [mailFixture("01-demande-pdf.eml")]);
    const first = await until("the request to be taken in", () => app.intake.store.list({ limit: 5 }).find((m) => m.messageId === "demande-0001@example.fr" && m.serverDone));
    expect(first.status).to.equal("processed");
    const dossier = app.domain.service.byReference(app.db.prepare(`SELECT reference FROM dossier WHERE id = ?`).pluck().get(first.dossierId) as string);
    const files = app.db.prepare(`SELECT doc.filename FROM dossier_document dd JOIN document doc ON doc.id = dd.document_id WHERE dd.dossier_id = ?`).pluck().all(dossier.id);
    expect(files).to.include("devis-réparation.pdf");
    const intake = app.db.prepare(`SELECT process_instance_key FROM dossier_process WHERE dossier_id = ? AND bpmn_process_id = 'new-request-intake'`).pluck().get(dossier.id) as number;
    expect(app.engine.processInstance(intake)!.state).to.equal("ACTIVE");

    const waiting = await app.engine.transaction((tx) => app.domain.catalogue.start(tx, dossier, "wait-for-mail", { kind: "action", actionId: null, actor: null }));
    const queued = await app.engine.transaction((tx) => app.server.capabilities.mail.outbox.enqueue(tx, { to: ["elodie.lefevre@example.fr"], dossierId: dossier.id, subject: "Pièces à nous transmettre", text: "Bonjour, merci de nous envoyer l'attestation d'assurance et une photo.", purpose: "agent", actor: "demo" }));
    const [sent] = await sink.until(1, 30_000);
    expect(sent!.parsed.subject).to.contain(`[${dossier.reference}]`);
    expect(sent!.parsed.messageId).to.equal(queued.messageId);

    const reply = await new MailComposer({
      from: "Élodie Lefèvre <elodie.lefevre@example.fr>", to: (sent!.parsed.replyTo?.value[0]?.address ?? user), subject: `RE: ${sent!.parsed.subject}`,
      inReplyTo: queued.messageId, references: [queued.messageId], messageId: "<reponse-walk@example.fr>",
      text: "Bonjour, voici les deux pièces demandées.",
      attachments: [{ filename: "attestation-assurance.pdf", content: simplePdf("Attestation d'assurance habitation", ["Assurée : Élodie Lefèvre", "Contrat n° 2026-778"]) }, { filename: "photo-fuite.png", content: Buffer.from("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==", "base64") }],
    }).compile().build();
    await dovecot.append(user, [reply]);
    const answer = await until("the reply to be threaded", () => app.intake.store.list({ limit: 5 }).find((m) => m.messageId === "reponse-walk@example.fr" && m.serverDone));
    expect(answer).to.include({ status: "processed", dossierId: dossier.id });
    expect(app.engine.processInstance(waiting)!.state).to.equal("COMPLETED");
    expect((app.engine.variables(waiting)["documentIds"] as number[]).length).to.equal(3);
    expect(app.db.prepare(`SELECT COUNT(*) FROM dossier`).pluck().get()).to.equal(1);
    const text = app.db.prepare(`SELECT b.text FROM dossier_document dd JOIN document doc ON doc.id = dd.document_id JOIN document_version v ON v.document_id = doc.id JOIN blob b ON b.sha256 = v.sha256 WHERE dd.dossier_id = ? AND doc.filename = 'attestation-assurance.pdf'`).pluck().get(dossier.id) as string;
    expect(text).to.contain("Contrat n° 2026-778");
  });
});
