import { expect } from "chai";
import { fixtureFile, startApiServer, V2_FIXTURES, type ApiServer } from "./server.js";
import { readFileSync } from "node:fs";
import { request } from "node:http";
import path from "node:path";

/** What a client sees when something is wrong: always application/problem+json. */
describe("/v2 errors", () => {
  let api: ApiServer;
  before(async () => {
    api = await startApiServer();
    await api.client("designer").createDeployment({ resources: [fixtureFile("review-claim.bpmn")] });
  });
  after(() => api.stop());

  it("should answer an unknown key with 404 and a key that is not a number with 400", async () => {
    const unknown = await api.call("GET", "/v2/process-instances/2251799813685999");
    expect(unknown.status).to.equal(404);
    expect(unknown.body).to.include({ title: "NOT_FOUND", status: 404, instance: "/v2/process-instances/2251799813685999" });
    const bad = await api.call("GET", "/v2/process-instances/abc");
    expect(bad.status).to.equal(400);
    expect(bad.body.detail).to.equal("Expected the processInstanceKey to be a key (a decimal number as a string), but found 'abc'");
  });

  it("should answer a repeated task completion with 409", async () => {
    const created = await api.call("POST", "/v2/process-instances", { body: { processDefinitionId: "review-claim", variables: { groups: [], priority: 1, dueDate: null, owner: "demo" } } });
    const tasks = await api.call("POST", "/v2/user-tasks/search", { body: { filter: { processInstanceKey: created.body.processInstanceKey } } });
    const key = tasks.body.items[0].userTaskKey;
    expect((await api.call("POST", `/v2/user-tasks/${key}/completion`, { body: {} })).status).to.equal(204);
    const again = await api.call("POST", `/v2/user-tasks/${key}/completion`, { body: {} });
    expect(again.status).to.equal(409);
    expect(again.type).to.contain("application/problem+json");
  });

  it("should answer a Camunda operation Dossier does not serve with 501 naming it, and an unknown path with 404", async () => {
    const dmn = await api.call("POST", "/v2/decision-definitions/evaluation", { body: {} });
    expect(dmn.status).to.equal(501);
    expect(dmn.body).to.include({ title: "NOT_IMPLEMENTED", missingCapability: "POST /decision-definitions/evaluation" });
    const nothing = await api.call("GET", "/v2/nothing-here");
    expect(nothing.status).to.equal(404);
    expect(nothing.type).to.contain("application/problem+json");
  });

  it("should refuse an invalid model with 400 listing every problem, and deploy nothing", async () => {
    const names = async () => (await api.call("POST", "/v2/process-definitions/search", { body: {} })).body.items.map((d: { resourceName: string }) => d.resourceName).sort();
    const before = await names(); // review-claim, and the models modules deploy for themselves (archive)
    const form = new FormData();
    form.append("resources", new Blob([readFileSync(path.join(V2_FIXTURES, "review-claim.bpmn"), "utf8").replace('sourceRef="RegisterClaim"', 'sourceRef="Nowhere"')]), "broken.bpmn");
    const res = await fetch(`${api.base}/v2/deployments`, { method: "POST", headers: { authorization: `Basic ${Buffer.from("demo:demo").toString("base64")}` }, body: form });
    expect(res.status).to.equal(400);
    const problem = (await res.json()) as { problems: Array<{ message: string }> };
    expect(problem.problems.length).to.be.greaterThan(0);
    expect(before).to.include("review-claim.bpmn");
    expect(await names()).to.deep.equal(before);
  });

  it("should refuse a truncated upload and one with the files in the wrong field with 400", async () => {
    const post = (body: string) =>
      fetch(`${api.base}/v2/deployments`, { method: "POST", headers: { authorization: `Basic ${Buffer.from("demo:demo").toString("base64")}`, "content-type": "multipart/form-data; boundary=XYZ" }, body });
    const truncated = await post('--XYZ\r\nContent-Disposition: form-data; name="resources"; filename="a.bpmn"\r\n\r\n<bpmn');
    expect(truncated.status).to.equal(400);
    const wrongField = await post('--XYZ\r\nContent-Disposition: form-data; name="file"; filename="a.bpmn"\r\n\r\nabc\r\n--XYZ--\r\n');
    expect(wrongField.status).to.equal(400);
    expect(((await wrongField.json()) as { detail: string }).detail).to.contain("'file'");
  });

  describe("upload limits (uploads are held in memory)", () => {
    const auth = `Basic ${Buffer.from("demo:demo").toString("base64")}`;
    /** Sends only the headers of an upload and waits for the answer: a refusal must not wait for the body. */
    const headersOnly = (headers: Record<string, string>) =>
      new Promise<{ status: number; body: any }>((resolve, reject) => {
        const req = request(`${api.base}/v2/deployments`, { method: "POST", headers: { authorization: auth, "content-type": "multipart/form-data; boundary=XYZ", ...headers } }, (res) => {
          let text = "";
          res.on("data", (chunk: Buffer) => (text += chunk));
          res.on("end", () => {
            req.destroy();
            resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) });
          });
        });
        req.on("error", reject);
        req.flushHeaders();
      });

    it("should refuse an upload declared larger than 25 MB with 413, before reading it", async () => {
      const res = await headersOnly({ "content-length": String(30 * 1024 * 1024) });
      expect(res.status).to.equal(413);
      expect(res.body.detail).to.equal(`Expected an upload of at most 25 MB in all, but found ${30 * 1024 * 1024} bytes`);
    });

    it("should refuse an upload without Content-Length with 411", async () => {
      const res = await headersOnly({ "transfer-encoding": "chunked" });
      expect(res.status).to.equal(411);
      expect(res.body.title).to.equal("LENGTH_REQUIRED");
    });

    it("should refuse more than 20 files with 413, and deploy nothing", async () => {
      const form = new FormData();
      for (let i = 0; i < 21; i++) form.append("resources", new Blob([readFileSync(path.join(V2_FIXTURES, "shipment.bpmn"))]), `copy-${i}.bpmn`);
      const res = await fetch(`${api.base}/v2/deployments`, { method: "POST", headers: { authorization: auth }, body: form });
      expect(res.status).to.equal(413);
      expect(((await res.json()) as { detail: string }).detail).to.contain("Too many files");
      const definitions = await api.call("POST", "/v2/process-definitions/search", { body: { filter: { processDefinitionId: "shipment" } } });
      expect(definitions.body.items).to.deep.equal([]);
    });
  });

  it("should refuse a deployment that is not multipart with 415", async () => {
    const res = await api.call("POST", "/v2/deployments", { body: { resources: [] } });
    expect(res.status).to.equal(415);
  });

  it("should evaluate a FEEL expression with variables, and refuse one that does not parse", async () => {
    const ok = await api.call("POST", "/v2/expression/evaluation", { body: { expression: "=amount * 2 > limit", variables: { amount: 30, limit: 50 } } });
    expect(ok.body).to.deep.equal({ expression: "=amount * 2 > limit", result: true, warnings: [] });
    const broken = await api.call("POST", "/v2/expression/evaluation", { body: { expression: "=1 +" } });
    expect(broken.status).to.equal(400);
  });
});
