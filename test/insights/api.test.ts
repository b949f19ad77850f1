/**
 * /api/insights over a real server: each reader counts only the invoices of their sectors' dossiers
 * (every sector with dossiers.all), the list behind a bar adds up to the bar's value, the XLSX export
 * opens in exceljs with the same figures, bad parameters get a clear 400, and the product figures
 * follow the dossier access predicate.
 */
import ExcelJS from "exceljs";
import { expect } from "chai";
import { startApiServer, type ApiServer } from "../api/v2/server.js";

describe("insights: the dashboard API and who sees what", function () {
  this.timeout(30_000);
  let api: ApiServer;
  const month = new Date().toISOString().slice(0, 7);
  const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

  before(async () => {
    api = await startApiServer();
    const db = api.server.domain.db;
    const dossier = (sector: string, ref: string) =>
      Number(db.prepare(`INSERT INTO dossier (reference, type_id, type_version, title, state, owner, sector, data, tags, version, created_at, updated_at) VALUES (?, 'client', 1, ?, 'open', NULL, ?, '{}', '[]', 1, 0, 0)`).run(ref, `Client ${ref}`, sector).lastInsertRowid);
    const invoice = (number: string, dossierId: number, issue: string, due: string, gross: number, segment: string) =>
      Number(db.prepare(`INSERT INTO invoice (number, dossier_id, issue_date, due_date, net_cents, vat_cents, gross_cents, status, segment, collector, source, created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, 0, ?, 'issued', ?, 'agent', 'api', 0, 0, 1)`).run(number, dossierId, issue, due, gross, gross, segment).lastInsertRowid);
    const sales = dossier("sales", "CLI-S1");
    const agents = dossier("agents", "CLI-A1");
    // Invoices issued 40 days ago, due 10 days ago → 1–30 days late at this month's end (or current, early in the month: either way one bucket each).
    invoice("S-1", sales, day(-40), day(-10), 1000_00, "small_business");
    invoice("S-2", sales, day(-40), day(-10), 250_00, "large_account");
    const a1 = invoice("A-1", agents, day(-40), day(-10), 700_00, "small_business");
    db.prepare(`INSERT INTO invoice_payment (invoice_id, kind, amount_cents, currency, received_on, source, created_at) VALUES (?, 'payment', 200_00, 'EUR', ?, 'manual', 0)`).run(a1, day(-1));
  });
  after(() => api?.stop());

  const due = async (as: string) => {
    const r = await api.call("GET", `/api/insights/receivables?from=${month}&to=${month}`, { as });
    expect(r.status, JSON.stringify(r.body)).to.equal(200);
    return r.body.series[0].months[0].dueCents as number;
  };

  it("should count the invoices of the reader's sectors only (all of them with dossiers.all)", async () => {
    expect(await due("manager")).to.equal(1250_00); // group sales
    expect(await due("agent")).to.equal(500_00); // groups agents, reviewers
    expect(await due("auditor")).to.equal(1750_00); // dossiers.all
    expect(await due("designer")).to.equal(0); // no sector of these
  });

  it("should list behind a bar exactly the invoices that make its value", async () => {
    const r = await api.call("GET", `/api/insights/receivables?from=${month}&to=${month}&groupBy=segment`, { as: "auditor" });
    for (const s of r.body.series as Array<{ key: string; months: Array<{ buckets: number[]; dueCents: number }> }>) {
      const m = s.months[0]!;
      const list = await api.call("GET", `/api/insights/receivables/list?month=${month}&metric=due&segment=${s.key}`, { as: "auditor" });
      expect(list.body.totalCents, s.key).to.equal(m.dueCents);
      const bucket = m.buckets.findIndex((b) => b !== 0);
      const metric = ["current", "d1_30", "d31_60", "d61_90", "d90p"][bucket]!;
      const inBucket = await api.call("GET", `/api/insights/receivables/list?month=${month}&metric=${metric}&segment=${s.key}`, { as: "auditor" });
      expect(inBucket.body.totalCents).to.equal(m.buckets[bucket]);
    }
    const mine = await api.call("GET", `/api/insights/receivables/list?month=${month}&metric=due`, { as: "agent" });
    expect(mine.body.rows.map((r: { number: string }) => r.number)).to.deep.equal(["A-1"]);
    expect(mine.body.rows[0]).to.include({ balanceCents: 500_00, dossierReference: "CLI-A1" });
  });

  it("should export an XLSX workbook that opens with the same figures", async () => {
    const res = await fetch(`${api.base}/api/insights/receivables/export.xlsx?from=${month}&to=${month}&lang=en`, { headers: { authorization: `Basic ${Buffer.from("manager:manager").toString("base64")}` } });
    expect(res.status).to.equal(200);
    expect(res.headers.get("content-type")).to.include("spreadsheetml");
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.load(Buffer.from(await res.arrayBuffer()) as unknown as ArrayBuffer);
    const sheet = wb.getWorksheet("KPIs")!;
    expect(sheet.getRow(1).getCell(5).value).to.equal("Due at month end (€)");
    expect(sheet.getRow(2).getCell(2).value).to.equal(month);
    expect(sheet.getRow(2).getCell(5).value).to.equal(1250);
    expect(wb.worksheets.map((w) => w.name)).to.include.members(["KPIs", "Dossiers", "Cycle times", "Workload"]);
  });

  it("should answer a clear 400 to bad parameters", async () => {
    const bad = await api.call("GET", "/api/insights/receivables?from=2026-13", { as: "manager" });
    expect(bad.status).to.equal(400);
    expect(bad.body.detail).to.include("Expected 'from' to be a month (YYYY-MM), but found '2026-13'");
    const metric = await api.call("GET", `/api/insights/receivables/list?month=${month}&metric=everything`, { as: "manager" });
    expect(metric.status).to.equal(400);
    expect((await api.call("GET", "/api/insights/receivables?from=2026-05&to=2026-01", { as: "manager" })).status).to.equal(400);
  });

  it("should count dossiers through the access predicate and tasks within one's scope", async () => {
    const count = async (as: string) => ((await api.call("GET", "/api/insights/product", { as })).body.dossiers as Array<{ count: number }>).reduce((s, d) => s + d.count, 0);
    const all = Number((api.server.domain.db.prepare(`SELECT COUNT(*) AS n FROM dossier`).get() as { n: number }).n);
    expect(await count("auditor")).to.equal(all);
    expect(await count("manager")).to.be.lessThan(all);
    const agent = await api.call("GET", "/api/insights/product", { as: "agent" });
    expect(agent.body.tasks.scope).to.equal("own");
    const designer = await api.call("GET", "/api/insights/product", { as: "designer" });
    expect(designer.body.tasks).to.equal(null);
  });
});
