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

  it("should let a user change their own password, given the current one, but nobody else's", async () => {
    const put = (as: [string, string], username: string, body: unknown) =>
      fetch(`${api.base}/v2/users/${username}`, { method: "PUT", headers: { ...basic(...as), "content-type": "application/json" }, body: JSON.stringify(body) });
    // without the current password, or with a wrong one, nothing changes
    const without = await put(["lea", "lea-pass-1"], "lea", { password: "lea-pass-2" });
    expect(without.status).to.equal(400);
    expect(((await without.json()) as { detail: string }).detail).to.contain("'currentPassword'");
    const wrong = await put(["lea", "lea-pass-1"], "lea", { password: "lea-pass-2", currentPassword: "guessed-it" });
    expect(wrong.status).to.equal(403);
    expect((await fetch(`${api.base}/v2/topology`, { headers: basic("lea", "lea-pass-1") })).status).to.equal(200);
    // with it, the new password replaces the old one
    const own = await put(["lea", "lea-pass-1"], "lea", { password: "lea-pass-2", currentPassword: "lea-pass-1" });
    expect(own.status).to.equal(200);
    expect((await fetch(`${api.base}/v2/topology`, { headers: basic("lea", "lea-pass-1") })).status).to.equal(401);
    expect((await fetch(`${api.base}/v2/topology`, { headers: basic("lea", "lea-pass-2") })).status).to.equal(200);
    const other = await put(["lea", "lea-pass-2"], "demo", { password: "hijacked-demo", currentPassword: "demo" });
    expect(other.status).to.equal(403);
  });

  it("should refuse a new password shorter than 8 characters", async () => {
    const res = await api.call("POST", "/v2/users", { body: { username: "short", password: "1234567" } });
    expect(res.status).to.equal(400);
    expect(res.body.detail).to.equal("Expected a password of 8 to 1024 characters, but found 7 characters");
  });

  describe("a password change", () => {
    const login = async (username: string, password: string) => {
      const res = await fetch(`${api.base}/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username, password }) });
      expect(res.status).to.equal(200);
      const { csrfToken } = (await res.json()) as { csrfToken: string };
      return { cookie: (res.headers.get("set-cookie") ?? "").split(";")[0]!, csrfToken };
    };
    const signedIn = async (headers: Record<string, string>) => (await fetch(`${api.base}/auth/session`, { headers })).status;
    const tokenOf = async (username: string, password: string) => {
      const res = await fetch(`${api.base}/auth/tokens`, { method: "POST", headers: { ...basic(username, password), "content-type": "application/json" }, body: JSON.stringify({ name: "script" }) });
      return ((await res.json()) as { token: string }).token;
    };

    it("should end the user's other sessions and API tokens, and keep the session that made it", async () => {
      // given a user signed in on two browsers, with an API token
      expect((await api.call("POST", "/v2/users", { body: { username: "noe", password: "noe-pass-1" } })).status).to.equal(201);
      const laptop = await login("noe", "noe-pass-1");
      const phone = await login("noe", "noe-pass-1");
      const token = await tokenOf("noe", "noe-pass-1");
      expect(await signedIn({ authorization: `Bearer ${token}` })).to.equal(200);
      // when the password is changed from the laptop
      const changed = await fetch(`${api.base}/v2/users/noe`, {
        method: "PUT", headers: { cookie: laptop.cookie, "x-csrf-token": laptop.csrfToken, "content-type": "application/json" },
        body: JSON.stringify({ password: "noe-pass-2", currentPassword: "noe-pass-1" }),
      });
      expect(changed.status).to.equal(200);
      // then the laptop stays signed in; the phone and the token are out
      expect(await signedIn({ cookie: laptop.cookie })).to.equal(200);
      expect(await signedIn({ cookie: phone.cookie })).to.equal(401);
      expect(await signedIn({ authorization: `Bearer ${token}` })).to.equal(401);
      expect((await api.call("GET", "/auth/tokens", { as: "", headers: basic("noe", "noe-pass-2") })).body.items).to.deep.equal([]);
    });

    it("should let an administrator reset someone's password without theirs, ending all their sessions and tokens", async () => {
      // given a user signed in, with an API token
      expect((await api.call("POST", "/v2/users", { body: { username: "max", password: "max-pass-1" } })).status).to.equal(201);
      const session = await login("max", "max-pass-1");
      const token = await tokenOf("max", "max-pass-1");
      // when the administrator resets the password
      const reset = await api.call("PUT", "/v2/users/max", { body: { password: "max-pass-reset" } });
      expect(reset.status).to.equal(200);
      // then the old session and token no longer work, and the new password does
      expect(await signedIn({ cookie: session.cookie })).to.equal(401);
      expect(await signedIn({ authorization: `Bearer ${token}` })).to.equal(401);
      expect(await signedIn(basic("max", "max-pass-reset"))).to.equal(200);
    });
  });

  it("should list the five built-in roles", async () => {
    const roles = await api.call("POST", "/v2/roles/search", { body: { sort: [{ field: "roleId" }] } });
    expect(roles.body.items.map((r: { roleId: string }) => r.roleId)).to.deep.equal(["administrator", "agent", "archivist", "auditor", "designer", "manager"]);
  });

  it("should sign a deleted user out for good", async () => {
    expect((await api.call("DELETE", "/v2/users/lea")).status).to.equal(204);
    expect((await fetch(`${api.base}/v2/topology`, { headers: basic("lea", "lea-pass-2") })).status).to.equal(401);
  });
});
