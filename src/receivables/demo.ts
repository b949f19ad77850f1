/**
 * Demo invoices, on demand (POST /api/receivables/demo, the "Factures de démonstration" button): a few invoices of the demo
 * customers relative to today — one due soon, one overdue by 3 weeks, one paid, one large account
 * overdue — so /receivables shows a day to work, and the daily run starts their scenarios.
 */
import type Database from "better-sqlite3";
import { statement } from "../persistence/statements.js";
import type { Dunning } from "./dunning.js";
import { addDays, isoDay } from "./format.js";
import type { Invoices } from "./invoices.js";

export async function seedDemoInvoices(db: Database.Database, invoices: Invoices, dunning: Dunning, now: number, log: (m: string) => void): Promise<number> {
  if (dunning.setting<boolean>("demoSeeded", false)) return 0;
  const client = (title: string) => statement(db, `SELECT id, reference FROM dossier WHERE type_id = 'client' AND title = ?`).get(title) as { id: number; reference: string } | undefined;
  const martin = client("Boulangerie Martin");
  const dupuis = client("Garage Dupuis & Fils");
  if (!martin || !dupuis) return 0;
  const today = isoDay(now);
  const year = today.slice(0, 4);
  const dupuisParty = invoices.customerParty(dupuis.id);
  if (dupuisParty !== null) dunning.saveAccount(dupuisParty, { segment: "large_account", tone: "formal", creditLimitCents: 500_000 }, "demo");
  const rows: Array<[string, string, number, number, number]> = [
    [`F-${year}-0001`, martin.reference, -75, -45, 54000],
    [`F-${year}-0002`, martin.reference, -50, -20, 186000],
    [`F-${year}-0003`, martin.reference, -25, 5, 42000],
    [`F-${year}-0004`, dupuis.reference, -70, -40, 720000],
  ];
  for (const [number, reference, issue, due, gross] of rows) {
    const vat = Math.round(gross / 6);
    await invoices.upsert({ number, customer: { dossierReference: reference }, issueDate: addDays(today, issue), dueDate: addDays(today, due), netCents: gross - vat, vatCents: vat, grossCents: gross, source: "api", lines: [{ label: "Prestations du mois", quantity: 1, unitCents: gross - vat, totalCents: gross - vat }] }, "demo");
  }
  await invoices.recordPayment({ invoiceNumber: `F-${year}-0001`, amountCents: 54000, receivedOn: addDays(today, -40), source: "manual", method: "virement" }, "demo");
  dunning.putSetting("demoSeeded", true, "demo");
  log(`receivables: ${rows.length} demo invoices (Boulangerie Martin, Garage Dupuis & Fils)`);
  return rows.length;
}
