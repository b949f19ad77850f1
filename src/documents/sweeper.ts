/**
 * The orphan sweeper: removes stored files that no `blob` row references (a crash or a rolled back
 * transaction between "file durable" and "row committed") and leftover temporary files, once they
 * are older than the grace period. A file whose row is committing is never removed: the store pins
 * its hash for that time, a re-upload of the same bytes touches it, and the check (pin, age, row)
 * and the unlink happen synchronously, so no upload can slip in between.
 */
import { promises as fsp } from "node:fs";
import path from "node:path";
import type Database from "better-sqlite3";
import { SHA256, type BlobStore } from "./store.js";

export interface SweepResult {
  orphans: number;
  temporary: number;
}

const HEX2 = /^[0-9a-f]{2}$/;

export class Sweeper {
  private readonly hasBlob: Database.Statement;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<SweepResult> | undefined;

  constructor(
    private readonly db: Database.Database,
    private readonly store: BlobStore,
    private readonly options: { graceMs: number; intervalMs: number; now: () => number; log: (m: string) => void },
  ) {
    this.hasBlob = db.prepare(`SELECT 1 FROM blob WHERE sha256 = ?`);
  }

  /** Sweeps now and then every interval (0: only now). */
  start(): void {
    this.run();
    if (this.options.intervalMs > 0 && !this.timer) {
      this.timer = setInterval(() => this.run(), this.options.intervalMs);
      this.timer.unref();
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  private run(): void {
    if (this.running) return;
    this.running = this.sweep().finally(() => (this.running = undefined));
    void this.running.then(
      (r) => {
        if (r.orphans || r.temporary) this.options.log(`documents: swept ${r.orphans} orphan file(s) and ${r.temporary} temporary file(s)`);
      },
      (error: Error) => this.options.log(`documents: the sweep failed: ${error.message}`),
    );
  }

  /** One pass over the store. */
  async sweep(): Promise<SweepResult> {
    const result: SweepResult = { orphans: 0, temporary: 0 };
    const cutoff = () => this.options.now() - this.options.graceMs;
    for (const name of await list(this.store.tmpDir)) {
      const file = path.join(this.store.tmpDir, name);
      const mtime = this.store.mtimeOf(file);
      if (mtime !== undefined && mtime < cutoff()) {
        await fsp.rm(file, { force: true });
        result.temporary++;
      }
    }
    for (const a of (await list(this.store.root)).filter((n) => HEX2.test(n))) {
      for (const b of (await list(path.join(this.store.root, a))).filter((n) => HEX2.test(n))) {
        const dir = path.join(this.store.root, a, b);
        for (const sha of await list(dir)) {
          if (!SHA256.test(sha)) continue;
          const file = path.join(dir, sha);
          const stat = await fsp.stat(file).catch(() => undefined);
          if (!stat || stat.mtimeMs >= cutoff()) continue;
          if (this.removeIfOrphan(sha, file)) result.orphans++;
        }
      }
    }
    return result;
  }

  /** Synchronous from the checks to the unlink: nothing can pin or reference the file in between. */
  private removeIfOrphan(sha: string, file: string): boolean {
    if (this.store.isPinned(sha)) return false;
    const mtime = this.store.mtimeOf(file);
    if (mtime === undefined || mtime >= this.options.now() - this.options.graceMs) return false;
    if (this.hasBlob.get(sha)) return false;
    this.store.remove(file);
    return true;
  }
}

async function list(dir: string): Promise<string[]> {
  try {
    return await fsp.readdir(dir);
  } catch {
    return [];
  }
}
