/**
 * Delivers the queued mails after their transaction committed: at least once, never twice in the
 * normal course. A due row is claimed in one transaction (status `sending`, attempts + 1, a lock),
 * composed (MIME, attachments from the document store), handed to the transport, and the answer
 * recorded in a second transaction (`sent` + the server's answer, or `queued` again with a
 * doubling back-off, or `failed` after the last attempt or on a permanent 5xx answer). A row left
 * `sending` by a crash is claimed again once its lock expired; the transport is asked first whether
 * it already took it (the outbox folder can tell; SMTP cannot, see docs/mail.md).
 */
import { DeliveryRounds } from "./rounds.js";
import { EventEmitter } from "node:events";
import type Database from "better-sqlite3";
import MailComposer from "nodemailer/lib/mail-composer";
import type { Engine } from "../engine/engine.js";
import type { Domain } from "../dossiers/domain.js";
import { statement } from "../persistence/statements.js";
import type { MailSettings } from "./config.js";
import type { AttachmentRef, ResolvedRecipient } from "./outbox.js";
import { DeliveryError, type MailTransport, type Outgoing } from "./transport.js";

const ALL = { sql: "1 = 1", params: [] as unknown[] };
const LOCK_MS = 5 * 60_000;
const BATCH = 32;
const CONCURRENCY = 4;

/** What stays of a sensitive mail's body once a real server accepted it. */
export const ERASED_BODY = "[Contenu confidentiel (lien personnel ou code) effacé après l'envoi]";

export interface OutboundRow {
  id: number;
  dossier_id: number | null;
  message_id: string;
  idem_key: string | null;
  purpose: string;
  actor: string | null;
  from_addr: string;
  reply_to: string | null;
  to_json: string;
  cc_json: string;
  bcc_json: string;
  subject: string;
  text_body: string;
  html_body: string | null;
  /** 1: the body carries a secret (OutboundMailRequest.sensitive). */
  sensitive: number;
  template: string | null;
  locale: string;
  attachments_json: string;
  status: "queued" | "sending" | "sent" | "failed";
  attempts: number;
  next_attempt_at: number;
  locked_until: number | null;
  last_error: string | null;
  accepted_response: string | null;
  created_at: number;
  sent_at: number | null;
  failed_at: number | null;
}

const list = (json: string) => (JSON.parse(json) as ResolvedRecipient[]).map((r) => (r.name ? { name: r.name, address: r.address } : r.address));

export class MailSender {
  /** `settled` (id, status) once a mail is sent or failed. */
  readonly events = new EventEmitter();
  private readonly rounds: DeliveryRounds;

  constructor(private readonly deps: { db: Database.Database; engine: Engine; domain: Domain; settings: MailSettings; transport: MailTransport; log: (m: string) => void }) {
    this.events.setMaxListeners(0);
    this.rounds = new DeliveryRounds(() => this.deliverDue(), deps.settings.pollMs, (e) => deps.log(`mail sender: ${e.message}`));
  }

  start(): void {
    this.rounds.start();
  }

  async stop(): Promise<void> {
    await this.rounds.stop();
    this.deps.transport.close();
  }

  /** Runs a delivery round soon (after a commit that queued mail, or on the poll). */
  wake(): void {
    this.rounds.wake();
  }

  /** Waits for the round in progress, then runs one more (tests, after moving the clock). */
  async flush(): Promise<void> {
    await this.rounds.flush();
  }

  /** One round: every due mail claimed and handed over. Resolves with how many were tried. */
  async deliverDue(): Promise<number> {
    let total = 0;
    for (;;) {
      const claimed = await this.claim();
      if (claimed.length === 0) return total;
      total += claimed.length;
      let next = 0;
      const lane = async () => {
        while (next < claimed.length) await this.deliver(claimed[next++]!);
      };
      await Promise.all(Array.from({ length: Math.min(CONCURRENCY, claimed.length) }, lane));
      if (claimed.length < BATCH || this.rounds.stopped) return total;
    }
  }

  private claim(): Promise<OutboundRow[]> {
    const { db, engine } = this.deps;
    return engine.transaction((tx) => {
      const rows = statement(db,
        `SELECT * FROM mail_outbound WHERE (status = 'queued' AND next_attempt_at <= ?) OR (status = 'sending' AND locked_until < ?) ORDER BY next_attempt_at, id LIMIT ${BATCH}`,
      ).all(tx.now, tx.now) as OutboundRow[];
      const mark = statement(db, `UPDATE mail_outbound SET status = 'sending', attempts = attempts + 1, locked_until = ?, updated_at = ?, last_error = ? WHERE id = ?`);
      for (const r of rows) {
        const interrupted = r.status === "sending" ? `interrupted during attempt ${r.attempts} (restart): handed over again` : r.last_error;
        mark.run(tx.now + LOCK_MS, tx.now, interrupted, r.id);
        r.last_error = interrupted;
      }
      return rows;
    });
  }

  private async deliver(row: OutboundRow): Promise<void> {
    const { transport } = this.deps;
    let answer: string | null = row.status === "sending" ? transport.alreadyAccepted({ id: row.id, messageId: row.message_id }) : null;
    let failure: DeliveryError | null = null;
    if (answer === null) {
      try {
        answer = await transport.send(await this.compose(row));
      } catch (error) {
        failure = error instanceof DeliveryError ? error : new DeliveryError((error as Error).message ?? String(error), false);
      }
    }
    await this.record(row, answer, failure);
  }

  /** The MIME message, built the same way on every attempt (same Message-ID, same attachment versions). */
  async compose(row: OutboundRow): Promise<Outgoing> {
    const reference = row.dossier_id !== null ? (statement(this.deps.db, `SELECT reference FROM dossier WHERE id = ?`).get(row.dossier_id) as { reference: string } | undefined)?.reference : undefined;
    const attachments = (JSON.parse(row.attachments_json) as AttachmentRef[]).map((a) => ({
      filename: a.filename, contentType: a.mime, path: this.deps.domain.documents.content(a.documentId, ALL, a.version).path,
    }));
    const to = list(row.to_json);
    const cc = list(row.cc_json);
    const bcc = JSON.parse(row.bcc_json) as ResolvedRecipient[];
    const headers: Record<string, string> = {};
    if (reference) headers["X-Dossier-Reference"] = reference;
    if (row.purpose !== "agent") headers["Auto-Submitted"] = "auto-generated";
    const composer = new MailComposer({
      from: row.from_addr, to, cc, ...(row.reply_to ? { replyTo: row.reply_to } : {}), subject: row.subject, text: row.text_body,
      ...(row.html_body ? { html: row.html_body } : {}), messageId: row.message_id, date: new Date(row.created_at), headers, attachments,
    });
    const raw = await composer.compile().build();
    const envelopeTo = [...(JSON.parse(row.to_json) as ResolvedRecipient[]), ...(JSON.parse(row.cc_json) as ResolvedRecipient[]), ...bcc].map((r) => r.address);
    return { id: row.id, messageId: row.message_id, envelope: { from: this.deps.settings.fromAddress, to: envelopeTo }, raw };
  }

  private async record(row: OutboundRow, answer: string | null, failure: DeliveryError | null): Promise<void> {
    const { db, engine, domain, settings } = this.deps;
    const status = await engine.transaction((tx) => {
      const current = statement(db, `SELECT status, attempts FROM mail_outbound WHERE id = ?`).get(row.id) as { status: string; attempts: number } | undefined;
      if (!current || current.status !== "sending") return null; // bounced or changed meanwhile
      if (answer !== null) {
        statement(db, `UPDATE mail_outbound SET status = 'sent', accepted_response = ?, sent_at = ?, locked_until = NULL, updated_at = ? WHERE id = ?`).run(answer.slice(0, 1000), tx.now, tx.now, row.id);
        // A secret delivered by a real server is nobody's business here any more (the folder is the development catcher).
        if (this.deps.transport.kind === "smtp") statement(db, `UPDATE mail_outbound SET text_body = ?, html_body = NULL WHERE id = ? AND sensitive = 1`).run(ERASED_BODY, row.id);
        return "sent" as const;
      }
      const reason = failure!.message;
      if (failure!.permanent || current.attempts >= settings.maxAttempts) {
        statement(db, `UPDATE mail_outbound SET status = 'failed', last_error = ?, failed_at = ?, locked_until = NULL, updated_at = ? WHERE id = ?`).run(reason, tx.now, tx.now, row.id);
        if (row.dossier_id !== null) {
          domain.journal.append({
            dossierId: row.dossier_id, at: tx.now, actor: null, action: "mail.failed", summary: `E-mail non remis : ${row.subject}`.slice(0, 300),
            after: { outboundId: row.id, messageId: row.message_id, attempts: current.attempts, reason }, private: true,
          });
        }
        return "failed" as const;
      }
      const backOff = Math.min(settings.retryBaseMs * 2 ** (current.attempts - 1), 3_600_000);
      statement(db, `UPDATE mail_outbound SET status = 'queued', last_error = ?, next_attempt_at = ?, locked_until = NULL, updated_at = ? WHERE id = ?`).run(reason, tx.now + backOff, tx.now, row.id);
      return "queued" as const;
    });
    if (status === "sent" || status === "failed") this.events.emit("settled", row.id, status);
    if (status === "failed") this.deps.log(`mail ${row.id} failed: ${failure?.message}`);
  }
}
