import { expect } from "chai";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { MIGRATIONS } from "../../migrations/index.js";
import { openDatabase } from "../../src/persistence/data-source.js";

describe("database schema", () => {
  let dir: string;

  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), "schema-"));
  });

  after(() => rmSync(dir, { recursive: true, force: true }));

  it("should create the schema from the migrations only, matching the entities exactly", async () => {
    // given a fresh database file
    const { dataSource } = await openDatabase({ path: path.join(dir, "a.sqlite") });
    try {
      // when TypeORM compares the entities with the migrated schema
      const pending = await dataSource.driver.createSchemaBuilder().log();
      // then there is nothing to change: no drift between entities and migrations
      expect(pending.upQueries.map((q) => q.query)).to.deep.equal([]);
    } finally {
      await dataSource.destroy();
    }
  });

  it("should use WAL and the requested synchronous mode", async () => {
    // given
    const { dataSource, db } = await openDatabase({ path: path.join(dir, "b.sqlite"), synchronous: "FULL" });
    try {
      // then
      expect(db.pragma("journal_mode", { simple: true })).to.equal("wal");
      expect(db.pragma("synchronous", { simple: true })).to.equal(2); // FULL
      expect(db.pragma("integrity_check", { simple: true })).to.equal("ok");
    } finally {
      await dataSource.destroy();
    }
  });

  it("should apply each migration once across restarts", async () => {
    // given a database opened twice
    const file = path.join(dir, "c.sqlite");
    await (await openDatabase({ path: file })).dataSource.destroy();
    const { dataSource, db } = await openDatabase({ path: file });
    try {
      // then
      const rows = db.prepare("SELECT name FROM migrations").all() as Array<{ name: string }>;
      expect(rows.map((r) => r.name)).to.deep.equal(MIGRATIONS.map((m) => m.name));
    } finally {
      await dataSource.destroy();
    }
  });
});
