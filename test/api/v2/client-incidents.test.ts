import { expect } from "chai";
import { ProcessDefinitionId } from "@camunda8/orchestration-cluster-api";
import { fixtureFile, startApiServer, type ApiServer } from "./server.js";

/** Failing jobs, incidents and their resolution through the official client. */
describe("/v2 with the official client: failures and incidents", () => {
  let api: ApiServer;
  const now = { consistency: { waitUpToMs: 0 } };
  const invoice = ProcessDefinitionId.assumeExists("invoice");

  before(async () => {
    api = await startApiServer();
    await api.client("designer").createDeployment({ resources: [fixtureFile("invoice.bpmn"), fixtureFile("approve-order.form")] });
  });
  after(() => api.stop());

  it("should raise an incident when a worker fails without retries, and go on once it is resolved", async () => {
    const client = api.client();
    // given an invoice whose job fails for good
    const { processInstanceKey } = await client.createProcessInstance({ processDefinitionId: invoice, variables: { amount: 10 } });
    const [job] = (await client.activateJobs({ type: "send-invoice", timeout: 10_000, maxJobsToActivate: 1, worker: "mailer" })).jobs;
    await client.failJob({ jobKey: job!.jobKey, retries: 0, errorMessage: "SMTP server down" });
    // then an incident says why
    const incidents = await client.searchIncidents({ filter: { processInstanceKey, state: "ACTIVE" } }, now);
    expect(incidents.items.map((i) => [i.errorType, i.errorMessage, i.elementId])).to.deep.equal([["JOB_NO_RETRIES", "SMTP server down", "CheckStock"]]);
    const instance = await client.getProcessInstance({ processInstanceKey }, now);
    expect(instance.hasIncident).to.equal(true);
    // when the operator gives the job a retry and resolves the incident
    await client.updateJob({ jobKey: job!.jobKey, changeset: { retries: 1 } });
    await client.resolveIncident({ incidentKey: incidents.items[0]!.incidentKey });
    // then the job can be worked again and the instance moves on
    const [again] = (await client.activateJobs({ type: "send-invoice", timeout: 10_000, maxJobsToActivate: 1, worker: "mailer" })).jobs;
    expect(again!.jobKey).to.equal(job!.jobKey);
    await client.completeJob({ jobKey: again!.jobKey });
    const incident = await client.getIncident({ incidentKey: incidents.items[0]!.incidentKey }, now);
    expect(incident.state).to.equal("RESOLVED");
    expect((await client.getProcessInstance({ processInstanceKey }, now)).hasIncident).to.equal(false);
  });

  it("should retry a failed job only after its back-off", async () => {
    const client = api.client();
    await client.createProcessInstance({ processDefinitionId: invoice });
    const [job] = (await client.activateJobs({ type: "send-invoice", timeout: 10_000, maxJobsToActivate: 1 })).jobs;
    // when the job fails with a retry in 400 ms
    await client.failJob({ jobKey: job!.jobKey, retries: 2, retryBackOff: 400, errorMessage: "busy" });
    // then it is not available at once, but a long poll gets it when the back-off is over
    const immediately = await client.activateJobs({ type: "send-invoice", timeout: 10_000, maxJobsToActivate: 5, requestTimeout: -1 });
    expect(immediately.jobs.map((j) => j.jobKey)).to.not.include(job!.jobKey);
    const later = await client.activateJobs({ type: "send-invoice", timeout: 10_000, maxJobsToActivate: 5, requestTimeout: 5000 });
    expect(later.jobs.map((j) => [j.jobKey, j.retries])).to.deep.include([job!.jobKey, 2]);
  });

  it("should turn a BPMN error no one catches into an incident naming the error code", async () => {
    const client = api.client();
    const { processInstanceKey } = await client.createProcessInstance({ processDefinitionId: invoice });
    const [job] = (await client.activateJobs({ type: "send-invoice", timeout: 10_000, maxJobsToActivate: 1, requestTimeout: -1 })).jobs.filter((j) => j.processInstanceKey === processInstanceKey);
    await client.throwJobError({ jobKey: job!.jobKey, errorCode: "INVALID_ADDRESS", errorMessage: "no such street" });
    const incidents = await client.searchIncidents({ filter: { processInstanceKey } }, now);
    expect(incidents.items[0]!.errorType).to.equal("UNHANDLED_ERROR_EVENT");
    expect(incidents.items[0]!.errorMessage).to.contain("INVALID_ADDRESS");
    // and resolving the instance's incidents in one call makes the job workable again
    const batch = await client.resolveProcessInstanceIncidents({ processInstanceKey });
    expect(batch.batchOperationType).to.equal("RESOLVE_INCIDENT");
    const open = await client.searchIncidents({ filter: { processInstanceKey, state: "ACTIVE" } }, now);
    expect(open.items).to.have.length(0);
  });
});
