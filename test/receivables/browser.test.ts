/**
 * The /receivables page in Chromium: the collector's day (ranked, the order explained), an
 * invoice's detail with its sends and history, the bulk reminder's preview. Screenshots in
 * test-output/receivables-*.png (looked at by hand).
 */
import { expect } from "chai";
import { startBrowserApp, type BrowserApp } from "../helpers/browser.js";

describe("receivables: the /receivables page (browser)", function () {
  this.timeout(180_000);
  let app: BrowserApp;
  const saved = { DUNNING_AUTO: process.env["DUNNING_AUTO"], INVOICES_PRINTER_POLL_MS: process.env["INVOICES_PRINTER_POLL_MS"] };

  before(async () => {
    process.env["DUNNING_AUTO"] = "false";
    process.env["INVOICES_PRINTER_POLL_MS"] = "0";
    app = await startBrowserApp();
    const { engine, capabilities, domain } = app.server;
    const r = capabilities.receivables;
    await engine.pinClock(Date.parse("2026-03-02T09:00:00Z"));
    const client = (title: string) => domain.service.byReference((domain as any).db.prepare(`SELECT reference FROM dossier WHERE type_id = 'client' AND title LIKE ? LIMIT 1`).get(`%${title}%`).reference);
    const martin = client("Martin");
    await r.invoices.upsert({ number: "F-2026-0101", customer: { dossierReference: martin.reference }, issueDate: "2026-01-15", dueDate: "2026-02-14", netCents: 150000, vatCents: 30000, grossCents: 180000, source: "api" }, "erp");
    await r.invoices.upsert({ number: "F-2026-0102", customer: { dossierReference: martin.reference }, issueDate: "2026-02-01", dueDate: "2026-02-28", netCents: 35000, vatCents: 7000, grossCents: 42000, source: "api" }, "erp");
    const others = (domain as any).db.prepare(`SELECT reference FROM dossier WHERE type_id = 'client' AND title NOT LIKE '%Martin%' LIMIT 1`).get();
    if (others) await r.invoices.upsert({ number: "F-2026-0103", customer: { dossierReference: others.reference }, issueDate: "2026-01-02", dueDate: "2026-02-01", netCents: 500000, vatCents: 100000, grossCents: 600000, source: "api" }, "erp");
    await r.invoices.recordPayment({ invoiceNumber: "F-2026-0102", amountCents: 12000, receivedOn: "2026-03-01", source: "manual" }, "agent");
    await r.dunning.run();
  });
  after(async () => {
    await app?.close();
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  });

  it("shows the collector's day, an invoice with its sends, and the bulk preview", async () => {
    const { page, problems } = await app.open("/login");
    await app.login(page, "manager");
    await page.goto(`${app.base}/receivables/day`, { waitUntil: "networkidle0" });
    await page.waitForSelector("[data-testid=worklist-line]");
    const lines = await page.$$eval("[data-testid=worklist-line]", (rows) => rows.map((r) => r.textContent ?? ""));
    expect(lines.length).to.be.at.least(1);
    expect(lines.join("\n")).to.match(/j de retard × risque/);
    await app.screenshot(page, "receivables-day");

    await page.goto(`${app.base}/receivables/invoices`, { waitUntil: "networkidle0" });
    await page.waitForSelector("[data-testid=invoice-row]");
    await page.evaluate(() => (Array.from(document.querySelectorAll("[data-testid=invoice-row]")).find((r) => r.textContent?.includes("F-2026-0102")) as HTMLElement).click());
    await page.waitForSelector("[data-testid=send]");
    const detail = await page.$eval("[data-testid=invoice-detail]", (d) => d.textContent ?? "");
    expect(detail).to.include("F-2026-0102").and.to.include("Partiellement payée").and.to.include("email");
    await app.screenshot(page, "receivables-invoice");

    await page.goto(`${app.base}/receivables/bulk`, { waitUntil: "networkidle0" });
    await page.evaluate(() => ((document.querySelector("input[name=days]") as HTMLInputElement).value = "1"));
    await page.click("form.rcv-form button[type=submit]");
    await page.waitForSelector("[data-action=bulk-send]");
    await app.screenshot(page, "receivables-bulk");

    // The customer dossier's "Factures" section.
    const reference = (app.server.domain as any).db.prepare(`SELECT d.reference FROM invoice i JOIN dossier d ON d.id = i.dossier_id WHERE i.number = 'F-2026-0102'`).get().reference;
    await page.goto(`${app.base}/dossiers/${reference}`, { waitUntil: "networkidle0" });
    await page.waitForSelector("[data-testid=dossier-invoices]");
    expect(await page.$eval("[data-testid=dossier-invoices]", (x) => x.textContent ?? "")).to.include("F-2026-0101").and.to.include("F-2026-0102");
    await page.select("[data-testid=customer-account] select[name=segment]", "large_account");
    await page.evaluate(() => ((document.querySelector("[data-testid=customer-account] input[name=creditLimit]") as HTMLInputElement).value = "1500"));
    await page.click("[data-testid=customer-account] button[type=submit]");
    await page.waitForFunction(() => (document.querySelector("[data-testid=customer-account] select[name=segment]") as HTMLSelectElement | null)?.value === "large_account" && document.querySelector("[data-testid=customer-account] input[name=creditLimit]")?.getAttribute("value") === "1500");
    const partyId = app.server.capabilities.receivables.invoices.customerParty((app.server.domain as any).db.prepare(`SELECT id FROM dossier WHERE reference = ?`).get(reference).id);
    expect(app.server.capabilities.receivables.dunning.account(partyId)).to.include({ segment: "large_account", creditLimitCents: 150000 });
    await app.screenshot(page, "receivables-dossier");
    expect(problems).to.deep.equal([]);
  });

  it("shows the customer their invoice in the portal and lets them plan its payment", async () => {
    const { page, problems } = await app.open("/portail/connexion");
    const db = (app.server.domain as any).db;
    const email = "contact@boulangerie-martin.fr";
    await page.evaluate(async (e) => { await fetch("/portail/api/signin/code", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: e }) }); }, email);
    let code: string | undefined;
    for (let i = 0; i < 100 && !code; i++) {
      const row = db.prepare(`SELECT text_body FROM mail_outbound WHERE purpose = 'portal.signin' ORDER BY id DESC LIMIT 1`).get();
      code = /\b(\d{6})\b/.exec(row?.text_body ?? "")?.[1];
      if (!code) await new Promise((r) => setTimeout(r, 100));
    }
    const status = await page.evaluate(async (e, c) => (await fetch("/portail/api/signin/verify", { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ email: e, code: c }) })).status, email, code!);
    expect(status).to.equal(200);
    const id = db.prepare(`SELECT id FROM invoice WHERE number = 'F-2026-0101'`).get().id;
    await page.goto(`${app.base}/portail/factures`, { waitUntil: "networkidle0" });
    await page.waitForSelector("[data-testid=invoices]");
    await app.screenshot(page, "receivables-portal-list");
    await page.goto(`${app.base}/portail/factures/${id}`, { waitUntil: "networkidle0" });
    await page.waitForSelector("[data-testid=invoice-history]");
    await page.evaluate(() => ((document.querySelector("input[name=promisedOn]") as HTMLInputElement).value = "2026-03-20"));
    await page.click("[data-action=promise]");
    await page.waitForFunction(() => document.querySelector("[data-testid=invoice-history]")?.textContent?.includes("20/03/2026"));
    await app.screenshot(page, "receivables-portal-invoice");
    expect(db.prepare(`SELECT promised_on, status FROM payment_promise WHERE invoice_id = ?`).all(id)).to.deep.equal([{ promised_on: "2026-03-20", status: "open" }]);
    expect(problems).to.deep.equal([]);
  });
});
