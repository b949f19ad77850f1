import { expect } from "chai";
import { existsSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { readFileSync } from "node:fs";
import { readMail } from "../../../src/mail/intake/parse.js";
import { startDovecot, type Dovecot } from "../../helpers/dovecot.js";
import { FIXTURES, mailFixture, startIntakeServer, until } from "./support.js";

describe("mail intake: parsing French mail as it really comes", () => {
  it("should decode RFC 2047 subjects and names, quoted-printable UTF-8 and RFC 2231 file names", async () => {
    const m = await readMail(mailFixture("01-demande-pdf.eml"));
    expect(m.subject).to.equal("Demande d'intervention : fuite sous la toiture à Évreux");
    expect(m.from).to.deep.equal({ address: "elodie.lefevre@example.fr", name: "Élodie Lefèvre" });
    expect(m.text).to.contain("semaine dernière").and.contain("évaluer les dégâts");
    expect(m.attachments.map((a) => a.filename)).to.deep.equal(["devis-réparation.pdf"]);
  });

  it("should read ISO-8859-1 8-bit and windows-1252 quoted-printable bodies (€, ’, œ, …)", async () => {
    const latin = await readMail(mailFixture("02-iso-8859-1.eml"));
    expect(latin.subject).to.equal("Entretien de ma chaudière à Noël");
    expect(latin.text).to.contain("Ça presse").and.contain("François Ménard");
    const cp = await readMail(mailFixture("03-windows-1252.eml"));
    expect(cp.subject).to.equal("Relance « devis à 1 250 € » n’est pas arrivé");
    expect(cp.text).to.contain("1 250 €").and.contain("n’est").and.contain("cœur").and.contain("arrivé…");
    expect(cp.from?.name).to.equal("Gaëlle Dubœuf");
  });

  it("should sanitise HTML (no script, handler, javascript: link or remote image) and keep inline images apart", async () => {
    const m = await readMail(mailFixture("04-html-inline-image.eml"));
    expect(m.html).to.contain("<b>gouttière abîmée</b>");
    expect(m.html).not.to.match(/script|onclick|javascript:|tracker\.example|<style/);
    expect(m.attachments).to.have.length(1);
    expect(m.attachments[0]).to.include({ filename: "gouttiere.png", inline: true });
  });

  it("should recognise auto-replies, DSN bounces, TNEF containers and mails that are not mails", async () => {
    expect((await readMail(mailFixture("06-auto-reply.eml"))).autoReply).to.equal("Auto-Submitted: auto-replied");
    expect((await readMail(mailFixture("11-x-autoreply.eml"))).autoReply).to.match(/x-autoreply/);
    const dsn = await readMail(mailFixture("07-bounce-dsn.eml", { ORIGINAL: "out-1@dossier.local", REFERENCE: "DEM-2026-00001" }));
    expect(dsn.bounce).to.deep.include({ originalMessageId: "out-1@dossier.local", recipient: "jean.dupont@example.invalid", status: "5.1.1" });
    expect(dsn.bounce!.reason).to.contain("User unknown");
    expect(dsn.autoReply).to.equal(null);
    const tnef = await readMail(mailFixture("08-winmail-dat.eml"));
    expect(tnef.attachments[0]).to.include({ filename: "winmail.dat", tnef: true });
    let error: Error | undefined;
    await readMail(mailFixture("09-malformed.eml")).catch((e: Error) => (error = e));
    expect(error?.message).to.match(/^Expected an RFC 5322 mail/);
  });
});

describe("mail intake: drop folder, uploads, routing, rules and quarantine", function () {
  this.timeout(60_000);
  let app: Awaited<ReturnType<typeof startIntakeServer>>;
  const inbox = () => path.join(app.dir, "mail", "inbox");
  const drop = async (name: string, content: Buffer) => {
    writeFileSync(path.join(inbox(), name), content);
    await app.intake.drop.scan();
  };
  const lastMail = () => app.intake.store.list({ limit: 1 })[0]!;

  before(async () => {
    app = await startIntakeServer();
    await app.engine.deploy([{ name: "wait-for-mail.bpmn", content: readFileSync(path.join(FIXTURES, "wait-for-mail.bpmn")) }]);
  });
  after(async () => {
    await app.server.stop();
    rmSync(app.dir, { recursive: true, force: true });
  });

  it("should seed the intake demo rule once, on the first start", async () => {
    const { body } = await app.call("GET", "/api/mail/rules");
    expect(body.items.map((r: { name: string }) => r.name)).to.deep.equal(["Demandes d'intervention reçues par mail"]);
  });

  let reference = "";
  it("should open a 'Demande d'intervention' from a mail of the drop folder: sender as party, PDF as a document with its text, new-request-intake running", async () => {
    await drop("demande.eml", mailFixture("01-demande-pdf.eml"));
    const mail = lastMail();
    expect(mail.status).to.equal("processed");
    const dossier = app.domain.service.byReference(app.db.prepare(`SELECT reference FROM dossier WHERE id = ?`).pluck().get(mail.dossierId) as string);
    reference = dossier.reference;
    expect(dossier.typeId).to.equal("demande-intervention");
    expect(dossier.title).to.equal("Demande d'intervention : fuite sous la toiture à Évreux");
    const party = app.db.prepare(`SELECT p.id FROM dossier_party dp JOIN party p ON p.id = dp.party_id WHERE dp.dossier_id = ? AND dp.role = 'customer'`).get(dossier.id) as { id: number };
    const row = app.domain.parties.get(party.id)!;
    expect(row.name).to.contain("Lefèvre");
    expect(row.emails).to.deep.equal(["elodie.lefevre@example.fr"]);
    expect(row.flags).to.include("prospect");
    const docs = app.db.prepare(`SELECT doc.filename, b.text, v.mime FROM dossier_document dd JOIN document doc ON doc.id = dd.document_id JOIN document_version v ON v.document_id = doc.id JOIN blob b ON b.sha256 = v.sha256 WHERE dd.dossier_id = ? ORDER BY doc.id`).all(dossier.id) as Array<{ filename: string; text: string; mime: string }>;
    expect(docs.map((d) => d.filename)).to.deep.equal(["Demande d'intervention fuite sous la toiture à Évreux.eml", "devis-réparation.pdf"]);
    expect(docs[1]!.mime).to.equal("application/pdf");
    expect(docs[1]!.text).to.contain("Réfection partielle de la toiture");
    const processes = app.db.prepare(`SELECT bpmn_process_id AS id FROM dossier_process WHERE dossier_id = ?`).all(dossier.id) as Array<{ id: string }>;
    expect(processes.map((p) => p.id)).to.deep.equal(["new-request-intake"]);
    const journal = app.db.prepare(`SELECT action, after FROM dossier_journal WHERE dossier_id = ? AND action = 'mail.received'`).all(dossier.id) as Array<{ after: string }>;
    expect(journal).to.have.length(1);
    expect(JSON.parse(journal[0]!.after)).to.include({ inboundId: mail.id, messageId: "demande-0001@example.fr", from: "elodie.lefevre@example.fr" });
    expect(readdirSync(path.join(app.dir, "mail", "processed"))).to.include("demande.eml");
    expect(readdirSync(inbox())).to.deep.equal([]);
  });

  it("should take the same file, or the same Message-ID, only once", async () => {
    const before = app.db.prepare(`SELECT COUNT(*) FROM dossier`).pluck().get();
    await drop("encore.eml", mailFixture("01-demande-pdf.eml"));
    const again = mailFixture("01-demande-pdf.eml", {}).toString("latin1").replace("Date: Mon", "X-Resent: 1\r\nDate: Mon");
    await drop("renvoye.eml", Buffer.from(again, "latin1"));
    expect(lastMail().status).to.equal("duplicate");
    expect(app.db.prepare(`SELECT COUNT(*) FROM dossier`).pluck().get()).to.equal(before);
  });

  it("should thread a reply with the reference in its subject into its dossier, file both attachments and move the waiting process on", async () => {
    const dossier = app.domain.service.byReference(reference);
    const key = await app.engine.transaction((tx) => app.domain.catalogue.start(tx, dossier, "wait-for-mail", { kind: "action", actionId: null, actor: null }));
    expect(app.engine.processInstance(key)!.state).to.equal("ACTIVE");
    await drop("reponse.eml", mailFixture("05-reply-reference.eml", { REFERENCE: reference, IN_REPLY_TO: "unknown@nowhere" }));
    const mail = lastMail();
    expect(mail).to.include({ status: "processed", dossierId: dossier.id });
    expect(app.engine.processInstance(key)!.state).to.equal("COMPLETED");
    const vars = app.engine.variables(key);
    expect(vars["sender"]).to.equal("elodie.lefevre@example.fr");
    expect(vars["subject"]).to.equal(`RE: [${reference}] Pièces demandées`);
    expect((vars["documentIds"] as number[]).length).to.equal(3); // the .eml and the two attachments
    const names = app.db.prepare(`SELECT doc.filename FROM dossier_document dd JOIN document doc ON doc.id = dd.document_id WHERE dd.dossier_id = ? ORDER BY doc.id`).pluck().all(dossier.id);
    expect(names).to.include.members(["attestation-assurance.txt", "photo-plafond.png"]);
  });

  it("should thread by In-Reply-To a mail answering one received before, and by a plus address", async () => {
    const dossier = app.domain.service.byReference(reference);
    const reply = `From: elodie.lefevre@example.fr\r\nTo: demandes@dossier.local\r\nSubject: encore une question\r\nMessage-ID: <q2@example.fr>\r\nIn-Reply-To: <reply-0005@example.fr>\r\n\r\nEt pour la date ?\r\n`;
    await drop("q2.eml", Buffer.from(reply));
    expect(lastMail()).to.include({ status: "processed", dossierId: dossier.id });
    const plus = `From: Elodie.Lefevre@example.fr\r\nTo: dossiers+${reference}@dossier.local\r\nSubject: sans reference\r\nMessage-ID: <q3@example.fr>\r\n\r\nBonjour\r\n`;
    await drop("q3.eml", Buffer.from(plus));
    expect(lastMail()).to.include({ status: "processed", dossierId: dossier.id });
  });

  it("should not let a stranger feed a dossier by its (guessable) reference: quarantine, to be attached by hand", async () => {
    // given a mail from someone who is no party of the dossier, naming it in the subject and by the plus address
    const dossier = app.domain.service.byReference(reference);
    const forged = `From: intrus@example.net\r\nTo: dossiers+${reference}@dossier.local\r\nSubject: [${reference}] Pièces demandées\r\nMessage-ID: <forged-1@example.net>\r\n\r\nVoici les pièces.\r\n`;
    const before = app.db.prepare(`SELECT COUNT(*) FROM dossier_document WHERE dossier_id = ?`).pluck().get(dossier.id);
    // when it arrives
    await drop("forged.eml", Buffer.from(forged));
    // then it is not filed in the dossier (no document, no mail-received message), but kept in quarantine with the reason
    const mail = lastMail();
    expect(mail).to.include({ status: "quarantined", dossierId: null });
    expect(mail.reason).to.contain("intrus@example.net").and.contain(reference);
    expect(app.db.prepare(`SELECT COUNT(*) FROM dossier_document WHERE dossier_id = ?`).pluck().get(dossier.id)).to.equal(before);
  });

  it("should ignore auto-replies: no dossier, no message, no loop", async () => {
    const before = app.db.prepare(`SELECT COUNT(*) FROM dossier`).pluck().get();
    await drop("auto.eml", mailFixture("06-auto-reply.eml"));
    expect(lastMail()).to.include({ status: "ignored", dossierId: null });
    await drop("auto2.eml", mailFixture("11-x-autoreply.eml"));
    expect(lastMail()).to.include({ status: "ignored" });
    expect(app.db.prepare(`SELECT COUNT(*) FROM dossier`).pluck().get()).to.equal(before);
  });

  it("should quarantine an unknown reference (the original kept), then assign it by hand; and quarantine then discard an unreadable file", async () => {
    const upload = await app.call("POST", "/api/mail/uploads", mailFixture("10-unknown-reference.eml"), "agent");
    expect(upload.status).to.equal(201);
    expect(upload.body.status).to.equal("quarantined");
    expect(upload.body.reason).to.contain("DEM-2099-99999");
    const list = await app.call("GET", "/api/mail/inbound?status=quarantined");
    expect(list.body.items.map((i: { id: number }) => i.id)).to.include(upload.body.id);
    // a quarantined mail belongs to no sector yet: agents (mail.read) neither list nor open it, those who triage do
    const agentList = await app.call("GET", "/api/mail/inbound?status=quarantined", undefined, "agent");
    expect(agentList.body.items.map((i: { id: number }) => i.id)).to.not.include(upload.body.id);
    expect((await app.call("GET", `/api/mail/inbound/${upload.body.id}`, undefined, "agent")).status).to.equal(404);
    expect((await app.call("GET", `/api/mail/inbound/${upload.body.id}/raw`, undefined, "agent")).status).to.equal(404);
    expect((await app.call("GET", `/api/mail/inbound/${upload.body.id}`, undefined, "manager")).status).to.equal(200);
    const raw = await fetch(`${app.base}/api/mail/inbound/${upload.body.id}/raw`, { headers: { authorization: `Basic ${Buffer.from("demo:demo").toString("base64")}` } });
    expect(await raw.text()).to.contain("Suite de notre échange".slice(0, 10));
    expect((await app.call("POST", `/api/mail/inbound/${upload.body.id}/retry`, {}, "manager")).status).to.equal(409); // still no route
    expect((await app.call("POST", `/api/mail/inbound/${upload.body.id}/assignment`, { dossier: reference }, "agent")).status).to.equal(403);
    expect((await app.call("POST", `/api/mail/inbound/${upload.body.id}/assignment`, { dossier: reference }, "manager")).status).to.equal(404); // not in the dossier's sector
    const assigned = await app.call("POST", `/api/mail/inbound/${upload.body.id}/assignment`, { dossier: reference }, "demo");
    expect(assigned.status).to.equal(200);
    expect(assigned.body.status).to.equal("processed");
    const journal = app.db.prepare(`SELECT actor FROM dossier_journal j JOIN dossier d ON d.id = j.dossier_id WHERE d.reference = ? AND j.action = 'mail.received' ORDER BY j.seq DESC LIMIT 1`).get(reference) as { actor: string };
    expect(journal.actor).to.equal("demo");

    await drop("casse.eml", mailFixture("09-malformed.eml"));
    const broken = lastMail();
    expect(broken.status).to.equal("quarantined");
    expect(broken.reason).to.match(/^Expected an RFC 5322 mail/);
    expect(readdirSync(path.join(app.dir, "mail", "failed"))).to.include("casse.eml");
    const discarded = await app.call("POST", `/api/mail/inbound/${broken.id}/discard`, {}, "manager");
    expect(discarded.body.status).to.equal("discarded");
  });

  it("should mark the outbound mail a DSN answers as bounced (the real sending module) and give the dossier's owner a task", async () => {
    const created = await app.call("POST", "/api/dossiers", { type: "demande-intervention", title: "Fuite du garage", data: { libelle: "Fuite du garage" }, parties: [{ role: "customer", party: { kind: "person", lastName: "Dupont", firstName: "Jean", emails: ["jean.dupont@example.invalid"] } }] }, "agent");
    expect(created.status).to.equal(201);
    const dossierId = app.domain.service.byReference(created.body.reference).id;
    const queued = await app.engine.transaction((tx) => app.server.capabilities.mail.outbox.enqueue(tx, { to: ["jean.dupont@example.invalid"], dossierId, subject: "Pièces manquantes", text: "Merci de nous envoyer les pièces.", purpose: "agent", actor: "agent" }));
    await drop("dsn.eml", mailFixture("07-bounce-dsn.eml", { ORIGINAL: queued.messageId.replace(/^<|>$/g, ""), REFERENCE: created.body.reference }));
    const mail = lastMail();
    expect(mail).to.include({ status: "processed", dossierId });
    expect(mail.outcome["bounced"]).to.equal(queued.id);
    const ledger = app.server.capabilities.mail.sent as unknown as { status(id: number): { status: string; lastError: string | null } };
    await until("the outbound mail to be failed", () => ledger.status(queued.id)?.status === "failed");
    expect(ledger.status(queued.id)!.lastError).to.contain("User unknown");
    const task = app.engine.userTasks({}).find((t) => t.elementId === "FixRecipient" && t.state === "CREATED");
    expect(task?.assignee).to.equal("agent");
    const journal = app.db.prepare(`SELECT action FROM dossier_journal WHERE dossier_id = ? ORDER BY seq`).pluck().all(dossierId);
    expect(journal).to.include("mail.bounced");
  });

  it("should route by an administrator's rule (triage task for a group), name the TNEF container, and show a dry run on the last mails", async () => {
    const bad = await app.call("POST", "/api/mail/rules", { name: "x", definition: { conditions: [{ field: "subject", op: "regex", value: "(" }], actions: [{ type: "nope" }] } });
    expect(bad.status).to.equal(400);
    expect(bad.body.detail ?? JSON.stringify(bad.body)).to.contain("definition.conditions[0].value");
    const rule = { name: "Factures Outlook", definition: { match: "all", conditions: [{ field: "attachmentName", op: "equals", value: "winmail.dat" }, { field: "from", op: "contains", value: "compta@" }], actions: [{ type: "triageTask", group: "agents" }] }, position: 1 };
    const dry = await app.call("POST", "/api/mail/rules/dry-run", { rule });
    expect(dry.status).to.equal(200);
    expect(dry.body.items.every((i: { matched: boolean }) => !i.matched)).to.equal(true);
    const saved = await app.call("POST", "/api/mail/rules", rule);
    expect(saved.status).to.equal(201);
    await drop("facture.eml", mailFixture("08-winmail-dat.eml"));
    const mail = lastMail();
    expect(mail.status).to.equal("processed");
    expect(mail.ruleId).to.equal(saved.body.id);
    expect(mail.outcome["skipped"]).to.deep.equal([{ filename: "winmail.dat", reason: "Pièce jointe Outlook au format TNEF (winmail.dat) : non décodée, conservée dans le mail original" }]);
    const task = app.engine.userTasks({}).find((t) => t.elementId === "SortMail");
    expect(task, "a triage task").to.not.equal(undefined);
    const all = await app.call("POST", "/api/mail/rules/dry-run", {});
    const line = all.body.items.find((i: { id: number }) => i.id === mail.id);
    expect(line.wouldDo).to.deep.equal(["Factures Outlook : créer une tâche de tri pour le groupe agents"]);
  });
});

describe("mail intake: IMAP against a real Dovecot", function () {
  this.timeout(90_000);
  let dovecot: Dovecot;
  let app: Awaited<ReturnType<typeof startIntakeServer>>;
  const user = "demandes@dossier.local";

  before(async () => {
    dovecot = await startDovecot({ users: { [user]: "mot de passe é%@/x", "devis@dossier.local": "devis-secret" } });
    app = await startIntakeServer({ MAIL_IMAP_URL: dovecot.url(user) });
  });
  after(async () => {
    await app?.server.stop();
    await dovecot?.stop();
    if (app) rmSync(app.dir, { recursive: true, force: true });
  });

  const box = () => app.intake.mailboxViews()[0]!;

  it("should keep the MAIL_IMAP_URL password encrypted (AES-256-GCM) and reach IDLE", async () => {
    const row = app.db.prepare(`SELECT password_enc FROM mail_mailbox`).pluck().get() as string;
    expect(row).to.match(/^v1:/).and.not.contain("mot de passe");
    expect(existsSync(path.join(app.dir, "mail", "secret.key"))).to.equal(true);
    await until("the watcher to idle", () => box().state === "idle");
  });

  it("should deliver a mail appended to the mailbox through IDLE, and mark it seen after the commit", async () => {
    await dovecot.append(user, [mailFixture("02-iso-8859-1.eml")]);
    const mail = await until("the mail to be taken in", () => app.intake.store.list({ limit: 1 }).find((m) => m.source === "imap" && m.serverDone));
    expect(mail.status).to.equal("processed");
    expect(mail.subject).to.equal("Entretien de ma chaudière à Noël");
    const c = await dovecot.client(user);
    await c.mailboxOpen("INBOX");
    const unseen = await c.search({ seen: false }, { uid: true });
    await c.logout();
    expect(unseen).to.deep.equal([]);
  });

  it("should reconnect after Dovecot restarts and take the next mail", async () => {
    await dovecot.restart();
    await until("the watcher to come back", () => box().state === "idle", 30_000);
    await dovecot.append(user, [mailFixture("03-windows-1252.eml")]);
    const mail = await until("the mail after the restart", () => app.intake.store.list({ limit: 5 }).find((m) => m.messageId === "cp1252-0003@example.fr" && m.serverDone));
    expect(mail.status).to.equal("processed");
  });

  it("should move the mails of a mailbox configured in the UI with 'move' once recorded, attachments only", async () => {
    const saved = await app.call("POST", "/api/mail/mailboxes", { name: "Devis", host: "127.0.0.1", port: dovecot.port, tls: false, username: "devis@dossier.local", password: "devis-secret", afterAction: "move", moveTo: "Traités", consume: "attachments", maxAgeDays: 30 });
    expect(saved.status).to.equal(201);
    await until("the second watcher to idle", () => app.intake.mailboxViews().find((m) => m.id === saved.body.id && m.state === "idle"));
    const mail = mailFixture("01-demande-pdf.eml").toString("latin1").replace("demande-0001@example.fr", "devis-move@example.fr").replace(/Date: .*\r\n/, `Date: ${new Date().toUTCString()}\r\n`);
    await dovecot.append("devis@dossier.local", [Buffer.from(mail, "latin1")]);
    const row = await until("the mail to be taken and moved", () => app.intake.store.list({ limit: 5 }).find((m) => m.messageId === "devis-move@example.fr" && m.serverDone));
    expect(row.status).to.equal("processed");
    const names = app.db.prepare(`SELECT doc.filename FROM dossier_document dd JOIN document doc ON doc.id = dd.document_id WHERE dd.dossier_id = ?`).pluck().all(row.dossierId);
    expect(names).to.deep.equal(["devis-réparation.pdf"]); // attachments only: the .eml is kept, not filed
    const c = await dovecot.client("devis@dossier.local");
    try {
      expect((await c.mailboxOpen("INBOX")).exists).to.equal(0);
      expect((await c.mailboxOpen("Traités")).exists).to.equal(1);
    } finally {
      await c.logout();
    }
    expect((await app.call("DELETE", `/api/mail/mailboxes/${saved.body.id}`)).status).to.equal(204);
  });

  it("should report a wrong password as the mailbox's state and last error", async () => {
    const saved = await app.call("POST", "/api/mail/mailboxes", { name: "Mauvais", host: "127.0.0.1", port: dovecot.port, tls: false, username: user, password: "faux" });
    expect(saved.status).to.equal(201);
    expect(saved.body).to.not.have.property("password");
    const view = await until("the error to show", () => app.intake.mailboxViews().find((m) => m.id === saved.body.id && m.state === "error"));
    expect(view.lastError).to.match(/auth|Authentication|failed/i);
    expect((await app.call("DELETE", `/api/mail/mailboxes/${saved.body.id}`)).status).to.equal(204);
  });
});
