/**
 * KPI formulas against a hand-computed table (docs/insights.md gives the definitions).
 *
 * The ledger (amounts in euros; every invoice in the sector "recouvrement"):
 *
 *   invoice  issued      due         gross    segment         collector
 *   F1       2026-01-10  2026-02-09  1000.00  small_business  alice
 *   F2       2026-01-20  2026-01-31   500.00  large_account   bob
 *   F3       2026-02-05  2026-03-07  2000.00  small_business  alice
 *   F4       2026-02-15  2026-02-15   300.00  large_account   bob
 *   F5       2026-03-01  2026-03-31  1200.00  small_business  bob
 *   F6       2025-10-01  2025-10-31   800.00  public_body     alice
 *
 *   settlement  invoice  kind         received    amount   counts in (max(received, issued))
 *   P1          F1       payment      2026-02-20   600.00  2026-02
 *   P2          F2       payment      2026-02-10   500.00  2026-02
 *   P3          F3       credit_note  2026-03-15   200.00  2026-03
 *   P4          F1       payment      2026-03-10   400.00  2026-03
 *   P5          F4       payment      2026-02-10   100.00  2026-02 (received before the issue date: counts from 2026-02-15)
 *   P6          F6       write_off    2026-03-31   300.00  2026-03
 *
 *   disputes: F3 2026-02-20 → closed 2026-03-20; F6 2026-01-15 → open; F4 2026-03-05 → closed 2026-03-31 (not open at that month end)
 *   actions:  F6 call 2026-01-20 (no answer); F2 email 2026-02-03 (sent); F6 letter 2026-02-10 (failed); F1 SMS 2026-03-01 (sent);
 *             the dossier, no invoice, email 2026-03-02 (sent)
 *   promises: F6 made 2026-01-20 for 2026-02-15, broken 2026-02-16; F1 made 2026-02-25 for 2026-03-10, kept 2026-03-10
 *
 * Balances at the month ends (age = month end − due date, days):
 *   2026-01-31: F1 1000 (age −9, current)  F2 500 (0, current)  F6 800 (92, > 90)
 *   2026-02-28: F1 400 (19, 1–30)  F2 0  F3 2000 (−7, current)  F4 200 (13, 1–30)  F6 800 (120, > 90)
 *   2026-03-31: F1 0  F2 0  F3 1800 (24, 1–30)  F4 200 (44, 31–60)  F5 1200 (0, current)  F6 500 (151, > 90)
 *
 * Countback DSO, e.g. 2026-02: due 3400; Feb sales 2300 (28 days) leave 1100; Jan sales 1500 cover it: 28 + 1100/1500 × 31 = 50.73.
 * 2026-01: due 2300; Jan 1500 (31 d) leaves 800; Dec 0 (31), Nov 0 (30), Oct 800 covers it: 31 + 31 + 30 + 800/800 × 31 = 123.
 * Best DSO = the same countback over the current part: Feb 2000/2300 × 28 = 24.35.
 * CEI = (begin due + sales − end due) / (begin due + sales − end current) × 100:
 *   Jan (800 + 1500 − 2300) / (800 + 1500 − 1500) = 0; Feb (2300 + 2300 − 3400) / (2300 + 2300 − 2000) = 46.15;
 *   Mar (3400 + 1200 − 3700) / (3400 + 1200 − 1200) = 26.47.
 * Disputed at the month end = balance of the invoices with a dispute open on that date:
 *   Jan F6 800; Feb F6 800 + F3 2000 = 2800; Mar F6 500 (F3's closed 03-20, F4's closed 03-31).
 */
import { expect } from "chai";
import { receivablesKpis } from "../../src/insights/kpis.js";
import { fullScanKpis } from "../../src/insights/full-scan.js";
import { openLedger, type Ledger } from "./ledger.js";

const EXPECTED = [
  // month,    invoiced, count, settled, paid,  credited, written off, due,   current, 1–30, 31–60, 61–90, >90,  disputed, DSO,    best DSO, CEI,   sent, failed, calls, made, kept, broken, kept %
  ["2026-01", 1500_00, 2, 0, 0, 0, 0, 2300_00, 1500_00, 0, 0, 0, 800_00, 800_00, 123, 31, 0, 0, 0, 1, 1, 0, 0, null],
  ["2026-02", 2300_00, 2, 1200_00, 1200_00, 0, 0, 3400_00, 2000_00, 600_00, 0, 0, 800_00, 2800_00, 50.73, 24.35, 46.15, 1, 1, 0, 1, 0, 1, 0],
  ["2026-03", 1200_00, 1, 900_00, 400_00, 200_00, 300_00, 3700_00, 1200_00, 1800_00, 200_00, 0, 500_00, 500_00, 63.13, 31, 26.47, 2, 0, 0, 0, 1, 0, 100],
] as const;

function table(months: ReturnType<typeof fullScanKpis>) {
  return months.map((m) => [
    m.month, m.invoicedCents, m.invoicedCount, m.settledCents, m.paidCents, m.creditedCents, m.writtenOffCents, m.dueCents, ...m.buckets, m.disputedCents,
    m.dso, m.bestDso, m.cei, m.remindersSent, m.remindersFailed, m.callsLogged, m.promisesMade, m.promisesKept, m.promisesBroken, m.promisesKeptRate,
  ]);
}

describe("insights: KPI formulas against the hand-computed table", () => {
  let l: Ledger;
  let dossier: number;
  const ids: Record<string, number> = {};

  before(async () => {
    l = await openLedger();
    dossier = l.dossier("recouvrement");
    const inv = (n: string, issue: string, due: string, gross: number, segment: string, collector: string) => (ids[n] = l.invoice({ number: n, dossierId: dossier, issue, due, gross, segment, collector }));
    inv("F1", "2026-01-10", "2026-02-09", 1000_00, "small_business", "alice");
    inv("F2", "2026-01-20", "2026-01-31", 500_00, "large_account", "bob");
    inv("F3", "2026-02-05", "2026-03-07", 2000_00, "small_business", "alice");
    inv("F4", "2026-02-15", "2026-02-15", 300_00, "large_account", "bob");
    inv("F5", "2026-03-01", "2026-03-31", 1200_00, "small_business", "bob");
    inv("F6", "2025-10-01", "2025-10-31", 800_00, "public_body", "alice");
    l.payment({ invoiceId: ids["F1"]!, amount: 600_00, on: "2026-02-20" });
    l.payment({ invoiceId: ids["F2"]!, amount: 500_00, on: "2026-02-10" });
    l.payment({ invoiceId: ids["F3"]!, amount: 200_00, on: "2026-03-15", kind: "credit_note" });
    l.payment({ invoiceId: ids["F1"]!, amount: 400_00, on: "2026-03-10" });
    l.payment({ invoiceId: ids["F4"]!, amount: 100_00, on: "2026-02-10" });
    l.payment({ invoiceId: ids["F6"]!, amount: 300_00, on: "2026-03-31", kind: "write_off" });
    l.payment({ invoiceId: null, amount: 999_00, on: "2026-02-01" }); // not matched: on no invoice's balance
    l.dispute({ invoiceId: ids["F3"]!, opened: "2026-02-20", closed: "2026-03-20" });
    l.dispute({ invoiceId: ids["F6"]!, opened: "2026-01-15" });
    l.dispute({ invoiceId: ids["F4"]!, opened: "2026-03-05", closed: "2026-03-31" });
    l.action({ invoiceId: ids["F6"]!, dossierId: dossier, channel: "call", on: "2026-01-20", outcome: "no_answer" });
    l.action({ invoiceId: ids["F2"]!, dossierId: dossier, channel: "email", on: "2026-02-03", outcome: "sent" });
    l.action({ invoiceId: ids["F6"]!, dossierId: dossier, channel: "letter", on: "2026-02-10", outcome: "failed" });
    l.action({ invoiceId: ids["F1"]!, dossierId: dossier, channel: "sms", on: "2026-03-01", outcome: "sent" });
    l.action({ invoiceId: null, dossierId: dossier, channel: "email", on: "2026-03-02", outcome: "sent" });
    l.promise({ invoiceId: ids["F6"]!, dossierId: dossier, created: "2026-01-20", promised: "2026-02-15", status: "broken", settled: "2026-02-16" });
    l.promise({ invoiceId: ids["F1"]!, dossierId: dossier, created: "2026-02-25", promised: "2026-03-10", status: "kept", settled: "2026-03-10" });
    l.catchUp();
  });
  after(() => l.close());

  it("should reproduce the table from the monthly aggregates", () => {
    const [series] = receivablesKpis(l.db, { from: "2026-01", to: "2026-03", scope: { sectors: "all" } });
    expect(series!.key).to.equal("*");
    expect(table(series!.months)).to.deep.equal(EXPECTED);
  });

  it("should reproduce the table by a full scan of the rows (the reference path)", () => {
    expect(table(fullScanKpis(l.db, { from: "2026-01", to: "2026-03", scope: { sectors: "all" } }))).to.deep.equal(EXPECTED);
  });

  it("should split per segment and per collector, the parts adding up to the total", () => {
    const bySegment = receivablesKpis(l.db, { from: "2026-03", to: "2026-03", groupBy: "segment", scope: { sectors: "all" } });
    const due = Object.fromEntries(bySegment.map((s) => [s.key, s.months[0]!.dueCents]));
    expect(due).to.deep.equal({ "": 0, large_account: 200_00, public_body: 500_00, small_business: 3000_00 });
    const byCollector = receivablesKpis(l.db, { from: "2026-02", to: "2026-02", groupBy: "collector", scope: { sectors: "all" } });
    const feb = Object.fromEntries(byCollector.map((s) => [s.key, [s.months[0]!.dueCents, s.months[0]!.remindersSent, s.months[0]!.disputedCents]]));
    // alice: F1 400 + F3 2000 + F6 800; bob: F2 0 + F4 200; the grouped reminder of March has no collector ('').
    expect(feb["alice"]).to.deep.equal([3200_00, 0, 2800_00]);
    expect(feb["bob"]).to.deep.equal([200_00, 1, 0]);
  });

  it("should count only the sectors in scope", () => {
    expect(receivablesKpis(l.db, { from: "2026-03", to: "2026-03", scope: { sectors: ["autre"] } })[0]!.months[0]!.dueCents).to.equal(0);
    expect(receivablesKpis(l.db, { from: "2026-03", to: "2026-03", scope: { sectors: [] } })[0]!.months[0]!.dueCents).to.equal(0);
    expect(receivablesKpis(l.db, { from: "2026-03", to: "2026-03", scope: { sectors: ["recouvrement"] } })[0]!.months[0]!.dueCents).to.equal(3700_00);
  });
});
