/** Test ledger: a real migrated SQLite file and helpers writing receivables rows as the receivables module does (contract columns). */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type Database from "better-sqlite3";
import type { DataSource } from "typeorm";
import { openDatabase } from "../../src/persistence/data-source.js";
import { InsightsProjection } from "../../src/insights/projection.js";

export interface Ledger {
  db: Database.Database;
  dataSource: DataSource;
  projection: InsightsProjection;
  dossier(sector: string, reference?: string): number;
  invoice(v: { number: string; dossierId: number; issue: string; due: string; gross: number; segment?: string | null; collector?: string | null }): number;
  payment(v: { invoiceId: number | null; amount: number; on: string; kind?: "payment" | "credit_note" | "write_off" }): number;
  dispute(v: { invoiceId: number; opened: string; closed?: string | null }): number;
  action(v: { invoiceId: number | null; dossierId: number; channel: string; on: string; outcome?: string | null }): number;
  promise(v: { invoiceId: number; dossierId: number; created: string; promised: string; status: string; settled?: string | null }): number;
  /** Runs the projection to the end (as the module's catch-up does, here without the engine's write lane). */
  catchUp(): void;
  close(): Promise<void>;
}

export async function openLedger(): Promise<Ledger> {
  const dir = mkdtempSync(path.join(tmpdir(), "insights-"));
  const { dataSource, db } = await openDatabase({ path: path.join(dir, "ledger.sqlite"), synchronous: "OFF" });
  const projection = new InsightsProjection(db);
  let seq = 0;
  const id = (r: Database.RunResult) => Number(r.lastInsertRowid);
  return {
    db, dataSource, projection,
    dossier(sector, reference = `CLI-${++seq}`) {
      return id(db.prepare(`INSERT INTO dossier (reference, type_id, type_version, title, state, owner, sector, data, tags, version, created_at, updated_at) VALUES (?, 'client', 1, ?, 'open', NULL, ?, '{}', '[]', 1, 0, 0)`).run(reference, `Client ${reference}`, sector));
    },
    invoice(v) {
      return id(db.prepare(
        `INSERT INTO invoice (number, dossier_id, issue_date, due_date, net_cents, vat_cents, gross_cents, status, segment, collector, source, created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, 0, ?, 'issued', ?, ?, 'api', 0, 0, 1)`,
      ).run(v.number, v.dossierId, v.issue, v.due, v.gross, v.gross, v.segment ?? null, v.collector ?? null));
    },
    payment(v) {
      return id(db.prepare(`INSERT INTO invoice_payment (invoice_id, kind, amount_cents, currency, received_on, source, created_at) VALUES (?, ?, ?, 'EUR', ?, 'manual', 0)`).run(v.invoiceId, v.kind ?? "payment", v.amount, v.on));
    },
    dispute(v) {
      return id(db.prepare(`INSERT INTO invoice_dispute (invoice_id, opened_on, closed_on) VALUES (?, ?, ?)`).run(v.invoiceId, v.opened, v.closed ?? null));
    },
    action(v) {
      return id(db.prepare(`INSERT INTO dunning_action (invoice_id, dossier_id, channel, at, on_date, outcome) VALUES (?, ?, ?, 0, ?, ?)`).run(v.invoiceId, v.dossierId, v.channel, v.on, v.outcome ?? null));
    },
    promise(v) {
      return id(db.prepare(`INSERT INTO payment_promise (invoice_id, dossier_id, promised_on, status, created_on, settled_on) VALUES (?, ?, ?, ?, ?, ?)`).run(v.invoiceId, v.dossierId, v.promised, v.status, v.created, v.settled ?? null));
    },
    catchUp() {
      db.transaction(() => {
        while (projection.projectBatch(500) > 0);
      })();
    },
    async close() {
      await dataSource.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
