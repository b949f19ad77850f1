/**
 * The designer's own endpoints (/api/ui/designer): the latest version of every deployed process
 * and form with checksum and version count, and a deployed form's schema by key.
 */
import { expect } from "chai";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startApiServer, type ApiServer } from "../api/v2/server.js";

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), "designer-fixtures");

describe("web: designer endpoints (/api/ui/designer)", function () {
  this.timeout(30_000);
  let api: ApiServer;

  before(async () => {
    api = await startApiServer();
  });
  after(() => api.stop());

  async function deploy(name: string, content: string): Promise<number> {
    const body = new FormData();
    body.append("resources", new File([content], name));
    const res = await fetch(`${api.base}/v2/deployments`, { method: "POST", body, headers: { authorization: `Basic ${Buffer.from("designer:designer").toString("base64")}` } });
    return res.status;
  }

  it("should list the latest version of each process and form with its checksum and version count", async () => {
    // given a case model deployed twice, a plain process once and a form once
    const caseXml = readFileSync(path.join(FIXTURES, "case-with-actions.bpmn"), "utf8");
    expect(await deploy("case-with-actions.bpmn", caseXml)).to.equal(200);
    expect(await deploy("case-with-actions.bpmn", caseXml.replace('name="Dossier sinistre"', 'name="Dossier sinistre (v2)"'))).to.equal(200);
    expect(await deploy("blank.bpmn", readFileSync(path.join(FIXTURES, "blank.bpmn"), "utf8"))).to.equal(200);
    const schema = JSON.stringify({ id: "claim-form", type: "default", components: [{ type: "textfield", key: "amount", label: "Montant" }] });
    expect(await deploy("claim-form.form", schema)).to.equal(200);

    // when the designer lists the models
    const { status, body } = await api.call("GET", "/api/ui/designer/resources", { as: "designer" });

    // then each model appears once, at its latest version, case models marked as such
    expect(status).to.equal(200);
    const byId = Object.fromEntries(body.processes.map((p: { processDefinitionId: string }) => [p.processDefinitionId, p]));
    expect(byId["claim-case"]).to.include({ name: "Dossier sinistre (v2)", version: 2, versions: 2, resourceName: "case-with-actions.bpmn", isCase: true });
    expect(byId["claim-case"].checksum).to.match(/^[0-9a-f]{64}$/);
    expect(byId["blank-process"]).to.include({ version: 1, versions: 1, isCase: false });
    const claimForm = body.forms.filter((f: { formId: string }) => f.formId === "claim-form"); // beside the forms modules deploy for themselves
    expect(claimForm).to.have.length(1);
    expect(claimForm[0]).to.include({ formId: "claim-form", version: 1, versions: 1, resourceName: "claim-form.form" });

    // and the form's schema is served by its key
    const form = await api.call("GET", `/api/ui/designer/forms/${claimForm[0].formKey}`, { as: "designer" });
    expect(form.status).to.equal(200);
    expect(JSON.parse(form.body.schema)).to.deep.equal(JSON.parse(schema));
  });

  it("should answer 404 for an unknown form, and refuse callers without sign-in", async () => {
    expect((await api.call("GET", "/api/ui/designer/forms/9007199254740", { as: "designer" })).status).to.equal(404);
    expect((await api.call("GET", "/api/ui/designer/forms/abc", { as: "designer" })).status).to.equal(400);
    expect((await api.call("GET", "/api/ui/designer/resources", { as: "" })).status).to.equal(401);
    // an auditor may read the library (definitions.read) but deploying stays with designers (POST /v2/deployments)
    expect((await api.call("GET", "/api/ui/designer/resources", { as: "auditor" })).status).to.equal(200);
  });
});
