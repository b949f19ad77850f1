import { expect } from "chai";
import path from "node:path";
import { ConfigError, isLoopbackHost, loadConfig } from "../src/config.js";

describe("configuration", () => {
  it("should default to port 3000, ./data and synchronous FULL", () => {
    // when
    const config = loadConfig({}, "/srv/app");
    // then
    expect(config.port).to.equal(3000);
    expect(config.dataDir).to.equal(path.resolve("/srv/app/data"));
    expect(config.databasePath).to.equal(path.resolve("/srv/app/data/dossier.sqlite"));
    expect(config.synchronous).to.equal("FULL");
    expect(config.processesDir).to.equal(path.resolve("/srv/app/processes"));
  });

  it("should read PORT, DATA_DIR and SQLITE_SYNCHRONOUS from the environment", () => {
    const config = loadConfig({ PORT: "8080", DATA_DIR: "/var/dossier", SQLITE_SYNCHRONOUS: "normal" }, "/srv/app");
    expect(config.port).to.equal(8080);
    expect(config.dataDir).to.equal("/var/dossier");
    expect(config.synchronous).to.equal("NORMAL");
  });

  it("should refuse a bad value, naming the variable, what was expected and what was found", () => {
    expect(() => loadConfig({ PORT: "eighty" })).to.throw(ConfigError, "PORT: expected a whole number from 0 to 65535, but found 'eighty'");
    expect(() => loadConfig({ SQLITE_SYNCHRONOUS: "fast" })).to.throw(ConfigError, "SQLITE_SYNCHRONOUS: expected one of OFF, NORMAL, FULL, EXTRA, but found 'fast'");
  });

  it("should read TRUST_PROXY as express's `trust proxy`: off by default, hops, or the proxies' addresses", () => {
    expect(loadConfig({}).trustProxy).to.equal(false);
    expect(loadConfig({ TRUST_PROXY: "false" }).trustProxy).to.equal(false);
    expect(loadConfig({ TRUST_PROXY: "true" }).trustProxy).to.equal(true);
    expect(loadConfig({ TRUST_PROXY: "1" }).trustProxy).to.equal(1);
    expect(loadConfig({ TRUST_PROXY: "loopback, 10.0.0.0/8, fd00::1" }).trustProxy).to.deep.equal(["loopback", "10.0.0.0/8", "fd00::1"]);
    expect(() => loadConfig({ TRUST_PROXY: "10.0.0.0/8, my-proxy" })).to.throw(ConfigError, "TRUST_PROXY: expected false, true, a number of proxy hops (1 to 10), or the proxies' addresses, subnets or loopback/linklocal/uniquelocal, comma-separated, but found 'my-proxy'");
  });

  it("should give API tokens 90 days by default, TOKEN_EXPIRY_DAYS otherwise", () => {
    expect(loadConfig({}).tokenExpiryDays).to.equal(90);
    expect(loadConfig({ TOKEN_EXPIRY_DAYS: "7" }).tokenExpiryDays).to.equal(7);
    expect(() => loadConfig({ TOKEN_EXPIRY_DAYS: "0" })).to.throw(ConfigError, "TOKEN_EXPIRY_DAYS: expected a whole number from 1 to 3650, but found '0'");
  });

  it("should tell loopback hosts from the others", () => {
    expect(["127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]", "::ffff:127.0.0.1"].filter((h) => !isLoopbackHost(h))).to.deep.equal([]);
    expect(["0.0.0.0", "::", "192.168.1.10", "dossier.example"].filter(isLoopbackHost)).to.deep.equal([]);
  });
});
