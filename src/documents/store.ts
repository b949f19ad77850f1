/**
 * Content-addressed file store: `<dataDir>/documents/ab/cd/<sha256>`, temporary files in
 * `<dataDir>/documents/tmp` (same filesystem, so the final rename is atomic). "Files before rows":
 * a file is written to a temporary name, fsynced, renamed to its SHA-256 and its directory fsynced
 * before the row that references it commits. The same bytes are stored once; files are never
 * rewritten (read-only once in place).
 *
 * Pins keep the sweeper off a file whose row is about to commit: `commit()` pins the hash
 * (synchronously) before it looks at the disk, and the caller unpins it once its transaction
 * settled. The sweeper's check-and-delete is synchronous, so it runs entirely before the pin (and
 * commit() then finds no file and renames its own) or sees the pin and keeps the file.
 */
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, promises as fsp, statSync, unlinkSync } from "node:fs";
import path from "node:path";

export const SHA256 = /^[0-9a-f]{64}$/;

export class BlobStore {
  readonly root: string;
  readonly tmpDir: string;
  private readonly pins = new Map<string, number>();

  constructor(dataDir: string) {
    this.root = path.join(dataDir, "documents");
    this.tmpDir = path.join(this.root, "tmp");
    mkdirSync(this.tmpDir, { recursive: true });
  }

  /** Where the file with this hash lives. */
  pathOf(sha256: string): string {
    if (!SHA256.test(sha256)) throw new Error(`Expected a SHA-256 in hex, but found '${sha256}'`);
    return path.join(this.root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  has(sha256: string): boolean {
    return existsSync(this.pathOf(sha256));
  }

  /** A fresh temporary file name in the store's filesystem. */
  tempPath(): string {
    return path.join(this.tmpDir, `${Date.now()}-${randomBytes(8).toString("hex")}.part`);
  }

  /**
   * Makes the (already fsynced) temporary file the durable copy of `sha256`: renamed into place and
   * its directory fsynced, or, when those bytes are stored already, the temporary file dropped and
   * the existing one touched (so a sweeper in another process also sees it as fresh). Pins the hash
   * first, synchronously, so the sweeper keeps its hands off from here on: call `unpin` once the
   * row that references it committed or rolled back.
   */
  async commit(tempPath: string, sha256: string): Promise<{ created: boolean }> {
    const target = this.pathOf(sha256);
    this.pin(sha256);
    try {
      if (existsSync(target)) {
        const now = new Date();
        await fsp.utimes(target, now, now);
        await fsp.rm(tempPath, { force: true });
        return { created: false };
      }
      const dir = path.dirname(target);
      await this.ensureDir(dir);
      await fsp.chmod(tempPath, 0o444);
      await fsp.rename(tempPath, target);
      await syncDir(dir);
      return { created: true };
    } catch (error) {
      this.unpin(sha256);
      throw error;
    }
  }

  pin(sha256: string): void {
    this.pins.set(sha256, (this.pins.get(sha256) ?? 0) + 1);
  }

  unpin(sha256: string): void {
    const n = (this.pins.get(sha256) ?? 0) - 1;
    if (n <= 0) this.pins.delete(sha256);
    else this.pins.set(sha256, n);
  }

  isPinned(sha256: string): boolean {
    return this.pins.has(sha256);
  }

  /** Removes a file now (the sweeper only). */
  remove(file: string): void {
    unlinkSync(file);
  }

  mtimeOf(file: string): number | undefined {
    try {
      return statSync(file).mtimeMs;
    } catch {
      return undefined;
    }
  }

  /** mkdir -p, fsyncing each parent whose entry was created, so the new directories survive a crash. */
  private async ensureDir(dir: string): Promise<void> {
    if (existsSync(dir)) return;
    const parent = path.dirname(dir);
    await this.ensureDir(parent);
    try {
      await fsp.mkdir(dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    await syncDir(parent);
  }
}

/** fsync of a directory (its entries: a rename or a new file in it). */
export async function syncDir(dir: string): Promise<void> {
  const handle = await fsp.open(dir, "r");
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
