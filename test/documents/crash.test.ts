import { expect } from "chai";
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startHarness, type Harness } from "./harness.js";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const ROOT = path.resolve(HERE, "..", "..");

/** Runs the driver until it kills itself; its stdout lines. */
function crash(dir: string, mode: string, text: string): Promise<{ lines: string[]; signal: NodeJS.Signals | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(HERE, "crash-driver.ts"), dir, mode, text], { cwd: ROOT, stdio: ["ignore", "pipe", "inherit"] });
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    child.on("error", reject);
    child.on("exit", (_code, signal) => resolve({ lines: out.split("\n").filter(Boolean), signal }));
  });
}

describe("documents: a real crash (SIGKILL) during an upload", function () {
  this.timeout(60_000);
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ limits: { sweepGraceMs: 0 } });
    h.dossier("CLI-1");
    await h.library.stop();
  });
  afterEach(() => h.close());

  it("should leave no row and a sweepable file when killed inside the transaction, and row and file when killed after the acknowledgement", async () => {
    // killed between "file durable" and "row committed"
    const first = await crash(h.t.dir, "in-transaction", "tué pendant la transaction");
    expect(first.signal).to.equal("SIGKILL");
    const sha1 = first.lines.find((l) => l.startsWith("sha "))!.slice(4);
    expect(first.lines.some((l) => l.startsWith("acked"))).to.equal(false);
    // killed right after the upload was acknowledged
    const second = await crash(h.t.dir, "after-commit", "tué après l'accusé");
    expect(second.signal).to.equal("SIGKILL");
    const sha2 = second.lines.find((l) => l.startsWith("sha "))!.slice(4);
    const acked = Number(second.lines.find((l) => l.startsWith("acked "))!.slice(6));

    // then, read from the file as it is after the kills: the acknowledged one is all there…
    const blobs = (h.db.prepare(`SELECT sha256 FROM blob`).all() as Array<{ sha256: string }>).map((b) => b.sha256);
    expect(blobs).to.deep.equal([sha2]);
    expect(existsSync(h.library.store.pathOf(sha2))).to.equal(true);
    expect((h.db.prepare(`SELECT id FROM document`).all() as Array<{ id: number }>).map((d) => d.id)).to.deep.equal([acked]);
    expect(h.journal.verify(1)).to.deep.equal({ valid: true, entries: 1 });
    // …and the other left only a file without a row, which the sweeper removes
    expect(existsSync(h.library.store.pathOf(sha1))).to.equal(true);
    expect(await h.library.sweep()).to.deep.equal({ orphans: 1, temporary: 0 });
    expect(existsSync(h.library.store.pathOf(sha1))).to.equal(false);
    expect(existsSync(h.library.store.pathOf(sha2))).to.equal(true);
  });
});
