/** The intake's rows: received mails, rules, mailboxes (plain SQL, portable; sync inside the write lane). */
import type Database from "better-sqlite3";
import { statement } from "../../persistence/statements.js";
import type { Rule, RuleDefinition } from "./rules.js";

export type InboundStatus = "processing" | "processed" | "ignored" | "quarantined" | "discarded" | "duplicate";

export interface InboundRow {
  id: number;
  source: "imap" | "drop" | "upload";
  sourceKey: string;
  mailboxId: number | null;
  uidValidity: string | null;
  uid: number | null;
  messageId: string | null;
  rawSha256: string | null;
  size: number;
  fromAddress: string | null;
  fromName: string | null;
  recipients: string[];
  subject: string | null;
  excerpt: string | null;
  sentAt: number | null;
  status: InboundStatus;
  reason: string | null;
  dossierId: number | null;
  ruleId: number | null;
  outcome: Record<string, unknown>;
  serverDone: boolean;
  receivedAt: number;
  updatedAt: number;
  handledBy: string | null;
}

export interface MailboxRow {
  id: number;
  name: string;
  origin: "ui" | "env";
  host: string;
  port: number;
  tls: boolean;
  username: string;
  passwordEnc: string;
  folder: string;
  afterAction: "seen" | "flag" | "move";
  moveTo: string | null;
  maxAgeDays: number | null;
  consume: "attachments" | "eml" | "both";
  enabled: boolean;
  state: string;
  lastError: string | null;
  lastCheckAt: number | null;
  version: number;
}

const inbound = (r: Record<string, any>): InboundRow => ({
  id: r.id, source: r.source, sourceKey: r.source_key, mailboxId: r.mailbox_id, uidValidity: r.uid_validity, uid: r.uid === null ? null : Number(r.uid),
  messageId: r.message_id, rawSha256: r.raw_sha256, size: r.size, fromAddress: r.from_address, fromName: r.from_name, recipients: JSON.parse(r.recipients),
  subject: r.subject, excerpt: r.excerpt, sentAt: r.sent_at, status: r.status, reason: r.reason, dossierId: r.dossier_id, ruleId: r.rule_id,
  outcome: JSON.parse(r.outcome), serverDone: r.server_done === 1, receivedAt: r.received_at, updatedAt: r.updated_at, handledBy: r.handled_by,
});

const mailbox = (r: Record<string, any>): MailboxRow => ({
  id: r.id, name: r.name, origin: r.origin, host: r.host, port: r.port, tls: r.tls === 1, username: r.username, passwordEnc: r.password_enc, folder: r.folder,
  afterAction: r.after_action, moveTo: r.move_to, maxAgeDays: r.max_age_days, consume: r.consume, enabled: r.enabled === 1, state: r.state,
  lastError: r.last_error, lastCheckAt: r.last_check_at, version: r.version,
});

export interface NewInbound {
  source: InboundRow["source"];
  sourceKey: string;
  mailboxId: number | null;
  uidValidity: string | null;
  uid: number | null;
  messageId: string | null;
  rawSha256: string | null;
  size: number;
  fromAddress: string | null;
  fromName: string | null;
  recipients: string[];
  subject: string | null;
  excerpt: string | null;
  sentAt: number | null;
  status: InboundStatus;
  reason: string | null;
  dossierId: number | null;
  outcome: Record<string, unknown>;
  serverDone: number;
}

export class IntakeStore {
  constructor(private readonly db: Database.Database) {}

  bySourceKey(key: string): InboundRow | undefined {
    const r = statement(this.db, `SELECT * FROM mail_inbound WHERE source_key = ?`).get(key) as Record<string, any> | undefined;
    return r ? inbound(r) : undefined;
  }

  /** The first mail recorded with this Message-ID that was not itself a duplicate or discarded. */
  byMessageId(messageId: string): InboundRow | undefined {
    const r = statement(this.db, `SELECT * FROM mail_inbound WHERE message_id = ? AND status NOT IN ('duplicate', 'discarded') ORDER BY id LIMIT 1`).get(messageId) as Record<string, any> | undefined;
    return r ? inbound(r) : undefined;
  }

  dossierOfMessage(messageId: string, excludeId?: number): number | undefined {
    const r = statement(this.db, `SELECT dossier_id FROM mail_inbound WHERE message_id = ? AND dossier_id IS NOT NULL AND id <> ? ORDER BY id LIMIT 1`).get(messageId, excludeId ?? -1) as { dossier_id: number } | undefined;
    return r?.dossier_id;
  }

  get(id: number): InboundRow | undefined {
    const r = statement(this.db, `SELECT * FROM mail_inbound WHERE id = ?`).get(id) as Record<string, any> | undefined;
    return r ? inbound(r) : undefined;
  }

  list(filter: { status?: string; before?: number; limit: number }): InboundRow[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.status) {
      where.push("status = ?");
      params.push(filter.status);
    }
    if (filter.before) {
      where.push("id < ?");
      params.push(filter.before);
    }
    const sql = `SELECT * FROM mail_inbound ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY id DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...params, filter.limit) as Array<Record<string, any>>).map(inbound);
  }

  counts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const r of statement(this.db, `SELECT status, COUNT(*) AS n FROM mail_inbound GROUP BY status`).all() as Array<{ status: string; n: number }>) out[r.status] = r.n;
    return out;
  }

  insert(row: NewInbound, at: number): number {
    return Number(
      statement(this.db,
        `INSERT INTO mail_inbound (source, source_key, mailbox_id, uid_validity, uid, message_id, raw_sha256, size, from_address, from_name, recipients, subject, excerpt, sent_at, status, reason, dossier_id, rule_id, outcome, server_done, received_at, updated_at, handled_by)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, NULL, ?, ?, ?, ?, NULL)`,
      ).run(row.source, row.sourceKey, row.mailboxId, row.uidValidity, row.uid, row.messageId, row.rawSha256, row.size, row.fromAddress, row.fromName, JSON.stringify(row.recipients),
        row.subject, row.excerpt, row.sentAt, row.status, row.reason, row.dossierId, JSON.stringify(row.outcome), row.serverDone, at, at).lastInsertRowid,
    );
  }

  resolve(id: number, r: { status: InboundStatus; dossierId: number | null; ruleId: number | null; outcome: Record<string, unknown>; reason: string | null; handledBy: string | null; at: number }): void {
    statement(this.db, `UPDATE mail_inbound SET status = ?, dossier_id = ?, rule_id = ?, outcome = ?, reason = ?, handled_by = ?, updated_at = ? WHERE id = ?`)
      .run(r.status, r.dossierId, r.ruleId, JSON.stringify(r.outcome), r.reason, r.handledBy, r.at, id);
  }

  discard(id: number, actor: string, at: number): void {
    statement(this.db, `UPDATE mail_inbound SET status = 'discarded', handled_by = ?, updated_at = ?, reason = COALESCE(reason, '') || ' — écarté par ' || ? WHERE id = ?`).run(actor, at, actor, id);
  }

  /** Mails of a mailbox recorded whose server-side action was not done yet (a crash between commit and flag). */
  pendingOnServer(mailboxId: number, uidValidity: string): InboundRow[] {
    return (statement(this.db, `SELECT * FROM mail_inbound WHERE mailbox_id = ? AND server_done = 0 AND uid_validity = ? ORDER BY uid`).all(mailboxId, uidValidity) as Array<Record<string, any>>).map(inbound);
  }

  markServerDone(ids: number[]): void {
    const s = statement(this.db, `UPDATE mail_inbound SET server_done = 1 WHERE id = ?`);
    for (const id of ids) s.run(id);
  }

  /** Recorded UIDs of a mailbox among `uids`. */
  recordedUids(mailboxId: number, uidValidity: string, uids: number[]): Set<number> {
    const out = new Set<number>();
    const s = statement(this.db, `SELECT 1 FROM mail_inbound WHERE source_key = ?`);
    for (const uid of uids) if (s.get(`imap:${mailboxId}:${uidValidity}:${uid}`)) out.add(uid);
    return out;
  }

  // ── rules ──

  rules(): Rule[] {
    return (statement(this.db, `SELECT * FROM mail_rule ORDER BY position, id`).all() as Array<Record<string, any>>).map((r) => ({
      id: r.id, position: r.position, name: r.name, enabled: r.enabled === 1, stop: r.stop === 1, definition: JSON.parse(r.definition) as RuleDefinition, version: r.version,
    }));
  }

  rule(id: number): Rule | undefined {
    return this.rules().find((r) => r.id === id);
  }

  insertRule(r: { name: string; enabled: boolean; stop: boolean; definition: RuleDefinition }, actor: string | null, at: number, position?: number): number {
    const pos = position ?? ((statement(this.db, `SELECT MAX(position) AS p FROM mail_rule`).get() as { p: number | null }).p ?? 0) + 10;
    return Number(statement(this.db, `INSERT INTO mail_rule (position, name, enabled, definition, stop, created_at, updated_at, updated_by, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1)`)
      .run(pos, r.name, r.enabled ? 1 : 0, JSON.stringify(r.definition), r.stop ? 1 : 0, at, at, actor).lastInsertRowid);
  }

  updateRule(id: number, r: { name: string; enabled: boolean; stop: boolean; definition: RuleDefinition; position?: number }, actor: string, at: number): void {
    statement(this.db, `UPDATE mail_rule SET name = ?, enabled = ?, definition = ?, stop = ?, position = COALESCE(?, position), updated_at = ?, updated_by = ?, version = version + 1 WHERE id = ?`)
      .run(r.name, r.enabled ? 1 : 0, JSON.stringify(r.definition), r.stop ? 1 : 0, r.position ?? null, at, actor, id);
  }

  deleteRule(id: number): boolean {
    return statement(this.db, `DELETE FROM mail_rule WHERE id = ?`).run(id).changes > 0;
  }

  meta(key: string): string | undefined {
    return (statement(this.db, `SELECT value FROM mail_intake_meta WHERE key = ?`).get(key) as { value: string } | undefined)?.value;
  }

  setMeta(key: string, value: string): void {
    statement(this.db, `INSERT INTO mail_intake_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`).run(key, value);
  }

  // ── mailboxes ──

  mailboxes(): MailboxRow[] {
    return (statement(this.db, `SELECT * FROM mail_mailbox ORDER BY id`).all() as Array<Record<string, any>>).map(mailbox);
  }

  mailbox(id: number): MailboxRow | undefined {
    const r = statement(this.db, `SELECT * FROM mail_mailbox WHERE id = ?`).get(id) as Record<string, any> | undefined;
    return r ? mailbox(r) : undefined;
  }

  setMailboxState(id: number, state: string, lastError: string | null, at: number): void {
    statement(this.db, `UPDATE mail_mailbox SET state = ?, last_error = ?, last_check_at = ? WHERE id = ?`).run(state, lastError, at, id);
  }
}
