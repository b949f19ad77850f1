/**
 * Shared pieces of the signature specs: the real server over a real SQLite file with the shipped
 * models and demo dossiers, the real mail module (its outbox and SMS gateways), a 3-page PDF filed
 * in a dossier.
 */
import { PDFDocument, StandardFonts } from "pdf-lib";
import type { ApiServer } from "../api/v2/server.js";
import { startDossierServer } from "../dossiers/support.js";

/** A mail as the real outbox (src/mail) queued it: what the tests read of it. */
export interface QueuedMailRow { id: number; purpose: string; subject: string; text: string; to: string[]; status: string }
/** An SMS as the gateway received it (the development gateway's handset table, or the test's HTTP "phone"). */
export interface ReceivedSms { to: string; text: string; sensitive: boolean; purpose: string }

export interface Recorded {
  readonly mails: QueuedMailRow[];
  readonly sms: ReceivedSms[];
}

/**
 * The mails and SMS of the real mail module, read where it keeps them: mail_outbound (the mail as
 * queued, its link inside) and, for SMS, the development gateway's handset table sms_dev_received
 * (what "the phone" received), joined to sms_outbound for the purpose and the sensitive flag — or
 * the texts an HTTP gateway (the test's phone) received, when one is given.
 */
export function realMessaging(api: { server: ApiServer["server"] }, httpPhone?: ReceivedSms[]): Recorded {
  const db = api.server.domain.db;
  return {
    get mails() {
      return (db.prepare(`SELECT id, purpose, subject, text_body, to_json, status FROM mail_outbound ORDER BY id`).all() as any[]).map((r) => ({
        id: r.id, purpose: r.purpose, subject: r.subject, text: r.text_body, to: (JSON.parse(r.to_json) as Array<string | { address: string }>).map((t) => (typeof t === "string" ? t : t.address)), status: r.status,
      }));
    },
    get sms() {
      if (httpPhone) return httpPhone;
      return (db.prepare(`SELECT r.to_number, r.text, o.sensitive, o.purpose FROM sms_dev_received r JOIN sms_outbound o ON o.id = r.sms_id ORDER BY r.id`).all() as any[]).map((r) => ({
        to: r.to_number, text: r.text, sensitive: r.sensitive === 1, purpose: r.purpose,
      }));
    },
  };
}

/** Waits until one more SMS than `before` reached the phone, and returns it. */
export async function nextSms(recorded: Recorded, before: number): Promise<ReceivedSms> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const all = recorded.sms;
    if (all.length > before) return all.at(-1)!;
    if (Date.now() > deadline) throw new Error("Timed out waiting for the SMS");
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** A local HTTP server standing for the SMS gateway/the phone (SMS_HTTP_URL), so that nothing of the code stays in the database. */
export async function httpPhone(): Promise<{ url: string; received: ReceivedSms[]; close(): Promise<void> }> {
  const { createServer } = await import("node:http");
  const received: ReceivedSms[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      const parsed = JSON.parse(body) as { to: string; text: string };
      received.push({ to: parsed.to, text: parsed.text, sensitive: true, purpose: "signature.otp" });
      res.writeHead(200, { "content-type": "application/json" }).end(`{"id":"sms-${received.length}"}`);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as { port: number }).port;
  return { url: `http://127.0.0.1:${port}/sms`, received, close: () => new Promise<void>((r) => server.close(() => r())) };
}

export async function startSignatureServer(env: Record<string, string> = {}) {
  const api = await startDossierServer(env);
  const recorded = realMessaging(api);
  return { api, recorded };
}

export async function threePagePdf(title = "Contrat d'assurance multirisque"): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 1; i <= 3; i++) {
    const page = doc.addPage([595.28, 841.89]);
    page.drawText(`${title} - page ${i} sur 3`, { x: 50, y: 780, size: 16, font });
    for (let l = 0; l < 30; l++) page.drawText(`Article ${i}.${l + 1} : garanties, franchises et conditions générales du contrat.`, { x: 50, y: 740 - l * 20, size: 10, font });
  }
  return Buffer.from(await doc.save());
}

/** Files a PDF in a dossier through the API; returns its document id. */
export async function uploadPdf(api: ApiServer, reference: string, bytes: Buffer, filename = "contrat.pdf", as = "demo"): Promise<number> {
  const form = new FormData();
  form.append("file", new File([new Uint8Array(bytes)], filename, { type: "application/pdf" }));
  const auth = `Basic ${Buffer.from(`${as}:${as}`).toString("base64")}`;
  const res = await fetch(`${api.base}/api/dossiers/${reference}/documents`, { method: "POST", headers: { authorization: auth }, body: form });
  const body = (await res.json()) as { items: Array<{ id: number }> };
  if (res.status !== 201) throw new Error(`upload → ${res.status} ${JSON.stringify(body)}`);
  return body.items[0]!.id;
}

/** The demo customer file whose decision-maker (Julie Martin) has a mobile phone. */
export async function martinFile(api: ApiServer): Promise<{ reference: string; julie: number; customer: number }> {
  const list = (await api.call("GET", "/api/dossiers?type=client&pageSize=50", { as: "demo" })).body.items as Array<{ reference: string; title: string }>;
  const reference = list.find((d) => d.title === "Boulangerie Martin")!.reference;
  const view = (await api.call("GET", `/api/dossiers/${reference}`, { as: "demo" })).body;
  const julie = view.parties.find((p: any) => p.role === "decisionMaker").party.id as number;
  const customer = view.parties.find((p: any) => p.role === "customer").party.id as number;
  return { reference, julie, customer };
}

export const tokenOf = (mail: { text: string }) => /\/signature\/([A-Za-z0-9_-]{43})/.exec(mail.text ?? "")?.[1] ?? "";
export const codeOf = (sms: ReceivedSms) => /\b(\d{6})\b/.exec(sms.text)?.[1] ?? "";

/** The signer page's own CSRF token (read from its HTML, as the page's script does). */
export async function pageCsrf(api: ApiServer, token: string): Promise<string> {
  const html = await (await fetch(`${api.base}/signature/${token}`)).text();
  return /name="signature-csrf" content="([^"]+)"/.exec(html)?.[1] ?? "";
}

export async function pagePost(api: ApiServer, token: string, path: string, body: unknown, csrf: string) {
  const res = await fetch(`${api.base}/signature/${token}${path}`, { method: "POST", headers: { "content-type": "application/json", "x-signature-csrf": csrf }, body: JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}
