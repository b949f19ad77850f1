import { expect } from "chai";
import type { ApiServer } from "../api/v2/server.js";
import { captureMails, linkIn, pdf, startPortalServer, until, visitorClient, type CapturedMail } from "./support.js";

describe("portal: after the phone call, the new customer fills in the photovoltaic installation form on a private page", function () {
  this.timeout(60_000);
  let api: ApiServer;
  let mails: CapturedMail[];
  before(async () => {
    api = await startPortalServer();
    mails = captureMails(api);
  });
  after(() => api.stop());

  it("should mail the customer the 'Formulaire installation photovoltaïque' page once the agent qualified an installation, and file the answers", async () => {
    // a request arrives through the public page (a Demande d'intervention, new-request-intake)
    const body = new FormData();
    body.append("values", JSON.stringify({ firstName: "Paul", lastName: "Soleil", email: "paul.soleil@example.fr", postcode: "69100" }));
    const sent = await visitorClient(api.base).call("POST", "/p/installation-photovoltaique/submit", body);
    expect(sent.status, JSON.stringify(sent.body)).to.equal(201);
    const reference = sent.body.reference as string;
    // the agent calls back and qualifies an installation
    const identify = await until("the agent's task", async () => (await api.call("GET", `/api/dossiers/${reference}`)).body.tasks?.find((t: { elementId: string }) => t.elementId === "IdentifyCaller"));
    const done = await api.call("POST", `/v2/user-tasks/${identify.userTaskKey}/completion`, {
      body: { variables: { callerName: "Paul Soleil", callerPhone: "06 10 20 30 40", callerEmail: "paul.soleil@example.fr", fileReference: "", requestType: "installation", distanceKm: 8, urgent: false, estimatedAmount: 9000 } },
    });
    expect(done.status, JSON.stringify(done.body)).to.equal(204);
    // the customer gets the private page, while the request goes on for the sales team
    const mail = await until("the form's link", () => mails.find((m) => m.purpose === "portal.link" && (m.text ?? "").includes(reference)));
    expect(mail.subject).to.include("Remplir le formulaire installation photovoltaïque");
    const visitor = visitorClient(api.base);
    const opened = await visitor.call("GET", `/portail/api/link/${linkIn(mail.text)}`);
    expect(opened.status).to.equal(200);
    const answer = new FormData();
    answer.append("values", JSON.stringify({ pvPostcode: "69100", pvRoofType: "tuiles", pvRoofArea: 40, pvOrientation: "sud", pvConsumption: 6500 }));
    answer.append("file:pvPhotos", new Blob([pdf("Photo toiture")]), "toiture.pdf");
    expect((await visitor.call("POST", `/portail/api/tasks/${opened.body.taskId}`, answer)).status).to.equal(200);
    const docs = (await api.call("GET", `/api/dossiers/${reference}/documents`)).body.items.map((d: { documentType: string; filename: string }) => [d.documentType, d.filename]);
    expect(docs).to.deep.include(["photo", "toiture.pdf"]);
    const tasks = (await api.call("GET", `/api/dossiers/${reference}`)).body.tasks.map((t: { elementId: string }) => t.elementId);
    expect(tasks).to.include("PlanAppointment");
  });
});
