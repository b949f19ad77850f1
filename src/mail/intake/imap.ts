/**
 * One IMAP mailbox watched with imapflow: connect, open the folder (mailboxOpen, so that auto-IDLE
 * is armed: a mailbox lock would keep it off), finish the server-side actions of mails recorded
 * before a crash, take in what the mailbox's criterion finds (unseen / unflagged / everything for
 * "move", newer than the maximum age), then wait for the server's EXISTS (IDLE) or the poll timer.
 * A failure closes the connection and retries with exponential backoff (1 s … 60 s); the state and
 * the last error are kept on the mailbox row for the UI.
 *
 * Exactly once: the mail is recorded under (mailbox, UIDVALIDITY, UID) by MailProcessor.ingest in
 * the same transaction as its effects; the flag (or move) comes after the commit and is idempotent
 * (adding \Seen twice is harmless, moving a UID already moved moves nothing); `server_done`
 * records it, and what is recorded but not done is done first at every (re)connection.
 */
import { ImapFlow } from "imapflow";
import type { Engine } from "../../engine/engine.js";
import type { FaultPoint } from "./config.js";
import type { Consume, MailProcessor } from "./processor.js";
import type { IntakeStore } from "./store.js";

export interface MailboxSettings {
  id: number;
  host: string;
  port: number;
  tls: boolean;
  username: string;
  password: string;
  folder: string;
  afterAction: "seen" | "flag" | "move";
  moveTo: string | null;
  maxAgeDays: number | null;
  consume: Consume;
}

export interface WatcherDeps {
  processor: MailProcessor;
  store: IntakeStore;
  engine: Engine;
  log: (m: string) => void;
  pollMs: number;
  idleDelayMs: number;
  fault?: (point: FaultPoint) => void;
  /** MAIL_IMAP_INSECURE_TLS=1: accept a self-signed certificate. */
  insecureTls?: boolean;
  /** Mails fetched and taken in at once (default 25). */
  batch?: number;
}

export type WatcherState = "connecting" | "idle" | "polling" | "working" | "error" | "stopped";

const sleep = (ms: number, signal: { stopped: boolean }) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    const check = setInterval(() => signal.stopped && (clearTimeout(t), clearInterval(check), resolve()), 50);
    setTimeout(() => clearInterval(check), ms + 10);
  });

export class MailboxWatcher {
  state: WatcherState = "stopped";
  lastError: string | null = null;
  private client: ImapFlow | undefined;
  private readonly signal = { stopped: false };
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;
  private dirty = false;
  /** Mails taken in by this watcher since it started (tests, bench). */
  taken = 0;

  constructor(readonly settings: MailboxSettings, private readonly deps: WatcherDeps) {}

  start(): void {
    if (this.loop) return;
    this.signal.stopped = false;
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.signal.stopped = true;
    this.wake?.();
    const c = this.client;
    if (c) await c.logout().catch(() => c.close());
    await this.loop?.catch(() => undefined);
    this.loop = undefined;
    await this.setState("stopped", this.lastError);
  }

  /** Asks for a scan now (a UI "check now", a test). */
  poke(): void {
    this.dirty = true;
    this.wake?.();
  }

  private async setState(state: WatcherState, error: string | null): Promise<void> {
    if (this.state === state && this.lastError === error) return;
    this.state = state;
    this.lastError = error;
    await this.deps.engine.transaction((tx) => this.deps.store.setMailboxState(this.settings.id, state, error, tx.now)).catch(() => undefined);
  }

  private async run(): Promise<void> {
    let backoff = 1000;
    while (!this.signal.stopped) {
      const s = this.settings;
      const client = new ImapFlow({
        host: s.host, port: s.port, secure: s.tls, auth: { user: s.username, pass: s.password }, logger: false,
        autoIdleDelay: this.deps.idleDelayMs, connectionTimeout: 15_000, greetingTimeout: 15_000, missingIdleCommand: "NOOP",
        tls: { rejectUnauthorized: !this.deps.insecureTls },
      });
      this.client = client;
      client.on("error", (error: Error) => (this.lastError = error.message));
      client.on("exists", () => {
        this.dirty = true;
        this.wake?.();
      });
      const closed = new Promise<void>((resolve) => client.once("close", () => resolve()));
      try {
        await this.setState("connecting", this.lastError);
        await client.connect();
        const box = await client.mailboxOpen(s.folder);
        const uidValidity = String(box.uidValidity);
        await this.finishPending(client, uidValidity);
        backoff = 1000;
        this.dirty = true;
        while (!this.signal.stopped && client.usable) {
          if (this.dirty) {
            this.dirty = false;
            await this.setState("working", null);
            await this.scan(client, uidValidity);
            continue;
          }
          await this.setState(client.capabilities.has("IDLE") ? "idle" : "polling", null);
          await Promise.race([closed, new Promise<void>((resolve) => {
            this.wake = resolve;
            setTimeout(resolve, this.deps.pollMs);
          })]);
          this.wake = undefined;
          if (!this.signal.stopped) this.dirty = true;
        }
        if (!this.signal.stopped) throw new Error(this.lastError ?? "connection closed by the server");
      } catch (error) {
        if (this.signal.stopped) break;
        const message = (error as { responseText?: string }).responseText || (error as Error).message || String(error);
        await this.setState("error", `${message} (nouvel essai dans ${Math.round(backoff / 1000)} s)`);
        this.deps.log(`mail intake: mailbox ${s.username}@${s.host}: ${message}; retrying in ${backoff} ms`);
        client.close();
        await sleep(backoff, this.signal);
        backoff = Math.min(backoff * 2, 60_000);
      } finally {
        this.wake = undefined;
        if (client.usable) await client.logout().catch(() => client.close());
        this.client = undefined;
      }
    }
  }

  private criterion(): Record<string, unknown> {
    const s = this.settings;
    const q: Record<string, unknown> = s.afterAction === "seen" ? { seen: false } : s.afterAction === "flag" ? { flagged: false } : { all: true };
    if (s.maxAgeDays) q["since"] = new Date(Date.now() - s.maxAgeDays * 86_400_000);
    return q;
  }

  /** Server actions of mails recorded but not done (a crash after the commit): done now. */
  private async finishPending(client: ImapFlow, uidValidity: string): Promise<void> {
    const pending = this.deps.store.pendingOnServer(this.settings.id, uidValidity);
    if (pending.length === 0) return;
    await this.serverAction(client, pending.map((p) => p.uid!));
    await this.deps.engine.transaction(() => this.deps.store.markServerDone(pending.map((p) => p.id)));
  }

  private async scan(client: ImapFlow, uidValidity: string): Promise<void> {
    const found = await client.search(this.criterion(), { uid: true });
    const uids = (Array.isArray(found) ? found : []).sort((a, b) => a - b);
    if (uids.length === 0) return;
    const recorded = this.deps.store.recordedUids(this.settings.id, uidValidity, uids);
    const todo = uids.filter((u) => !recorded.has(u));
    const size = this.deps.batch ?? 25;
    for (let i = 0; i < todo.length && !this.signal.stopped; i += size) {
      const batch = todo.slice(i, i + size);
      const messages = await client.fetchAll(batch.join(","), { uid: true, source: true }, { uid: true });
      const results = await Promise.all(messages.map(async (m) => {
        const r = await this.deps.processor.ingest({
          source: "imap", sourceKey: `imap:${this.settings.id}:${uidValidity}:${m.uid}`, raw: m.source ?? Buffer.alloc(0),
          mailboxId: this.settings.id, uidValidity, uid: m.uid, consume: this.settings.consume,
        });
        this.deps.fault?.("after-commit");
        return { uid: m.uid, id: r.id };
      }));
      await this.serverAction(client, results.map((r) => r.uid));
      for (let k = 0; k < results.length; k++) this.deps.fault?.("after-flag");
      await this.deps.engine.transaction(() => this.deps.store.markServerDone(results.map((r) => r.id)));
      this.taken += results.length;
    }
    // Mails recorded earlier whose action did not stick (e.g. a crash before server_done): done again.
    await this.finishPending(client, uidValidity);
  }

  private async serverAction(client: ImapFlow, uids: number[]): Promise<void> {
    if (uids.length === 0) return;
    const s = this.settings;
    const range = uids.join(",");
    if (s.afterAction === "seen") await client.messageFlagsAdd(range, ["\\Seen"], { uid: true });
    else if (s.afterAction === "flag") await client.messageFlagsAdd(range, ["\\Flagged"], { uid: true });
    else {
      const target = s.moveTo || "Traités";
      try {
        await client.mailboxCreate(target);
      } catch {
        // already there
      }
      await client.messageMove(range, target, { uid: true });
    }
  }
}
