/**
 * The optional second copy (ARCHIVE_REPLICA_DIR): every deposited file copied there (same
 * content-addressed layout) before its record commits; an incident's repair puts the replica's
 * bytes back in the store once an archivist confirmed, after checking that they hash right.
 */
import { copyFile, mkdir, open, rename, rm } from "node:fs/promises";
import { existsSync } from "node:fs";
import path from "node:path";
import type { BlobStore } from "../documents/store.js";
import { syncDir } from "../documents/store.js";
import { hashFile } from "./records.js";

export class Replica {
  constructor(readonly dir: string) {}

  pathOf(sha256: string): string {
    return path.join(this.dir, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  /** Copies files not there yet (temporary name, fsync, rename). */
  async copy(files: Array<{ sha256: string; path: string }>): Promise<void> {
    for (const f of files) {
      const target = this.pathOf(f.sha256);
      if (existsSync(target)) continue;
      await mkdir(path.dirname(target), { recursive: true });
      const tmp = `${target}.${process.pid}.part`;
      await copyFile(f.path, tmp);
      const h = await open(tmp, "r+");
      await h.sync();
      await h.close();
      await rename(tmp, target);
      await syncDir(path.dirname(target));
    }
  }

  /** Restores the store's copy of `sha256` from the replica; throws when the replica is missing or damaged too. */
  async restore(store: BlobStore, sha256: string): Promise<void> {
    const source = this.pathOf(sha256);
    let got: { sha256: string };
    try {
      got = await hashFile(source);
    } catch {
      throw new Error(`Expected a copy of ${sha256} in ARCHIVE_REPLICA_DIR (${source}), but there is none`);
    }
    if (got.sha256 !== sha256) throw new Error(`Expected the replica ${source} to hash to ${sha256}, but it hashes to ${got.sha256}: it is damaged too`);
    const tmp = store.tempPath();
    await copyFile(source, tmp);
    const h = await open(tmp, "r+");
    await h.sync();
    await h.close();
    const target = store.pathOf(sha256);
    await mkdir(path.dirname(target), { recursive: true });
    await rm(target, { force: true });
    await rename(tmp, target);
    await syncDir(path.dirname(target));
  }
}
