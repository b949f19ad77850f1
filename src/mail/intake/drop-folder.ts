/**
 * The embedded intake without a mail server: DATA_DIR/mail/inbox/ takes .eml files (any file not
 * starting with a dot: write to `.name` then rename, so that a half-written file is never read).
 * Each file is identified by its SHA-256; after its transaction it is moved to processed/ (or
 * failed/ when quarantined). A crash between the commit and the move leaves it in inbox/, and the
 * next scan finds it recorded and only moves it.
 */
import { createHash } from "node:crypto";
import { promises as fsp } from "node:fs";
import path from "node:path";
import type { MailProcessor } from "./processor.js";

export class DropFolder {
  readonly inbox: string;
  readonly processed: string;
  readonly failed: string;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<number> | undefined;

  constructor(root: string, private readonly processor: MailProcessor, private readonly log: (m: string) => void) {
    this.inbox = path.join(root, "inbox");
    this.processed = path.join(root, "processed");
    this.failed = path.join(root, "failed");
  }

  async start(intervalMs: number): Promise<void> {
    for (const d of [this.inbox, this.processed, this.failed]) await fsp.mkdir(d, { recursive: true });
    if (intervalMs > 0) {
      this.timer = setInterval(() => void this.scan().catch((e: Error) => this.log(`mail intake: drop folder: ${e.message}`)), intervalMs);
      this.timer.unref();
    }
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running?.catch(() => undefined);
  }

  /** Takes in every file of inbox/ once; the number of files handled. */
  scan(): Promise<number> {
    if (!this.running) this.running = this.scanOnce().finally(() => (this.running = undefined));
    return this.running;
  }

  private async scanOnce(): Promise<number> {
    const names = (await fsp.readdir(this.inbox, { withFileTypes: true }).catch(() => [])).filter((e) => e.isFile() && !e.name.startsWith(".")).map((e) => e.name).sort();
    let n = 0;
    for (const name of names) {
      const file = path.join(this.inbox, name);
      const raw = await fsp.readFile(file).catch(() => undefined);
      if (!raw) continue;
      const sha = createHash("sha256").update(raw).digest("hex");
      const result = await this.processor.ingest({ source: "drop", sourceKey: `file:${sha}`, raw });
      await this.moveAway(file, name, result.status === "quarantined" ? this.failed : this.processed);
      n++;
    }
    return n;
  }

  private async moveAway(file: string, name: string, dir: string): Promise<void> {
    let target = path.join(dir, name);
    try {
      await fsp.access(target);
      target = path.join(dir, `${Date.now()}-${name}`);
    } catch {
      // free
    }
    await fsp.rename(file, target);
  }
}
