/**
 * `npm run bench -- render` (issue 11, part 1 and 5): PDFs per second for the 3-page insurance
 * contract (templates/contracts/contrat-assurance with the fictional dossier) through the pool
 * (locked-down pages: JavaScript off, request interception, page reset between customers), beside a
 * bare reused puppeteer page printing the same HTML with the same PDF options, in the same run and
 * interleaved (goal: the pool ≥ 80% of the bare page). Also the pool's throughput with as many
 * renders in flight as its concurrency (RENDER_CONCURRENCY, 2).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import puppeteer from "puppeteer-core";
import { CHROMIUM_ARGS, ChromiumPool, pdfOptions } from "../src/templates/chromium.js";
import { sampleDossier } from "../src/templates/data.js";
import { TemplateLibrary } from "../src/templates/library.js";
import { DEMO_ORGANISATION, legalLine } from "../src/templates/organisation.js";

export interface RenderFigure {
  label: string;
  rate: number;
  detail?: string;
  /** The pool ÷ the bare page (the line with the goal). */
  ratio?: number;
}

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

async function timed(seconds: number, inFlight: number, fn: () => Promise<unknown>): Promise<number> {
  await fn(); // warm-up
  const start = process.hrtime.bigint();
  const elapsed = () => Number(process.hrtime.bigint() - start) / 1e9;
  let count = 0;
  await Promise.all(Array.from({ length: inFlight }, async () => {
    while (elapsed() < seconds) {
      await fn();
      count++;
    }
  }));
  return count / elapsed();
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function renderBench({ log, seconds = Number(process.env["BENCH_SECONDS"] ?? 4), runs = Number(process.env["BENCH_RUNS"] ?? 3) }: { log: (line: string) => void; seconds?: number; runs?: number }): Promise<RenderFigure[]> {
  const executablePath = process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium";
  const library = new TemplateLibrary({ dir: path.join(ROOT, "templates"), timeZone: "Europe/Paris" });
  library.load();
  const data = { variables: {}, dossier: sampleDossier("fr"), organisation: DEMO_ORGANISATION, today: "2026-12-07" };
  const html = library.render("contracts/contrat-assurance", data).output;
  const options = { locale: "fr" as const, footerText: legalLine(DEMO_ORGANISATION) };
  const concurrency = Number(process.env["RENDER_CONCURRENCY"] ?? 2);
  const pool = new ChromiumPool({ executablePath, concurrency, timeoutMs: 60_000 });
  const profile = mkdtempSync(path.join(tmpdir(), "bench-render-"));
  const browser = await puppeteer.launch({ executablePath, headless: true, userDataDir: profile, args: CHROMIUM_ARGS });
  try {
    const page = await browser.newPage();
    const bare = async () => {
      await page.setContent(html, { waitUntil: "load" });
      return page.pdf(pdfOptions(options, 60_000));
    };
    const pages = (await pool.htmlToPdf(html, options)).toString("latin1").match(/\/Type\s*\/Page[^s]/g)?.length ?? 0;
    const pooled: number[] = [];
    const bares: number[] = [];
    for (let run = 0; run < runs; run++) {
      bares.push(await timed(seconds, 1, bare));
      pooled.push(await timed(seconds, 1, () => pool.htmlToPdf(html, options)));
    }
    const parallel = await timed(seconds, concurrency, () => pool.htmlToPdf(html, options));
    const ratio = median(pooled) / median(bares);
    log(`(render) ${pages}-page contract (${Math.round(html.length / 1024)} KB of HTML), ${runs} interleaved runs of ${seconds} s, medians:`);
    log(`(render) bare reused puppeteer page: ${median(bares).toFixed(2)} PDFs/s`);
    log(`(render) pool, one render at a time: ${median(pooled).toFixed(2)} PDFs/s = ${(ratio * 100).toFixed(0)}% of the bare page (goal ≥ 80%) ${ratio >= 0.8 ? "PASS" : "MISS"}`);
    log(`(render) pool, ${concurrency} renders in flight (RENDER_CONCURRENCY): ${parallel.toFixed(2)} PDFs/s`);
    return [
      { label: "bare reused page", rate: median(bares) },
      { label: "pool, 1 in flight", rate: median(pooled), detail: `${(ratio * 100).toFixed(0)}% of bare, goal ≥ 80%`, ratio },
      { label: `pool, ${concurrency} in flight`, rate: parallel },
    ];
  } finally {
    await browser.close().catch(() => undefined);
    await pool.stop();
    rmSync(profile, { recursive: true, force: true, maxRetries: 3 });
  }
}
