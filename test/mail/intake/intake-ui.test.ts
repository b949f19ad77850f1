/**
 * The intake's tabs of /mail in Chromium: a quarantined mail with its reason, attached to a dossier
 * by hand; a rule written in the rules tab and tried on the last mails (dry run). Screenshots in
 * test-output/ (mail-intake-*.png).
 */
import { expect } from "chai";
import path from "node:path";
import { writeFileSync } from "node:fs";
import { startBrowserApp, type BrowserApp } from "../../helpers/browser.js";
import { mailFixture } from "./support.js";

describe("mail intake UI (Chromium): quarantine and rules", function () {
  this.timeout(120_000);
  let app: BrowserApp;

  before(async () => {
    app = await startBrowserApp({ MAIL_DROP_INTERVAL_MS: "0" });
    const intake = app.server.capabilities.intake.service;
    const inbox = path.join(intake.drop.inbox);
    writeFileSync(path.join(inbox, "demande.eml"), mailFixture("01-demande-pdf.eml"));
    await intake.drop.scan(); // the drop folder's demo rule opens a dossier
    // uploads are routed like IMAP mail: these two find neither a dossier nor a rule
    await intake.processor.ingest({ source: "upload", sourceKey: "upload:ui-1", raw: mailFixture("10-unknown-reference.eml"), actor: "agent" });
    await intake.processor.ingest({ source: "upload", sourceKey: "upload:ui-2", raw: Buffer.from(mailFixture("04-html-inline-image.eml").toString("latin1").replace("To: demandes@dossier.local", "To: contact@dossier.local"), "latin1"), actor: "agent" });
  });
  after(async () => {
    await app?.close();
  });

  it("should show the quarantine with its reason and attach a mail to a dossier by hand", async () => {
    const { page, problems } = await app.open("/login");
    await app.login(page, "demo");
    await page.goto(`${app.base}/mail/quarantaine`, { waitUntil: "networkidle0" });
    await page.waitForSelector("[data-testid=intake-list]");
    const rows = await page.$$eval("[data-testid=intake-list] tbody tr", (trs) => trs.map((tr) => tr.textContent ?? ""));
    expect(rows).to.have.length(2);
    expect(rows.join("\n")).to.contain("DEM-2099-99999").and.contain("Aucun dossier ni aucune règle");
    await page.click("[data-testid=intake-list] tbody tr:first-child");
    await page.waitForSelector("[data-testid=intake-detail]");
    const detail = await page.$eval("[data-testid=intake-detail]", (d) => d.textContent ?? "");
    expect(detail).to.contain("Photos du chantier de Lisieux").and.contain("gouttière abîmée");
    await app.screenshot(page, "mail-intake-quarantine");
    const reference = (app.server.domain.db.prepare(`SELECT reference FROM dossier WHERE type_id = 'demande-intervention' ORDER BY id LIMIT 1`).pluck().get() as string);
    await page.type("input[name=assign-reference]", reference);
    await Promise.all([page.waitForResponse((r) => r.url().includes("/assignment")), page.click("xpath/.//button[text()='Rattacher']")]);
    await page.waitForFunction(() => document.querySelectorAll("[data-testid=intake-list] tbody tr").length === 1);
    expect(problems).to.deep.equal([]);
  });

  it("should write a rule in the rules tab, try it on the last mails and save it", async () => {
    const { page, problems } = await app.open("/login");
    await app.login(page, "demo");
    await page.goto(`${app.base}/mail/regles`, { waitUntil: "networkidle0" });
    await page.waitForSelector("[data-testid=intake-rule]");
    expect(await page.$eval("[data-testid=intake-rule]", (d) => d.textContent ?? "")).to.contain("Demandes d'intervention reçues par mail");
    await page.click("xpath/.//button[text()='Nouvelle règle']");
    await page.waitForSelector("[data-testid=rule-form]");
    await page.type("[data-testid=rule-form] input[name=name]", "Chantiers : tri par l'équipe");
    await page.select("[data-testid=rule-form] select[name=field]", "subject");
    await page.type("[data-testid=rule-form] input[name=value]", "chantier");
    await page.$eval("[data-testid=rule-form] textarea[name=actions]", (t) => ((t as HTMLTextAreaElement).value = JSON.stringify([{ type: "triageTask", group: "agents" }])));
    await page.click("xpath/.//button[text()='Essai à blanc (50 derniers mails)']");
    await page.waitForSelector("[data-testid=dry-run]");
    const dry = await page.$$eval("[data-testid=dry-run] tbody tr", (trs) => trs.map((tr) => tr.textContent ?? ""));
    expect(dry.find((r) => r.includes("Photos du chantier"))).to.contain("✔").and.contain("créer une tâche de tri pour le groupe agents");
    expect(dry.find((r) => r.includes("fuite sous la toiture"))).not.to.contain("✔");
    await app.screenshot(page, "mail-intake-rules");
    await Promise.all([page.waitForResponse((r) => r.url().endsWith("/api/mail/rules") && r.request().method() === "POST"), page.click("[data-testid=rule-form] button[type=submit]")]);
    await page.waitForFunction(() => document.querySelectorAll("[data-testid=intake-rule]").length === 2);
    expect(problems).to.deep.equal([]);
  });
});
