import { expect } from "chai";
import type { ApiServer } from "../api/v2/server.js";
import { newCustomerFile, startDossierServer, until } from "./support.js";

/** The processes the demo types bind, walked through the dossier that starts them. */
describe("demo processes of the dossier types", () => {
  let api: ApiServer;
  before(async () => {
    api = await startDossierServer();
  });
  after(() => api.stop());

  const openTask = async (as: string, reference: string, elementId: string) =>
    until(async () => (await api.call("GET", `/api/dossiers/${reference}`, { as })).body.tasks.find((t: any) => t.elementId === elementId), `task ${elementId} of ${reference}`);

  const complete = async (as: string, userTaskKey: string, variables: Record<string, unknown>) => {
    expect((await api.call("POST", `/v2/user-tasks/${userTaskKey}/assignment`, { as, body: { assignee: as } })).status).to.equal(204);
    expect((await api.call("POST", `/v2/user-tasks/${userTaskKey}/completion`, { as, body: { variables } })).status).to.equal(204);
  };

  for (const [shortlisted, state] of [[true, "entretien"], [false, "refuse"]] as const) {
    it(`should move a candidate to '${state}' when the recruiter ${shortlisted ? "shortlists" : "rejects"} the application`, async () => {
      const created = await api.call("POST", "/api/dossiers", {
        as: "manager",
        body: { type: "candidat", title: `Candidat ${state}`, sector: "recrutement", data: { poste: "Commercial" }, parties: [{ role: "candidate", party: { kind: "person", lastName: "Candidat", firstName: state, emails: [`${state}@example.fr`] } }] },
      });
      expect(created.status, JSON.stringify(created.body)).to.equal(201);
      const task = await openTask("manager", created.body.reference, "StudyApplication");
      await complete("manager", task.userTaskKey, { shortlisted, evaluation: "Bon profil" });
      const moved = await until(async () => {
        const view = await api.call("GET", `/api/dossiers/${created.body.reference}`, { as: "manager" });
        return view.body.state === state ? view.body : undefined;
      }, `the candidate in '${state}'`);
      expect(moved.state).to.equal(state);
      const journal = (await api.call("GET", `/api/dossiers/${created.body.reference}/journal`, { as: "manager" })).body.items;
      expect(journal.find((e: any) => e.action === "state.changed")).to.include({ actor: "process" });
    });
  }

  it("should note the renewal decision on the contract once the agent has decided", async () => {
    const { body: file } = await api.call("POST", "/api/dossiers", { as: "agent", body: newCustomerFile("Ébénisterie Morel", "contact@ebenisterie-morel.fr") });
    const customer = (await api.call("GET", `/api/dossiers/${file.reference}`, { as: "agent" })).body.parties[0].party.id;
    const { body: contract } = await api.call("POST", "/api/dossiers", { as: "agent", body: { type: "contrat", title: "Maintenance — Morel", parent: file.reference, data: { produit: "maintenance" }, parties: [{ role: "customer", partyId: customer }] } });
    const id = api.server.domain.service.byReference(contract.reference);
    await api.server.domain.engine.transaction((tx) => api.server.domain.catalogue.start(tx, id, "contrat-echeance", { kind: "reaction", actionId: null, actor: null }));
    const task = await openTask("agent", contract.reference, "DecideRenewal");
    await complete("agent", task.userTaskKey, { contractNumber: "MNT-2027-0001", renewalTerm: "P1Y" });
    const note = await until(async () => (await api.call("GET", `/api/dossiers/${contract.reference}/journal`, { as: "agent" })).body.items.find((e: any) => e.action === "note.added"), "the decision note");
    expect(note.summary).to.equal("Décision d'échéance enregistrée : renouvellement MNT-2027-0001");
    expect(note.actor).to.equal("process");
    // the renewal notice went to the customer by itself, beside the decision (mail.send, templates/mail/renouvellement-contrat)
    const notice = await until(() => api.server.domain.db.prepare(`SELECT template, subject, to_json FROM mail_outbound WHERE dossier_id = ?`).get(id.id) as { template: string; subject: string; to_json: string } | undefined, "the renewal notice");
    expect(notice.template).to.match(/^renouvellement-contrat/);
    expect(notice.subject).to.contain("arrive à échéance");
    expect(notice.to_json).to.contain("contact@ebenisterie-morel.fr");
  });
});
