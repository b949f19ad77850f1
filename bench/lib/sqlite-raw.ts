/**
 * The floor under every durable number: single-row INSERT transactions per second with WAL and
 * synchronous=FULL, on the same filesystem as the engine's database (os.tmpdir()). Each transaction
 * ends in an fsync, so this is roughly the device's fsync rate; the engine's group commit is what
 * lifts durable instances/s above it.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { timeBoxed, type RunResult } from "./measure.js";

/** Measures for `seconds`, then closes the database and removes its directory. */
export async function commitRate(seconds: number): Promise<RunResult> {
  const dir = mkdtempSync(path.join(tmpdir(), "dossier-bench-raw-"));
  const db = new Database(path.join(dir, "raw.sqlite"));
  try {
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = FULL");
    db.exec(`CREATE TABLE t (id INTEGER PRIMARY KEY, created_at INTEGER NOT NULL, payload TEXT NOT NULL)`);
    const insert = db.prepare(`INSERT INTO t (created_at, payload) VALUES (?, ?)`);
    const oneRow = db.transaction((i: number) => insert.run(i, `row ${i}`));
    let i = 0;
    const r = await timeBoxed(seconds, async () => {
      for (let k = 0; k < 20; k++) oneRow(i++);
      return 20;
    });
    return { ...r, commits: r.count };
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export function sqliteVersion(): string {
  const db = new Database(":memory:");
  try {
    return (db.prepare("SELECT sqlite_version() AS v").get() as { v: string }).v;
  } finally {
    db.close();
  }
}

/** Filesystem type of the directory's mount (Linux /proc/mounts), to tell a real disk from tmpfs. */
export function filesystemOf(dir: string): string {
  try {
    let best = { mount: "", type: "unknown", device: "" };
    for (const line of readFileSync("/proc/mounts", "utf8").split("\n")) {
      const [device, mount, type] = line.split(" ");
      if (!device || !mount || !type) continue;
      const within = dir === mount || dir.startsWith(mount.endsWith("/") ? mount : `${mount}/`);
      if (within && mount.length >= best.mount.length) best = { mount, type, device };
    }
    return `${best.type} (${best.device} on ${best.mount})`;
  } catch {
    return "unknown";
  }
}
