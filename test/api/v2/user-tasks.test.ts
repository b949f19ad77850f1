import { expect } from "chai";
import { fixtureFile, startApiServer, type ApiServer } from "./server.js";

/**
 * User tasks over HTTP: who sees and may act on which task (assignee, candidate groups, roles),
 * and the search semantics (filters, sort, pages).
 */
describe("/v2 user tasks: visibility and search", () => {
  let api: ApiServer;
  const keys: Record<string, string> = {};

  const start = async (name: string, variables: Record<string, unknown>) => {
    const res = await api.call("POST", "/v2/process-instances", { body: { processDefinitionId: "review-claim", variables } });
    expect(res.status).to.equal(200);
    const tasks = await api.call("POST", "/v2/user-tasks/search", { body: { filter: { processInstanceKey: res.body.processInstanceKey } } });
    keys[name] = tasks.body.items[0].userTaskKey;
  };
  const search = (as: string, body: unknown) => api.call("POST", "/v2/user-tasks/search", { as, body });
  const names = (res: { body: { items: Array<{ userTaskKey: string }> } }) => res.body.items.map((t) => Object.entries(keys).find(([, k]) => k === t.userTaskKey)?.[0]);

  before(async () => {
    api = await startApiServer();
    await api.client("designer").createDeployment({ resources: [fixtureFile("review-claim.bpmn")] });
    // five claims: for the agents, the reviewers, sales, one assigned to the agent, one to the manager
    await start("agents-urgent", { groups: ["agents"], priority: 90, dueDate: "2030-01-02T09:00:00+01:00", owner: null });
    await start("reviewers", { groups: ["reviewers"], priority: 50, dueDate: "2030-01-05T00:00:00Z", owner: null });
    await start("sales", { groups: ["sales"], priority: 70, dueDate: "2030-01-01T00:00:00Z", owner: null });
    await start("assigned-agent", { groups: [], priority: 10, dueDate: "2030-02-01T00:00:00Z", owner: "agent" });
    await start("assigned-manager", { groups: ["agents"], priority: 30, dueDate: "2030-01-03T00:00:00Z", owner: "manager" });
  });
  after(() => api.stop());

  it("should show an agent only the tasks assigned to them or to their groups", async () => {
    expect(names(await search("agent", {})).sort()).to.deep.equal(["agents-urgent", "assigned-agent", "assigned-manager", "reviewers"]);
  });

  it("should show a manager and an auditor every task", async () => {
    expect(names(await search("manager", {}))).to.have.length(5);
    expect(names(await search("auditor", {}))).to.have.length(5);
  });

  it("should answer 404 to an agent for a task outside their groups, even when completing it", async () => {
    expect((await api.call("GET", `/v2/user-tasks/${keys["sales"]}`, { as: "agent" })).status).to.equal(404);
    const res = await api.call("POST", `/v2/user-tasks/${keys["sales"]}/completion`, { as: "agent", body: {} });
    expect(res.status).to.equal(404);
    const still = await api.call("GET", `/v2/user-tasks/${keys["sales"]}`, { as: "manager" });
    expect(still.body.state).to.equal("CREATED");
  });

  it("should refuse an agent a task assigned to someone else, and assigning tasks to others", async () => {
    const complete = await api.call("POST", `/v2/user-tasks/${keys["assigned-manager"]}/completion`, { as: "agent", body: {} });
    expect(complete.status).to.equal(403);
    const assign = await api.call("POST", `/v2/user-tasks/${keys["reviewers"]}/assignment`, { as: "agent", body: { assignee: "manager" } });
    expect(assign.status).to.equal(403);
    expect(assign.body.detail).to.contain("tasks.assign");
  });

  it("should let a manager reassign a task to an agent, who then sees it as theirs", async () => {
    expect((await api.call("POST", `/v2/user-tasks/${keys["sales"]}/assignment`, { as: "manager", body: { assignee: "agent" } })).status).to.equal(204);
    const mine = await search("agent", { filter: { assignee: "agent" } });
    expect(names(mine).sort()).to.deep.equal(["assigned-agent", "sales"]);
    // and gives it back
    expect((await api.call("DELETE", `/v2/user-tasks/${keys["sales"]}/assignee`, { as: "agent" })).status).to.equal(204);
    expect(names(await search("agent", { filter: { assignee: "agent" } }))).to.deep.equal(["assigned-agent"]);
  });

  it("should not let an auditor change anything", async () => {
    const res = await api.call("POST", `/v2/user-tasks/${keys["reviewers"]}/assignment`, { as: "auditor", body: { assignee: "auditor" } });
    expect(res.status).to.equal(403);
  });

  it("should filter by candidate group, priority range and due date, whatever the offset of the modelled date", async () => {
    expect(names(await search("manager", { filter: { candidateGroup: "agents" } })).sort()).to.deep.equal(["agents-urgent", "assigned-manager"]);
    expect(names(await search("manager", { filter: { priority: { $gte: 50, $lt: 90 } } })).sort()).to.deep.equal(["reviewers", "sales"]);
    // 2030-01-02T09:00+01:00 is 08:00Z
    expect(names(await search("manager", { filter: { dueDate: { $lt: "2030-01-02T08:30:00Z" } } })).sort()).to.deep.equal(["agents-urgent", "sales"]);
    const task = await api.call("GET", `/v2/user-tasks/${keys["agents-urgent"]}`, { as: "manager" });
    expect(task.body.dueDate).to.equal("2030-01-02T08:00:00.000Z");
  });

  it("should sort and page, with cursors to the next page", async () => {
    const first = await search("manager", { sort: [{ field: "priority", order: "DESC" }], page: { limit: 2 } });
    expect(names(first)).to.deep.equal(["agents-urgent", "sales"]);
    expect(first.body.page.totalItems).to.equal(5);
    const next = await search("manager", { sort: [{ field: "priority", order: "DESC" }], page: { limit: 2, after: first.body.page.endCursor } });
    expect(names(next)).to.deep.equal(["reviewers", "assigned-manager"]);
    const byOffset = await search("manager", { sort: [{ field: "dueDate" }], page: { from: 3, limit: 10 } });
    expect(names(byOffset)).to.deep.equal(["reviewers", "assigned-agent"]);
  });

  it("should refuse an unknown filter or sort field with a 400 naming the known ones", async () => {
    const filter = await search("manager", { filter: { colour: "red" } });
    expect(filter.status).to.equal(400);
    expect(filter.body.detail).to.match(/^Expected a filter field of .*candidateGroup.*, but found 'colour'$/);
    const sort = await search("manager", { sort: [{ field: "colour" }] });
    expect(sort.status).to.equal(400);
  });
});
