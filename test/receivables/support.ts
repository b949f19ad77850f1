/**
 * Receivables specs: the real server (demo models, accounts and dossiers, the shipped relance-*
 * scenarios) over a temp SQLite file, mails to an SMTP sink, the engine clock pinned; invoice PDFs
 * written with pdf-lib (read back by pdftotext like an ERP's).
 */
import { utimesSync, writeFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { startPortalServer } from "../portal/support.js";
import type { ApiServer } from "../api/v2/server.js";
import { startSmtpSink, type SmtpSink } from "../helpers/smtp-sink.js";

export interface World {
  api: ApiServer;
  sink: SmtpSink;
  dataDir: string;
  receivables: ApiServer["server"]["capabilities"]["receivables"];
  /** Pins the engine clock at that day, 09:00 UTC, and lets due timers and jobs run. */
  at(day: string, hour?: number): Promise<void>;
  /** Waits until the engine has no activatable job of these types left (the workers are done). */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

export async function startWorld(env: Record<string, string> = {}): Promise<World> {
  const sink = await startSmtpSink();
  // The modules read their settings from process.env (startServer's default): set them for this server, put them back at stop.
  const settings: Record<string, string> = { MAIL_SMTP_URL: sink.url, DUNNING_AUTO: "false", INVOICES_PRINTER_POLL_MS: "0", ...env };
  const saved = Object.fromEntries(Object.keys(settings).map((k) => [k, process.env[k]]));
  Object.assign(process.env, settings);
  const restore = () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
  let api: ApiServer;
  try {
    api = await startPortalServer(settings);
  } catch (e) {
    restore();
    await sink.stop();
    throw e;
  }
  const dataDir = api.server.capabilities.receivables.config.inboxDir.replace(/[\\/]invoices[\\/]inbox$/, "");
  const engine = api.server.engine;
  const world: World = {
    api, sink, dataDir, receivables: api.server.capabilities.receivables,
    async at(day, hour = 9) {
      await engine.pinClock(Date.parse(`${day}T${String(hour).padStart(2, "0")}:00:00Z`));
      await world.settle();
    },
    async settle() {
      const deadline = Date.now() + 20_000;
      for (;;) {
        await engine.fireDueTimers();
        const pending = engine.jobs({}).filter((j) => (j.state === "ACTIVATABLE" || j.state === "ACTIVATED" || (j.state as string) === "CREATED") && /^(dunning|receivables)\./.test(j.type));
        if (pending.length === 0) {
          await new Promise((r) => setTimeout(r, 30));
          const again = engine.jobs({}).filter((j) => (j.state === "ACTIVATABLE" || j.state === "ACTIVATED" || (j.state as string) === "CREATED") && /^(dunning|receivables)\./.test(j.type));
          if (again.length === 0 && (await engine.fireDueTimers()) === 0) return;
        }
        if (Date.now() > deadline) throw new Error(`Jobs still pending: ${pending.map((j) => `${j.type}(${j.state}, ${j.errorMessage ?? ""})`).join(", ")}`);
        await new Promise((r) => setTimeout(r, 40));
      }
    },
    async stop() {
      try {
        await api.stop();
        await sink.stop();
      } finally {
        restore();
      }
    },
  };
  return world;
}

/** An ERP-style invoice PDF: letterhead, customer block, number, dates, totals. */
export async function invoicePdf(o: { number: string; customer: string; vat?: string; email?: string; reference?: string; issue: string; due: string; net: string; vat_amount: string; gross: string }): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([595, 842]);
  const font = await doc.embedFont(StandardFonts.Helvetica);
  let y = 790;
  const line = (t: string, size = 11) => {
    page.drawText(t, { x: 50, y, size, font });
    y -= size + 8;
  };
  line("HORIZON ASSURANCES SAS - 18 rue des Tanneurs, 69002 Lyon", 10);
  line("TVA FR12345678901 - SIREN 123 456 789", 9);
  y -= 10;
  line(`FACTURE N° ${o.number}`, 16);
  line(`Date de facture : ${o.issue}`);
  line(`Date d'échéance : ${o.due}`);
  y -= 6;
  line(`Client : ${o.customer}`);
  if (o.reference) line(`Référence client : ${o.reference}`);
  if (o.vat) line(`TVA client : ${o.vat}`);
  if (o.email) line(`E-mail client : ${o.email}`);
  y -= 6;
  line("Désignation                     Qté     PU HT      Total HT");
  line(`Prestation de service              1   ${o.net}    ${o.net}`);
  y -= 6;
  line(`Total HT : ${o.net} €`);
  line(`TVA 20 % : ${o.vat_amount} €`);
  line(`Total TTC : ${o.gross} €`);
  line("Pénalités de retard : trois fois le taux d'intérêt légal ; indemnité forfaitaire de recouvrement : 40 €", 8);
  return Buffer.from(await doc.save());
}

/** Drops a file in the virtual printer's inbox, dated a minute ago (the printer skips files still being written). */
export function drop(inboxDir: string, name: string, bytes: Buffer): string {
  mkdirSync(inboxDir, { recursive: true });
  const file = path.join(inboxDir, name);
  writeFileSync(file, bytes);
  const past = new Date(Date.now() - 60_000);
  utimesSync(file, past, past);
  return file;
}

export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}
