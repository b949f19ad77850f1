import { expect } from "chai";
import { readFileSync } from "node:fs";
import path from "node:path";
import { fixtureFile, startApiServer, V2_FIXTURES, type ApiServer } from "./server.js";

/** Process and element instances over HTTP: search, get, cancel, modify, migrate, call hierarchy. */
describe("/v2 process and element instances", () => {
  let api: ApiServer;
  const start = async (variables: Record<string, unknown> = {}) =>
    (await api.call("POST", "/v2/process-instances", { body: { processDefinitionId: "shipment", variables: { orderId: "o", ...variables } } })).body.processInstanceKey as string;
  const active = async (key: string) =>
    (await api.call("POST", "/v2/element-instances/search", { body: { filter: { processInstanceKey: key, state: "ACTIVE" } } })).body.items.map((e: { elementId: string }) => e.elementId);

  before(async () => {
    api = await startApiServer();
    await api.client("designer").createDeployment({ resources: [fixtureFile("shipment.bpmn")] });
  });
  after(() => api.stop());

  it("should search instances by state with operators, and sort them", async () => {
    const running = await start();
    const cancelled = await start();
    expect((await api.call("POST", `/v2/process-instances/${cancelled}/cancellation`, {})).status).to.equal(204);
    const terminated = await api.call("POST", "/v2/process-instances/search", { body: { filter: { state: "TERMINATED" } } });
    expect(terminated.body.items.map((p: { processInstanceKey: string }) => p.processInstanceKey)).to.deep.equal([cancelled]);
    const both = await api.call("POST", "/v2/process-instances/search", { body: { filter: { state: { $in: ["ACTIVE", "TERMINATED"] }, processInstanceKey: { $in: [running, cancelled] } }, sort: [{ field: "processInstanceKey", order: "DESC" }] } });
    expect(both.body.items.map((p: { processInstanceKey: string; state: string }) => [p.processInstanceKey, p.state])).to.deep.equal([[cancelled, "TERMINATED"], [running, "ACTIVE"]]);
  });

  it("should show a finished element instance, found through the audit log", async () => {
    const key = await start();
    const all = await api.call("POST", "/v2/element-instances/search", { body: { filter: { processInstanceKey: key, elementId: "ShipmentRequested" } } });
    const startEvent = all.body.items[0];
    const got = await api.call("GET", `/v2/element-instances/${startEvent.elementInstanceKey}`);
    expect(got.body).to.include({ elementId: "ShipmentRequested", elementName: "Shipment requested", type: "START_EVENT", state: "COMPLETED", processInstanceKey: key });
  });

  it("should get a variable with its full value by key", async () => {
    const key = await start({ note: "x".repeat(9000) });
    const found = await api.call("POST", "/v2/variables/search", { body: { filter: { processInstanceKey: key, name: "note" } } });
    expect(found.body.items[0]).to.include({ isTruncated: true });
    expect(found.body.items[0].value.length).to.be.lessThan(9000);
    const full = await api.call("GET", `/v2/variables/${found.body.items[0].variableKey}`);
    expect(JSON.parse(full.body.value)).to.have.length(9000);
  });

  it("should modify an instance: terminate where it waits and activate another element", async () => {
    const key = await start();
    const res = await api.call("POST", `/v2/process-instances/${key}/modification`, {
      body: { terminateInstructions: [{ elementId: "PaymentReceived" }], activateInstructions: [{ elementId: "WarehouseOpen" }] },
    });
    expect(res.status).to.equal(204);
    expect(await active(key)).to.deep.equal(["WarehouseOpen"]);
  });

  it("should migrate an instance to a new version of its process", async () => {
    const key = await start();
    const v2 = readFileSync(path.join(V2_FIXTURES, "shipment.bpmn"), "utf8").replace('name="Shipment"', 'name="Shipment v2"');
    const form = new FormData();
    form.append("resources", new Blob([v2]), "shipment.bpmn");
    const deployed = await fetch(`${api.base}/v2/deployments`, { method: "POST", headers: { authorization: `Basic ${Buffer.from("demo:demo").toString("base64")}` }, body: form });
    const target = ((await deployed.json()) as { deployments: Array<{ processDefinition: { processDefinitionKey: string; processDefinitionVersion: number } }> }).deployments[0]!.processDefinition;
    expect(target.processDefinitionVersion).to.equal(2);
    const res = await api.call("POST", `/v2/process-instances/${key}/migration`, {
      body: { targetProcessDefinitionKey: target.processDefinitionKey, mappingInstructions: [{ sourceElementId: "PaymentReceived", targetElementId: "PaymentReceived" }] },
    });
    expect(res.status).to.equal(204);
    const instance = await api.call("GET", `/v2/process-instances/${key}`);
    expect(instance.body).to.include({ processDefinitionVersion: 2, processDefinitionName: "Shipment v2" });
  });

  it("should give the call hierarchy of a root instance as itself", async () => {
    const key = await start();
    const res = await api.call("GET", `/v2/process-instances/${key}/call-hierarchy`);
    const instance = await api.call("GET", `/v2/process-instances/${key}`);
    expect(res.body).to.deep.equal([{ processInstanceKey: key, processDefinitionKey: instance.body.processDefinitionKey, processDefinitionName: instance.body.processDefinitionName }]);
  });
});
