/**
 * Issue 15, reproduction 4 (DNS rebinding): only the configured host names are served. A page of
 * rebind.attacker.example whose name now resolves to 127.0.0.1 sends `Host: rebind.attacker.example`
 * and a matching Origin; it must get a 421 before any sign-in, while the loopback names, the
 * listening address, PUBLIC_URL and ALLOWED_HOSTS are served.
 */
import { expect } from "chai";
import { loadConfig, ConfigError } from "../../src/config.js";
import { isAllowedHost } from "../../src/api/http/allowed-hosts.js";
import { basic, rawRequest, startApiServer, type ApiServer } from "./support.js";

describe("security: only configured hosts are served", function () {
  this.timeout(30_000);

  describe("with the defaults", () => {
    let api: ApiServer;
    let port: number;
    before(async () => {
      api = await startApiServer();
      port = Number(new URL(api.base).port);
    });
    after(async () => {
      await api.stop();
    });

    it("should refuse to sign a rebound page in as demo/demo with 421, before authentication", async () => {
      // given the attacker's page, served from its own name that now points at 127.0.0.1
      const host = `rebind.attacker.example:${port}`;

      // when it signs in, then reads with Basic credentials
      const login = await rawRequest(api, { method: "POST", path: "/auth/login", host, headers: { origin: `http://${host}` }, body: JSON.stringify({ username: "demo", password: "demo" }) });
      const read = await rawRequest(api, { path: "/v2/topology", host, headers: { authorization: basic("demo") } });
      const open = await rawRequest(api, { path: "/v2/status", host });

      // then
      for (const res of [login, read, open]) {
        expect(res.status).to.equal(421);
        expect(res.body.title).to.equal("HOST_NOT_ALLOWED");
        expect(res.body.detail).to.contain("rebind.attacker.example");
      }
      expect(login.headers["set-cookie"]).to.equal(undefined);
    });

    it("should serve the loopback names and the listening address on the listening port", async () => {
      // given / when
      const answers = await Promise.all([`127.0.0.1:${port}`, `localhost:${port}`, `LOCALHOST:${port}`].map((host) => rawRequest(api, { path: "/v2/topology", host, headers: { authorization: basic("auditor") } })));

      // then
      expect(answers.map((a) => a.status)).to.deep.equal([200, 200, 200]);
    });

    it("should refuse a loopback name on another port, a missing Host and a malformed one", async () => {
      // given / when
      const other = await rawRequest(api, { path: "/v2/status", host: `localhost:${port + 1}` });
      const malformed = await rawRequest(api, { path: "/v2/status", host: "local host:1" });

      // then
      expect(other.status).to.equal(421);
      expect(malformed.status).to.be.oneOf([400, 421]);
      expect(isAllowedHost(undefined, "127.0.0.1", port, [])).to.equal(false);
    });
  });

  describe("with PUBLIC_URL and ALLOWED_HOSTS", () => {
    let api: ApiServer;
    before(async () => {
      api = await startApiServer({ PUBLIC_URL: "https://dossier.example.com", ALLOWED_HOSTS: "intranet.local:8443, .dossier.example.org" });
    });
    after(async () => {
      await api.stop();
    });

    it("should serve the public name, the allowed names and sub-domains, and nothing else", async () => {
      // given
      const hosts = ["dossier.example.com", "dossier.example.com:443", "intranet.local:8443", "eu.dossier.example.org", "dossier.example.org", "intranet.local:9000", "evil-dossier.example.org", "dossier.example.com.attacker.example"];

      // when
      const answers = await Promise.all(hosts.map((host) => rawRequest(api, { path: "/v2/status", host })));

      // then
      expect(Object.fromEntries(hosts.map((h, i) => [h, answers[i]!.status]))).to.deep.equal({
        "dossier.example.com": 204, "dossier.example.com:443": 204, "intranet.local:8443": 204, "eu.dossier.example.org": 204, "dossier.example.org": 204,
        "intranet.local:9000": 421, "evil-dossier.example.org": 421, "dossier.example.com.attacker.example": 421,
      });
    });
  });

  describe("the settings", () => {
    it("should read PUBLIC_URL and ALLOWED_HOSTS, and refuse bad values naming the variable", () => {
      // given / when
      const config = loadConfig({ PUBLIC_URL: "https://dossier.example.com:8443/", ALLOWED_HOSTS: "a.example, b.example:81" });

      // then
      expect(config.publicUrl).to.equal("https://dossier.example.com:8443");
      expect(config.allowedHosts).to.deep.equal([{ name: "a.example" }, { name: "b.example", port: 81 }, { name: "dossier.example.com", port: 8443 }]);
      expect(loadConfig({}).allowedHosts).to.deep.equal([]);
      expect(() => loadConfig({ PUBLIC_URL: "dossier.example.com" })).to.throw(ConfigError, /^PUBLIC_URL: expected an http:\/\/ or https:\/\/ address/);
      expect(() => loadConfig({ ALLOWED_HOSTS: "a b" })).to.throw(ConfigError, /^ALLOWED_HOSTS: expected comma-separated host names .* but found 'a b'/);
    });

    it("should read the limits, with their defaults", () => {
      // given / when
      const defaults = loadConfig({}).limits;
      const set = loadConfig({ MAX_VARIABLE_BYTES: "2048", FEEL_TIMEOUT_MS: "50", MAX_COLLECTION_ITEMS: "10" }).limits;

      // then
      expect(defaults).to.include({ maxVariableBytes: 1024 * 1024, maxVariableDepth: 64, maxCollectionItems: 1000, feelTimeoutMs: 100, bpmnMaxNameLength: 1000 });
      expect(set).to.include({ maxVariableBytes: 2048, feelTimeoutMs: 50, maxCollectionItems: 10 });
      expect(() => loadConfig({ FEEL_TIMEOUT_MS: "0" })).to.throw(ConfigError, /^FEEL_TIMEOUT_MS: expected a whole number from 1 to 60000, but found '0'/);
    });
  });
});
