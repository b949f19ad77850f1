/**
 * Event subscriptions (timers, messages, signals), buffered messages and their correlations, on the
 * same connection as SqliteStore. Synchronous; writes run inside the write lane.
 */
import type Database from "better-sqlite3";
import type { MessageRow, SubscriptionRow } from "../engine/state.js";

type Row = Record<string, any>;

function toSubscription(r: Row): SubscriptionRow {
  return {
    key: r.key, kind: r.kind, processDefinitionKey: r.process_definition_key, bpmnProcessId: r.bpmn_process_id,
    processInstanceKey: r.process_instance_key, elementInstanceKey: r.element_instance_key, elementId: r.element_id,
    name: r.name, correlationKey: r.correlation_key, dueDate: r.due_date, cycle: r.cycle, repetitions: r.repetitions,
    interrupting: r.interrupting === 1 || r.interrupting === true, createdAt: r.created_at,
  };
}

function toMessage(r: Row): MessageRow {
  return {
    key: r.key, name: r.name, correlationKey: r.correlation_key, variables: JSON.parse(r.variables), messageId: r.message_id,
    expiresAt: r.expires_at, createdAt: r.created_at,
  };
}

export class SubscriptionStore {
  private readonly cache = new Map<string, Database.Statement>();

  constructor(private readonly db: Database.Database) {}

  private stmt(sql: string): Database.Statement {
    let s = this.cache.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.cache.set(sql, s);
    }
    return s;
  }

  insert(s: SubscriptionRow): void {
    this.stmt(
      `INSERT INTO event_subscription (key, kind, process_definition_key, bpmn_process_id, process_instance_key, element_instance_key, element_id, name, correlation_key, due_date, cycle, repetitions, interrupting, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(s.key, s.kind, s.processDefinitionKey, s.bpmnProcessId, s.processInstanceKey, s.elementInstanceKey, s.elementId, s.name,
      s.correlationKey, s.dueDate, s.cycle, s.repetitions, s.interrupting ? 1 : 0, s.createdAt);
  }

  get(key: number): SubscriptionRow | undefined {
    const r = this.stmt(`SELECT * FROM event_subscription WHERE key = ?`).get(key) as Row | undefined;
    return r && toSubscription(r);
  }

  reschedule(key: number, dueDate: number, repetitions: number | null): void {
    this.stmt(`UPDATE event_subscription SET due_date = ?, repetitions = ? WHERE key = ?`).run(dueDate, repetitions, key);
  }

  delete(key: number): void {
    this.stmt(`DELETE FROM event_subscription WHERE key = ?`).run(key);
  }

  /** Subscriptions owned by an element instance (its boundary events, its catch, its event sub-processes). */
  ofOwner(elementInstanceKey: number): SubscriptionRow[] {
    return (this.stmt(`SELECT * FROM event_subscription WHERE element_instance_key = ? ORDER BY key`).all(elementInstanceKey) as Row[]).map(toSubscription);
  }

  deleteOfOwner(elementInstanceKey: number): number {
    return this.stmt(`DELETE FROM event_subscription WHERE element_instance_key = ?`).run(elementInstanceKey).changes;
  }

  ofProcessInstance(processInstanceKey: number): SubscriptionRow[] {
    return (this.stmt(`SELECT * FROM event_subscription WHERE process_instance_key = ? ORDER BY key`).all(processInstanceKey) as Row[]).map(toSubscription);
  }

  /** Start-event subscriptions of a process id (all versions; the caller keeps the latest only). */
  startSubscriptions(bpmnProcessId: string): SubscriptionRow[] {
    return (this.stmt(`SELECT * FROM event_subscription WHERE bpmn_process_id = ? AND process_instance_key IS NULL ORDER BY key`).all(bpmnProcessId) as Row[]).map(toSubscription);
  }

  dueTimers(now: number, limit: number): SubscriptionRow[] {
    return (this.stmt(`SELECT * FROM event_subscription WHERE kind = 'TIMER' AND due_date <= ? ORDER BY due_date, key LIMIT ?`).all(now, limit) as Row[]).map(toSubscription);
  }

  nextTimerDue(): number | undefined {
    const r = this.stmt(`SELECT MIN(due_date) AS t FROM event_subscription WHERE kind = 'TIMER'`).get() as { t: number | null };
    return r.t ?? undefined;
  }

  /** Open message subscriptions for a name and correlation key (start events: any key), oldest first. */
  messageSubscriptions(name: string, correlationKey: string): SubscriptionRow[] {
    // Two index lookups (an OR would scan every subscription): instance waits by key, start events by name.
    const waiting = this.stmt(`SELECT * FROM event_subscription WHERE kind = 'MESSAGE' AND name = ? AND correlation_key = ?`).all(name, correlationKey) as Row[];
    const starts = this.stmt(`SELECT * FROM event_subscription WHERE kind = 'MESSAGE' AND name = ? AND correlation_key IS NULL`).all(name) as Row[];
    return [...waiting, ...starts].map(toSubscription).sort((a, b) => a.key - b.key);
  }

  signalSubscriptions(name: string): SubscriptionRow[] {
    return (this.stmt(`SELECT * FROM event_subscription WHERE kind = 'SIGNAL' AND name = ? ORDER BY key`).all(name) as Row[]).map(toSubscription);
  }

  // ── buffered messages ─────────────────────────────────────────────────────────────────────────

  insertMessage(m: MessageRow): void {
    this.stmt(`INSERT INTO message (key, name, correlation_key, variables, message_id, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`)
      .run(m.key, m.name, m.correlationKey, JSON.stringify(m.variables), m.messageId, m.expiresAt, m.createdAt);
  }

  messageById(name: string, correlationKey: string, messageId: string, now: number): MessageRow | undefined {
    const r = this.stmt(`SELECT * FROM message WHERE message_id = ? AND name = ? AND correlation_key = ? AND expires_at > ?`).get(messageId, name, correlationKey, now) as Row | undefined;
    return r && toMessage(r);
  }

  /** Buffered, unexpired messages not yet correlated to any instance of this process, oldest first. */
  bufferedMessages(name: string, correlationKey: string, now: number, bpmnProcessId: string): MessageRow[] {
    return (this.stmt(
      `SELECT * FROM message m WHERE name = ? AND correlation_key = ? AND expires_at > ?
         AND NOT EXISTS (SELECT 1 FROM message_correlation c WHERE c.message_key = m.key AND c.bpmn_process_id = ?) ORDER BY key`,
    ).all(name, correlationKey, now, bpmnProcessId) as Row[]).map(toMessage);
  }

  recordCorrelation(key: number, messageKey: number, bpmnProcessId: string, processInstanceKey: number): void {
    this.stmt(`INSERT INTO message_correlation (key, message_key, bpmn_process_id, process_instance_key) VALUES (?, ?, ?, ?)`).run(key, messageKey, bpmnProcessId, processInstanceKey);
  }

  hasExpiredMessages(now: number): boolean {
    return !!this.stmt(`SELECT 1 FROM message WHERE expires_at <= ? LIMIT 1`).get(now);
  }

  deleteExpiredMessages(now: number): number {
    this.stmt(`DELETE FROM message_correlation WHERE message_key IN (SELECT key FROM message WHERE expires_at <= ?)`).run(now);
    return this.stmt(`DELETE FROM message WHERE expires_at <= ?`).run(now).changes;
  }

  // ── message start locks ───────────────────────────────────────────────────────────────────────

  startLocked(bpmnProcessId: string, correlationKey: string): boolean {
    return !!this.stmt(`SELECT 1 FROM message_start_lock WHERE bpmn_process_id = ? AND correlation_key = ?`).get(bpmnProcessId, correlationKey);
  }

  lockStart(processInstanceKey: number, bpmnProcessId: string, correlationKey: string): void {
    this.stmt(`INSERT INTO message_start_lock (process_instance_key, bpmn_process_id, correlation_key) VALUES (?, ?, ?)`).run(processInstanceKey, bpmnProcessId, correlationKey);
  }

  /** The correlation key an instance holds the start lock for, if any. */
  startLockKey(processInstanceKey: number): string | undefined {
    return (this.stmt(`SELECT correlation_key AS k FROM message_start_lock WHERE process_instance_key = ?`).get(processInstanceKey) as { k: string } | undefined)?.k;
  }

  unlockStart(processInstanceKey: number): void {
    this.stmt(`DELETE FROM message_start_lock WHERE process_instance_key = ?`).run(processInstanceKey);
  }

  // ── compensation ──────────────────────────────────────────────────────────────────────────────

  insertCompensation(c: { key: number; processInstanceKey: number; elementInstanceKey: number; elementId: string; handlerId: string; scopeKey: number; scopePath: number[]; createdAt: number }): void {
    this.stmt(`INSERT INTO compensation_subscription (key, process_instance_key, element_instance_key, element_id, handler_id, scope_key, scope_path, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`)
      .run(c.key, c.processInstanceKey, c.elementInstanceKey, c.elementId, c.handlerId, c.scopeKey, `,${c.scopePath.join(",")},`, c.createdAt);
  }

  /** Completed compensable activities inside a scope (nested completed sub-processes included), latest first. */
  compensations(processInstanceKey: number, scopeKey: number): Array<{ key: number; elementInstanceKey: number; elementId: string; handlerId: string; scopeKey: number }> {
    return this.stmt(
      `SELECT key, element_instance_key AS elementInstanceKey, element_id AS elementId, handler_id AS handlerId, scope_key AS scopeKey
         FROM compensation_subscription WHERE process_instance_key = ? AND scope_path LIKE ? ORDER BY key DESC`,
    ).all(processInstanceKey, `%,${scopeKey},%`) as Array<{ key: number; elementInstanceKey: number; elementId: string; handlerId: string; scopeKey: number }>;
  }

  deleteCompensation(key: number): void {
    this.stmt(`DELETE FROM compensation_subscription WHERE key = ?`).run(key);
  }

  deleteCompensationsOf(processInstanceKey: number): void {
    this.stmt(`DELETE FROM compensation_subscription WHERE process_instance_key = ?`).run(processInstanceKey);
  }
}
