/**
 * Portal specs: the real server over a temp SQLite file with the demo models and accounts, a
 * visitor client with its own cookie jar (the `dossier_portal` cookie and its CSRF token), and the
 * mails the portal queued (read from the outbox table of the mail module).
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startApiServer, type ApiServer } from "../api/v2/server.js";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");

export async function startPortalServer(env: Record<string, string> = {}): Promise<ApiServer> {
  return startApiServer({ PROCESSES_DIR: path.join(ROOT, "processes"), DOSSIER_TYPES_DIR: path.join(ROOT, "processes", "dossier-types"), ...env });
}

export interface Visitor {
  cookie: string | undefined;
  csrf: string | undefined;
  call(method: string, url: string, body?: unknown, headers?: Record<string, string>): Promise<{ status: number; body: any; headers: Headers }>;
}

export function visitorClient(base: string): Visitor {
  const v: Visitor = {
    cookie: undefined, csrf: undefined,
    async call(method, url, body, headers = {}) {
      const isForm = body instanceof FormData;
      const res = await fetch(base + url, {
        method,
        headers: {
          ...(v.cookie ? { cookie: `dossier_portal=${v.cookie}` } : {}), ...(v.csrf && method !== "GET" ? { "x-portal-csrf": v.csrf } : {}),
          ...(body !== undefined && !isForm ? { "content-type": "application/json" } : {}), ...headers,
        },
        ...(body !== undefined ? { body: isForm ? body : JSON.stringify(body) } : {}),
      });
      const set = res.headers.get("set-cookie");
      const m = set ? /dossier_portal=([^;]*)/.exec(set) : null;
      if (m) v.cookie = m[1] || undefined;
      const text = await res.text();
      let parsed: any = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // a file
      }
      if (parsed && typeof parsed === "object" && typeof parsed.csrfToken === "string") v.csrf = parsed.csrfToken;
      return { status: res.status, body: parsed, headers: res.headers };
    },
  };
  return v;
}

/** A minimal valid PDF with a line of text (accepted by the content sniffing). */
export function pdf(text: string): Uint8Array<ArrayBuffer> {
  const stream = `BT /F1 18 Tf 72 720 Td (${text.replace(/[()\\]/g, "")}) Tj ET`;
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`, "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  ];
  let out = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(out.length);
    out += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("")}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new Uint8Array(Buffer.from(out, "latin1"));
}

/** A Windows executable's first bytes, named like a PDF. */
export function fakePdfExe(): Uint8Array<ArrayBuffer> {
  const b = Buffer.alloc(512);
  b.write("MZ", 0, "latin1");
  b.writeUInt32LE(0x80, 0x3c);
  b.write("PE\0\0", 0x80, "latin1");
  return new Uint8Array(b);
}

export interface CapturedMail {
  to: unknown[];
  subject?: string;
  text?: string;
  purpose: string;
  dossierId?: number | null;
}

/**
 * Records every mail the portal enqueues (the request as given to Outbox.enqueue), on top of the
 * mail module's own outbox; while that module is not built yet its placeholder is stood in for.
 */
export function captureMails(api: Pick<ApiServer, "server">): CapturedMail[] {
  const outbox = api.server.capabilities.mail.outbox as { enqueue: (tx: any, mail: any) => any };
  const original = outbox.enqueue.bind(outbox);
  const mails: CapturedMail[] = [];
  let n = 0;
  outbox.enqueue = (tx, mail) => {
    try {
      const queued = original(tx, mail);
      mails.push(mail);
      return queued;
    } catch (error) {
      if (!/not built yet/.test((error as Error).message)) throw error;
      mails.push(mail);
      return { id: ++n, messageId: `<test-${n}@dossier>`, duplicate: false };
    }
  };
  return mails;
}

export async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > end) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export function linkIn(text: string | undefined): string {
  const m = /\/portail\/tache\/([A-Za-z0-9_-]{43})/.exec(text ?? "");
  if (!m) throw new Error(`Expected a task link in the mail, but found: ${text}`);
  return m[1]!;
}

/** Records every SMS the portal enqueues (on top of the mail module's SMS outbox). */
export function captureSms(api: Pick<ApiServer, "server">): Array<{ to: string; text: string; purpose: string }> {
  const outbox = api.server.capabilities.mail.sms as { enqueue: (tx: any, sms: any) => any };
  const original = outbox.enqueue.bind(outbox);
  const sent: Array<{ to: string; text: string; purpose: string }> = [];
  outbox.enqueue = (tx, sms) => {
    const queued = original(tx, sms);
    sent.push(sms);
    return queued;
  };
  return sent;
}
