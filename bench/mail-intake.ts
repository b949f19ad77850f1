/**
 * `npm run bench -- mail-intake` (issue 10, part 5): the intake rate IMAP → dossier + opening
 * process started (the demo rule: one "Demande d'intervention" per mail, the .eml and an attachment
 * filed, new-request-intake running; every mail recorded exactly once and flagged \Seen after its
 * commit), beside the raw imapflow fetch rate of the same mails from the same Dovecot in the same
 * run (FETCH BODY[] in batches of 25, as the watcher does), and their ratio (goal ≥ 50%).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import MailComposer from "nodemailer/lib/mail-composer/index.js";
import { loadConfig } from "../src/config.js";
import { startServer } from "../src/main.js";
import { startDovecot } from "../test/helpers/dovecot.js";
import { num } from "./lib/measure.js";

export interface IntakeFigure {
  label: string;
  rate: number;
  detail?: string;
  /** The goal (≥ 50% of the raw fetch) met; undefined for the reference row. */
  pass?: boolean;
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const USER = "demandes@dossier.local";

export async function mailIntakeBench(options: { log: (m?: string) => void; mails?: number }): Promise<IntakeFigure[]> {
  const { log } = options;
  const n = options.mails ?? Number(process.env["BENCH_MAIL_INTAKE_MAILS"] ?? 300);
  const dovecot = await startDovecot({ users: { [USER]: "bench-secret" } });
  const dir = mkdtempSync(path.join(tmpdir(), "bench-intake-"));
  try {
    const mails: Buffer[] = [];
    for (let i = 1; i <= n; i++) {
      mails.push(await new MailComposer({
        from: `Client ${i} <client${i}@exemple.fr>`, to: USER, subject: `Demande n° ${i} : fuite en toiture`, messageId: `<bench-${i}@exemple.fr>`,
        text: `Bonjour,\n\nSuite à l'orage, de l'eau coule au plafond (demande ${i}). Pouvez-vous passer cette semaine ?\n\nCordialement`,
        attachments: [{ filename: `photo-${i}.txt`, content: `Description de la photo ${i} : tache d'humidité de 40 cm.` }],
      }).compile().build());
    }
    const setup = await dovecot.client(USER);
    await setup.mailboxCreate("Arrivee");
    await setup.logout();
    await dovecot.append(USER, mails, "Arrivee");

    // raw: imapflow fetching the same mails, batches of 25
    const raw = await dovecot.client(USER);
    await raw.mailboxOpen("Arrivee");
    const t0 = process.hrtime.bigint();
    let fetched = 0;
    for (let i = 1; i <= n; i += 25) {
      const batch = await raw.fetchAll(`${i}:${Math.min(n, i + 24)}`, { uid: true, source: true });
      fetched += batch.filter((m) => m.source && m.source.length > 0).length;
    }
    const rawSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
    await raw.logout();

    const env: Record<string, string> = { PORT: "0", DATA_DIR: dir, DEMO_DATA: "0", MAIL_DROP_INTERVAL_MS: "0", MAIL_IMAP_IDLE_MS: "200", MAIL_IMAP_URL: dovecot.url(USER) };
    const server = await startServer(loadConfig(env, ROOT), () => undefined, env);
    try {
      const intake = server.capabilities.intake.service;
      const box = () => intake.mailboxViews()[0]!;
      for (let i = 0; box().state !== "idle" && i < 600; i++) await new Promise((r) => setTimeout(r, 50));
      const done = server.domain.db.prepare(`SELECT COUNT(*) FROM mail_inbound WHERE source = 'imap' AND server_done = 1`).pluck();
      const mover = await dovecot.client(USER);
      await mover.mailboxOpen("Arrivee");
      const t1 = process.hrtime.bigint();
      await mover.messageMove("1:*", "INBOX");
      await mover.logout();
      while ((done.get() as number) < n) await new Promise((r) => setTimeout(r, 10));
      const intakeSeconds = Number(process.hrtime.bigint() - t1) / 1e9;
      const dossiers = server.domain.db.prepare(`SELECT COUNT(*) FROM dossier_process WHERE bpmn_process_id = 'new-request-intake'`).pluck().get() as number;
      const rawRate = fetched / rawSeconds;
      const intakeRate = n / intakeSeconds;
      const ratio = (intakeRate / rawRate) * 100;
      log(`(mail-intake) ${n} mails: raw imapflow fetch ${num(rawRate)}/s, intake → dossier + process ${num(intakeRate)}/s (${dossiers} processes started), ratio ${ratio.toFixed(1)}% (goal ≥ 50%)`);
      return [
        { label: "raw imapflow FETCH BODY[] (batches of 25)", rate: rawRate, detail: `${fetched} mails in ${rawSeconds.toFixed(2)} s` },
        { label: "intake IMAP → dossier + new-request-intake", rate: intakeRate, detail: `${n} mails in ${intakeSeconds.toFixed(2)} s, ${ratio.toFixed(1)}% of raw (goal ≥ 50%)`, pass: ratio >= 50 },
      ];
    } finally {
      await server.stop();
    }
  } finally {
    await dovecot.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const isEntryPoint = process.argv[1] !== undefined && import.meta.url === new URL(`file://${path.resolve(process.argv[1])}`).href;
if (isEntryPoint) {
  await mailIntakeBench({ log: console.log });
}
