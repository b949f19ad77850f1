/**
 * Security review 2026-12-08 — secrets in the mail outbox.
 *
 * Finding: the personal links (portal task pages, signer pages) and the portal sign-in codes are
 * hashed in access_link / portal_code, but the mails that carry them are stored in clear in
 * mail_outbound (subject, text, HTML) for ever and served by GET /api/mail/outbound/:id to every
 * back-office user who sees the dossier (mail.read is in every role) or, for mails without a
 * dossier such as the sign-in code, to mail.manage. An agent of one sector can so open the
 * customer's portal as the customer and read the customer's dossiers of other sectors; a manager
 * can sign in as any customer with the code of the minute.
 *
 * The real server (SQLite file, demo accounts, the mail module's outbox and sender) with a real
 * mail server (the smtp-server sink: the production path, where the development outbox folder's
 * "show everything" does not apply), no mocks.
 */
import { expect } from "chai";
import type { ApiServer } from "../api/v2/server.js";
import { startSmtpSink, type SmtpSink } from "../helpers/smtp-sink.js";
import { pdf, startPortalServer, until, visitorClient } from "../portal/support.js";

const TASK_BPMN = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d" targetNamespace="t">
  <bpmn:process id="review-secrets-ask" isExecutable="true">
    <bpmn:startEvent id="s"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="Ask" name="Envoyer une photo"><bpmn:extensionElements><zeebe:userTask /><zeebe:formDefinition formId="recrutement-pieces" />
      <zeebe:assignmentDefinition candidateGroups="party:customer" /></bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>
    <bpmn:endEvent id="e"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="Ask" /><bpmn:sequenceFlow id="f2" sourceRef="Ask" targetRef="e" />
  </bpmn:process>
</bpmn:definitions>`;

const TOKEN_IN_URL = /\/(?:portail\/tache|signature|portail\/factures\/lien)\/([A-Za-z0-9_-]{43})/g;

describe("security review 2026-12-08: secrets in the mail outbox", function () {
  this.timeout(90_000);
  let api: ApiServer;
  let sink: SmtpSink;
  const email = "claire.secrets@example.fr";
  let mine: string; // the dossier of the agent's sector
  let other: string; // the same customer's dossier in another sector

  const submit = async (lastName: string) => {
    const body = new FormData();
    body.append("values", JSON.stringify({ firstName: "Claire", lastName, email, phone: "06 12 34 56 78", nature: "fuite", description: `Fuite chez ${lastName}` }));
    body.append("file:photos", new Blob([pdf(`Devis ${lastName}`)]), "devis.pdf");
    const res = await visitorClient(api.base).call("POST", "/p/devis/submit", body);
    expect(res.status, JSON.stringify(res.body)).to.equal(201);
    return res.body.reference as string;
  };
  const sql = (q: string, ...p: unknown[]) => api.server.domain.db.prepare(q).all(...p) as Array<Record<string, any>>;

  /** What a back-office user reads of a dossier's mails (the /mail page's calls). */
  async function mailsAs(user: string, query: string) {
    const list = await api.call("GET", `/api/mail/outbound?${query}`, { as: user });
    expect(list.status, JSON.stringify(list.body)).to.equal(200);
    const out: Array<{ purpose: string; subject: string; text: string; html: string }> = [];
    for (const item of list.body.items) {
      const detail = await api.call("GET", `/api/mail/outbound/${item.id}`, { as: user });
      expect(detail.status).to.equal(200);
      out.push({ purpose: detail.body.purpose, subject: detail.body.subject ?? "", text: detail.body.text ?? "", html: detail.body.html ?? "" });
    }
    return out;
  }

  before(async () => {
    sink = await startSmtpSink();
    api = await startPortalServer({ MAIL_SMTP_URL: sink.url });
    await api.server.engine.deploy([{ name: "review-secrets-ask.bpmn", content: Buffer.from(TASK_BPMN) }]);
    mine = await submit("Alpha");
    other = await submit("Bravo");
    // Given: the first dossier is in the agent's sector, the second in another one.
    await api.server.engine.transaction(() => {
      api.server.domain.db.prepare(`UPDATE dossier SET sector = 'agents' WHERE reference = ?`).run(mine);
      api.server.domain.db.prepare(`UPDATE dossier SET sector = 'recrutement' WHERE reference = ?`).run(other);
    });
    // … and no task of it is offered to the agent (its opening process is canceled).
    const otherId = api.server.domain.service.byReference(other).id;
    const keys = sql(`SELECT dp.process_instance_key AS k FROM dossier_process dp JOIN process_instance pi ON pi.key = dp.process_instance_key WHERE dp.dossier_id = ? AND pi.state = 'ACTIVE'`, otherId).map((r) => Number(r["k"]));
    await api.server.engine.transaction((tx) => { for (const k of keys) tx.cancelInstance(k); });
    const { domain, engine } = api.server;
    const dossier = domain.service.byReference(mine);
    await engine.transaction((tx) => domain.catalogue.start(tx, dossier, "review-secrets-ask", { kind: "action", actionId: null, actor: null }));
    await until("the portal link mail", () => sql(`SELECT id FROM mail_outbound WHERE purpose = 'portal.link' AND dossier_id = ?`, dossier.id)[0]);
  });
  after(async () => {
    await api?.stop();
    await sink?.stop();
  });

  it("should give an agent of sector A no working portal link of a customer (who would open the customer's dossier of sector B)", async () => {
    // Given the agent sees only the first dossier
    expect((await api.call("GET", `/api/dossiers/${mine}`, { as: "agent" })).status).to.equal(200);
    expect((await api.call("GET", `/api/dossiers/${other}`, { as: "agent" })).status).to.equal(404);
    // When the agent reads the dossier's mails on the /mail page
    const mails = await mailsAs("agent", `dossier=${encodeURIComponent(mine)}`);
    expect(mails.map((m) => m.purpose)).to.include("portal.link");
    // Then no link in them opens anything
    const leaked: string[] = [];
    for (const m of mails) {
      for (const token of new Set([...`${m.subject}\n${m.text}\n${m.html}`.matchAll(TOKEN_IN_URL)].map((x) => x[1]!))) {
        const visitor = visitorClient(api.base);
        const opened = await visitor.call("GET", `/portail/api/link/${token}`);
        if (opened.status !== 200) continue;
        const home = await visitor.call("GET", "/portail/api/home");
        leaked.push(`${m.purpose}: the link opens the customer's portal, listing ${home.body.dossiers.map((d: { reference: string }) => d.reference).join(", ")}`);
      }
    }
    expect(leaked, "a back-office reader must not obtain the customer's working link").to.deep.equal([]);
  });

  it("should give a manager (mail.manage) no sign-in code of a customer", async () => {
    // Given the customer asks for a sign-in code
    const customer = visitorClient(api.base);
    expect((await customer.call("POST", "/portail/api/signin/code", { email })).status).to.equal(202);
    await until("the sign-in mail", () => sql(`SELECT id FROM mail_outbound WHERE purpose = 'portal.signin'`)[0]);
    // When a manager reads the mails without a dossier on the /mail page
    const mails = await mailsAs("manager", "purpose=portal.signin");
    expect(mails.length).to.be.greaterThan(0);
    // Then nothing in them signs in as the customer
    const candidates = [...new Set(mails.flatMap((m) => `${m.subject} ${m.text} ${m.html}`.match(/\b\d{6}\b/g) ?? []))];
    const signedIn: string[] = [];
    for (const code of candidates.slice(0, 3)) {
      const intruder = visitorClient(api.base);
      const res = await intruder.call("POST", "/portail/api/signin/verify", { email, code });
      if (res.status === 200) signedIn.push(`code ${code} read on /mail signs in as ${email}`);
    }
    expect(signedIn, "a back-office reader must not obtain a customer's sign-in code").to.deep.equal([]);
  });

  it("should keep no link token and no sign-in code in clear in the SQLite file once the mail is sent", async () => {
    // Given the mails were handed to the transport
    await until("the portal mails sent", () => sql(`SELECT COUNT(*) AS n FROM mail_outbound WHERE purpose IN ('portal.link', 'portal.signin') AND status <> 'sent'`)[0]!["n"] === 0, 20_000);
    // Then the stored rows hold no token (it would open the page) nor a code
    const rows = sql(`SELECT purpose, subject, text_body, html_body FROM mail_outbound WHERE purpose IN ('portal.link', 'portal.signin')`);
    const token = new RegExp(TOKEN_IN_URL.source);
    const clear = rows.filter((r) => token.test(`${r["text_body"]}${r["html_body"]}`) || (r["purpose"] === "portal.signin" && /\b\d{6}\b/.test(`${r["subject"]}${r["text_body"]}${r["html_body"]}`)));
    expect(clear.map((r) => r["purpose"]), "mail_outbound must not keep the secrets the hashed tables protect").to.deep.equal([]);
  });
});
