import { expect } from "chai";
import { startTestEngine, type TestEngine } from "../helpers/engine.js";
import { bootstrapIdentity } from "../../src/identity/bootstrap.js";
import { Identity } from "../../src/identity/identity.js";

describe("identity: accounts, roles, sessions", () => {
  let t: TestEngine;
  let clock: number;
  let logs: string[];
  let identity: Identity;

  beforeEach(async () => {
    t = await startTestEngine();
    clock = Date.parse("2026-03-01T08:00:00Z");
    logs = [];
    identity = new Identity({ db: t.engine.store.db, now: () => clock, log: (l) => logs.push(l), sessionIdleMs: 30 * 60_000 });
  });
  afterEach(() => t.close());

  it("should create the administrator and demo accounts on first start only, with a warning about the default password", async () => {
    const options = { adminUsername: "demo", adminPassword: "demo", adminPasswordIsDefault: true, demoAccounts: true };
    const lines = await bootstrapIdentity(identity, options);
    expect(lines[0]).to.match(/^WARNING: created the administrator 'demo' with the default password 'demo'/);
    expect(identity.directory.users().map((u) => u.username)).to.deep.equal(["agent", "auditor", "demo", "designer", "manager"]);
    expect(identity.directory.groups().map((g) => g.groupId)).to.deep.equal(["agents", "reviewers", "sales"]);
    expect(identity.principal("demo", "basic")!.roles).to.deep.equal(["administrator"]);
    // a later start changes nothing
    expect(await bootstrapIdentity(identity, { ...options, adminUsername: "other" })).to.deep.equal([]);
    expect(identity.directory.users()).to.have.length(5);
  });

  it("should seed only the administrator when demo accounts are off, without printing a chosen password", async () => {
    const lines = await bootstrapIdentity(identity, { adminUsername: "root", adminPassword: "a-long-secret", adminPasswordIsDefault: false, demoAccounts: false });
    expect(lines.join("\n")).to.not.contain("a-long-secret");
    expect(identity.directory.users().map((u) => u.username)).to.deep.equal(["root"]);
    await identity.checkPassword("root", "a-long-secret", "127.0.0.1");
  });

  it("should give a user the roles of their groups", async () => {
    await identity.directory.createUser({ username: "lea", password: "pass-lea" });
    identity.directory.createGroup({ groupId: "back-office", name: "Back office" });
    identity.directory.addUserToGroup("back-office", "lea");
    identity.directory.assignRole("manager", "GROUP", "back-office");
    const lea = identity.principal("lea", "basic")!;
    expect(lea.roles).to.deep.equal(["manager"]);
    expect(lea.groups).to.deep.equal(["back-office"]);
    expect(lea.permissions.has("tasks.assign")).to.equal(true);
    expect(lea.permissions.has("definitions.deploy")).to.equal(false);
  });

  it("should end a session after the idle time, but not while it is used", async () => {
    await identity.directory.createUser({ username: "lea", password: "pass-lea" });
    const { cookie } = identity.sessions.create("lea");
    clock += 25 * 60_000;
    expect(identity.session(cookie)?.username).to.equal("lea");
    clock += 25 * 60_000;
    expect(identity.session(cookie)?.username).to.equal("lea");
    clock += 31 * 60_000;
    expect(identity.session(cookie)).to.equal(undefined);
  });

  it("should forget remembered Basic credentials when the password changes", async () => {
    await identity.directory.createUser({ username: "lea", password: "first-pass" });
    await identity.basic("lea", "first-pass", "127.0.0.1");
    await identity.directory.updateUser("lea", { password: "second-pass" });
    let error: unknown;
    await identity.basic("lea", "first-pass", "127.0.0.1").catch((e: unknown) => (error = e));
    expect((error as { code?: string }).code).to.equal("UNAUTHENTICATED");
    expect((await identity.basic("lea", "second-pass", "127.0.0.1")).username).to.equal("lea");
  });

  it("should lock a username after five failures, for longer each time, and log each failure", async () => {
    await identity.directory.createUser({ username: "lea", password: "pass-lea" });
    for (let i = 0; i < 5; i++) await identity.checkPassword("lea", "nope", "10.0.0.1").catch(() => undefined);
    const refused = await identity.checkPassword("lea", "pass-lea", "10.0.0.2").catch((e: { code: string; retryAfterMs: number }) => e);
    expect(refused).to.include({ code: "TOO_MANY_ATTEMPTS", retryAfterMs: 1000 });
    clock += 1001;
    expect((await identity.checkPassword("lea", "pass-lea", "10.0.0.2")).username).to.equal("lea");
    expect(logs.filter((l) => l.startsWith("failed sign-in for 'lea' from 10.0.0.1"))).to.have.length(5);
  });
});
