import { expect } from "chai";
import { fixtureFile, startApiServer, type ApiServer } from "./server.js";

/**
 * User-task searches run in SQL (issue 8, part 4): the inbox's views from the candidate projection,
 * the other searches on user_task; both must answer what the in-memory rules answered, and cursors
 * must page on correctly while tasks are created.
 */
describe("/v2 user-task search in SQL: projections and cursors", () => {
  let api: ApiServer;
  const names = new Map<string, string>();

  const start = async (name: string, variables: Record<string, unknown>) => {
    const res = await api.call("POST", "/v2/process-instances", { body: { processDefinitionId: "review-claim", variables } });
    expect(res.status).to.equal(200);
    const tasks = await api.call("POST", "/v2/user-tasks/search", { body: { filter: { processInstanceKey: res.body.processInstanceKey } } });
    names.set(tasks.body.items[0].userTaskKey, name);
  };
  const search = (as: string, body: unknown) => api.call("POST", "/v2/user-tasks/search", { as, body });
  const of = (res: { body: { items: Array<{ userTaskKey: string }> } }) => res.body.items.map((t) => names.get(t.userTaskKey));
  const byDue = [{ field: "dueDate", order: "ASC" }, { field: "priority", order: "DESC" }];

  before(async () => {
    api = await startApiServer();
    await api.client("designer").createDeployment({ resources: [fixtureFile("review-claim.bpmn")] });
    await start("a-jan02", { groups: ["agents"], priority: 90, dueDate: "2030-01-02T09:00:00+01:00", owner: null });
    await start("r-jan05", { groups: ["reviewers"], priority: 50, dueDate: "2030-01-05T00:00:00Z", owner: null });
    await start("s-jan01", { groups: ["sales"], priority: 70, dueDate: "2030-01-01T00:00:00Z", owner: null });
    await start("ar-jan04", { groups: ["agents", "reviewers"], priority: 20, dueDate: "2030-01-04T00:00:00Z", owner: null });
    await start("a-nodue", { groups: ["agents"], priority: 40, dueDate: null, owner: null });
    await start("mine-feb", { groups: [], priority: 10, dueDate: "2030-02-01T00:00:00Z", owner: "agent" });
    await start("a-manager", { groups: ["agents"], priority: 30, dueDate: "2030-01-03T00:00:00Z", owner: "manager" });
  });
  after(() => api.stop());

  it("should answer an agent's group view from the projection as the rule says: their groups, unassigned, by due date, no due date last", async () => {
    const res = await search("agent", { filter: { state: "CREATED", assignee: { $exists: false } }, sort: byDue });
    expect(of(res)).to.deep.equal(["a-jan02", "ar-jan04", "r-jan05", "a-nodue"]);
    expect(res.body.page.totalItems).to.equal(4);
    const mine = await search("agent", { filter: { state: "CREATED", assignee: "agent" } });
    expect(of(mine)).to.deep.equal(["mine-feb"]);
  });

  it("should list a candidate group's tasks once each for a manager, with one group or several", async () => {
    expect(of(await search("manager", { filter: { candidateGroup: "agents", state: "CREATED" }, sort: byDue }))).to.deep.equal(["a-jan02", "a-manager", "ar-jan04", "a-nodue"]);
    const several = await search("manager", { filter: { candidateGroup: { $in: ["agents", "reviewers"] } }, sort: [{ field: "priority", order: "DESC" }] });
    expect(of(several)).to.deep.equal(["a-jan02", "r-jan05", "a-nodue", "a-manager", "ar-jan04"]);
    expect(several.body.page.totalItems).to.equal(5);
  });

  it("should treat a task without candidate groups as one null group, as the in-memory rule did", async () => {
    expect(of(await search("manager", { filter: { candidateGroup: { $exists: false } } }))).to.deep.equal(["mine-feb"]);
    const notSales = of(await search("manager", { filter: { candidateGroup: { $neq: "sales" } } }));
    expect(notSales).to.include("mine-feb").and.not.include("s-jan01");
  });

  it("should sort descending with tasks without a due date first, as before", async () => {
    expect(of(await search("manager", { filter: { candidateGroup: "agents" }, sort: [{ field: "dueDate", order: "DESC" }] }))).to.deep.equal(["a-nodue", "ar-jan04", "a-manager", "a-jan02"]);
  });

  it("should page on from a cursor without skipping or repeating tasks while new tasks are created before it", async () => {
    // given the first page of two of the agents' group
    const request = (page: Record<string, unknown>) => search("manager", { filter: { candidateGroup: "agents" }, sort: byDue, page: { limit: 2, ...page } });
    const first = await request({});
    expect(of(first)).to.deep.equal(["a-jan02", "a-manager"]);
    // when a task that sorts before the cursor is created, then the next page is asked for
    await start("a-dec31", { groups: ["agents"], priority: 99, dueDate: "2029-12-31T00:00:00Z", owner: null });
    const second = await request({ after: first.body.page.endCursor });
    // then it continues after the last task seen, and going back gives the tasks before the first one of this page
    expect(of(second)).to.deep.equal(["ar-jan04", "a-nodue"]);
    expect(second.body.page.totalItems).to.equal(5);
    const back = await request({ before: second.body.page.startCursor });
    expect(of(back)).to.deep.equal(["a-jan02", "a-manager"]);
    expect(of(await request({ after: second.body.page.endCursor }))).to.deep.equal([]);
  });

  it("should page by offset and by cursor across the tasks with a due date and those without, both ways", async () => {
    for (const order of ["ASC", "DESC"]) {
      const sort = [{ field: "dueDate", order }, { field: "priority", order: "DESC" }];
      const whole = of(await search("manager", { filter: { state: "CREATED" }, sort, page: { limit: 100 } }));
      expect(whole).to.include("a-nodue");
      const byOffset: unknown[] = [];
      const byCursor: unknown[] = [];
      let after: string | undefined;
      for (let from = 0; from < whole.length; from += 2) {
        byOffset.push(...of(await search("manager", { filter: { state: "CREATED" }, sort, page: { from, limit: 2 } })));
        const page = await search("manager", { filter: { state: "CREATED" }, sort, page: { limit: 2, ...(after ? { after } : {}) } });
        byCursor.push(...of(page));
        after = page.body.page.endCursor;
      }
      expect(byOffset, order).to.deep.equal(whole);
      expect(byCursor, order).to.deep.equal(whole);
      expect(whole.indexOf("a-nodue"), order).to.equal(order === "ASC" ? whole.length - 1 : 0);
    }
  });

  it("should refuse with 400 a cursor that is not one, or one of a search with another sort", async () => {
    for (const after of ["nope", Buffer.from("k:[1,2,3,4,5]").toString("base64")]) {
      const res = await search("manager", { filter: { candidateGroup: "agents" }, sort: byDue, page: { after } });
      expect(res.status, after).to.equal(400);
    }
  });

  it("should refuse an $in list of more than 1000 values with 400 naming the limit", async () => {
    const res = await search("manager", { filter: { candidateGroup: { $in: Array.from({ length: 1001 }, (_, i) => `g${i}`) } } });
    expect(res.status).to.equal(400);
    expect(res.body.detail).to.equal("Expected 'candidateGroup.$in' to list at most 1000 values, but found 1001");
  });

  it("should keep the projection in step when a task is claimed and completed", async () => {
    const [key] = [...names].find(([, n]) => n === "r-jan05")!;
    expect((await api.call("POST", `/v2/user-tasks/${key}/assignment`, { as: "agent", body: { assignee: "agent" } })).status).to.equal(204);
    expect(of(await search("agent", { filter: { state: "CREATED", assignee: { $exists: false } }, sort: byDue }))).to.not.include("r-jan05");
    expect((await api.call("POST", `/v2/user-tasks/${key}/completion`, { as: "agent", body: {} })).status).to.equal(204);
    expect(of(await search("manager", { filter: { candidateGroup: "reviewers", state: "COMPLETED" } }))).to.deep.equal(["r-jan05"]);
    expect(of(await search("agent", { filter: { state: "CREATED" }, sort: byDue }))).to.not.include("r-jan05");
  });
});
