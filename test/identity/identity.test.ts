import { expect } from "chai";
import { startTestEngine, type TestEngine } from "../helpers/engine.js";
import { bootstrapIdentity, defaultCredentials } from "../../src/identity/bootstrap.js";
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
    expect(identity.directory.users().map((u) => u.username)).to.deep.equal(["agent", "archivist", "auditor", "demo", "designer", "manager"]);
    expect(identity.directory.groups().map((g) => g.groupId)).to.deep.equal(["agents", "archivists", "reviewers", "sales"]);
    expect(identity.principal("demo", "basic")!.roles).to.deep.equal(["administrator"]);
    // a later start changes nothing
    expect(await bootstrapIdentity(identity, { ...options, adminUsername: "other" })).to.deep.equal([]);
    expect(identity.directory.users()).to.have.length(6);
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

  /** Fails sign-ins for `username` from `client` until it is locked; returns the lock's length, ms. */
  const failUntilLocked = async (username: string, client: string): Promise<number> => {
    for (;;) {
      const error = (await identity.checkPassword(username, "wrong-password", client).catch((e: unknown) => e)) as { code: string; retryAfterMs?: number };
      if (error.code === "TOO_MANY_ATTEMPTS") return error.retryAfterMs!;
    }
  };

  it("should lock a username for 1 s, 2 s, 4 s … but never more than 5 minutes", async () => {
    await identity.directory.createUser({ username: "lea", password: "pass-lea" });
    const locks: number[] = [];
    for (let i = 0; i < 12; i++) {
      // each guess from a new address, so that only the username's count grows
      locks.push(await failUntilLocked("lea", `10.1.0.${i}`));
      clock += locks[locks.length - 1]!;
    }
    expect(locks.map((ms) => ms / 1000)).to.deep.equal([1, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300]);
  });

  it("should lock an address for at most 60 s, however many sign-ins fail from it", async () => {
    // given an address that keeps failing, a new username each time, waiting out each lock
    const locks: number[] = [];
    for (let i = 0; i < 10; i++) {
      locks.push(await failUntilLocked(`guess-${i}`, "10.2.0.1"));
      clock += locks[locks.length - 1]!;
    }
    expect(Math.max(...locks)).to.equal(60_000);
    // then a real user from that address waits at most a minute
    await identity.directory.createUser({ username: "lea", password: "pass-lea" });
    await identity.checkPassword("guess-x", "nope", "10.2.0.1").catch(() => undefined);
    const refused = await identity.checkPassword("lea", "pass-lea", "10.2.0.1").catch((e: { code: string; retryAfterMs: number }) => e);
    expect(refused).to.include({ code: "TOO_MANY_ATTEMPTS" });
    expect((refused as { retryAfterMs: number }).retryAfterMs).to.be.at.most(60_000);
  });

  it("should check parallel guesses one after the other, so the sixth finds the username locked", async () => {
    await identity.directory.createUser({ username: "lea", password: "pass-lea" });
    const outcomes = await Promise.all(Array.from({ length: 10 }, (_, i) => identity.checkPassword("lea", `guess-${i}`, "10.3.0.1").then(() => "ok", (e: { code: string }) => e.code)));
    expect(outcomes).to.deep.equal([...Array(5).fill("UNAUTHENTICATED"), ...Array(5).fill("TOO_MANY_ATTEMPTS")]);
  });

  it("should never create demo accounts for an administrator with a chosen password", async () => {
    const lines = await bootstrapIdentity(identity, { adminUsername: "root", adminPassword: "a-long-secret", adminPasswordIsDefault: false, demoAccounts: true });
    expect(identity.directory.users().map((u) => u.username)).to.deep.equal(["root"]);
    expect(lines.join("\n")).to.not.contain("demo accounts");
  });

  it("should name the accounts anyone could sign in to: to be created, or still with their demo password", async () => {
    const defaults = { adminUsername: "demo", adminPassword: "demo", adminPasswordIsDefault: true, demoAccounts: true };
    expect(await defaultCredentials(identity, defaults)).to.deep.equal([
      "the administrator 'demo' would be created with the password 'demo'", "demo accounts would be created with password = username",
    ]);
    expect(await defaultCredentials(identity, { ...defaults, adminPassword: "a-long-secret", adminPasswordIsDefault: false })).to.deep.equal([]);
    // once created, until their passwords change or they are deleted
    await bootstrapIdentity(identity, defaults);
    await identity.directory.updateUser("designer", { password: "designer-chose-this" });
    identity.directory.deleteUser("manager");
    expect(await defaultCredentials(identity, defaults)).to.deep.equal(["'demo' still has the password 'demo'", "'agent' still has the password 'agent'", "'auditor' still has the password 'auditor'", "'archivist' still has the password 'archivist'"]);
  });

  it("should let an API token expire after 90 days unless its creator says otherwise", async () => {
    await identity.directory.createUser({ username: "lea", password: "pass-lea" });
    const { token, expiresAt } = identity.tokens.create("lea", "script");
    expect(expiresAt).to.equal(clock + 90 * 86_400_000);
    expect(identity.tokens.create("lea", "short", 1).expiresAt).to.equal(clock + 86_400_000);
    clock += 90 * 86_400_000 - 1;
    expect(identity.bearer(token)?.username).to.equal("lea");
    clock += 1;
    expect(identity.bearer(token)).to.equal(undefined);
  });
});
