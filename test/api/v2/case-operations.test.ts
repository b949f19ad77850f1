import { expect } from "chai";
import { readFileSync } from "node:fs";
import path from "node:path";
import { ElementId } from "@camunda8/orchestration-cluster-api";
import { FIXTURES } from "../../helpers/engine.js";
import { startApiServer, type ApiServer } from "./server.js";

/**
 * Working a case over HTTP (permission `instances.work`): PUT /element-instances/{key}/variables
 * and POST /element-instances/ad-hoc-activities/{key}/activation, on a real server, with the demo
 * manager (who sees every task), the official client and plain fetch; and who may work on which
 * case: an agent only on one in which they see a task.
 */
describe("/v2 element instance commands: set variables, activate ad-hoc activities", () => {
  let api: ApiServer;
  const UNKNOWN = "9007199254740";

  const fixture = (name: string) => new File([readFileSync(path.join(FIXTURES, name))], path.basename(name), { type: "application/xml" });
  const start = async (processDefinitionId: string, variables: Record<string, unknown>) => {
    const res = await api.call("POST", "/v2/process-instances", { as: "agent", body: { processDefinitionId, variables } });
    expect(res.status, JSON.stringify(res.body)).to.equal(200);
    return res.body.processInstanceKey as string;
  };
  const search = async (resource: string, filter: Record<string, unknown>) => (await api.call("POST", `/v2/${resource}/search`, { body: { filter } })).body.items as Array<Record<string, any>>;
  const stuckAtGateway = async () => {
    const processInstanceKey = await start("exclusive-gateway-no-default", { decision: "maybe" });
    const [incident] = await search("incidents", { processInstanceKey, state: "ACTIVE" });
    expect(incident).to.include({ errorType: "CONDITION_ERROR", elementId: "Gateway_Decision" });
    return { processInstanceKey, incident: incident! };
  };
  const openCase = async () => {
    const processInstanceKey = await start("case-dossier", { initialActions: [] });
    const [adHoc] = await search("element-instances", { processInstanceKey, elementId: "AdHoc_Case", state: "ACTIVE" });
    return { processInstanceKey, adHocKey: adHoc!["elementInstanceKey"] as string };
  };
  const variablesOf = async (processInstanceKey: string, name: string) =>
    (await search("variables", { processInstanceKey, name })).map((v) => [v["scopeKey"], JSON.parse(v["value"] as string)]);

  before(async () => {
    api = await startApiServer();
    await api.client("designer").createDeployment({ resources: [fixture("engine/exclusive-gateway-no-default.bpmn"), fixture("composition/case-dossier.bpmn")] });
  });
  after(() => api.stop());

  describe("PUT /v2/element-instances/{elementInstanceKey}/variables", () => {
    it("should let a manager fix the variable a gateway stopped on, so that resolving the incident lets the instance continue", async () => {
      // given an instance stuck at an exclusive gateway no condition of which matches
      const { processInstanceKey, incident } = await stuckAtGateway();
      // when the manager sets the right decision on the gateway's element instance, and the incident is resolved
      const set = await api.call("PUT", `/v2/element-instances/${incident["elementInstanceKey"]}/variables`, { as: "manager", body: { variables: { decision: "approve" } } });
      expect(set.status, JSON.stringify(set.body)).to.equal(204);
      expect((await api.call("POST", `/v2/incidents/${incident["incidentKey"]}/resolution`, { as: "designer", body: {} })).status).to.equal(204);
      // then the variable was updated where it lives (the process), and the instance went the approve way to its end
      expect(await variablesOf(processInstanceKey, "decision")).to.deep.equal([[processInstanceKey, "approve"]]);
      expect((await api.call("GET", `/v2/process-instances/${processInstanceKey}`)).body).to.include({ state: "COMPLETED", hasIncident: false });
      const completed = (await search("element-instances", { processInstanceKey, state: "COMPLETED" })).map((e) => e["elementId"]);
      expect(completed).to.include.members(["Task_Approve", "End_Approved"]).and.not.include("Task_Reject");
    });

    it("should accept a process instance key as the scope, as the official client sends it", async () => {
      // given a stuck instance
      const { processInstanceKey } = await stuckAtGateway();
      // when the manager's client sets variables on the process instance
      await api.client("manager").createElementInstanceVariables({ elementInstanceKey: processInstanceKey as never, variables: { decision: "reject", reason: "incomplete file" } });
      // then both are process variables
      expect(await variablesOf(processInstanceKey, "decision")).to.deep.equal([[processInstanceKey, "reject"]]);
      expect(await variablesOf(processInstanceKey, "reason")).to.deep.equal([[processInstanceKey, "incomplete file"]]);
    });

    it("should set the variables on that scope only when local is true", async () => {
      // given a stuck instance whose process holds decision = "maybe"
      const { processInstanceKey, incident } = await stuckAtGateway();
      const gateway = incident["elementInstanceKey"] as string;
      // when decision is set locally on the gateway
      const set = await api.call("PUT", `/v2/element-instances/${gateway}/variables`, { as: "manager", body: { variables: { decision: "reject" }, local: true } });
      expect(set.status).to.equal(204);
      // then the gateway has its own decision, and the process keeps its own
      const decisions = await variablesOf(processInstanceKey, "decision");
      expect(decisions).to.have.deep.members([[processInstanceKey, "maybe"], [gateway, "reject"]]);
    });

    it("should answer 400 without a variables object, and 404 for an unknown key", async () => {
      const { incident } = await stuckAtGateway();
      const missing = await api.call("PUT", `/v2/element-instances/${incident["elementInstanceKey"]}/variables`, { as: "manager", body: { local: true } });
      expect(missing.status).to.equal(400);
      expect(missing.type).to.contain("application/problem+json");
      expect(missing.body.detail).to.contain("'variables'");
      const unknown = await api.call("PUT", `/v2/element-instances/${UNKNOWN}/variables`, { as: "manager", body: { variables: { a: 1 } } });
      expect(unknown.status).to.equal(404);
      expect(unknown.body.detail).to.contain(UNKNOWN);
    });

    it("should answer 409 for an instance that has ended", async () => {
      const processInstanceKey = await start("exclusive-gateway-no-default", { decision: "approve" });
      expect((await api.call("GET", `/v2/process-instances/${processInstanceKey}`)).body.state).to.equal("COMPLETED");
      const res = await api.call("PUT", `/v2/element-instances/${processInstanceKey}/variables`, { as: "manager", body: { variables: { late: true } } });
      expect(res.status).to.equal(409);
    });

    it("should refuse an auditor with 403 naming the permission, and change nothing", async () => {
      const { processInstanceKey } = await stuckAtGateway();
      const res = await api.call("PUT", `/v2/element-instances/${processInstanceKey}/variables`, { as: "auditor", body: { variables: { decision: "approve" } } });
      expect(res.status).to.equal(403);
      expect(res.body.detail).to.contain("instances.work");
      expect(await variablesOf(processInstanceKey, "decision")).to.deep.equal([[processInstanceKey, "maybe"]]);
    });
  });

  describe("POST /v2/element-instances/ad-hoc-activities/{adHocSubProcessInstanceKey}/activation", () => {
    it("should let a manager open the same on-demand activity twice, each with its own variables, giving two user tasks", async () => {
      // given an open case with no activity running
      const { processInstanceKey, adHocKey } = await openCase();
      expect(await search("user-tasks", { processInstanceKey })).to.deep.equal([]);
      // when the manager's client opens two amendments
      const client = api.client("manager");
      const amendment = ElementId.assumeExists("Task_Amendment");
      await client.activateAdHocSubProcessActivities({ adHocSubProcessInstanceKey: adHocKey as never, elements: [{ elementId: amendment, variables: { amendmentType: "address" } }] });
      await client.activateAdHocSubProcessActivities({ adHocSubProcessInstanceKey: adHocKey as never, elements: [{ elementId: amendment, variables: { amendmentType: "bank details" } }] });
      // then there are two amendment tasks, each seeing its own amendment type
      const tasks = await search("user-tasks", { processInstanceKey });
      expect(tasks.map((t) => [t["elementId"], t["state"]])).to.deep.equal([["Task_Amendment", "CREATED"], ["Task_Amendment", "CREATED"]]);
      const types = [];
      for (const task of tasks) {
        const vars = await api.call("POST", `/v2/user-tasks/${task["userTaskKey"]}/variables/search`, { body: { filter: { name: "amendmentType" } } });
        types.push(JSON.parse(vars.body.items[0].value));
      }
      expect(types.sort()).to.deep.equal(["address", "bank details"]);
    });

    it("should cancel the running activities first when cancelRemainingInstances is true", async () => {
      // given a case with a new contract being prepared
      const { processInstanceKey, adHocKey } = await openCase();
      const path = `/v2/element-instances/ad-hoc-activities/${adHocKey}/activation`;
      expect((await api.call("POST", path, { as: "manager", body: { elements: [{ elementId: "Task_New_Contract" }] } })).status).to.equal(204);
      // when a claim is declared, cancelling what runs
      const res = await api.call("POST", path, { as: "manager", body: { elements: [{ elementId: "Task_Claim" }], cancelRemainingInstances: true } });
      expect(res.status).to.equal(204);
      // then only the claim is open
      const tasks = await search("user-tasks", { processInstanceKey });
      expect(tasks.map((t) => [t["elementId"], t["state"]])).to.have.deep.members([["Task_New_Contract", "CANCELED"], ["Task_Claim", "CREATED"]]);
    });

    it("should answer 400 for an element the ad-hoc sub-process does not have, activating none of the list", async () => {
      const { processInstanceKey, adHocKey } = await openCase();
      const res = await api.call("POST", `/v2/element-instances/ad-hoc-activities/${adHocKey}/activation`, {
        as: "manager", body: { elements: [{ elementId: "Task_Amendment" }, { elementId: "Task_Nope" }] },
      });
      expect(res.status).to.equal(400);
      expect(res.body.detail).to.contain("Task_Nope");
      expect(await search("user-tasks", { processInstanceKey })).to.deep.equal([]);
    });

    it("should answer 400 for an element instance that is not an ad-hoc sub-process, and for an empty list", async () => {
      // given a case with an amendment task running
      const { processInstanceKey, adHocKey } = await openCase();
      const activate = (key: string, elements: unknown[]) => api.call("POST", `/v2/element-instances/ad-hoc-activities/${key}/activation`, { as: "manager", body: { elements } });
      expect((await activate(adHocKey, [{ elementId: "Task_Amendment" }])).status).to.equal(204);
      const [task] = await search("user-tasks", { processInstanceKey });
      // when the task's element instance is taken for the case, or nothing is named
      const notAdHoc = await activate(task!["elementInstanceKey"] as string, [{ elementId: "Task_Amendment" }]);
      const empty = await activate(adHocKey, []);
      // then both are refused and nothing more opens
      expect(notAdHoc.status).to.equal(400);
      expect(notAdHoc.body.detail).to.contain("ad-hoc sub-process");
      expect(empty.status).to.equal(400);
      expect(await search("user-tasks", { processInstanceKey })).to.have.length(1);
    });

    it("should answer 404 for an unknown key", async () => {
      const res = await api.call("POST", `/v2/element-instances/ad-hoc-activities/${UNKNOWN}/activation`, { as: "manager", body: { elements: [{ elementId: "Task_Amendment" }] } });
      expect(res.status).to.equal(404);
      expect(res.type).to.contain("application/problem+json");
    });

    it("should refuse an auditor with 403 naming the permission, and open nothing", async () => {
      const { processInstanceKey, adHocKey } = await openCase();
      const res = await api.call("POST", `/v2/element-instances/ad-hoc-activities/${adHocKey}/activation`, { as: "auditor", body: { elements: [{ elementId: "Task_Amendment" }] } });
      expect(res.status).to.equal(403);
      expect(res.body.detail).to.contain("instances.work");
      expect(await search("user-tasks", { processInstanceKey })).to.deep.equal([]);
    });
  });

  describe("who may work on which case", () => {
    // an agent without groups, who sees no task of the instances below
    const EVE = "eve-agent";
    before(async () => {
      expect((await api.call("POST", "/v2/users", { body: { username: EVE, password: EVE } })).status).to.equal(201);
      expect((await api.call("PUT", `/v2/roles/agent/users/${EVE}`)).status).to.equal(204);
    });

    /** The problem as a client sees it, with the key taken out. */
    const shapeOf = (res: { status: number; body: any }, key: string) => ({ status: res.status, title: res.body.title, detail: String(res.body.detail).replace(key, "<key>") });

    it("should let an agent work on a case in which they see a task", async () => {
      // given a case whose amendment task is assigned to the agent
      const processInstanceKey = await start("case-dossier", { initialActions: ["Task_Amendment"] });
      const [adHoc] = await search("element-instances", { processInstanceKey, elementId: "AdHoc_Case", state: "ACTIVE" });
      const [task] = await search("user-tasks", { processInstanceKey });
      expect((await api.call("POST", `/v2/user-tasks/${task!["userTaskKey"]}/assignment`, { body: { assignee: "agent" } })).status).to.equal(204);
      // when the agent sets a case variable and declares a claim
      const set = await api.call("PUT", `/v2/element-instances/${processInstanceKey}/variables`, { as: "agent", body: { variables: { claimReason: "water damage" } } });
      const claim = await api.call("POST", `/v2/element-instances/ad-hoc-activities/${adHoc!["elementInstanceKey"]}/activation`, { as: "agent", body: { elements: [{ elementId: "Task_Claim" }] } });
      // then both are done
      expect([set.status, claim.status]).to.deep.equal([204, 204]);
      expect(await variablesOf(processInstanceKey, "claimReason")).to.deep.equal([[processInstanceKey, "water damage"]]);
      expect((await search("user-tasks", { processInstanceKey })).map((t) => t["elementId"])).to.have.members(["Task_Amendment", "Task_Claim"]);
    });

    it("should answer an agent who sees no task of the instance 404 as for an unknown key, and change nothing", async () => {
      // given an instance stuck at a gateway (no task) and an open case (no task yet)
      const { processInstanceKey, incident } = await stuckAtGateway();
      const gateway = incident["elementInstanceKey"] as string;
      const unknown = await api.call("PUT", `/v2/element-instances/${UNKNOWN}/variables`, { as: EVE, body: { variables: { decision: "approve" } } });
      expect(unknown.status).to.equal(404);
      // when the agent sets variables on the gateway, on the process instance, or sends no variables at all
      const onGateway = await api.call("PUT", `/v2/element-instances/${gateway}/variables`, { as: EVE, body: { variables: { decision: "approve" } } });
      const onProcess = await api.call("PUT", `/v2/element-instances/${processInstanceKey}/variables`, { as: EVE, body: { variables: { decision: "approve" } } });
      const noBody = await api.call("PUT", `/v2/element-instances/${gateway}/variables`, { as: EVE, body: {} });
      // then each answer is the unknown key's, and the decision is unchanged
      expect(shapeOf(onGateway, gateway)).to.deep.equal(shapeOf(unknown, UNKNOWN));
      expect(shapeOf(onProcess, processInstanceKey)).to.deep.equal(shapeOf(unknown, UNKNOWN));
      expect(shapeOf(noBody, gateway)).to.deep.equal(shapeOf(unknown, UNKNOWN));
      expect(await variablesOf(processInstanceKey, "decision")).to.deep.equal([[processInstanceKey, "maybe"]]);
    });

    it("should not let an agent who sees no task of a case open its activities, nor tell its key from an unknown one", async () => {
      // given an open case in which the agent sees no task
      const { processInstanceKey, adHocKey } = await openCase();
      const activate = (key: string, elements: unknown[]) => api.call("POST", `/v2/element-instances/ad-hoc-activities/${key}/activation`, { as: EVE, body: { elements } });
      const unknown = await activate(UNKNOWN, [{ elementId: "Task_New_Contract" }]);
      // when the agent tries to open a new contract, or sends an invalid list
      const closure = await activate(adHocKey, [{ elementId: "Task_New_Contract" }]);
      const empty = await activate(adHocKey, []);
      // then both answer as for an unknown key, and nothing opens
      expect(shapeOf(closure, adHocKey)).to.deep.equal(shapeOf(unknown, UNKNOWN));
      expect(shapeOf(empty, adHocKey)).to.deep.equal(shapeOf(unknown, UNKNOWN));
      expect(await search("user-tasks", { processInstanceKey })).to.deep.equal([]);
    });
  });
});
