import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ConfigError, loadConfig } from "../../src/config.js";
import { startServer } from "../../src/main.js";

/** The server does not listen beyond this machine while anyone could guess an account's password. */
describe("start-up on a network interface (HOST)", function () {
  this.timeout(30_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "dossier-exposure-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const start = (env: Record<string, string>) =>
    startServer(loadConfig({ PORT: "0", DATA_DIR: dir, SQLITE_SYNCHRONOUS: "NORMAL", PROCESSES_DIR: path.join(dir, "none"), ...env }), () => undefined);
  const refusal = (env: Record<string, string>) => start(env).then(() => expect.fail("the server started"), (e: unknown) => e as Error);

  it("should refuse 0.0.0.0 on a first start without ADMIN_PASSWORD, naming HOST and what is wrong", async () => {
    const error = await refusal({ HOST: "0.0.0.0" });
    expect(error).to.be.instanceOf(ConfigError);
    expect(error.message).to.match(/^HOST: expected a loopback address \(127\.0\.0\.1, ::1, localhost\) while the administrator 'demo' would be created with the password 'demo' and demo accounts would be created with password = username, but found '0\.0\.0\.0'/);
  });

  it("should start on 0.0.0.0 with ADMIN_PASSWORD set, creating no demo account", async () => {
    const server = await start({ HOST: "0.0.0.0", ADMIN_USERNAME: "root", ADMIN_PASSWORD: "a-long-secret" });
    try {
      expect(server.identity.directory.users().map((u) => u.username)).to.deep.equal(["root"]);
      const me = await fetch(`http://127.0.0.1:${server.port}/v2/authentication/me`, { headers: { authorization: `Basic ${Buffer.from("root:a-long-secret").toString("base64")}` } });
      expect(me.status).to.equal(200);
    } finally {
      await server.stop();
    }
  });

  it("should refuse a later start on the network while the demo passwords are unchanged, even with ADMIN_PASSWORD set", async () => {
    // given a database first started for a try-out, on this machine only
    const local = await start({});
    await local.stop();
    // when it is started on the network
    const error = await refusal({ HOST: "0.0.0.0", ADMIN_PASSWORD: "a-long-secret" });
    // then it names every account with a guessable password
    expect(error.message).to.contain("'demo' still has the password 'demo' and 'agent' still has the password 'agent'");
  });

  it("should refuse an ADMIN_PASSWORD shorter than 8 characters", () => {
    expect(() => loadConfig({ ADMIN_PASSWORD: "short" })).to.throw(ConfigError, "ADMIN_PASSWORD: expected at least 8 characters, but found 5");
  });
});
