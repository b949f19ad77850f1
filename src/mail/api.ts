/**
 * What other modules ask of the mail module: a mail or an SMS recorded INSIDE the caller's
 * transaction (outbox) and sent after the commit, at least once and never twice in the normal
 * course. The portal (private-page links), the signature (invitations, one-time codes) and the
 * receivables (invoices, reminders) send through these; so does the `mail.send` worker.
 */
import type { EngineTransaction } from "../engine/engine.js";

/** A recipient: an address, a party of the address book, or the parties holding a role in the mail's dossier. */
export type MailRecipient = string | { partyId: number } | { role: string };

export interface OutboundMailRequest {
  to: MailRecipient[];
  cc?: MailRecipient[];
  bcc?: MailRecipient[];
  /** The dossier the mail belongs to: its copy goes in the dossier's exchanges and replies thread back to it. */
  dossierId?: number | null;
  /** A template name under templates/mail/ (see docs/mail.md); rendered with `data` and the dossier. */
  template?: string;
  /** Template data (process variables, a link, a code …). */
  data?: Record<string, unknown>;
  /** fr or en; default: the (first) recipient party's language, else fr. */
  locale?: "fr" | "en";
  /** Free text, when no template is named (the template's subject wins otherwise). */
  subject?: string;
  text?: string;
  html?: string;
  /** Documents (ids) attached; they must show in `dossierId`. */
  attachments?: number[];
  /** Why the mail is sent ("process", "agent", "portal.link", "signature.invitation", "invoice" …): shown in the lists. */
  purpose: string;
  /**
   * Idempotency key: enqueuing the same key again returns the mail already queued (a retried job,
   * a link sent twice). Use e.g. `job:<jobKey>`, `link:<linkId>`.
   */
  key?: string;
  /** Who sends it (username, "process", "portal:<partyId>"); null for the system. */
  actor?: string | null;
  /**
   * The mail carries a secret (a personal link, a sign-in code): its body never reaches the dossier's
   * journal, the back office does not show it when a real server delivers it, and it is erased from the
   * outbox once the server accepted it. (With the development outbox folder, where no mail leaves the
   * machine, the "mails sent" page shows it: that is how a tester follows the link.)
   */
  sensitive?: boolean;
}

export interface QueuedMail {
  id: number;
  /** The RFC 5322 Message-ID the mail will carry (recorded for threading and bounces). */
  messageId: string;
  /** True when `key` had already been queued (nothing new was recorded). */
  duplicate: boolean;
}

export interface Outbox {
  /** Records the mail in the caller's transaction; throws a DossierError (INVALID_ARGUMENT) naming what is wrong. */
  enqueue(tx: EngineTransaction, mail: OutboundMailRequest): QueuedMail;
}

export interface SmsRequest {
  /** E.164 (+33612345678); a national number is refused. */
  to: string;
  text: string;
  dossierId?: number | null;
  purpose: string;
  key?: string;
  /**
   * Secret content (a one-time code): never logged, and its text is not kept by the outbox once the
   * gateway accepted it (the development gateway, standing for the phone, keeps what it "received").
   */
  sensitive?: boolean;
  actor?: string | null;
}

export interface SmsOutbox {
  enqueue(tx: EngineTransaction, sms: SmsRequest): { id: number; duplicate: boolean };
}

/** What the intake asks of the sending side: the mails Dossier sent, to thread replies and match bounces. */
export interface SentMailLedger {
  /** The outbound mail that carried this Message-ID (with or without angle brackets). */
  byMessageId(messageId: string): { id: number; dossierId: number | null } | undefined;
  /** Marks an outbound mail failed after a bounce (inside the caller's transaction). */
  markBounced(tx: EngineTransaction, id: number, reason: string): void;
}
