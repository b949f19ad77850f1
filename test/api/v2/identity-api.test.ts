import { expect } from "chai";
import { startApiServer, type ApiServer } from "./server.js";

/** Managing users, groups and roles through Camunda's /v2 identity endpoints. */
describe("/v2 users, groups and roles", () => {
  let api: ApiServer;
  before(async () => {
    api = await startApiServer({ DEMO_ACCOUNTS: "false" });
  });
  after(() => api.stop());

  const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}` });

  it("should let an administrator create a user who gets the role of their group", async () => {
    // when
    expect((await api.call("POST", "/v2/users", { body: { username: "lea", password: "lea-pass-1", name: "Léa Martin", email: "lea@example.com" } })).status).to.equal(201);
    expect((await api.call("POST", "/v2/groups", { body: { groupId: "back-office", name: "Back office" } })).status).to.equal(201);
    expect((await api.call("PUT", "/v2/groups/back-office/users/lea")).status).to.equal(204);
    expect((await api.call("PUT", "/v2/roles/agent/groups/back-office")).status).to.equal(204);
    // then
    const me = await fetch(`${api.base}/v2/authentication/me`, { headers: basic("lea", "lea-pass-1") });
    expect(await me.json()).to.deep.include({ username: "lea", displayName: "Léa Martin", roles: ["agent"], groups: ["back-office"] });
    const members = await api.call("POST", "/v2/groups/back-office/users/search", { body: {} });
    expect(members.body.items).to.deep.equal([{ username: "lea" }]);
  });

  it("should refuse a second user with the same name with 409", async () => {
    const res = await api.call("POST", "/v2/users", { body: { username: "lea", password: "other-pass" } });
    expect(res.status).to.equal(409);
  });

  it("should let a user change their own password, but nobody else's", async () => {
    const own = await fetch(`${api.base}/v2/users/lea`, { method: "PUT", headers: { ...basic("lea", "lea-pass-1"), "content-type": "application/json" }, body: JSON.stringify({ password: "lea-pass-2" }) });
    expect(own.status).to.equal(200);
    expect((await fetch(`${api.base}/v2/topology`, { headers: basic("lea", "lea-pass-1") })).status).to.equal(401);
    expect((await fetch(`${api.base}/v2/topology`, { headers: basic("lea", "lea-pass-2") })).status).to.equal(200);
    const other = await fetch(`${api.base}/v2/users/demo`, { method: "PUT", headers: { ...basic("lea", "lea-pass-2"), "content-type": "application/json" }, body: JSON.stringify({ password: "hijack" }) });
    expect(other.status).to.equal(403);
  });

  it("should list the five built-in roles", async () => {
    const roles = await api.call("POST", "/v2/roles/search", { body: { sort: [{ field: "roleId" }] } });
    expect(roles.body.items.map((r: { roleId: string }) => r.roleId)).to.deep.equal(["administrator", "agent", "auditor", "designer", "manager"]);
  });

  it("should sign a deleted user out for good", async () => {
    expect((await api.call("DELETE", "/v2/users/lea")).status).to.equal(204);
    expect((await fetch(`${api.base}/v2/topology`, { headers: basic("lea", "lea-pass-2") })).status).to.equal(401);
  });
});
