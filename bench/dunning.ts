/**
 * `npm run bench -- dunning` (issue 14 §9): the daily dunning run over 100,000 overdue invoices
 * (BENCH_DUNNING_INVOICES) of 2,000 customers — each invoice gets its scenario (chosen by the FEEL
 * rules), its dunning_case row, its dossier link and journal entry, in batches of 250 per
 * transaction — beside the engine's raw createInstance rate for the same model (relance-standard:
 * an embedded sub-process, two message boundary subscriptions, the first timer) with the same
 * variables, on a fresh database of the same settings, in the same run. The ratio is printed.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type Database from "better-sqlite3";
import { Domain } from "../src/dossiers/domain.js";
import { installTypes } from "../src/dossiers/install.js";
import { Invoices } from "../src/receivables/invoices.js";
import { Dunning } from "../src/receivables/dunning.js";
import type { Diffusion } from "../src/receivables/diffusion.js";
import { loadReceivablesConfig } from "../src/receivables/config.js";
import { startTestEngine, type TestEngine } from "../test/helpers/engine.js";
import { num } from "./lib/measure.js";

export interface DunningFigure { label: string; rate: number; detail?: string }

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const PROCESSES = path.join(ROOT, "processes");
const INVOICES = Number(process.env["BENCH_DUNNING_INVOICES"] ?? 100_000);
const CUSTOMERS = 2_000;
const TODAY = "2026-06-15";

const dbOf = (t: TestEngine) => (t.dataSource.driver as unknown as { databaseConnection: Database.Database }).databaseConnection;

async function deploy(t: TestEngine) {
  await t.engine.deploy([{ name: "relance-standard.bpmn", content: readFileSync(path.join(PROCESSES, "relance-standard.bpmn")) }, { name: "relance-grands-comptes.bpmn", content: readFileSync(path.join(PROCESSES, "relance-grands-comptes.bpmn")) }, { name: "relance-mauvais-payeur.bpmn", content: readFileSync(path.join(PROCESSES, "relance-mauvais-payeur.bpmn")) }]);
}

export async function dunningBench(options: { log: (m?: string) => void }): Promise<DunningFigure[]> {
  const { log } = options;
  const figures: DunningFigure[] = [];
  // ── the dunning run ──────────────────────────────────────────────────────────────────────
  const t = await startTestEngine({ synchronous: "NORMAL" });
  try {
    t.clock.set(Date.parse(`${TODAY}T06:00:00Z`));
    const db = dbOf(t);
    const domain = await new Domain({ db, engine: t.engine, dataDir: t.dir, deadlineIntervalMs: 0, journalIntervalMs: 0 }).start();
    for (const g of ["agents", "sales", "reviewers"]) db.prepare(`INSERT OR IGNORE INTO identity_group (group_id, name, created_at) VALUES (?, ?, 0)`).run(g, g);
    await installTypes(domain, path.join(PROCESSES, "dossier-types"));
    await deploy(t);
    const g0 = performance.now();
    const party = db.prepare(`INSERT INTO party (kind, name, name_key, flags, data, version, created_at, updated_at) VALUES ('organisation', ?, ?, '["customer"]', ?, 1, 0, 0)`);
    const email = db.prepare(`INSERT INTO party_email (party_id, email) VALUES (?, ?)`);
    const dossier = db.prepare(`INSERT INTO dossier (reference, type_id, type_version, title, state, owner, sector, data, tags, version, created_at, updated_at) VALUES (?, 'client', 1, ?, 'client', NULL, 'agents', '{}', '[]', 1, 0, 0)`);
    const link = db.prepare(`INSERT INTO dossier_party (dossier_id, role, party_id, added_at) VALUES (?, 'customer', ?, 0)`);
    const account = db.prepare(`INSERT INTO customer_account (party_id, segment, tone, credit_limit_cents, collector, updated_at) VALUES (?, ?, NULL, NULL, NULL, 0)`);
    const invoice = db.prepare(`INSERT INTO invoice (number, dossier_id, party_id, issue_date, due_date, net_cents, vat_cents, gross_cents, status, segment, source, created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'sent', ?, 'api', 0, 0, 1)`);
    const segments = ["small_business", "small_business", "large_account", "public_body", "bad_payer"];
    const ids: Array<{ dossierId: number; partyId: number; segment: string }> = [];
    db.transaction(() => {
      for (let c = 1; c <= CUSTOMERS; c++) {
        const name = `CLIENT BENCH ${c}`;
        const doc = { kind: "organisation", name, organisationName: name, lastName: null, firstName: null, flags: ["customer"], address: { street: null, number: null, postcode: null, city: null, country: "FR" }, phones: [], emails: [`compta${c}@bench.example`], website: null, vatSubject: false, vatNumber: null, tags: [], parentId: null, contacts: [], preferredChannel: "email", language: "fr", notes: null };
        const partyId = Number(party.run(name, name.toLowerCase(), JSON.stringify(doc)).lastInsertRowid);
        email.run(partyId, `compta${c}@bench.example`);
        const dossierId = Number(dossier.run(`CLI-BENCH-${String(c).padStart(5, "0")}`, name).lastInsertRowid);
        link.run(dossierId, partyId);
        const segment = segments[c % segments.length]!;
        account.run(partyId, segment);
        ids.push({ dossierId, partyId, segment });
      }
      for (let i = 1; i <= INVOICES; i++) {
        const c = ids[i % CUSTOMERS]!;
        const due = new Date(Date.parse(`${TODAY}T00:00:00Z`) - (1 + (i % 60)) * 86_400_000).toISOString().slice(0, 10);
        invoice.run(`BENCH-${i}`, c.dossierId, c.partyId, "2026-03-01", due, 100_000, 20_000, 120_000, c.segment);
      }
    })();
    log(`  setup: ${num(CUSTOMERS)} customers, ${num(INVOICES)} overdue invoices in ${((performance.now() - g0) / 1000).toFixed(1)} s`);
    const invoices = new Invoices({ db, domain, now: () => t.engine.clock.now() });
    const none = () => {
      throw new Error("not used by the run");
    };
    const dunning = new Dunning({
      db, domain, invoices, diffusion: {} as unknown as Diffusion, outbox: { enqueue: none }, sms: { enqueue: none }, templates: { has: () => false, render: none },
      config: loadReceivablesConfig({}, t.dir), log: () => undefined, organisation: () => ({}),
    });
    dunning.seedReasons();
    const r0 = performance.now();
    const result = await dunning.run({ today: TODAY });
    const seconds = (performance.now() - r0) / 1000;
    const rate = result.started / seconds;
    figures.push({ label: "dunning run (scenario chosen, case row, dossier link + journal)", rate, detail: `${num(result.started)} instances in ${seconds.toFixed(1)} s; ${Object.entries(result.byScenario).map(([k, v]) => `${k} ${num(v)}`).join(", ")}` });
    log(`  dunning run: ${num(result.started)} instances started in ${seconds.toFixed(1)} s = ${num(rate)}/s`);
    const again = performance.now();
    const second = await dunning.run({ today: TODAY });
    log(`  the same run again (idempotent): ${second.started} started in ${((performance.now() - again) / 1000).toFixed(2)} s`);
    await domain.stop();
  } finally {
    await t.close();
  }
  // ── the engine alone: createInstance of the same model, same variables, same batches ──────
  const raw = await startTestEngine({ synchronous: "NORMAL" });
  try {
    raw.clock.set(Date.parse(`${TODAY}T06:00:00Z`));
    await deploy(raw);
    const r0 = performance.now();
    const batch = 250;
    for (let start = 1; start <= INVOICES; start += batch) {
      await raw.engine.transaction((tx) => {
        for (let i = start; i < start + batch && i <= INVOICES; i++) {
          tx.createInstance({
            bpmnProcessId: "relance-standard",
            variables: {
              invoiceId: i, invoiceNumber: `BENCH-${i}`, dueDate: "2026-06-01", segment: "small_business", tone: "informal", language: "fr", customerName: `CLIENT BENCH ${i % CUSTOMERS}`,
              customerPhone: null, amountDueText: "1 200,00 €", collector: null, collectorName: "le service recouvrement", lateReasons: [], dossierRef: `CLI-BENCH-${i % CUSTOMERS}`,
            },
          });
        }
      });
    }
    const seconds = (performance.now() - r0) / 1000;
    const rate = INVOICES / seconds;
    figures.push({ label: "engine alone: createInstance, same model and variables", rate, detail: `${num(INVOICES)} instances in ${seconds.toFixed(1)} s` });
    log(`  engine alone: ${num(INVOICES)} createInstance in ${seconds.toFixed(1)} s = ${num(rate)}/s`);
  } finally {
    await raw.close();
  }
  const ratio = figures[0]!.rate / figures[1]!.rate;
  log(`  ratio dunning run / engine alone: ${(ratio * 100).toFixed(0)} %`);
  figures[0]!.detail += `; ${(ratio * 100).toFixed(0)} % of the engine alone`;
  return figures;
}
