import { expect } from "chai";
import Database from "better-sqlite3";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { WriteLane } from "../../src/persistence/write-lane.js";

describe("write lane (group commit)", () => {
  let dir: string;
  let db: Database.Database;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "lane-"));
    db = new Database(path.join(dir, "lane.sqlite"));
    db.pragma("journal_mode = WAL");
    db.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL)");
  });

  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("should group commands submitted in the same tick into one transaction", async () => {
    // given
    const lane = new WriteLane(db);
    const insert = db.prepare("INSERT INTO t (v) VALUES (?)");
    // when
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => lane.submit(() => insert.run(`row ${i}`).lastInsertRowid)));
    // then
    expect(results).to.have.length(50);
    expect(lane.stats).to.deep.equal({ batches: 1, commands: 50 });
    expect(db.prepare("SELECT count(*) AS n FROM t").get()).to.deep.equal({ n: 50 });
  });

  it("should roll back a failing command alone and commit the others of its batch", async () => {
    // given
    const lane = new WriteLane(db);
    const insert = db.prepare("INSERT INTO t (v) VALUES (?)");
    // when
    const outcomes = await Promise.allSettled([
      lane.submit(() => insert.run("kept 1")),
      lane.submit(() => {
        insert.run("half-applied");
        throw new Error("broken invariant");
      }),
      lane.submit(() => insert.run("kept 2")),
    ]);
    // then
    expect(outcomes.map((o) => o.status)).to.deep.equal(["fulfilled", "rejected", "fulfilled"]);
    expect((outcomes[1] as PromiseRejectedResult).reason.message).to.equal("broken invariant");
    expect(db.prepare("SELECT v FROM t ORDER BY id").all()).to.deep.equal([{ v: "kept 1" }, { v: "kept 2" }]);
  });

  it("should settle a command only after its transaction committed", async () => {
    // given
    const lane = new WriteLane(db);
    const reader = new Database(path.join(dir, "lane.sqlite"), { readonly: true });
    // when
    await lane.submit(() => db.prepare("INSERT INTO t (v) VALUES ('durable')").run());
    // then: another connection sees the row as soon as the promise resolved
    expect(reader.prepare("SELECT v FROM t").all()).to.deep.equal([{ v: "durable" }]);
    reader.close();
  });

  it("should refuse commands once closed, after running what was queued", async () => {
    // given
    const lane = new WriteLane(db);
    const queued = lane.submit(() => db.prepare("INSERT INTO t (v) VALUES ('queued')").run());
    // when
    lane.close();
    // then
    await queued;
    let error: Error | undefined;
    await lane.submit(() => 1).catch((e: Error) => (error = e));
    expect(error?.message).to.equal("The write lane is closed");
    expect(db.prepare("SELECT count(*) AS n FROM t").get()).to.deep.equal({ n: 1 });
  });
});
