/**
 * The dashboards page in Chromium over the real server with the demo data and a receivables
 * ledger: KPI tiles and charts render (canvas drawn), no console, page or CSP error; a click on a
 * bar opens the list of invoices whose total is that bar's value; English switches texts and
 * number formats. Screenshots in test-output/ (dashboards-*.png).
 */
import { expect } from "chai";
import type { Page } from "puppeteer-core";
import { startBrowserApp, type BrowserApp } from "../helpers/browser.js";

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const month = new Date().toISOString().slice(0, 7);

describe("insights: the dashboards page (Chromium)", function () {
  this.timeout(240_000);
  let app: BrowserApp;

  before(async () => {
    app = await startBrowserApp();
    const db = app.server.domain.db;
    const dossiers = (db.prepare(`SELECT id FROM dossier WHERE type_id = 'client' ORDER BY id`).all() as Array<{ id: number }>).map((d) => d.id);
    expect(dossiers.length).to.be.greaterThan(0);
    const insert = db.prepare(`INSERT INTO invoice (number, dossier_id, issue_date, due_date, net_cents, vat_cents, gross_cents, status, segment, collector, source, created_at, updated_at, version) VALUES (?, ?, ?, ?, ?, 0, ?, 'issued', ?, ?, 'api', 0, 0, 1)`);
    const pay = db.prepare(`INSERT INTO invoice_payment (invoice_id, kind, amount_cents, currency, received_on, source, created_at) VALUES (?, 'payment', ?, 'EUR', ?, 'manual', 0)`);
    const segments = ["small_business", "large_account", "public_body", "bad_payer"];
    for (let i = 0; i < 60; i++) {
      const issued = -10 - i * 3;
      const id = Number(insert.run(`FA-2026-${String(i + 1).padStart(4, "0")}`, dossiers[i % dossiers.length], day(issued), day(issued + 30), 1000, 1200_00 + i * 137_00, segments[i % 4], i % 3 ? "agent" : "manager").lastInsertRowid);
      if (i % 3 === 0) pay.run(id, 1200_00 + i * 137_00, day(issued + 25));
      else if (i % 3 === 1) pay.run(id, 400_00, day(issued + 40 > -1 ? -1 : issued + 40));
      if (i % 7 === 0) db.prepare(`INSERT INTO invoice_dispute (invoice_id, opened_on) VALUES (?, ?)`).run(id, day(issued + 35 > -1 ? -1 : issued + 35));
      if (i % 2 === 0) db.prepare(`INSERT INTO dunning_action (invoice_id, dossier_id, channel, at, on_date, outcome) VALUES (?, ?, ?, 0, ?, 'sent')`).run(id, dossiers[i % dossiers.length], i % 4 ? "email" : "call", day(issued + 33 > -1 ? -1 : issued + 33));
    }
  });
  after(() => app?.close());

  async function signedIn(path: string): Promise<{ page: Page; problems: string[] }> {
    const { page, problems } = await app.open("/login");
    await app.login(page, "demo");
    await page.goto(app.base + path, { waitUntil: "networkidle0" });
    await page.waitForSelector("[data-testid=chart-aging] canvas");
    await new Promise((r) => setTimeout(r, 600)); // ECharts' first animation
    return { page, problems };
  }

  it("should draw the KPIs and charts, and open the invoices behind a bar", async () => {
    const { page, problems } = await signedIn("/dashboards");
    for (const id of ["chart-aging", "chart-dso", "chart-activity", "chart-dossiers", "chart-agents", "chart-groups"]) {
      const drawn = await page.$eval(`[data-testid=${id}] canvas`, (c) => {
        const canvas = c as HTMLCanvasElement;
        const data = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height).data;
        let ink = 0;
        for (let i = 3; i < data.length; i += 4 * 16) if (data[i]! > 0) ink++;
        return ink;
      });
      expect(drawn, `${id} has something drawn`).to.be.greaterThan(50);
    }
    const dso = await page.$eval("[data-testid=kpi-dso] strong", (e) => e.textContent);
    expect(dso).to.match(/^\d+(,\d)? j$/);
    expect(await page.$eval("[data-testid=kpi-due]", (e) => e.getAttribute("title"))).to.include("Somme des soldes");
    await app.screenshot(page, "dashboards-fr");

    // This month only: one stacked bar; a click just above the axis hits its lowest part.
    await page.goto(`${app.base}/dashboards?from=${month}&to=${month}`, { waitUntil: "networkidle0" });
    await page.waitForSelector("[data-testid=chart-aging] canvas");
    await new Promise((r) => setTimeout(r, 800));
    const box = (await (await page.$("[data-testid=chart-aging]"))!.boundingBox())!;
    await page.mouse.click(box.x + 60 + (box.width - 120) / 2, box.y + box.height - 30 - 4);
    await page.waitForSelector("[data-testid=drill-row]");
    const title = await page.$eval("[data-testid=drill] h2", (e) => e.textContent ?? "");
    const total = await page.$eval("[data-testid=drill-total]", (e) => e.textContent ?? "");
    const labels = ["Non échu", "1–30 j", "31–60 j", "61–90 j", "> 90 j"];
    const bucket = labels.findIndex((l) => title.startsWith(l));
    expect(bucket, title).to.be.greaterThan(-1);
    const kpis = await page.evaluate(async (m) => (await (await fetch(`/api/insights/receivables?from=${m}&to=${m}`)).json()) as { series: Array<{ months: Array<{ buckets: number[] }> }> }, month);
    const value = kpis.series[0]!.months[0]!.buckets[bucket]!;
    const shown = new Intl.NumberFormat("fr-FR", { style: "currency", currency: "EUR" }).format(value / 100);
    expect(total.replace(/\s/g, " ")).to.include(shown.replace(/\s/g, " "));
    const rows = await page.$$eval("[data-testid=drill-row]", (r) => r.length);
    expect(total).to.include(`(${rows} factures)`);
    await app.screenshot(page, "dashboards-drill");

    await page.evaluate(() => localStorage.setItem("dossier.lang", "en"));
    await page.goto(`${app.base}/dashboards`, { waitUntil: "networkidle0" });
    await page.waitForSelector("[data-testid=chart-aging] canvas");
    await new Promise((r) => setTimeout(r, 600));
    expect(await page.$eval("[data-testid=kpi-due] .kpi-label", (e) => e.textContent)).to.equal("Total due");
    expect(await page.$eval("[data-testid=kpi-due] strong", (e) => e.textContent)).to.match(/^€[\d,]+\.\d\d$/);
    await app.screenshot(page, "dashboards-en");

    // The receivables page's "KPIs" tab: this month at a glance, the same figures.
    await page.goto(`${app.base}/receivables/indicateurs`, { waitUntil: "networkidle0" });
    await page.waitForSelector("[data-testid=rcv-kpis]");
    expect(await page.$eval("[data-testid=rcv-kpis]", (e) => e.textContent)).to.include("Total due");
    await app.screenshot(page, "dashboards-receivables-tab");
    expect(problems, problems.join("\n")).to.deep.equal([]);
  });
});
