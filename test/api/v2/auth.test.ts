import { expect } from "chai";
import { startApiServer, type ApiServer } from "./server.js";

/** Signing in: HTTP Basic, API tokens, browser sessions with CSRF protection, throttling. */
describe("/v2 authentication", () => {
  let api: ApiServer;
  before(async () => {
    api = await startApiServer();
  });
  after(() => api.stop());

  const login = (username: string, password: string, cookie?: string) =>
    fetch(`${api.base}/auth/login`, { method: "POST", headers: { "content-type": "application/json", ...(cookie ? { cookie } : {}) }, body: JSON.stringify({ username, password }) });
  const cookieOf = (res: Response) => (res.headers.get("set-cookie") ?? "").split(";")[0]!;

  it("should refuse a request without credentials with 401 and a problem", async () => {
    const res = await api.call("POST", "/v2/process-instances/search", { as: "", body: {} });
    expect(res.status).to.equal(401);
    expect(res.type).to.contain("application/problem+json");
    expect(res.headers.get("www-authenticate")).to.contain("Basic");
  });

  it("should refuse a wrong password with 401", async () => {
    const res = await fetch(`${api.base}/v2/topology`, { headers: { authorization: `Basic ${Buffer.from("agent:wrong").toString("base64")}` } });
    expect(res.status).to.equal(401);
  });

  it("should sign a browser in with an HttpOnly, SameSite=Lax session cookie and a CSRF token", async () => {
    // when
    const res = await login("agent", "agent");
    // then
    expect(res.status).to.equal(200);
    const setCookie = res.headers.get("set-cookie") ?? "";
    expect(setCookie).to.match(/^dossier_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax$/);
    const body = (await res.json()) as { username: string; roles: string[]; groups: string[]; csrfToken: string };
    expect(body).to.include({ username: "agent" });
    expect(body.roles).to.deep.equal(["agent"]);
    expect(body.groups).to.deep.equal(["agents", "reviewers"]);
    expect(body.csrfToken).to.have.length.greaterThan(20);
    // and the cookie alone signs GET requests in
    const me = await fetch(`${api.base}/v2/authentication/me`, { headers: { cookie: cookieOf(res) } });
    expect(((await me.json()) as { username: string }).username).to.equal("agent");
  });

  it("should give a new session id at every sign-in and end the previous one", async () => {
    const first = cookieOf(await login("agent", "agent"));
    const second = cookieOf(await login("agent", "agent", first));
    expect(second).to.not.equal(first);
    expect((await fetch(`${api.base}/auth/session`, { headers: { cookie: first } })).status).to.equal(401);
    expect((await fetch(`${api.base}/auth/session`, { headers: { cookie: second } })).status).to.equal(200);
  });

  it("should refuse a state-changing request by cookie without the CSRF token", async () => {
    const res = await login("manager", "manager");
    const cookie = cookieOf(res);
    const { csrfToken } = (await res.json()) as { csrfToken: string };
    const search = (headers: Record<string, string>) => fetch(`${api.base}/v2/process-instances/search`, { method: "POST", headers: { cookie, "content-type": "application/json", ...headers }, body: "{}" });
    const without = await search({});
    expect(without.status).to.equal(403);
    expect(((await without.json()) as { title: string }).title).to.equal("CSRF_TOKEN_MISMATCH");
    expect((await search({ "x-csrf-token": "forged" })).status).to.equal(403);
    expect((await search({ "x-csrf-token": csrfToken })).status).to.equal(200);
  });

  it("should end a session at logout", async () => {
    const res = await login("auditor", "auditor");
    const cookie = cookieOf(res);
    const { csrfToken } = (await res.json()) as { csrfToken: string };
    const out = await fetch(`${api.base}/auth/logout`, { method: "POST", headers: { cookie, "x-csrf-token": csrfToken } });
    expect(out.status).to.equal(204);
    expect(out.headers.get("set-cookie")).to.contain("Max-Age=0");
    expect((await fetch(`${api.base}/auth/session`, { headers: { cookie } })).status).to.equal(401);
  });

  it("should let a program use an API token until it is revoked", async () => {
    // given a token created by the designer
    const created = await api.call("POST", "/auth/tokens", { as: "designer", body: { name: "ci deploys" } });
    expect(created.status).to.equal(201);
    const { token, id } = created.body as { token: string; id: string };
    expect(token).to.match(/^dsr_[0-9a-f]{16}_/);
    const bearer = { authorization: `Bearer ${token}` };
    // then it acts as the designer
    const me = await fetch(`${api.base}/v2/authentication/me`, { headers: bearer });
    expect(((await me.json()) as { username: string; roles: string[] }).roles).to.deep.equal(["designer"]);
    expect((await api.call("GET", "/auth/tokens", { as: "designer" })).body.items.map((t: { name: string }) => t.name)).to.deep.equal(["ci deploys"]);
    // when it is revoked, it no longer works
    expect((await api.call("DELETE", `/auth/tokens/${id}`, { as: "designer" })).status).to.equal(204);
    expect((await fetch(`${api.base}/v2/topology`, { headers: bearer })).status).to.equal(401);
  });

  it("should slow down repeated failed sign-ins (429 with Retry-After) and log them", async () => {
    // given an account someone tries to guess the password of
    expect((await api.call("POST", "/v2/users", { body: { username: "target", password: "s3cret-pass" } })).status).to.equal(201);
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await login("target", `guess-${i}`)).status);
    // then after five failures even the right password has to wait
    expect(statuses).to.deep.equal([401, 401, 401, 401, 401, 429]);
    const locked = await login("target", "s3cret-pass");
    expect(locked.status).to.equal(429);
    expect(Number(locked.headers.get("retry-after"))).to.be.greaterThan(0);
    expect(api.logs.filter((l) => l.startsWith("failed sign-in for 'target' from"))).to.have.length(5);
    // and other accounts are not locked out
    expect((await login("auditor", "auditor")).status).to.equal(200);
  });

  it("should send security headers and no stack trace, and refuse oversized bodies with 413", async () => {
    const broken = await fetch(`${api.base}/v2/process-instances/search`, {
      method: "POST", headers: { authorization: `Basic ${Buffer.from("demo:demo").toString("base64")}`, "content-type": "application/json" }, body: "{not json",
    });
    expect(broken.status).to.equal(400);
    expect(broken.headers.get("x-content-type-options")).to.equal("nosniff");
    expect(broken.headers.get("content-security-policy")).to.contain("default-src 'self'");
    expect(broken.headers.get("x-powered-by")).to.equal(null);
    const text = await broken.text();
    expect(text).to.not.match(/at .*\.(ts|js):\d+/);
    const huge = await api.call("POST", "/v2/process-instances", { body: { processDefinitionId: "x", variables: { blob: "x".repeat(5 * 1024 * 1024) } } });
    expect(huge.status).to.equal(413);
  });

  it("should take at most 20 sign-in requests a minute from one address (429 after)", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 22; i++) {
      const res = await fetch(`${api.base}/auth/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ username: "agent" }) });
      statuses.push(res.status);
    }
    const first = statuses.indexOf(429);
    expect(first).to.be.within(1, 20);
    expect(statuses.slice(0, first).every((s) => s === 400)).to.equal(true);
    expect(statuses.slice(first).every((s) => s === 429)).to.equal(true);
  });
});
