import { expect } from "chai";
import { startApiServer, type ApiServer } from "./server.js";

/**
 * Password guessing over HTTP, in parallel as an attacker would. The server trusts the loopback
 * proxy (TRUST_PROXY=loopback), so each spec comes from its own X-Forwarded-For address.
 */
describe("/v2 sign-in throttling under parallel guesses", function () {
  this.timeout(60_000);
  let api: ApiServer;
  before(async () => {
    api = await startApiServer({ TRUST_PROXY: "loopback" });
    for (const username of ["target", "bystander"]) {
      expect((await api.call("POST", "/v2/users", { body: { username, password: `${username}-pass` } })).status).to.equal(201);
    }
  });
  after(() => api.stop());

  const basic = (username: string, password: string, from: string) =>
    fetch(`${api.base}/auth/session`, { headers: { authorization: `Basic ${Buffer.from(`${username}:${password}`).toString("base64")}`, "x-forwarded-for": from } });
  const count = (statuses: number[]) => statuses.reduce<Record<number, number>>((n, s) => ({ ...n, [s]: (n[s] ?? 0) + 1 }), {});

  it("should count 30 parallel wrong guesses for one user like sequential ones, and then refuse even the right password", async () => {
    // when 30 wrong Basic guesses for one user arrive at once
    const statuses = (await Promise.all(Array.from({ length: 30 }, (_, i) => basic("target", `guess-${i}`, "203.0.113.1")))).map((r) => r.status);
    // then five were checked and failed, the others were refused without a check
    expect(count(statuses)).to.deep.equal({ 401: 5, 429: 25 });
    expect(api.logs.filter((l) => l.startsWith("failed sign-in for 'target' from 203.0.113.1"))).to.have.length(5);
    // and the right password waits for the lock too
    const right = await basic("target", "target-pass", "203.0.113.1");
    expect(right.status).to.equal(429);
    expect(Number(right.headers.get("retry-after"))).to.be.within(1, 300);
  });

  it("should count parallel guesses over many usernames from one address, lock that address at most 60 s, and leave other addresses alone", async () => {
    // when one address tries 30 usernames at once
    const statuses = (await Promise.all(Array.from({ length: 30 }, (_, i) => basic(`nobody-${i}`, "password1", "203.0.113.2")))).map((r) => r.status);
    // then twenty were checked, the rest refused, and the address is locked briefly, for every user
    expect(count(statuses)).to.deep.equal({ 401: 20, 429: 10 });
    const locked = await basic("bystander", "bystander-pass", "203.0.113.2");
    expect(locked.status).to.equal(429);
    expect(Number(locked.headers.get("retry-after"))).to.be.within(1, 60);
    // but the same user from another address signs in
    expect((await basic("bystander", "bystander-pass", "203.0.113.3")).status).to.equal(200);
  });

  it("should believe X-Forwarded-Proto only from a trusted proxy (Secure session cookie)", async () => {
    const login = (headers: Record<string, string>) =>
      fetch(`${api.base}/auth/login`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ username: "bystander", password: "bystander-pass" }) });
    const viaProxy = await login({ "x-forwarded-proto": "https", "x-forwarded-for": "203.0.113.4" });
    expect(viaProxy.status).to.equal(200);
    expect(viaProxy.headers.get("set-cookie")).to.match(/; Secure$/);
  });
});

describe("/v2 sign-in without TRUST_PROXY", () => {
  let api: ApiServer;
  before(async () => {
    api = await startApiServer();
  });
  after(() => api.stop());

  it("should ignore X-Forwarded-For and X-Forwarded-Proto: the client is the connection's address", async () => {
    const login = (username: string, password: string, headers: Record<string, string>) =>
      fetch(`${api.base}/auth/login`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ username, password }) });
    // given a sign-in claiming https: the cookie is not marked Secure (the connection is plain http)
    const signedIn = await login("agent", "agent", { "x-forwarded-proto": "https" });
    expect(signedIn.status).to.equal(200);
    expect(signedIn.headers.get("set-cookie")).to.not.contain("Secure");
    // and an address that failed 20 times while claiming to be 20 different clients
    for (let i = 0; i < 20; i++) {
      const res = await fetch(`${api.base}/auth/session`, { headers: { authorization: `Basic ${Buffer.from(`nobody-${i}:guess`).toString("base64")}`, "x-forwarded-for": `198.51.100.${i}` } });
      expect(res.status).to.equal(401);
    }
    // when it signs in claiming yet another address
    const res = await login("agent", "agent", { "x-forwarded-for": "198.51.100.99" });
    // then it is the same, now locked, address
    expect(res.status).to.equal(429);
    expect(api.logs.filter((l) => l.startsWith("failed sign-in for 'nobody-") && / from (::ffff:)?127\.0\.0\.1 /.test(l))).to.have.length(20);
  });
});
