import { expect } from "chai";
import type { ApiServer } from "../api/v2/server.js";
import { captureMails, linkIn, pdf, startPortalServer, until, visitorClient, type CapturedMail } from "./support.js";

describe("portal: a candidate applies on the public page and answers the private-page tasks", function () {
  this.timeout(60_000);
  let api: ApiServer;
  let mails: CapturedMail[];

  before(async () => {
    api = await startPortalServer();
    mails = captureMails(api);
  });
  after(() => api.stop());

  const apply = (email: string, extra: Record<string, unknown> = {}, files: Array<[string, Uint8Array<ArrayBuffer>, string]> = [["file:cv", pdf("CV Marie Curie"), "cv-marie.pdf"]]) => {
    const body = new FormData();
    body.append("values", JSON.stringify({ firstName: "Marie", lastName: "Curie", email, phone: "06 12 34 56 78", consent: true, salary: 32000, ...extra }));
    for (const [field, bytes, name] of files) body.append(field, new Blob([bytes], { type: "application/pdf" }), name);
    return visitorClient(api.base).call("POST", "/p/candidature/submit", body);
  };

  it("should open a Candidat dossier with the CV, start recrutement-candidature, and mail a confirmation", async () => {
    // given the published demo page
    const page = await visitorClient(api.base).call("GET", "/p/candidature/form");
    expect(page.status).to.equal(200);
    expect(page.body.title).to.match(/Candidature/);
    // when a visitor applies with a CV
    const sent = await apply("marie.curie@example.fr");
    expect(sent.status, JSON.stringify(sent.body)).to.equal(201);
    expect(Object.keys(sent.body).sort()).to.deep.equal(["message", "reference"]);
    const reference = sent.body.reference as string;
    // then the dossier is there, in the recruitment sector, with the candidate, the CV and the opening process
    const dossier = (await api.call("GET", `/api/dossiers/${reference}`)).body;
    expect(dossier.type?.id ?? dossier.typeId ?? dossier.type).to.satisfy((t: unknown) => JSON.stringify(t).includes("candidat"));
    expect(dossier.sector).to.equal("recrutement");
    const docs = (await api.call("GET", `/api/dossiers/${reference}/documents`)).body.items;
    expect(docs.map((d: { documentType: string; filename: string }) => [d.documentType, d.filename])).to.deep.equal([["cv", "cv-marie.pdf"]]);
    const task = await until("the recruiter's task", async () => (await api.call("GET", `/api/dossiers/${reference}`)).body.tasks?.find((t: { elementId: string }) => t.elementId === "StudyApplication"));
    expect(task).to.not.equal(undefined);
    const confirmation = mails.find((m) => m.purpose === "portal.confirmation");
    expect(confirmation?.subject).to.include(reference);
    // and the submission is journaled with the person as actor
    const journal = (await api.call("GET", `/api/dossiers/${reference}/journal`)).body.items as Array<{ action: string; actor: string }>;
    expect(journal.find((e) => e.action === "portal.form.submitted")?.actor).to.match(/^portal:\d+$/);
  });

  it("should mail a private-page link for the party task, complete it with the certificate, and let the candidate sign in with a code", async () => {
    const sent = await apply("pierre.curie@example.fr", { firstName: "Pierre" });
    const reference = sent.body.reference as string;
    const study = await until("the study task", async () => (await api.call("GET", `/api/dossiers/${reference}`)).body.tasks?.find((t: { elementId: string }) => t.elementId === "StudyApplication"));
    const done = await api.call("POST", `/v2/user-tasks/${study.userTaskKey}/completion`, { body: { variables: { shortlisted: true, missingDocuments: "Habilitation électrique" } } });
    expect(done.status, JSON.stringify(done.body)).to.equal(204);
    // the link mail to the candidate
    const linkMail = await until("the link mail", () => mails.find((m) => m.purpose === "portal.link" && JSON.stringify(m.text).includes(reference)));
    expect(linkMail.to).to.have.length(1);
    const token = linkIn(linkMail.text);
    // agents are not offered the third party's task (party:candidate is no group of theirs)
    const offered = await api.call("POST", "/v2/user-tasks/search", { as: "agent", body: { filter: { elementId: "ProvideDocuments" } } });
    expect(offered.status).to.equal(200);
    expect(offered.body.items).to.deep.equal([]);
    // the 360° view shows the task as waiting for the third party, and the link
    const portal = (await api.call("GET", `/api/dossiers/${reference}/portal`)).body;
    expect(portal.waiting.map((w: { name: string }) => w.name)).to.deep.equal(["Transmettre les pièces complémentaires"]);
    expect(portal.links[0].state).to.equal("active");
    // the candidate opens the page: the form, the shared variable, the dossier's public data
    const visitor = visitorClient(api.base);
    const opened = await visitor.call("GET", `/portail/api/link/${token}`);
    expect(opened.status, JSON.stringify(opened.body)).to.equal(200);
    expect(opened.body.view.data.missingDocuments).to.equal("Habilitation électrique");
    expect(opened.body.view.dossier.reference).to.equal(reference);
    expect(opened.body.view.data).to.not.have.property("shortlisted");
    // and submits a certificate
    const body = new FormData();
    body.append("values", JSON.stringify({ candidateComment: "Voici mon habilitation" }));
    body.append("file:certificates", new Blob([pdf("Habilitation B1V")]), "habilitation.pdf");
    const submitted = await visitor.call("POST", `/portail/api/tasks/${opened.body.taskId}`, body);
    expect(submitted.status, JSON.stringify(submitted.body)).to.equal(200);
    // the process moved on, the document is in the dossier, the link is used up
    const next = await until("the next task", async () => (await api.call("GET", `/api/dossiers/${reference}`)).body.tasks?.find((t: { elementId: string }) => t.elementId === "ProposeDates"));
    expect(next).to.not.equal(undefined);
    const docs = (await api.call("GET", `/api/dossiers/${reference}/documents`)).body.items;
    expect(docs.map((d: { documentType: string }) => d.documentType)).to.deep.equal(["cv", "diplome"]);
    expect((await visitorClient(api.base).call("GET", `/portail/api/link/${token}`)).status).to.equal(410);
    // the recruiter proposes interview dates, the candidate picks one on a second private page
    const proposed = await api.call("POST", `/v2/user-tasks/${next.userTaskKey}/completion`, { body: { variables: { slot1: "Lundi 14 h 00", slot2: "Mardi 10 h 00", slot3: "" } } });
    expect(proposed.status, JSON.stringify(proposed.body)).to.equal(204);
    const pick = await until("the interview link", () => mails.filter((m) => m.purpose === "portal.link" && JSON.stringify(m.text).includes(reference))[1]);
    const choice = await visitorClient(api.base).call("GET", `/portail/api/link/${linkIn(pick.text)}`);
    expect(choice.body.view.data.interviewSlots).to.deep.equal([{ label: "Lundi 14 h 00", value: "Lundi 14 h 00" }, { label: "Mardi 10 h 00", value: "Mardi 10 h 00" }]);
    const picked = new FormData();
    picked.append("values", JSON.stringify({ interviewSlot: "Mardi 10 h 00" }));
    const chooser = visitorClient(api.base);
    await chooser.call("GET", `/portail/api/link/${linkIn(pick.text)}`);
    expect((await chooser.call("POST", `/portail/api/tasks/${choice.body.taskId}`, picked)).status).to.equal(200);
    // the offer, then the employment contract goes to signature (signature.request)
    const offer = await until("the offer task", async () => (await api.call("GET", `/api/dossiers/${reference}`)).body.tasks?.find((t: { elementId: string }) => t.elementId === "MakeOffer"));
    const contractId = docs[0].id as number;
    expect((await api.call("POST", `/v2/user-tasks/${offer.userTaskKey}/completion`, { body: { variables: { makeOffer: true, offerSalary: 34000, contract: { documentId: contractId, filename: "contrat.pdf" } } } })).status).to.equal(204);
    const atSignature = await until("the signature step", async () => {
      const d = (await api.call("GET", `/api/dossiers/${reference}`)).body;
      const active = api.server.engine.activeElements(Number(d.processes?.[0]?.processInstanceKey ?? 0)).map((e) => e.elementId);
      return d.state === "offre" && (active.includes("SignContract") || active.includes("SignatureDone")) ? active : undefined;
    });
    expect(atSignature).to.satisfy((a: string[]) => a.includes("SignContract") || a.includes("SignatureDone"));
    // later: a code by mail, and only their own file
    const later = visitorClient(api.base);
    expect((await later.call("POST", "/portail/api/signin/code", { email: "pierre.curie@example.fr" })).status).to.equal(202);
    const codeMail = mails.filter((m) => m.purpose === "portal.signin").at(-1)!;
    const code = /(\d{6})/.exec(codeMail.text ?? "")![1]!;
    expect((await later.call("POST", "/portail/api/signin/verify", { email: "pierre.curie@example.fr", code })).status).to.equal(200);
    const home = await later.call("GET", "/portail/api/home");
    expect(home.body.dossiers.map((d: { reference: string }) => d.reference)).to.deep.equal([reference]);
  });

  it("should remind the candidate with a fresh link after the task's reminder delay, and let the recruiter withdraw it", async () => {
    const sent = await apply("irene.curie@example.fr", { firstName: "Irène" });
    const reference = sent.body.reference as string;
    const study = await until("the study task", async () => (await api.call("GET", `/api/dossiers/${reference}`)).body.tasks?.find((t: { elementId: string }) => t.elementId === "StudyApplication"));
    await api.call("POST", `/v2/user-tasks/${study.userTaskKey}/completion`, { body: { variables: { shortlisted: true, missingDocuments: "Diplôme" } } });
    const first = await until("the link mail", () => mails.find((m) => m.purpose === "portal.link" && JSON.stringify(m.text).includes(reference)));
    const { engine } = api.server;
    await engine.pinClock(engine.clock.now() + 3 * 86_400_000 + 3_600_000); // past portal.reminder = P3D
    try {
      await api.server.capabilities.portal.tasks.catchUp();
      const reminders = mails.filter((m) => m.purpose === "portal.link" && JSON.stringify(m.text).includes(reference));
      expect(reminders).to.have.length(2);
      expect(reminders[1]!.subject).to.match(/^Rappel : /);
      // the first link was replaced, the fresh one works
      expect((await visitorClient(api.base).call("GET", `/portail/api/link/${linkIn(first.text)}`)).body).to.deep.equal({ linkState: "revoked", canResend: false });
      const token = linkIn(reminders[1]!.text);
      expect((await visitorClient(api.base).call("GET", `/portail/api/link/${token}`)).status).to.equal(200);
      // a second pass sends no second reminder
      await api.server.capabilities.portal.tasks.catchUp();
      expect(mails.filter((m) => m.purpose === "portal.link" && JSON.stringify(m.text).includes(reference))).to.have.length(2);
      // the recruiter withdraws the link from the 360° view
      const links = (await api.call("GET", `/api/dossiers/${reference}/portal`, { as: "manager" })).body.links as Array<{ id: number; state: string }>;
      const active = links.find((l) => l.state === "active")!;
      const revoked = await api.call("POST", `/api/dossiers/${reference}/portal/links/${active.id}/revocation`, { as: "manager" });
      expect(revoked.body).to.deep.equal({ revoked: true });
      expect((await visitorClient(api.base).call("GET", `/portail/api/link/${token}`)).body.linkState).to.equal("revoked");
    } finally {
      await engine.resetClock();
    }
  });
});
