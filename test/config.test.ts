import { expect } from "chai";
import path from "node:path";
import { ConfigError, loadConfig } from "../src/config.js";

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
});
