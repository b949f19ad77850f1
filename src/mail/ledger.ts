/**
 * The mails Dossier sent, for the intake (threading a reply by In-Reply-To / References, matching
 * a bounce) and for the workers (a failed mail queued again when its incident is resolved).
 */
import type Database from "better-sqlite3";
import type { EngineTransaction } from "../engine/engine.js";
import type { Journal } from "../dossiers/journal.js";
import { DossierError } from "../dossiers/errors.js";
import { statement } from "../persistence/statements.js";
import type { SentMailLedger } from "./api.js";

export class MailLedger implements SentMailLedger {
  constructor(private readonly db: Database.Database, private readonly journal: Journal, private readonly settled: (id: number, status: "failed") => void) {}

  byMessageId(messageId: string): { id: number; dossierId: number | null } | undefined {
    const bare = String(messageId).trim().replace(/^<|>$/g, "");
    if (!bare) return undefined;
    const row = statement(this.db, `SELECT id, dossier_id FROM mail_outbound WHERE message_id = ?`).get(`<${bare}>`) as { id: number; dossier_id: number | null } | undefined;
    return row ? { id: row.id, dossierId: row.dossier_id } : undefined;
  }

  markBounced(tx: EngineTransaction, id: number, reason: string): void {
    const row = statement(this.db, `SELECT id, dossier_id, message_id, subject, status FROM mail_outbound WHERE id = ?`).get(id) as
      | { id: number; dossier_id: number | null; message_id: string; subject: string; status: string }
      | undefined;
    if (!row) throw new DossierError("NOT_FOUND", `Expected an outbound mail ${id}, but none was found`);
    const text = String(reason).slice(0, 1000);
    statement(this.db, `UPDATE mail_outbound SET status = 'failed', last_error = ?, failed_at = ?, locked_until = NULL, updated_at = ? WHERE id = ?`).run(`bounced: ${text}`, tx.now, tx.now, id);
    if (row.dossier_id !== null) {
      this.journal.append({
        dossierId: row.dossier_id, at: tx.now, actor: null, action: "mail.bounced", summary: `E-mail revenu en erreur : ${row.subject}`.slice(0, 300),
        after: { outboundId: id, messageId: row.message_id, reason: text, previousStatus: row.status }, private: true,
      });
    }
    tx.afterCommit(() => this.settled(id, "failed"));
  }

  /** A failed mail queued again (its incident resolved): attempts start over, same Message-ID. */
  requeue(tx: EngineTransaction, id: number): void {
    statement(this.db, `UPDATE mail_outbound SET status = 'queued', attempts = 0, next_attempt_at = ?, failed_at = NULL, updated_at = ? WHERE id = ? AND status = 'failed'`).run(tx.now, tx.now, id);
  }

  status(id: number): { status: "queued" | "sending" | "sent" | "failed"; lastError: string | null; attempts: number; messageId: string } | undefined {
    const r = statement(this.db, `SELECT status, last_error, attempts, message_id FROM mail_outbound WHERE id = ?`).get(id) as { status: any; last_error: string | null; attempts: number; message_id: string } | undefined;
    return r ? { status: r.status, lastError: r.last_error, attempts: r.attempts, messageId: r.message_id } : undefined;
  }
}
