/**
 * `npm run bench -- seal` (issue 11, part 5): PAdES seals per second on a 3-page PDF with the
 * organisation's certificate (RSA-2048, self-signed here) — placeholder, save, CMS signature
 * (@signpdf + node-forge) — beside the raw cost of the RSA-SHA256 signature alone (node:crypto
 * `sign`) in the same run, and their ratio: how much of a seal is the signature itself.
 * Also the whole completion's PDF work (signature page appended + seal + evidence file + seal).
 */
import { sign } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { PDFDocument, StandardFonts } from "pdf-lib";
import { loadOrganisationCertificate } from "../src/signature/certificate.js";
import { evidenceFile, sealPdf, withSignaturePage } from "../src/signature/pdf.js";
import { num } from "./lib/measure.js";

export interface SealFigure {
  label: string;
  rate: number;
  detail?: string;
}

async function threePages(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  const font = await doc.embedFont(StandardFonts.Helvetica);
  for (let i = 1; i <= 3; i++) {
    const page = doc.addPage([595.28, 841.89]);
    for (let l = 0; l < 40; l++) page.drawText(`Contrat page ${i} - article ${l + 1} : garanties et conditions générales.`, { x: 50, y: 790 - l * 18, size: 10, font });
  }
  return Buffer.from(await doc.save());
}

async function rate(seconds: number, fn: () => Promise<unknown> | unknown): Promise<{ rate: number; count: number }> {
  await fn(); // warm-up
  const start = process.hrtime.bigint();
  let count = 0;
  while (Number(process.hrtime.bigint() - start) / 1e9 < seconds) {
    await fn();
    count++;
  }
  return { rate: count / (Number(process.hrtime.bigint() - start) / 1e9), count };
}

export async function sealBench({ log, seconds = Number(process.env["BENCH_SECONDS"] ?? 3) }: { log: (line: string) => void; seconds?: number }): Promise<SealFigure[]> {
  const dir = mkdtempSync(path.join(tmpdir(), "bench-seal-"));
  try {
    const certificate = loadOrganisationCertificate({ dataDir: dir, organisationName: "Bench" });
    const pdf = await threePages();
    const data = Buffer.alloc(32, 7);
    const raw = await rate(seconds, () => sign("sha256", data, certificate.privateKey));
    const seal = await rate(seconds, async () => sealPdf(await PDFDocument.load(pdf), certificate, { reason: "bench", name: "Bench" }));
    const completion = await rate(seconds, async () => {
      const signed = await withSignaturePage([pdf], { requestId: 1, title: "Contrat", dossierReference: "CLI-2026-00001", originalSha256: ["0".repeat(64)], signers: [{ name: "Julie Martin", role: "Décideur", signedAt: Date.now(), method: "code SMS", maskedPhone: "+336******78" }, { name: "Agent", role: null, signedAt: Date.now(), method: "session", maskedPhone: null }] });
      await sealPdf(signed, certificate, { reason: "bench", name: "Bench" });
      const evidence = await evidenceFile({ requestId: 1, title: "Contrat", dossierReference: "CLI-2026-00001", organisation: "Bench", certificate, createdAt: Date.now(), createdBy: "agent", completedAt: Date.now(), documents: [{ filename: "contrat.pdf", documentId: 1, version: 1, sha256: "0".repeat(64) }], finalSha256: "1".repeat(64), signers: [], timeline: Array.from({ length: 12 }, (_, i) => ({ at: Date.now(), type: `event.${i}`, signer: "Julie Martin", details: { ip: "127.0.0.1" } })) });
      await sealPdf(evidence, certificate, { reason: "bench", name: "Bench" });
    });
    const ratio = raw.rate / seal.rate;
    log(`(seal) RSA-2048 SHA-256 signature alone (crypto.sign): ${num(raw.rate)}/s`);
    log(`(seal) PAdES seal of a 3-page PDF (@signpdf, ETSI.CAdES.detached): ${seal.rate.toFixed(1)}/s — one seal costs ${ratio.toFixed(1)}× a bare RSA signature`);
    log(`(seal) whole completion (signature page + seal + evidence file + seal): ${completion.rate.toFixed(1)}/s`);
    return [
      { label: "crypto.sign RSA-2048", rate: raw.rate },
      { label: "PAdES seal, 3 pages", rate: seal.rate, detail: `${ratio.toFixed(1)}× one RSA signature` },
      { label: "completion (2 PDFs sealed)", rate: completion.rate },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const isEntryPoint = process.argv[1] !== undefined && import.meta.url === new URL(`file://${path.resolve(process.argv[1])}`).href;
if (isEntryPoint) await sealBench({ log: console.log });
