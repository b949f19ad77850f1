import { expect } from "chai";
import { fixtureFile, startApiServer, type ApiServer } from "./server.js";

/** Job activation over HTTP with long polling (requestTimeout). */
describe("/v2 job activation: long polling", () => {
  let api: ApiServer;
  before(async () => {
    api = await startApiServer();
    await api.client("designer").createDeployment({ resources: [fixtureFile("invoice.bpmn"), fixtureFile("approve-order.form")] });
  });
  after(() => api.stop());

  const activate = (requestTimeout: number) =>
    api.call("POST", "/v2/jobs/activation", { as: "designer", body: { type: "send-invoice", worker: "w1", timeout: 30_000, maxJobsToActivate: 1, requestTimeout } });

  it("should hold an activation until a job of its type is created, and hand it over at once", async () => {
    // given a worker waiting with nothing to do
    const started = Date.now();
    const waiting = activate(5000);
    await new Promise((r) => setTimeout(r, 200));
    // when an instance creates a job
    const created = await api.call("POST", "/v2/process-instances", { body: { processDefinitionId: "invoice", variables: { amount: 3 } } });
    // then the waiting request returns it, well before its timeout
    const res = await waiting;
    expect(res.status).to.equal(200);
    expect(res.body.jobs.map((j: { processInstanceKey: string; variables: unknown }) => [j.processInstanceKey, j.variables])).to.deep.equal([[created.body.processInstanceKey, { amount: 3 }]]);
    expect(Date.now() - started).to.be.lessThan(2000);
  });

  it("should answer with no jobs when the request timeout passes", async () => {
    const started = Date.now();
    const res = await activate(300);
    expect(res.body.jobs).to.deep.equal([]);
    expect(Date.now() - started).to.be.within(250, 2000);
  });

  it("should answer at once with a negative request timeout", async () => {
    const started = Date.now();
    const res = await activate(-1);
    expect(res.body.jobs).to.deep.equal([]);
    expect(Date.now() - started).to.be.lessThan(200);
  });

  it("should refuse an activation without a type or a timeout with 400", async () => {
    const res = await api.call("POST", "/v2/jobs/activation", { body: { maxJobsToActivate: 1 } });
    expect(res.status).to.equal(400);
    expect(res.body.detail).to.equal("Expected 'type' to be a non-empty string, but found nothing");
  });
});
