/**
 * `npm run bench -- archive` (issue 13, part 6): the archive's deposit rate (documents/s, each
 * stored file re-hashed with SHA-256 from disk, records + journal entries committed) and its
 * integrity audit rate (MB/s hashed, plus the journal chain and seals checked), beside
 * `sha256sum` over the SAME files in the same run, and the ratio. The real server stack on a temp
 * SQLite file (synchronous=FULL as in production), BENCH_ARCHIVE_DOCS files of BENCH_ARCHIVE_KB
 * kB (defaults 400 × 256 kB = 100 MB) spread over 40 dossiers.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { loadConfig } from "../src/config.js";
import { startServer } from "../src/main.js";
import { num } from "./lib/measure.js";

const run = promisify(execFile);

export interface ArchiveFigure {
  label: string;
  rate: number;
  unit: string;
  detail?: string;
}

export async function archiveBench(opts: { log: (line: string) => void }): Promise<ArchiveFigure[]> {
  const docs = Number(process.env["BENCH_ARCHIVE_DOCS"] ?? 400);
  const kb = Number(process.env["BENCH_ARCHIVE_KB"] ?? 256);
  const dossiers = 40;
  const dir = mkdtempSync(path.join(tmpdir(), "bench-archive-"));
  const saved = process.env["ARCHIVE_SCHEDULE"];
  process.env["ARCHIVE_SCHEDULE"] = "false";
  const config = loadConfig({ PORT: "0", DATA_DIR: dir, SQLITE_SYNCHRONOUS: "FULL", DEMO_DATA: "false", PROCESSES_DIR: path.join(dir, "none"), DOSSIER_TYPES_DIR: path.resolve("processes", "dossier-types") });
  const server = await startServer(config, () => undefined);
  if (saved === undefined) delete process.env["ARCHIVE_SCHEDULE"];
  else process.env["ARCHIVE_SCHEDULE"] = saved;
  try {
    const { domain } = server;
    const archive = server.capabilities.archive.service;
    const ids: number[] = [];
    const files: string[] = [];
    opts.log(`  preparing ${docs} text files of ${kb} kB in ${dossiers} closed dossiers…`);
    for (let d = 0; d < dossiers; d++) {
      const { dossier } = await domain.service.create(null, { type: "client", title: `Bench ${d}`, parties: [{ role: "customer", party: { kind: "organisation", name: `BENCH ${d}` } }], sector: null, skipOpening: true });
      ids.push(dossier.id);
      for (let i = 0; i < docs / dossiers; i++) {
        const body = Buffer.from(`Facture ${d}-${i}\n${randomBytes((kb * 1024) / 2).toString("hex")}\n`);
        const temp = await domain.documents.stage(body, `facture-${d}-${i}.txt`);
        await domain.documents.add({ dossier, documentType: "facture", files: [temp], actor: "bench" });
        files.push(domain.documents.store.pathOf(temp.sha256));
      }
    }
    const totalMb = files.length * kb / 1024;
    // deposit: every version hashed from disk, then records + journal in one transaction per dossier
    let start = process.hrtime.bigint();
    let records = 0;
    for (const id of ids) records += (await archive.records.deposit({ dossierId: id, documentIds: null, actor: "bench", full: false })).length;
    const depositSeconds = Number(process.hrtime.bigint() - start) / 1e9;
    await archive.sealer.seal("bench");
    // sha256sum over the same files (cold caches are not forced: both read the same warm files)
    start = process.hrtime.bigint();
    for (let i = 0; i < files.length; i += 200) await run("sha256sum", files.slice(i, i + 200), { maxBuffer: 64 * 1024 * 1024 });
    const sumSeconds = Number(process.hrtime.bigint() - start) / 1e9;
    start = process.hrtime.bigint();
    const report = await archive.audit.run("manual", "bench");
    const auditSeconds = Number(process.hrtime.bigint() - start) / 1e9;
    if (report.status !== "clean") throw new Error(`the bench audit found ${report.problems.length} problem(s)`);
    const sumMbs = totalMb / sumSeconds;
    const auditMbs = report.bytes / 1048576 / auditSeconds;
    const depositMbs = totalMb / depositSeconds;
    const figures: ArchiveFigure[] = [
      { label: "deposit (hash from disk + records + journal)", rate: records / depositSeconds, unit: "documents/s", detail: `${records} documents, ${num(depositMbs)} MB/s, ${(depositMbs / sumMbs).toFixed(2)}× sha256sum's MB/s` },
      { label: "integrity audit (re-hash + chain + seals)", rate: auditMbs, unit: "MB/s", detail: `${report.files} files, ${num(report.bytes / 1048576)} MB in ${auditSeconds.toFixed(2)} s` },
      { label: "sha256sum, same files", rate: sumMbs, unit: "MB/s", detail: `audit / sha256sum = ${(auditMbs / sumMbs).toFixed(2)}` },
    ];
    for (const f of figures) opts.log(`  ${f.label.padEnd(48)} ${num(f.rate).padStart(10)} ${f.unit}  (${f.detail})`);
    return figures;
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
