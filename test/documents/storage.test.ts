import { expect } from "chai";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, utimesSync, writeFileSync } from "node:fs";
import path from "node:path";
import { DocumentLibrary } from "../../src/documents/library.js";
import { startHarness, DOCUMENT_TYPES, type Harness } from "./harness.js";
import { pdf, png } from "./fixtures.js";

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");
const HOUR = 60 * 60_000;

describe("documents: storage, crash safety and the orphan sweeper", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ limits: { sweepGraceMs: HOUR } });
    h.dossier("CLI-1");
  });
  afterEach(() => h.close());

  /** What a crash between "file durable" and "row committed" leaves: the file in place, no row. */
  async function orphan(bytes: Buffer, ageMs: number): Promise<string> {
    const temp = await h.library.stage(bytes, "orphan.bin");
    await h.library.store.commit(temp.path, temp.sha256);
    h.library.store.unpin(temp.sha256);
    const file = h.library.store.pathOf(temp.sha256);
    const t = new Date(Date.now() - ageMs);
    utimesSync(file, t, t);
    return file;
  }

  function tempFile(name: string, ageMs: number): string {
    const file = path.join(h.library.store.tmpDir, name);
    writeFileSync(file, "half an upload");
    const t = new Date(Date.now() - ageMs);
    utimesSync(file, t, t);
    return file;
  }

  it("should sweep files without a row and temporary files once older than the grace period, and nothing else", async () => {
    // given an old orphan, a fresh orphan, an old stored document, an old and a fresh temporary file
    const old = await orphan(pdf(["orphelin"]), 2 * HOUR);
    const fresh = await orphan(pdf(["en cours"]), 60_000);
    const kept = await h.upload("CLI-1", [["garde.png", png()]]);
    const keptFile = h.library.store.pathOf(kept.body.items[0].versions[0].sha256);
    utimesSync(keptFile, new Date(Date.now() - 3 * HOUR), new Date(Date.now() - 3 * HOUR));
    const oldTemp = tempFile("1-dead.part", 2 * HOUR);
    const freshTemp = tempFile("2-live.part", 1000);
    // when the sweeper runs
    const result = await h.library.sweep();
    // then only the old orphan and the old temporary file are gone
    expect(result).to.deep.equal({ orphans: 1, temporary: 1 });
    expect([existsSync(old), existsSync(fresh), existsSync(keptFile), existsSync(oldTemp), existsSync(freshTemp)]).to.deep.equal([false, true, true, false, true]);
    expect((await h.call("GET", `/documents/${kept.body.items[0].id}/content`)).status).to.equal(200);
  });

  it("should never sweep a file whose row is committing (pinned), nor an old orphan that an upload just reused", async () => {
    const bytes = pdf(["pièce réutilisée"]);
    const file = await orphan(bytes, 2 * HOUR);
    // pinned: an upload of those bytes is between "file durable" and "row committed"
    h.library.store.pin(sha(bytes));
    expect((await h.library.sweep()).orphans).to.equal(0);
    h.library.store.unpin(sha(bytes));
    // reused: storing the same bytes again touches the old file, so the grace period protects it
    const temp = await h.library.stage(bytes, "again.pdf");
    expect(await h.library.store.commit(temp.path, temp.sha256)).to.deep.equal({ created: false });
    h.library.store.unpin(temp.sha256);
    expect((await h.library.sweep()).orphans).to.equal(0);
    expect(existsSync(file)).to.equal(true);
  });

  it("should sweep at start what a crash left behind", async () => {
    const file = await orphan(pdf(["crash"]), 2 * HOUR);
    const dead = tempFile("3-crash.part", 2 * HOUR);
    const restarted = new DocumentLibrary({
      db: h.db, engine: h.t.engine, dataDir: h.t.dir, journal: h.journal, events: h.events, now: () => Date.now(),
      limits: { sweepGraceMs: HOUR, sweepIntervalMs: 0 }, documentTypesOf: (d) => DOCUMENT_TYPES[d.typeId] ?? [],
    });
    restarted.start();
    for (let i = 0; i < 100 && (existsSync(file) || existsSync(dead)); i++) await new Promise((r) => setTimeout(r, 20));
    await restarted.stop();
    expect([existsSync(file), existsSync(dead)]).to.deep.equal([false, false]);
  });

  it("should have every file durable in place before its row exists, and a row never without its file", async () => {
    // the listener runs inside the transaction that writes the rows
    const seen: boolean[] = [];
    h.events.on((e) => {
      if (e.type !== "document.received") return;
      const { sha256 } = h.db.prepare(`SELECT sha256 FROM document_version WHERE document_id = ?`).get(e.documentId) as { sha256: string };
      seen.push(existsSync(h.library.store.pathOf(sha256)));
    });
    await h.upload("CLI-1", [["a.pdf", pdf(["a"])], ["b.png", png(2, 2, 9)], ["c.txt", Buffer.from("c")]]);
    expect(seen).to.deep.equal([true, true, true]);
    const blobs = h.db.prepare(`SELECT sha256 FROM blob`).all() as Array<{ sha256: string }>;
    expect(blobs).to.have.length(3);
    for (const b of blobs) expect(existsSync(h.library.store.pathOf(b.sha256))).to.equal(true);
  });

  it("should leave only sweepable files when the transaction fails after the files were stored", async () => {
    h.events.on(() => {
      throw new Error("disk full in the middle of the commit");
    });
    const bytes = pdf(["perdu"]);
    const res = await h.upload("CLI-1", [["perdu.pdf", bytes]]);
    expect(res.status).to.equal(500);
    expect((h.db.prepare(`SELECT COUNT(*) AS n FROM blob`).get() as any).n).to.equal(0);
    const file = h.library.store.pathOf(sha(bytes));
    expect(existsSync(file)).to.equal(true);
    expect(h.library.store.isPinned(sha(bytes))).to.equal(false);
    utimesSync(file, new Date(Date.now() - 2 * HOUR), new Date(Date.now() - 2 * HOUR));
    expect((await h.library.sweep()).orphans).to.equal(1);
    expect(readdirSync(h.library.store.tmpDir)).to.deep.equal([]);
  });

  it("should ignore what is not its own in the store directory", async () => {
    const stray = path.join(h.library.store.root, "ab", "cd");
    mkdirSync(stray, { recursive: true });
    writeFileSync(path.join(stray, "README"), "not a blob");
    utimesSync(path.join(stray, "README"), new Date(0), new Date(0));
    expect(await h.library.sweep()).to.deep.equal({ orphans: 0, temporary: 0 });
    expect(existsSync(path.join(stray, "README"))).to.equal(true);
  });
});
