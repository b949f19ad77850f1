/**
 * A real SMTP server for the specs (smtp-server on a random loopback port): every accepted mail is
 * kept raw and parsed with mailparser. `reject` makes it answer DATA with an SMTP error (e.g.
 * "451 4.3.0 Try again later" or "550 5.1.1 No such user") until it is cleared; `stop()` closes it.
 *
 *   const sink = await startSmtpSink();
 *   env.MAIL_SMTP_URL = `smtp://127.0.0.1:${sink.port}`;
 *   await sink.until(1); sink.mails[0].subject …
 *   await sink.stop();
 */
import { simpleParser, type ParsedMail } from "mailparser";
import { SMTPServer } from "smtp-server";

export interface SinkMail {
  raw: Buffer;
  parsed: ParsedMail;
  envelope: { from: string; to: string[] };
  /** The queue id the sink answered with ("250 OK: queued as <id>"). */
  queueId: string;
}

export interface SmtpSink {
  port: number;
  url: string;
  mails: SinkMail[];
  /** Answer every DATA with this SMTP error ("451 …", "550 …") until set to null. */
  reject: string | null;
  /** Waits until `count` mails arrived (or throws after `timeoutMs`). */
  until(count: number, timeoutMs?: number): Promise<SinkMail[]>;
  stop(): Promise<void>;
}

export async function startSmtpSink(options: { parse?: boolean; port?: number } = {}): Promise<SmtpSink> {
  let seq = 0;
  const sink: SmtpSink = {
    port: 0, url: "", mails: [], reject: null,
    async until(count, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (sink.mails.length < count) {
        if (Date.now() > deadline) throw new Error(`Expected ${count} mail(s) at the SMTP sink, but ${sink.mails.length} arrived within ${timeoutMs} ms`);
        await new Promise((r) => setTimeout(r, 20));
      }
      return sink.mails;
    },
    stop: async () => undefined,
  };
  const server = new SMTPServer({
    authOptional: true, disabledCommands: ["STARTTLS"], logger: false, size: 50 * 1024 * 1024,
    onAuth(_auth, _session, callback) {
      callback(null, { user: "test" });
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on("data", (c: Buffer) => chunks.push(c));
      stream.on("end", () => {
        if (sink.reject) {
          const code = Number(sink.reject.slice(0, 3));
          const error = Object.assign(new Error(sink.reject.slice(4)), { responseCode: code });
          return callback(error);
        }
        const raw = Buffer.concat(chunks);
        const queueId = `Q${++seq}`;
        const envelope = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : "",
          to: session.envelope.rcptTo.map((r) => r.address),
        };
        const done = (parsed: ParsedMail) => {
          sink.mails.push({ raw, parsed, envelope, queueId });
          callback(null, `OK: queued as ${queueId}`);
        };
        if (options.parse === false) done({} as ParsedMail);
        else simpleParser(raw).then(done, (e: Error) => callback(e));
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, "127.0.0.1", () => resolve()));
  const address = server.server.address();
  sink.port = typeof address === "object" && address ? address.port : 0;
  sink.url = `smtp://127.0.0.1:${sink.port}`;
  sink.stop = () => new Promise<void>((resolve) => server.close(() => resolve()));
  return sink;
}
