/**
 * Security review 2026-12-08 — what was attacked and held (regression guards, passing when written):
 * sessions apart (a portal cookie is nobody in the back office, a back-office credential is nobody
 * in the portal), the portal cookie's flags, CSRF on portal changes, problem+json without a stack,
 * the signer's page without its page token, a provider webhook without its HMAC, the same answer
 * for a known and an unknown sign-in address.
 *
 * The real server (SQLite file, demo accounts), no mocks.
 */
import { expect } from "chai";
import type { ApiServer } from "../api/v2/server.js";
import { captureMails, linkIn, pdf, startPortalServer, until, visitorClient, type CapturedMail, type Visitor } from "../portal/support.js";

const TASK_BPMN = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d" targetNamespace="t">
  <bpmn:process id="review-sound-ask" isExecutable="true">
    <bpmn:startEvent id="s"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="Ask" name="Envoyer une photo"><bpmn:extensionElements><zeebe:userTask /><zeebe:formDefinition formId="recrutement-pieces" />
      <zeebe:assignmentDefinition candidateGroups="party:customer" /></bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>
    <bpmn:endEvent id="e"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="Ask" /><bpmn:sequenceFlow id="f2" sourceRef="Ask" targetRef="e" />
  </bpmn:process>
</bpmn:definitions>`;

describe("security review 2026-12-08: sessions apart, cookie flags, CSRF, errors (held)", function () {
  this.timeout(90_000);
  let api: ApiServer;
  let mails: CapturedMail[];
  let visitor: Visitor;
  let setCookie = "";
  const email = "emile.solide@example.fr";
  let reference: string;

  before(async () => {
    api = await startPortalServer();
    mails = captureMails(api);
    await api.server.engine.deploy([{ name: "review-sound-ask.bpmn", content: Buffer.from(TASK_BPMN) }]);
    const body = new FormData();
    body.append("values", JSON.stringify({ firstName: "Emile", lastName: "Solide", email, phone: "06 12 34 56 78", nature: "fuite", description: "Fuite" }));
    body.append("file:photos", new Blob([pdf("Photo")]), "photo.pdf");
    const sent = await visitorClient(api.base).call("POST", "/p/devis/submit", body);
    expect(sent.status, JSON.stringify(sent.body)).to.equal(201);
    reference = sent.body.reference;
    const { domain, engine } = api.server;
    const dossier = domain.service.byReference(reference);
    await engine.transaction((tx) => domain.catalogue.start(tx, dossier, "review-sound-ask", { kind: "action", actionId: null, actor: null }));
    const token = linkIn((await until("the link mail", () => mails.find((m) => m.purpose === "portal.link" && m.dossierId === dossier.id))).text);
    visitor = visitorClient(api.base);
    const opened = await visitor.call("GET", `/portail/api/link/${token}`);
    expect(opened.status).to.equal(200);
    setCookie = opened.headers.get("set-cookie") ?? "";
  });
  after(() => api.stop());

  it("should set the portal cookie HttpOnly and SameSite, and accept it nowhere in the back office", async () => {
    expect(setCookie).to.match(/^dossier_portal=/);
    expect(setCookie).to.match(/HttpOnly/i);
    expect(setCookie).to.match(/SameSite=(Lax|Strict)/i);
    for (const url of ["/api/dossiers", `/api/dossiers/${reference}`, "/api/mail/outbound", "/api/portal/pages"]) {
      const res = await fetch(api.base + url, { headers: { cookie: `dossier_portal=${visitor.cookie}` } });
      expect(res.status, url).to.equal(401);
    }
  });

  it("should treat a back-office credential as nobody in the portal", async () => {
    const basic = `Basic ${Buffer.from("demo:demo").toString("base64")}`;
    for (const url of ["/portail/api/home", "/portail/api/profile", "/portail/factures/api"]) {
      const res = await fetch(api.base + url, { headers: { authorization: basic } });
      expect(res.status, url).to.equal(401);
    }
  });

  it("should refuse a portal change without the session's CSRF token, and change nothing", async () => {
    const before = (await visitor.call("GET", "/portail/api/profile")).body;
    const res = await fetch(`${api.base}/portail/api/profile`, { method: "PATCH", headers: { cookie: `dossier_portal=${visitor.cookie}`, "content-type": "application/json" }, body: JSON.stringify({ phone: "0699999999" }) });
    expect(res.status).to.equal(403);
    const msg = await fetch(`${api.base}/portail/api/dossiers/${reference}/messages`, { method: "POST", headers: { cookie: `dossier_portal=${visitor.cookie}`, "content-type": "application/json", "x-portal-csrf": "x".repeat(32) }, body: JSON.stringify({ text: "forgé" }) });
    expect(msg.status).to.equal(403);
    expect((await visitor.call("GET", "/portail/api/profile")).body).to.deep.equal(before);
  });

  it("should answer a malformed body with problem+json and no stack trace", async () => {
    const res = await fetch(`${api.base}/portail/api/signin/code`, { method: "POST", headers: { "content-type": "application/json" }, body: "{\"email\": " });
    expect(res.status).to.equal(400);
    expect(res.headers.get("content-type")).to.match(/application\/problem\+json/);
    const text = await res.text();
    expect(text).to.not.match(/at [\w.<>]+ \(|node_modules|\.ts:\d+/);
  });

  it("should answer the same for a known and an unknown sign-in address", async () => {
    const known = await visitorClient(api.base).call("POST", "/portail/api/signin/code", { email });
    const unknown = await visitorClient(api.base).call("POST", "/portail/api/signin/code", { email: "personne.inconnue@example.fr" });
    expect([known.status, known.body]).to.deep.equal([unknown.status, unknown.body]);
    const wrongKnown = await visitorClient(api.base).call("POST", "/portail/api/signin/verify", { email, code: "000000" });
    const wrongUnknown = await visitorClient(api.base).call("POST", "/portail/api/signin/verify", { email: "personne.inconnue@example.fr", code: "000000" });
    expect([wrongKnown.status, wrongKnown.body.detail]).to.deep.equal([wrongUnknown.status, wrongUnknown.body.detail]);
  });

  it("should refuse a provider webhook without the right HMAC, and the signer's actions without the page token", async () => {
    const hook = await fetch(`${api.base}/signature-webhooks/fake`, { method: "POST", headers: { "content-type": "application/json", "x-signature-hmac": "0".repeat(64) }, body: JSON.stringify({ id: "e1", type: "completed", requestRef: "fake-x" }) });
    expect([403, 404]).to.include(hook.status);
    const token = "A".repeat(43);
    const code = await fetch(`${api.base}/signature/${token}/code`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
    expect(code.status).to.equal(404);
  });
});
