/**
 * `npm run bench -- kpi` (issue 14 §9): receivables KPIs over 1,000,000 invoices and 2,000,000
 * payments (plus 20,000 disputes, 200,000 dunning actions, 20,000 promises) in 5 sectors, 4
 * segments, 20 collectors over 36 months. Generated once into a cached SQLite file under the temp
 * dir (BENCH_KPI_DB to choose it, BENCH_KPI_FRESH=1 to rebuild): rows bulk-loaded with the
 * dirty-marking triggers dropped, then every invoice projected once by the real projection (its
 * throughput is printed), triggers recreated.
 *
 * Figures:
 *   KPI reads from the aggregates (12 months; per segment; per collector; one sector; 36 months)   p50/p95, goal p95 < 500 ms
 *   the same KPIs by a full scan of the rows (the reference path, no aggregates), one month end,
 *     time-capped (BENCH_KPI_BASELINE_MONTHS, default 1), and the ratio to the 12-month read
 *   the incremental cost: 10,000 payments inserted through the triggers, then caught up (changes/s)
 */
import { existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type Database from "better-sqlite3";
import { openDatabase } from "../src/persistence/data-source.js";
import { INSIGHTS_TRIGGERS } from "../migrations/1797000700000-Insights.js";
import { InsightsProjection } from "../src/insights/projection.js";
import { ALL, AGING_COLUMNS, LEDGER_COLUMNS } from "../src/insights/contribution.js";
import { receivablesKpis, type KpiQuery } from "../src/insights/kpis.js";
import { fullScanKpis } from "../src/insights/full-scan.js";
import { addDays, addMonths } from "../src/insights/calendar.js";
import { num } from "./lib/measure.js";
import { prng } from "./lib/sampling.js";

export interface KpiFigure { label: string; p50: number; p95: number; goalMs: number | null; detail?: string }

const INVOICES = Number(process.env["BENCH_KPI_INVOICES"] ?? 1_000_000);
const VERSION = "v1";
const SECTORS = ["agents", "sales", "nord", "sud", "recrutement"];
const SEGMENTS = ["small_business", "large_account", "public_body", "bad_payer"];
const START = "2023-01-01";
const DAYS = 1095;
const LAST = "2025-12";

function build(db: Database.Database, log: (m: string) => void): void {
  const rnd = prng(1414);
  const t0 = performance.now();
  for (const [name] of INSIGHTS_TRIGGERS) db.exec(`DROP TRIGGER IF EXISTS "${name}"`);
  db.exec(`DELETE FROM insights_dirty`);
  const dossier = db.prepare(`INSERT INTO dossier (reference, type_id, type_version, title, state, owner, sector, data, tags, version, created_at, updated_at) VALUES (?, 'client', 1, ?, 'client', NULL, ?, '{}', '[]', 1, 0, 0)`);
  const invoice = db.prepare(`INSERT INTO invoice (id, number, dossier_id, issue_date, due_date, net_cents, vat_cents, gross_cents, status, segment, collector, source, created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'issued', ?, ?, 'api', 0, 0, 1)`);
  const payment = db.prepare(`INSERT INTO invoice_payment (invoice_id, kind, amount_cents, currency, received_on, source, created_at) VALUES (?, ?, ?, 'EUR', ?, 'bench', 0)`);
  const dispute = db.prepare(`INSERT INTO invoice_dispute (invoice_id, opened_on, closed_on) VALUES (?, ?, ?)`);
  const action = db.prepare(`INSERT INTO dunning_action (invoice_id, dossier_id, channel, at, on_date, outcome) VALUES (?, ?, ?, 0, ?, ?)`);
  const promise = db.prepare(`INSERT INTO payment_promise (invoice_id, dossier_id, promised_on, status, created_on, settled_on) VALUES (?, ?, ?, ?, ?, ?)`);
  db.transaction(() => {
    for (let d = 1; d <= 1000; d++) dossier.run(`BENCH-${d}`, `Client ${d}`, SECTORS[d % SECTORS.length]);
  })();
  const dossierIds = (db.prepare(`SELECT id FROM dossier WHERE reference LIKE 'BENCH-%' ORDER BY id`).all() as Array<{ id: number }>).map((r) => r.id);
  let payments = 0;
  const chunk = 50_000;
  for (let start = 1; start <= INVOICES; start += chunk) {
    db.transaction(() => {
      for (let id = start; id < start + chunk && id <= INVOICES; id++) {
        const dossierId = dossierIds[Math.floor(rnd() * dossierIds.length)]!;
        const issue = addDays(START, Math.floor(rnd() * DAYS));
        const due = addDays(issue, [30, 45, 60][Math.floor(rnd() * 3)]!);
        const gross = 10_000 + Math.floor(rnd() * 2_000_000);
        const net = Math.round(gross / 1.2);
        invoice.run(id, `B-${id}`, dossierId, issue, due, net, gross - net, gross, SEGMENTS[Math.floor(rnd() * 4)], `collector${Math.floor(rnd() * 20)}`);
        const first = Math.round(gross / 2);
        payment.run(id, "payment", first, addDays(due, Math.floor(rnd() * 40) - 10));
        const r = rnd();
        payment.run(id, r < 0.9 ? "payment" : r < 0.96 ? "credit_note" : "write_off", r < 0.85 ? gross - first : Math.max(1, Math.floor((gross - first) * rnd())), addDays(due, Math.floor(rnd() * 90)));
        payments += 2;
        if (id % 50 === 0) dispute.run(id, addDays(due, 5), rnd() < 0.6 ? addDays(due, 20 + Math.floor(rnd() * 60)) : null);
        if (id % 5 === 0) action.run(id, dossierId, rnd() < 0.3 ? "call" : "email", addDays(due, 3 + Math.floor(rnd() * 20)), rnd() < 0.05 ? "failed" : "sent");
        if (id % 50 === 1) promise.run(id, dossierId, addDays(due, 15), rnd() < 0.7 ? "kept" : "broken", addDays(due, 5), addDays(due, 15));
      }
    })();
  }
  log(`  generated ${num(INVOICES)} invoices and ${num(payments)} payments in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  const t1 = performance.now();
  db.exec(`INSERT OR IGNORE INTO insights_dirty (unit) SELECT 'i:' || id FROM invoice`);
  const projection = new InsightsProjection(db);
  let done = 0;
  for (;;) {
    const n = db.transaction(() => projection.projectBatch(5000))();
    if (n === 0) break;
    done += n;
    if (done % 200_000 === 0) log(`  projected ${num(done)} invoices…`);
  }
  const seconds = (performance.now() - t1) / 1000;
  log(`  projected ${num(done)} invoices (with their payments, disputes, actions, promises) in ${seconds.toFixed(1)} s: ${num(done / seconds)} invoices/s`);
  for (const [, sql] of INSIGHTS_TRIGGERS) db.exec(sql);
  db.exec(`CREATE TABLE IF NOT EXISTS bench_kpi_meta (version text)`);
  db.exec(`DELETE FROM bench_kpi_meta`);
  db.prepare(`INSERT INTO bench_kpi_meta (version) VALUES (?)`).run(`${VERSION}-${INVOICES}`);
  db.exec(`ANALYZE`);
}

/** A file built before the roll-up rows existed gets them from its own rows (the projection writes them since). */
function rollUpIfMissing(db: Database.Database, log: (m: string) => void): void {
  db.exec(`DROP INDEX IF EXISTS "ix_insights_ledger_sector"; DROP INDEX IF EXISTS "ix_insights_aging_sector";
    CREATE INDEX IF NOT EXISTS "ix_insights_ledger_dims" ON "insights_ledger" ("segment", "collector", "month");
    CREATE INDEX IF NOT EXISTS "ix_insights_aging_dims" ON "insights_aging" ("segment", "collector", "month")`);
  if (db.prepare(`SELECT 1 FROM insights_ledger WHERE segment = ? LIMIT 1`).get(ALL)) return;
  const t0 = performance.now();
  for (const [table, columns] of [["insights_ledger", LEDGER_COLUMNS], ["insights_aging", AGING_COLUMNS]] as const) {
    const cols = columns.map((c) => `"${c}"`).join(", ");
    const sums = columns.map((c) => `SUM("${c}")`).join(", ");
    for (const [segment, collector] of [["?", "collector"], ["segment", "?"], ["?", "?"]]) {
      const binds = [segment, collector].filter((x) => x === "?").map(() => ALL);
      db.prepare(`INSERT INTO "${table}" ("month", "segment", "collector", "sector", ${cols}) SELECT "month", ${segment}, ${collector}, "sector", ${sums} FROM "${table}" WHERE "segment" <> '${ALL}' AND "collector" <> '${ALL}' GROUP BY "month", ${segment === "?" ? "" : `"segment", `}${collector === "?" ? "" : `"collector", `}"sector"`).run(...binds);
    }
  }
  log(`  added the roll-up rows to the cached aggregates in ${(performance.now() - t0).toFixed(0)} ms`);
}

function time(samples: number, run: () => unknown): { p50: number; p95: number } {
  for (let i = 0; i < 2; i++) run();
  const times: number[] = [];
  for (let i = 0; i < samples; i++) {
    const start = performance.now();
    run();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { p50: times[Math.floor(times.length * 0.5)]!, p95: times[Math.min(times.length - 1, Math.ceil(times.length * 0.95) - 1)]! };
}

export async function kpiBench({ log = console.log }: { log?: (m: string) => void } = {}): Promise<KpiFigure[]> {
  const file = process.env["BENCH_KPI_DB"] ?? path.join(tmpdir(), `dossier-bench-kpi-${VERSION}-${INVOICES}.sqlite`);
  if (process.env["BENCH_KPI_FRESH"] === "1") for (const suffix of ["", "-wal", "-shm"]) rmSync(file + suffix, { force: true });
  const fresh = !existsSync(file);
  const { dataSource, db } = await openDatabase({ path: file, synchronous: "OFF" });
  try {
    const built = !fresh && (() => {
      try {
        return (db.prepare(`SELECT version FROM bench_kpi_meta`).get() as { version: string } | undefined)?.version === `${VERSION}-${INVOICES}`;
      } catch {
        return false;
      }
    })();
    if (!built) {
      log(`  building ${file} (once; reused by the next runs)`);
      build(db, log);
    } else log(`  reusing ${file}`);
    rollUpIfMissing(db, log);
    const counts = db.prepare(`SELECT (SELECT COUNT(*) FROM invoice) AS i, (SELECT COUNT(*) FROM invoice_payment) AS p, (SELECT COUNT(*) FROM insights_ledger) AS l, (SELECT COUNT(*) FROM insights_aging) AS a`).get() as { i: number; p: number; l: number; a: number };
    log(`  ${num(counts.i)} invoices, ${num(counts.p)} payments; aggregates: ${num(counts.l)} ledger rows, ${num(counts.a)} aging rows`);
    const samples = Number(process.env["BENCH_KPI_SAMPLES"] ?? 30);
    const all = { sectors: "all" as const };
    const q = (over: Partial<KpiQuery>): KpiQuery => ({ from: addMonths(LAST, -11), to: LAST, scope: all, ...over });
    const figures: KpiFigure[] = [];
    const read = (label: string, query: KpiQuery) => {
      const r = time(samples, () => receivablesKpis(db, query));
      figures.push({ label, ...r, goalMs: 500 });
      log(`  ${label.padEnd(52)} p50 ${r.p50.toFixed(1)} ms  p95 ${r.p95.toFixed(1)} ms`);
      return r;
    };
    const twelve = read("KPIs, 12 months, whole ledger", q({}));
    read("KPIs, 12 months, per segment", q({ groupBy: "segment" }));
    read("KPIs, 12 months, per collector (20)", q({ groupBy: "collector" }));
    read("KPIs, 12 months, one sector (a user's scope)", q({ scope: { sectors: ["sales"] } }));
    read("KPIs, 36 months, per segment", q({ from: "2023-01", groupBy: "segment" }));
    // Baseline: the same figures by a full scan of the rows, one month end per scan (time-capped).
    const months = Number(process.env["BENCH_KPI_BASELINE_MONTHS"] ?? 1);
    const from = addMonths(LAST, -(months - 1));
    const start = performance.now();
    const scan = fullScanKpis(db, { from, to: LAST, historyFrom: from, scope: all });
    const scanMs = performance.now() - start;
    const [agg] = receivablesKpis(db, q({ from, to: LAST }));
    const same = JSON.stringify(scan.map((m) => [m.dueCents, m.buckets, m.disputedCents])) === JSON.stringify(agg!.months.map((m) => [m.dueCents, m.buckets, m.disputedCents]));
    const perMonth = scanMs / months;
    const ratio = (perMonth * 12) / twelve.p50;
    figures.push({ label: `baseline: full scan, ${months} month end(s)`, p50: scanMs, p95: scanMs, goalMs: null, detail: `≈ ${(perMonth * 12 / 1000).toFixed(1)} s for 12 months (extrapolated) = ${num(ratio)}× the aggregate read; month-end balances and buckets ${same ? "equal" : "DIFFER"}` });
    log(`  baseline: full scan of ${months} month end(s) ${scanMs.toFixed(0)} ms (${perMonth.toFixed(0)} ms per month end); 12 months ≈ ${(perMonth * 12 / 1000).toFixed(1)} s extrapolated, ${num(ratio)}× the aggregate read's p50; figures ${same ? "equal" : "DIFFER"}`);
    // Incremental cost: payments through the triggers, then the catch-up.
    const projection = new InsightsProjection(db);
    const n = 10_000;
    const rnd = prng(7);
    const pay = db.prepare(`INSERT INTO invoice_payment (invoice_id, kind, amount_cents, currency, received_on, source, created_at) VALUES (?, 'payment', ?, 'EUR', ?, 'bench-inc', 0)`);
    const t0 = performance.now();
    db.transaction(() => {
      for (let i = 0; i < n; i++) pay.run(1 + Math.floor(rnd() * INVOICES), 100 + Math.floor(rnd() * 10_000), addDays("2025-06-01", Math.floor(rnd() * 180)));
    })();
    const insertMs = performance.now() - t0;
    const t1 = performance.now();
    while (db.transaction(() => projection.projectBatch(2000))() > 0);
    const catchUpMs = performance.now() - t1;
    db.exec(`DELETE FROM invoice_payment WHERE source = 'bench-inc'`);
    while (db.transaction(() => projection.projectBatch(2000))() > 0);
    figures.push({ label: "incremental: 10,000 payments then catch-up", p50: catchUpMs, p95: catchUpMs, goalMs: null, detail: `inserts with triggers ${insertMs.toFixed(0)} ms, catch-up ${catchUpMs.toFixed(0)} ms = ${num(n / (catchUpMs / 1000))} changes/s` });
    log(`  incremental: ${num(n)} payments inserted through the triggers in ${insertMs.toFixed(0)} ms, caught up in ${catchUpMs.toFixed(0)} ms (${num(n / (catchUpMs / 1000))} changes/s)`);
    return figures;
  } finally {
    await dataSource.destroy();
  }
}
