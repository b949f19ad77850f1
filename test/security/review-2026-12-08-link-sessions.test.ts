/**
 * Security review 2026-12-08 — what a personal task link gives, and what its revocation takes back.
 *
 * Finding: opening a task link (/portail/tache/<token>) starts a full portal session of the party;
 * with it PATCH /portail/api/profile sets a password with no other proof (no code, no current
 * password). A link that reached the wrong person (a forwarded mail, a shared mailbox) thus becomes
 * a permanent access to all of the party's dossiers, and revoking the link from the 360° view ends
 * neither the session it opened nor the password set through it.
 *
 * The real server (SQLite file, demo accounts), no mocks.
 */
import { expect } from "chai";
import type { ApiServer } from "../api/v2/server.js";
import { captureMails, linkIn, pdf, startPortalServer, until, visitorClient, type CapturedMail } from "../portal/support.js";

const TASK_BPMN = `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" id="d" targetNamespace="t">
  <bpmn:process id="review-links-ask" isExecutable="true">
    <bpmn:startEvent id="s"><bpmn:outgoing>f1</bpmn:outgoing></bpmn:startEvent>
    <bpmn:userTask id="Ask" name="Envoyer une photo"><bpmn:extensionElements><zeebe:userTask /><zeebe:formDefinition formId="recrutement-pieces" />
      <zeebe:assignmentDefinition candidateGroups="party:customer" /></bpmn:extensionElements>
      <bpmn:incoming>f1</bpmn:incoming><bpmn:outgoing>f2</bpmn:outgoing></bpmn:userTask>
    <bpmn:endEvent id="e"><bpmn:incoming>f2</bpmn:incoming></bpmn:endEvent>
    <bpmn:sequenceFlow id="f1" sourceRef="s" targetRef="Ask" /><bpmn:sequenceFlow id="f2" sourceRef="Ask" targetRef="e" />
  </bpmn:process>
</bpmn:definitions>`;

describe("security review 2026-12-08: a task link's session and its revocation", function () {
  this.timeout(90_000);
  let api: ApiServer;
  let mails: CapturedMail[];
  const email = "denise.liens@example.fr";
  let reference: string;
  let token: string;

  before(async () => {
    api = await startPortalServer();
    mails = captureMails(api);
    await api.server.engine.deploy([{ name: "review-links-ask.bpmn", content: Buffer.from(TASK_BPMN) }]);
    const body = new FormData();
    body.append("values", JSON.stringify({ firstName: "Denise", lastName: "Liens", email, phone: "06 12 34 56 78", nature: "fuite", description: "Fuite" }));
    body.append("file:photos", new Blob([pdf("Photo")]), "photo.pdf");
    const sent = await visitorClient(api.base).call("POST", "/p/devis/submit", body);
    expect(sent.status, JSON.stringify(sent.body)).to.equal(201);
    reference = sent.body.reference;
    const { domain, engine } = api.server;
    const dossier = domain.service.byReference(reference);
    await engine.transaction((tx) => domain.catalogue.start(tx, dossier, "review-links-ask", { kind: "action", actionId: null, actor: null }));
    token = linkIn((await until("the link mail", () => mails.find((m) => m.purpose === "portal.link" && m.dossierId === dossier.id))).text);
  });
  after(() => api.stop());

  it("should take back, when the agent revokes the link, the session it opened and any password set through it", async () => {
    // Given the link reached the wrong person, who opens it and sets a password of their own
    const intruder = visitorClient(api.base);
    expect((await intruder.call("GET", `/portail/api/link/${token}`)).status).to.equal(200);
    const patched = await intruder.call("PATCH", "/portail/api/profile", { password: "mot-de-passe-intrus-42" });
    // When the agent, told of it, revokes the link from the 360° view
    const portal = await api.call("GET", `/api/dossiers/${reference}/portal`);
    const link = portal.body.links.find((l: { purpose: string; state: string }) => l.purpose === "portal.task" && l.state === "active");
    expect(link, JSON.stringify(portal.body.links)).to.not.equal(undefined);
    const revoked = await api.call("POST", `/api/dossiers/${reference}/portal/links/${link.id}/revocation`, { body: {} });
    expect(revoked.status, JSON.stringify(revoked.body)).to.equal(200);
    // Then the intruder's session is over, and the password set through the link does not sign in (refused, or gone)
    const home = await intruder.call("GET", "/portail/api/home");
    const signin = await visitorClient(api.base).call("POST", "/portail/api/signin/password", { email, password: "mot-de-passe-intrus-42" });
    expect({ session: home.status, passwordSignIn: signin.status }, `PATCH of the password answered ${patched.status}; the session still reads ${JSON.stringify(home.body?.dossiers?.map((d: { reference: string }) => d.reference))}`)
      .to.deep.equal({ session: 401, passwordSignIn: 400 });
  });
});
