/**
 * Bench group `mail`: outbound mails per second from `outbox.enqueue` (one transaction per mail,
 * as the mail.send worker does: rendered template, recipients resolved, journal entry) to accepted
 * by a local smtp-server sink, beside raw nodemailer sends (the same pooled SMTP options, a mail of
 * the same size) to the same sink in the same run. Goal: ≥ 50% of the raw nodemailer rate.
 * Environment: BENCH_MAILS (default 1000), BENCH_RUNS (default 3). SQLite synchronous=NORMAL, file DB.
 */
import nodemailer from "nodemailer";
import { smtpOptions } from "../src/mail/transport.js";
import { startSmtpSink } from "../test/helpers/smtp-sink.js";
import { startMailWorld } from "../test/mail/support.js";

export interface MailSendFigure {
  label: string;
  rate: number;
  ratio?: number;
  detail?: string;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function mailSendBench({ log, mails = Number(process.env["BENCH_MAILS"] ?? 1000), runs = Number(process.env["BENCH_RUNS"] ?? 3) }: { log: (line: string) => void; mails?: number; runs?: number }): Promise<MailSendFigure[]> {
  log(`(mail) ${mails} outbound mails per run, ${runs} runs: enqueue → accepted by a local SMTP sink, beside raw nodemailer to the same sink`);
  const sink = await startSmtpSink({ parse: false });
  const ours: number[] = [];
  const raw: number[] = [];
  let size = 0;
  try {
    for (let run = 0; run < runs; run++) {
      // ours: a fresh database per run, one customer file, each mail its own transaction
      const world = await startMailWorld({ MAIL_SMTP_URL: sink.url, MAIL_POLL_MS: "1000" });
      try {
        const file = await world.customerFile({ email: "contact@boulangerie-lefevre.fr" });
        const before = sink.mails.length;
        const start = performance.now();
        await Promise.all(Array.from({ length: mails }, (_, i) => world.t.engine.transaction((tx) =>
          world.mail.outbox.enqueue(tx, { to: [{ role: "customer" }], dossierId: file.id, template: "relance-pieces", data: { missingDocuments: ["RIB", `Pièce ${i}`] }, purpose: "process", key: `bench:${run}:${i}` }))));
        await sink.until(before + mails, 600_000);
        ours.push(mails / ((performance.now() - start) / 1000));
        size = sink.mails[sink.mails.length - 1]!.raw.length;
      } finally {
        await world.stop();
      }
      // raw nodemailer: the same pooled options, a message of the same size
      const transporter = nodemailer.createTransport(smtpOptions(sink.url) as never);
      try {
        const before = sink.mails.length;
        const body = "x".repeat(Math.max(size - 600, 100));
        const start = performance.now();
        await Promise.all(Array.from({ length: mails }, (_, i) => transporter.sendMail({ from: "dossiers@exemple.fr", to: "contact@boulangerie-lefevre.fr", subject: `Pièces manquantes ${i}`, text: body, html: `<p>${body}</p>` })));
        await sink.until(before + mails, 600_000);
        raw.push(mails / ((performance.now() - start) / 1000));
      } finally {
        transporter.close();
      }
    }
  } finally {
    await sink.stop();
  }
  const o = median(ours);
  const r = median(raw);
  log(`  ours (enqueue → 250 accepted): ${o.toFixed(0)} mails/s  (runs ${ours.map((x) => x.toFixed(0)).join(", ")}; ${size} bytes per mail)`);
  log(`  raw nodemailer (pooled, 4 connections): ${r.toFixed(0)} mails/s  (runs ${raw.map((x) => x.toFixed(0)).join(", ")})`);
  log(`  ratio ours / raw: ${(o / r * 100).toFixed(0)}%  (goal ≥ 50%: ${o / r >= 0.5 ? "PASS" : "MISS"})`);
  return [
    { label: "ours", rate: o, ratio: o / r, detail: `${(o / r * 100).toFixed(0)}% of raw` },
    { label: "raw nodemailer", rate: r },
  ];
}
