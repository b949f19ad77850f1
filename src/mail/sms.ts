/**
 * SMS: the outbox (`enqueue` inside the caller's transaction: number checked as E.164, encoding and
 * segments computed and stored, keyed), the gateways (a generic HTTP provider configured by
 * SMS_HTTP_*, and the development gateway — the default — whose "phone" is the table
 * sms_dev_received shown in the "SMS envoyés" page), and the sender (claimed, handed over, recorded;
 * retried with back-off; failed after the last attempt). A `sensitive` text (a one-time code) is
 * never logged and is erased from the outbox row once the gateway accepted it.
 */
import { DeliveryRounds } from "./rounds.js";
import { EventEmitter } from "node:events";
import type Database from "better-sqlite3";
import type { Engine, EngineTransaction } from "../engine/engine.js";
import type { Domain } from "../dossiers/domain.js";
import { DossierError } from "../dossiers/errors.js";
import { dossierById } from "../dossiers/rows.js";
import { statement } from "../persistence/statements.js";
import type { SmsOutbox, SmsRequest } from "./api.js";
import type { MailSettings, SmsHttpSettings } from "./config.js";
import { e164, measureSms } from "./sms-text.js";
import { DeliveryError } from "./transport.js";

const MAX_SEGMENTS = 10;
const LOCK_MS = 2 * 60_000;

export interface SmsGateway {
  readonly kind: "dev" | "http";
  /** Resolves with the provider's reference; throws a DeliveryError. */
  send(sms: { id: number; to: string; text: string; from: string | null }): Promise<string>;
}

export class DevSmsGateway implements SmsGateway {
  readonly kind = "dev" as const;
  async send(sms: { id: number }): Promise<string> {
    return `dev-${sms.id}`;
  }
}

export class HttpSmsGateway implements SmsGateway {
  readonly kind = "http" as const;
  constructor(private readonly s: SmsHttpSettings, private readonly timeoutMs = 15_000) {}

  async send(sms: { to: string; text: string; from: string | null }): Promise<string> {
    const values: Record<string, string> = { to: sms.to, text: sms.text, from: sms.from ?? "" };
    const json = this.s.body.trim().startsWith("{") || this.s.body.trim().startsWith("[");
    const fill = (template: string, escape: (v: string) => string) => template.replace(/\{\{\s*(to|text|from)\s*\}\}/g, (_m, k: string) => escape(values[k]!));
    const url = fill(this.s.url, encodeURIComponent);
    const headers: Record<string, string> = { accept: "application/json, text/plain, */*" };
    if (this.s.auth) headers["authorization"] = this.s.auth;
    let body: string | undefined;
    if (this.s.method !== "GET") {
      body = json ? fill(this.s.body, (v) => JSON.stringify(v).slice(1, -1)) : fill(this.s.body, encodeURIComponent);
      headers["content-type"] = json ? "application/json" : "application/x-www-form-urlencoded";
    }
    let response: Response;
    try {
      response = await fetch(url, { method: this.s.method, headers, ...(body !== undefined ? { body } : {}), signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (error) {
      throw new DeliveryError(`SMS gateway unreachable: ${(error as Error).message}`, false);
    }
    const answer = (await response.text().catch(() => "")).slice(0, 500);
    if (!response.ok) throw new DeliveryError(`SMS gateway answered ${response.status}: ${answer}`, response.status >= 400 && response.status < 500 && response.status !== 429);
    return `${response.status} ${answer}`.trim().slice(0, 255);
  }
}

interface SmsRow {
  id: number;
  dossier_id: number | null;
  to_number: string;
  from_name: string | null;
  text: string | null;
  sensitive: number;
  status: string;
  attempts: number;
}

export class Sms implements SmsOutbox {
  readonly events = new EventEmitter();
  private readonly rounds: DeliveryRounds;

  constructor(private readonly deps: { db: Database.Database; engine: Engine; domain: Domain; settings: MailSettings; gateway: SmsGateway; log: (m: string) => void }) {
    this.events.setMaxListeners(0);
    this.rounds = new DeliveryRounds(() => this.deliverDue(), deps.settings.pollMs, (e) => deps.log(`sms sender: ${e.message}`));
  }

  enqueue(tx: EngineTransaction, sms: SmsRequest): { id: number; duplicate: boolean } {
    const { db } = this.deps;
    if (sms.key !== undefined && (typeof sms.key !== "string" || !sms.key || sms.key.length > 255)) throw new DossierError("INVALID_ARGUMENT", `Expected 'key' to be text of 1 to 255 characters, but found ${JSON.stringify(sms.key)}`);
    if (sms.key) {
      const found = statement(db, `SELECT id FROM sms_outbound WHERE idem_key = ?`).get(sms.key) as { id: number } | undefined;
      if (found) return { id: found.id, duplicate: true };
    }
    if (typeof sms.purpose !== "string" || !/^[a-z][a-z0-9._-]{0,63}$/.test(sms.purpose)) throw new DossierError("INVALID_ARGUMENT", `Expected 'purpose' such as 'process' or 'signature.otp', but found ${JSON.stringify(sms.purpose)}`);
    const to = e164(sms.to);
    if (typeof sms.text !== "string" || !sms.text.trim()) throw new DossierError("INVALID_ARGUMENT", "Expected a text for the SMS, but found none");
    const m = measureSms(sms.text);
    if (m.segments > MAX_SEGMENTS) throw new DossierError("INVALID_ARGUMENT", `Expected an SMS of at most ${MAX_SEGMENTS} segments, but found ${m.segments} (${m.length} ${m.encoding === "GSM-7" ? "GSM-7 characters" : "UCS-2 characters"})`);
    const dossier = sms.dossierId === undefined || sms.dossierId === null ? null : dossierById(db, sms.dossierId);
    if (sms.dossierId !== undefined && sms.dossierId !== null && !dossier) throw new DossierError("NOT_FOUND", `Expected to find a dossier ${sms.dossierId}, but none was found`);
    const info = statement(db,
      `INSERT INTO sms_outbound (dossier_id, idem_key, purpose, actor, to_number, from_name, text, sensitive, encoding, length, segments, status, attempts, next_attempt_at, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'queued', 0, ?, ?, ?)`,
    ).run(dossier?.id ?? null, sms.key ?? null, sms.purpose, sms.actor ?? null, to, this.deps.settings.sms.from, sms.text, sms.sensitive ? 1 : 0, m.encoding, m.length, m.segments, tx.now, tx.now, tx.now);
    const id = Number(info.lastInsertRowid);
    if (dossier) {
      this.deps.domain.journal.append({
        dossierId: dossier.id, at: tx.now, actor: sms.actor ?? null, action: "sms.sent", summary: `SMS à ${to}${sms.sensitive ? " (code confidentiel)" : ` : ${sms.text.slice(0, 120)}`}`,
        after: { smsId: id, to, purpose: sms.purpose, encoding: m.encoding, segments: m.segments, text: sms.sensitive ? null : sms.text }, private: true,
      });
    }
    tx.afterCommit(() => this.wake());
    return { id, duplicate: false };
  }

  start(): void {
    this.rounds.start();
  }

  async stop(): Promise<void> {
    await this.rounds.stop();
  }

  wake(): void {
    this.rounds.wake();
  }

  /** Waits for the round in progress, then runs one more (tests). */
  async flush(): Promise<void> {
    await this.rounds.flush();
  }

  async deliverDue(): Promise<void> {
    const { db, engine, gateway, settings } = this.deps;
    for (;;) {
      const rows = await engine.transaction((tx) => {
        const due = statement(db, `SELECT id, dossier_id, to_number, from_name, text, sensitive, status, attempts FROM sms_outbound WHERE (status = 'queued' AND next_attempt_at <= ?) OR (status = 'sending' AND locked_until < ?) ORDER BY id LIMIT 32`).all(tx.now, tx.now) as SmsRow[];
        for (const r of due) statement(db, `UPDATE sms_outbound SET status = 'sending', attempts = attempts + 1, locked_until = ?, updated_at = ? WHERE id = ?`).run(tx.now + LOCK_MS, tx.now, r.id);
        return due;
      });
      if (rows.length === 0) return;
      for (const row of rows) {
        let ref: string | null = null;
        let failure: DeliveryError | null = null;
        try {
          ref = await gateway.send({ id: row.id, to: row.to_number, text: row.text ?? "", from: row.from_name });
        } catch (error) {
          failure = error instanceof DeliveryError ? error : new DeliveryError(String((error as Error).message ?? error), false);
          // A gateway that echoes the text must not leave a one-time code in last_error.
          if (row.sensitive === 1 && row.text) failure = new DeliveryError(failure.message.split(row.text).join("•••"), failure.permanent);
        }
        const status = await engine.transaction((tx) => {
          const attempts = row.attempts + 1;
          if (ref !== null) {
            if (gateway.kind === "dev") statement(db, `INSERT INTO sms_dev_received (sms_id, to_number, from_name, text, received_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (sms_id) DO NOTHING`).run(row.id, row.to_number, row.from_name, row.text ?? "", tx.now);
            // A sensitive text is not kept once the gateway has it.
            statement(db, `UPDATE sms_outbound SET status = 'sent', provider_ref = ?, sent_at = ?, locked_until = NULL, updated_at = ?, text = CASE WHEN sensitive = 1 THEN NULL ELSE text END WHERE id = ?`).run(ref, tx.now, tx.now, row.id);
            return "sent";
          }
          if (failure!.permanent || attempts >= settings.maxAttempts) {
            statement(db, `UPDATE sms_outbound SET status = 'failed', last_error = ?, failed_at = ?, locked_until = NULL, updated_at = ?, text = CASE WHEN sensitive = 1 THEN NULL ELSE text END WHERE id = ?`).run(failure!.message, tx.now, tx.now, row.id);
            return "failed";
          }
          statement(db, `UPDATE sms_outbound SET status = 'queued', last_error = ?, next_attempt_at = ?, locked_until = NULL, updated_at = ? WHERE id = ?`).run(failure!.message, tx.now + Math.min(settings.retryBaseMs * 2 ** (attempts - 1), 3_600_000), tx.now, row.id);
          return "queued";
        });
        if (status !== "queued") this.events.emit("settled", row.id, status);
        // Never the text: it may be a one-time code.
        if (status === "failed") this.deps.log(`sms ${row.id} to ${row.to_number} failed: ${failure!.message}`);
      }
      if (rows.length < 32 || this.rounds.stopped) return;
    }
  }

  status(id: number): { status: string; lastError: string | null } | undefined {
    const r = statement(this.deps.db, `SELECT status, last_error FROM sms_outbound WHERE id = ?`).get(id) as { status: string; last_error: string | null } | undefined;
    return r ? { status: r.status, lastError: r.last_error } : undefined;
  }

  requeue(tx: EngineTransaction, id: number): boolean {
    return statement(this.deps.db, `UPDATE sms_outbound SET status = 'queued', attempts = 0, next_attempt_at = ?, updated_at = ? WHERE id = ? AND status = 'failed' AND text IS NOT NULL`).run(tx.now, tx.now, id).changes > 0;
  }
}
