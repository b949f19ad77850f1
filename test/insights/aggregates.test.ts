/**
 * The incremental aggregates stay exact: after random inserts, updates and deletes of invoices,
 * payments, disputes, actions, promises and a dossier's sector, the KPIs read from the aggregates
 * equal a full recomputation from the rows, and the aggregate tables equal those rebuilt from scratch.
 */
import { expect } from "chai";
import { receivablesKpis } from "../../src/insights/kpis.js";
import { fullScanKpis } from "../../src/insights/full-scan.js";
import { addDays } from "../../src/insights/calendar.js";
import { openLedger, type Ledger } from "./ledger.js";

function prng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEGMENTS = ["small_business", "large_account", "public_body", "bad_payer", null];
const COLLECTORS = ["alice", "bob", null];

function tables(l: Ledger) {
  const strip = (rows: Array<Record<string, unknown>>) => rows.filter((r) => Object.entries(r).some(([k, v]) => !["month", "segment", "collector", "sector"].includes(k) && v !== 0));
  return {
    ledger: strip(l.db.prepare(`SELECT * FROM insights_ledger ORDER BY month, segment, collector, sector`).all() as Array<Record<string, unknown>>),
    aging: strip(l.db.prepare(`SELECT * FROM insights_aging ORDER BY month, segment, collector, sector`).all() as Array<Record<string, unknown>>),
  };
}

describe("insights: incremental aggregates against a full recomputation", () => {
  let l: Ledger;
  before(async () => (l = await openLedger()));
  after(() => l.close());

  it("should stay exact through random inserts, updates and deletes", function () {
    this.timeout(60_000);
    const rnd = prng(14);
    const pick = <T>(list: readonly T[]) => list[Math.floor(rnd() * list.length)]!;
    const day = () => addDays("2025-06-01", Math.floor(rnd() * 330));
    const dossiers = [l.dossier("nord"), l.dossier("sud"), l.dossier("nord")];
    let n = 0;
    const ids = () => (l.db.prepare(`SELECT id FROM invoice`).all() as Array<{ id: number }>).map((r) => r.id);
    for (let round = 0; round < 6; round++) {
      for (let k = 0; k < 60; k++) {
        const op = rnd();
        const invoices = ids();
        if (op < 0.3 || invoices.length < 5) {
          const issue = day();
          l.invoice({ number: `R${++n}`, dossierId: pick(dossiers), issue, due: addDays(issue, Math.floor(rnd() * 75) - 5), gross: 100 + Math.floor(rnd() * 500_000), segment: pick(SEGMENTS), collector: pick(COLLECTORS) });
        } else if (op < 0.55) l.payment({ invoiceId: pick(invoices), amount: 1 + Math.floor(rnd() * 200_000), on: day(), kind: pick(["payment", "payment", "credit_note", "write_off"] as const) });
        else if (op < 0.62) l.dispute({ invoiceId: pick(invoices), opened: day(), closed: rnd() < 0.5 ? day() : null });
        else if (op < 0.68) l.action({ invoiceId: rnd() < 0.8 ? pick(invoices) : null, dossierId: pick(dossiers), channel: pick(["email", "sms", "call", "letter"]), on: day(), outcome: pick(["sent", "failed", null]) });
        else if (op < 0.72) l.promise({ invoiceId: pick(invoices), dossierId: pick(dossiers), created: day(), promised: day(), status: pick(["open", "kept", "broken"]), settled: rnd() < 0.5 ? day() : null });
        else if (op < 0.8) {
          const issue = day();
          l.db.prepare(`UPDATE invoice SET gross_cents = ?, issue_date = ?, due_date = ?, segment = ?, collector = ? WHERE id = ?`)
            .run(100 + Math.floor(rnd() * 500_000), issue, addDays(issue, Math.floor(rnd() * 100)), pick(SEGMENTS), pick(COLLECTORS), pick(invoices));
        } else if (op < 0.84) l.db.prepare(`UPDATE invoice SET paid_cents = paid_cents + 1, status = 'partially_paid' WHERE id = ?`).run(pick(invoices));
        else if (op < 0.88) l.db.prepare(`UPDATE invoice_payment SET invoice_id = ?, received_on = ? WHERE id = (SELECT id FROM invoice_payment ORDER BY random() LIMIT 1)`).run(pick(invoices), day());
        else if (op < 0.91) l.db.prepare(`UPDATE invoice_dispute SET closed_on = ? WHERE id = (SELECT id FROM invoice_dispute ORDER BY random() LIMIT 1)`).run(rnd() < 0.3 ? null : day());
        else if (op < 0.94) l.db.prepare(`DELETE FROM invoice_payment WHERE id = (SELECT id FROM invoice_payment ORDER BY random() LIMIT 1)`).run();
        else if (op < 0.96) l.db.prepare(`DELETE FROM invoice WHERE id = ?`).run(pick(invoices)); // its payments stay, on no balance
        else if (op < 0.98) l.db.prepare(`UPDATE dossier SET sector = ? WHERE id = ?`).run(pick(["nord", "sud", "est"]), pick(dossiers));
        else l.db.prepare(`DELETE FROM dunning_action WHERE id = (SELECT id FROM dunning_action ORDER BY random() LIMIT 1)`).run();
      }
      l.catchUp();
      expect(l.projection.pending()).to.equal(0);
      for (const scope of [{ sectors: "all" as const }, { sectors: ["nord"] }, { sectors: ["sud", "est"] }]) {
        const [fast] = receivablesKpis(l.db, { from: "2025-06", to: "2026-06", scope });
        expect(fast!.months, `round ${round}, scope ${JSON.stringify(scope)}`).to.deep.equal(fullScanKpis(l.db, { from: "2025-06", to: "2026-06", scope }));
      }
      for (const segment of ["small_business", ""]) {
        const series = receivablesKpis(l.db, { from: "2025-09", to: "2026-04", groupBy: "segment", scope: { sectors: "all" } }).find((s) => s.key === segment);
        expect(series?.months, `round ${round}, segment '${segment}'`).to.deep.equal(fullScanKpis(l.db, { from: "2025-09", to: "2026-04", segment, scope: { sectors: "all" } }));
      }
    }
    // The aggregates built step by step equal those built in one go from the rows.
    const incremental = tables(l);
    l.db.exec(`DELETE FROM insights_ledger; DELETE FROM insights_aging; DELETE FROM insights_unit;
      INSERT OR IGNORE INTO insights_dirty (unit) SELECT 'i:' || id FROM invoice;
      INSERT OR IGNORE INTO insights_dirty (unit) SELECT DISTINCT 'd:' || dossier_id FROM dunning_action WHERE invoice_id IS NULL;`);
    l.catchUp();
    expect(tables(l)).to.deep.equal(incremental);
    expect(incremental.ledger.length).to.be.greaterThan(20);
  });
});
