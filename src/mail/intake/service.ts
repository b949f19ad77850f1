/** The intake put together: store, processor, watchers, drop folder, mailbox and rule administration, dry run. */
import path from "node:path";
import type { Domain } from "../../dossiers/domain.js";
import { DossierError, type FieldProblem } from "../../dossiers/errors.js";
import { dossierById } from "../../dossiers/rows.js";
import type { SentMailLedger } from "../api.js";
import type { FaultPoint, IntakeConfig } from "./config.js";
import { DropFolder } from "./drop-folder.js";
import { MailboxWatcher, type MailboxSettings } from "./imap.js";
import { readMail } from "./parse.js";
import { factsOf, MailProcessor } from "./processor.js";
import { checkRule, describeAction, matches } from "./rules.js";
import type { SecretBox } from "./secret.js";
import { IntakeStore, type InboundRow, type MailboxRow } from "./store.js";

export interface IntakeServiceOptions {
  domain: Domain;
  sent: SentMailLedger;
  config: IntakeConfig;
  dataDir: string;
  secrets: SecretBox;
  log: (m: string) => void;
}

export class IntakeService {
  readonly store: IntakeStore;
  readonly processor: MailProcessor;
  readonly drop: DropFolder;
  readonly watchers = new Map<number, MailboxWatcher>();
  private readonly faults = new Map<FaultPoint, number>();
  private started = false;

  constructor(private readonly o: IntakeServiceOptions) {
    this.store = new IntakeStore(o.domain.db);
    const fault = o.config.fault;
    this.processor = new MailProcessor({
      db: o.domain.db, domain: o.domain, sent: o.sent, store: this.store, maxBytes: o.config.maxBytes, log: o.log, threadSenders: o.config.threadSenders,
      ...(fault ? { fault: (p: FaultPoint) => this.fault(p) } : {}),
    });
    this.drop = new DropFolder(path.join(o.dataDir, "mail"), this.processor, o.log);
  }

  /** Fault injection (MAIL_INTAKE_FAULT=<point>:<n>): the n-th passage at the point kills this process with SIGKILL. */
  private fault(point: FaultPoint): void {
    const f = this.o.config.fault;
    if (!f || f.point !== point) return;
    const n = (this.faults.get(point) ?? 0) + 1;
    this.faults.set(point, n);
    if (n >= f.after) process.kill(process.pid, "SIGKILL");
  }

  async start(): Promise<void> {
    this.started = true;
    await this.ensureEnvMailbox();
    await this.drop.start(this.o.config.dropIntervalMs);
    for (const m of this.store.mailboxes()) if (m.enabled) this.startWatcher(m);
    if (this.o.config.dropIntervalMs > 0) void this.drop.scan().catch((e: Error) => this.o.log(`mail intake: drop folder: ${e.message}`));
  }

  async stop(): Promise<void> {
    this.started = false;
    await Promise.all([...this.watchers.values()].map((w) => w.stop()));
    this.watchers.clear();
    await this.drop.stop();
  }

  private settingsOf(m: MailboxRow): MailboxSettings {
    return { id: m.id, host: m.host, port: m.port, tls: m.tls, username: m.username, password: this.o.secrets.open(m.passwordEnc), folder: m.folder, afterAction: m.afterAction, moveTo: m.moveTo, maxAgeDays: m.maxAgeDays, consume: m.consume };
  }

  private startWatcher(m: MailboxRow): void {
    let settings: MailboxSettings;
    try {
      settings = this.settingsOf(m);
    } catch (error) {
      void this.o.domain.engine.transaction((tx) => this.store.setMailboxState(m.id, "error", (error as Error).message, tx.now));
      return;
    }
    const w = new MailboxWatcher(settings, { processor: this.processor, store: this.store, engine: this.o.domain.engine, log: this.o.log, pollMs: this.o.config.pollMs, idleDelayMs: this.o.config.idleDelayMs, insecureTls: this.o.config.insecureTls, ...(this.o.config.fault ? { fault: (p: FaultPoint) => this.fault(p) } : {}) });
    this.watchers.set(m.id, w);
    w.start();
  }

  private async restartWatcher(id: number): Promise<void> {
    await this.watchers.get(id)?.stop();
    this.watchers.delete(id);
    const m = this.store.mailbox(id);
    if (this.started && m?.enabled) this.startWatcher(m);
  }

  /** MAIL_IMAP_URL becomes (or updates) the mailbox row of origin "env". */
  private async ensureEnvMailbox(): Promise<void> {
    const u = this.o.config.imapUrl;
    const existing = this.store.mailboxes().find((m) => m.origin === "env");
    if (!u) {
      if (existing?.enabled) await this.o.domain.engine.transaction((tx) => this.o.domain.db.prepare(`UPDATE mail_mailbox SET enabled = 0, state = 'stopped', updated_at = ? WHERE id = ?`).run(tx.now, existing.id));
      return;
    }
    const sealed = this.o.secrets.seal(u.password);
    await this.o.domain.engine.transaction((tx) => {
      if (existing) {
        this.o.domain.db.prepare(`UPDATE mail_mailbox SET host = ?, port = ?, tls = ?, username = ?, password_enc = ?, folder = ?, enabled = 1, updated_at = ? WHERE id = ?`).run(u.host, u.port, u.tls ? 1 : 0, u.username, sealed, u.folder, tx.now, existing.id);
      } else {
        this.o.domain.db.prepare(`INSERT INTO mail_mailbox (name, origin, host, port, tls, username, password_enc, folder, after_action, consume, enabled, state, created_at, updated_at) VALUES ('MAIL_IMAP_URL', 'env', ?, ?, ?, ?, ?, ?, 'seen', 'both', 1, 'stopped', ?, ?)`)
          .run(u.host, u.port, u.tls ? 1 : 0, u.username, sealed, u.folder, tx.now, tx.now);
      }
    });
  }

  mailboxViews() {
    return this.store.mailboxes().map((m) => {
      const w = this.watchers.get(m.id);
      return {
        id: m.id, name: m.name, origin: m.origin, host: m.host, port: m.port, tls: m.tls, username: m.username, folder: m.folder, afterAction: m.afterAction, moveTo: m.moveTo,
        maxAgeDays: m.maxAgeDays, consume: m.consume, enabled: m.enabled, state: w ? w.state : m.enabled ? m.state : "stopped", lastError: w ? w.lastError : m.lastError, lastCheckAt: m.lastCheckAt, version: m.version,
      };
    });
  }

  async saveMailbox(mailboxId: number | undefined, body: unknown) {
    const existing = mailboxId === undefined ? undefined : this.store.mailbox(mailboxId);
    if (mailboxId !== undefined && !existing) throw new DossierError("NOT_FOUND", `Expected a mailbox ${mailboxId}, but there is none`);
    if (existing?.origin === "env") throw new DossierError("INVALID_STATE", "Expected a mailbox configured in the UI, but this one comes from MAIL_IMAP_URL: change the environment instead");
    const b = (body && typeof body === "object" ? body : {}) as Record<string, any>;
    const p: FieldProblem[] = [];
    const str = (k: string, max: number, required = true) => {
      const v = b[k];
      if (v === undefined || v === null || v === "") {
        if (required) p.push({ field: k, message: "expected a value" });
        return null;
      }
      if (typeof v !== "string" || v.length > max) {
        p.push({ field: k, message: `expected a text of at most ${max} characters, but found ${JSON.stringify(v).slice(0, 40)}` });
        return null;
      }
      return v.trim();
    };
    const name = str("name", 128);
    const host = str("host", 256);
    const username = str("username", 320);
    const password = str("password", 1024, !existing);
    const folder = str("folder", 256, false) ?? "INBOX";
    const port = b["port"] === undefined ? (b["tls"] === false ? 143 : 993) : Number(b["port"]);
    if (!Number.isInteger(port) || port < 1 || port > 65535) p.push({ field: "port", message: `expected a port from 1 to 65535, but found ${JSON.stringify(b["port"])}` });
    const tls = b["tls"] === undefined ? true : b["tls"];
    if (typeof tls !== "boolean") p.push({ field: "tls", message: "expected true or false" });
    const afterAction = b["afterAction"] ?? "seen";
    if (!["seen", "flag", "move"].includes(afterAction)) p.push({ field: "afterAction", message: `expected seen, flag or move, but found ${JSON.stringify(afterAction)}` });
    const moveTo = str("moveTo", 256, afterAction === "move");
    const consume = b["consume"] ?? "both";
    if (!["attachments", "eml", "both"].includes(consume)) p.push({ field: "consume", message: `expected attachments, eml or both, but found ${JSON.stringify(consume)}` });
    const maxAge = b["maxAgeDays"] === undefined || b["maxAgeDays"] === null || b["maxAgeDays"] === "" ? null : Number(b["maxAgeDays"]);
    if (maxAge !== null && (!Number.isInteger(maxAge) || maxAge < 1 || maxAge > 3650)) p.push({ field: "maxAgeDays", message: `expected a number of days from 1 to 3650, but found ${JSON.stringify(b["maxAgeDays"])}` });
    const enabled = b["enabled"] === undefined ? true : b["enabled"];
    if (typeof enabled !== "boolean") p.push({ field: "enabled", message: "expected true or false" });
    if (p.length) throw new DossierError("VALIDATION_FAILED", `Expected a valid mailbox, but found ${p.length} problem(s): ${p.map((x) => `${x.field}: ${x.message}`).join("; ")}`, p);
    const sealed = password ? this.o.secrets.seal(password) : existing!.passwordEnc;
    const db = this.o.domain.db;
    const savedId = await this.o.domain.engine.transaction((tx) => {
      if (existing) {
        db.prepare(`UPDATE mail_mailbox SET name = ?, host = ?, port = ?, tls = ?, username = ?, password_enc = ?, folder = ?, after_action = ?, move_to = ?, max_age_days = ?, consume = ?, enabled = ?, updated_at = ?, version = version + 1 WHERE id = ?`)
          .run(name, host, port, tls ? 1 : 0, username, sealed, folder, afterAction, moveTo, maxAge, consume, enabled ? 1 : 0, tx.now, existing.id);
        return existing.id;
      }
      return Number(db.prepare(`INSERT INTO mail_mailbox (name, origin, host, port, tls, username, password_enc, folder, after_action, move_to, max_age_days, consume, enabled, state, created_at, updated_at) VALUES (?, 'ui', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'stopped', ?, ?)`)
        .run(name, host, port, tls ? 1 : 0, username, sealed, folder, afterAction, moveTo, maxAge, consume, enabled ? 1 : 0, tx.now, tx.now).lastInsertRowid);
    });
    await this.restartWatcher(savedId);
    return this.mailboxViews().find((m) => m.id === savedId)!;
  }

  async deleteMailbox(mailboxId: number): Promise<void> {
    const m = this.store.mailbox(mailboxId);
    if (!m) throw new DossierError("NOT_FOUND", `Expected a mailbox ${mailboxId}, but there is none`);
    if (m.origin === "env") throw new DossierError("INVALID_STATE", "Expected a mailbox configured in the UI, but this one comes from MAIL_IMAP_URL: unset it instead");
    await this.watchers.get(mailboxId)?.stop();
    this.watchers.delete(mailboxId);
    await this.o.domain.engine.transaction(() => this.o.domain.db.prepare(`DELETE FROM mail_mailbox WHERE id = ?`).run(mailboxId));
  }

  checkNow(mailboxId: number): void {
    if (!this.store.mailbox(mailboxId)) throw new DossierError("NOT_FOUND", `Expected a mailbox ${mailboxId}, but there is none`);
    const w = this.watchers.get(mailboxId);
    if (!w) throw new DossierError("INVALID_STATE", `Expected mailbox ${mailboxId} to be enabled, but it is disabled`);
    w.poke();
  }

  // ── rules ──

  private knows() {
    const d = this.o.domain;
    return { type: (t: string) => !!d.types.get(t), process: (p: string) => { try { return !!d.engine.definitions.latest(p); } catch { return false; } } };
  }

  async saveRule(ruleId: number | undefined, body: unknown, actor: string) {
    const existing = ruleId === undefined ? undefined : this.store.rule(ruleId);
    if (ruleId !== undefined && !existing) throw new DossierError("NOT_FOUND", `Expected a mail rule ${ruleId}, but there is none`);
    const checked = checkRule(body, this.knows());
    const b = (body && typeof body === "object" ? body : {}) as Record<string, unknown>;
    const position = b["position"] === undefined ? undefined : Number(b["position"]);
    if (position !== undefined && (!Number.isInteger(position) || position < 0 || position > 1_000_000)) throw new DossierError("VALIDATION_FAILED", `Expected position to be a whole number from 0 to 1000000, but found ${JSON.stringify(b["position"])}`, [{ field: "position", message: "expected a whole number" }]);
    if (existing && b["version"] !== undefined && b["version"] !== existing.version) throw new DossierError("VERSION_CONFLICT", `Expected rule ${existing.id} at version ${String(b["version"])}, but it is at version ${existing.version} (changed meanwhile): reload it`);
    const savedId = await this.o.domain.engine.transaction((tx) => {
      if (existing) {
        this.store.updateRule(existing.id, { ...checked, ...(position !== undefined ? { position } : {}) }, actor, tx.now);
        return existing.id;
      }
      return this.store.insertRule(checked, actor, tx.now, position);
    });
    return this.store.rule(savedId)!;
  }

  async deleteRule(ruleId: number): Promise<void> {
    const ok = await this.o.domain.engine.transaction(() => this.store.deleteRule(ruleId));
    if (!ok) throw new DossierError("NOT_FOUND", `Expected a mail rule ${ruleId}, but there is none`);
  }

  /** What the saved rules (or the rule in the body) would do on the last 50 mails with their original kept. */
  async dryRun(body: unknown) {
    const b = (body && typeof body === "object" ? body : {}) as Record<string, unknown>;
    const candidate = b["rule"] !== undefined ? checkRule(b["rule"], this.knows()) : null;
    const rows = this.store.list({ limit: 50 }).filter((r) => r.rawSha256);
    const items = [];
    for (const row of rows) {
      let mail;
      try {
        mail = await readMail(await this.processor.readRaw(row.rawSha256!));
      } catch (error) {
        items.push({ id: row.id, subject: row.subject, from: row.fromAddress, status: row.status, matched: false, wouldDo: [`illisible : ${(error as Error).message}`] });
        continue;
      }
      if (candidate) {
        let matched = false;
        try {
          matched = matches(candidate.definition, factsOf(mail, row.source));
        } catch {
          matched = false;
        }
        items.push({ id: row.id, subject: row.subject, from: row.fromAddress, status: row.status, matched, wouldDo: matched ? candidate.definition.actions.map(describeAction) : [] });
      } else {
        const plan = this.processor.plan(mail, { source: row.source, dossierId: null }, row.id);
        items.push({ id: row.id, subject: row.subject, from: row.fromAddress, status: row.status, matched: plan.kind !== "quarantine", wouldDo: this.processor.describe(plan) });
      }
    }
    return { rule: candidate?.name ?? null, items };
  }

  // ── views ──

  summary(r: InboundRow) {
    const dossier = r.dossierId ? dossierById(this.o.domain.db, r.dossierId) : undefined;
    return {
      id: r.id, source: r.source, mailboxId: r.mailboxId, messageId: r.messageId, from: r.fromAddress, fromName: r.fromName, recipients: r.recipients, subject: r.subject, excerpt: r.excerpt,
      sentAt: r.sentAt, receivedAt: r.receivedAt, status: r.status, reason: r.reason, dossier: dossier ? { id: dossier.id, reference: dossier.reference, title: dossier.title } : null,
      ruleId: r.ruleId, size: r.size, handledBy: r.handledBy, outcome: r.outcome,
    };
  }

  async detail(r: InboundRow) {
    let body: { text: string; html: string; attachments: Array<{ filename: string; contentType: string; size: number; inline: boolean; tnef: boolean }>; autoReply: string | null; bounce: unknown } | null = null;
    let parseError: string | null = null;
    if (r.rawSha256) {
      try {
        const mail = await readMail(await this.processor.readRaw(r.rawSha256));
        body = { text: mail.text, html: mail.html, attachments: mail.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, size: a.content.length, inline: a.inline, tnef: a.tnef })), autoReply: mail.autoReply, bounce: mail.bounce };
      } catch (error) {
        parseError = (error as Error).message;
      }
    }
    return { ...this.summary(r), body, parseError };
  }

  async discard(mailId: number, actor: string): Promise<void> {
    await this.o.domain.engine.transaction((tx) => {
      const row = this.store.get(mailId);
      if (row?.status !== "quarantined") throw new DossierError("INVALID_STATE", `Expected a mail in quarantine, but mail ${mailId} is ${row?.status ?? "gone"}`);
      this.store.discard(mailId, actor, tx.now);
    });
    this.o.log(`mail intake: mail ${mailId} discarded from the quarantine by ${actor}`);
  }
}
