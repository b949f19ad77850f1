/**
 * Shared pieces of the signature specs: the real server over a real SQLite file with the shipped
 * models and demo dossiers, a 3-page PDF filed in a dossier, and — while the mail module is still
 * a placeholder that throws "not built yet" — a RECORDING outbox and SMS outbox standing in for
 * it behind the same interfaces (Outbox/SmsOutbox of src/mail/api.ts): what was queued in a
 * transaction shows once it committed, as the real outbox would send it.
 */
import { PDFDocument, StandardFonts } from "pdf-lib";
import type { ApiServer } from "../api/v2/server.js";
import type { OutboundMailRequest, SmsRequest } from "../../src/mail/api.js";
import { startDossierServer } from "../dossiers/support.js";

export interface Recorded {
  mails: OutboundMailRequest[];
  sms: SmsRequest[];
}

/** Puts a recording implementation in place of the placeholder mail module's outboxes (same objects the modules hold). */
export function recordingOutboxes(api: { server: ApiServer["server"] }): Recorded {
  const recorded: Recorded = { mails: [], sms: [] };
  const mail = api.server.capabilities.mail;
  let id = 0;
  (mail.outbox as { enqueue: unknown }).enqueue = (tx: { afterCommit(fn: () => void): void }, m: OutboundMailRequest) => {
    tx.afterCommit(() => recorded.mails.push(m));
    return { id: ++id, messageId: `<recorded-${id}@test>`, duplicate: false };
  };
  (mail.sms as { enqueue: unknown }).enqueue = (tx: { afterCommit(fn: () => void): void }, s: SmsRequest) => {
    tx.afterCommit(() => recorded.sms.push(s));
    return { id: ++id, duplicate: false };
  };
  return recorded;
}

export async function startSignatureServer(env: Record<string, string> = {}) {
  const api = await startDossierServer(env);
  const recorded = recordingOutboxes(api);
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

export const tokenOf = (mail: OutboundMailRequest) => /\/signature\/([A-Za-z0-9_-]{43})/.exec(mail.text ?? "")?.[1] ?? "";
export const codeOf = (sms: SmsRequest) => /\b(\d{6})\b/.exec(sms.text)?.[1] ?? "";

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
