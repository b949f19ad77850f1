/**
 * Where a composed mail goes: an SMTP server (nodemailer, pooled), or, without one, the outbox
 * folder `DATA_DIR/mail/outbox/` (one .eml per mail, written to a temporary name, fsynced and
 * renamed: the embedded default, shown by the "E-mails envoyés" page like a development mail catcher).
 */
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, renameSync, writeSync } from "node:fs";
import path from "node:path";
import nodemailer from "nodemailer";

export interface Outgoing {
  id: number;
  messageId: string;
  envelope: { from: string; to: string[] };
  raw: Buffer;
}

export class DeliveryError extends Error {
  constructor(message: string, readonly permanent: boolean) {
    super(message);
  }
}

export interface MailTransport {
  readonly kind: "smtp" | "folder";
  /** Hands the mail over; resolves with the receiving side's answer ("250 2.0.0 Ok: queued as …"). */
  send(mail: Outgoing): Promise<string>;
  /** For a mail left "sending" by a crash: the answer of an earlier hand-over when the transport can tell, else null. */
  alreadyAccepted(mail: Pick<Outgoing, "id" | "messageId">): string | null;
  close(): void;
}

export function emlName(mail: Pick<Outgoing, "id" | "messageId">): string {
  return `${String(mail.id).padStart(6, "0")}-${mail.messageId.replace(/[<>]/g, "").replace(/[^A-Za-z0-9@._-]/g, "_")}.eml`;
}

export class FolderTransport implements MailTransport {
  readonly kind = "folder" as const;
  constructor(readonly dir: string) {}

  async send(mail: Outgoing): Promise<string> {
    mkdirSync(this.dir, { recursive: true });
    const name = emlName(mail);
    const final = path.join(this.dir, name);
    const temp = path.join(this.dir, `.${name}.tmp`);
    const fd = openSync(temp, "w");
    try {
      writeSync(fd, mail.raw);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, final);
    return `stored in the outbox folder as ${name}`;
  }

  alreadyAccepted(mail: Pick<Outgoing, "id" | "messageId">): string | null {
    const name = emlName(mail);
    return existsSync(path.join(this.dir, name)) ? `stored in the outbox folder as ${name}` : null;
  }

  close(): void {}
}

/** smtp[s]://user:password@host:port?opt=value → nodemailer's pooled SMTP options (query values true/false/numbers are typed). */
export function smtpOptions(url: string): Record<string, unknown> {
  const u = new URL(url);
  const options: Record<string, unknown> = {
    host: u.hostname.replace(/^\[|\]$/g, ""), port: u.port ? Number(u.port) : u.protocol === "smtps:" ? 465 : 587, secure: u.protocol === "smtps:",
    pool: true, maxConnections: 4, maxMessages: 500, connectionTimeout: 15_000, greetingTimeout: 15_000, socketTimeout: 60_000,
  };
  if (u.username) options["auth"] = { user: decodeURIComponent(u.username), pass: decodeURIComponent(u.password) };
  for (const [k, v] of u.searchParams) options[k] = v === "true" ? true : v === "false" ? false : /^\d+$/.test(v) ? Number(v) : v;
  return options;
}

export class SmtpTransport implements MailTransport {
  readonly kind = "smtp" as const;
  private readonly transporter;

  constructor(url: string) {
    this.transporter = nodemailer.createTransport(smtpOptions(url) as never);
  }

  async send(mail: Outgoing): Promise<string> {
    try {
      const info = await this.transporter.sendMail({ envelope: mail.envelope, raw: mail.raw });
      const rejected = ((info as { rejected?: unknown[] }).rejected ?? []).map(String);
      const response = String((info as { response?: string }).response ?? "accepted");
      return rejected.length ? `${response} (refused: ${rejected.join(", ")})` : response;
    } catch (error) {
      const e = error as { responseCode?: number; response?: string; code?: string; message?: string };
      const answer = e.response ? e.response : `${e.code ? `${e.code}: ` : ""}${e.message ?? String(error)}`;
      const permanent = typeof e.responseCode === "number" && e.responseCode >= 500 && e.responseCode < 600;
      throw new DeliveryError(answer.slice(0, 1000), permanent);
    }
  }

  /**
   * SMTP has no way to ask a server whether it accepted a message earlier: a mail left "sending"
   * (a crash after the server's 250 and before our commit) is sent again with the same Message-ID,
   * which receiving systems commonly use to drop the second copy (docs/mail.md).
   */
  alreadyAccepted(): string | null {
    return null;
  }

  close(): void {
    this.transporter.close();
  }
}
