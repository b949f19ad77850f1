/**
 * The /archive page and the dossier page's archive section in Chromium (the real server with the
 * demo accounts): the archivist finds the archived file's invoice by a word of its PDF, opens it
 * (journaled), runs an audit, sees the rules and the disposal list; an agent of the sector sees
 * the section with its retain-until and hold badges and reactivates the dossier. Screenshots go to
 * test-output/archive-*.png.
 */
import { expect } from "chai";
import { startBrowserApp, type BrowserApp } from "../helpers/browser.js";
import { simplePdf } from "./helpers.js";

describe("archive in the browser: /archive and the dossier's archive section", function () {
  this.timeout(180_000);
  let app: BrowserApp;
  let reference: string;
  const call = async (method: string, url: string, body?: unknown, as = "demo") => {
    const res = await fetch(app.base + url, { method, headers: { authorization: `Basic ${Buffer.from(`${as}:${as}`).toString("base64")}`, ...(body ? { "content-type": "application/json" } : {}) }, ...(body ? { body: JSON.stringify(body) } : {}) });
    return { status: res.status, body: (await res.json().catch(() => null)) as any };
  };

  before(async () => {
    const saved = process.env["ARCHIVE_SCHEDULE"];
    process.env["ARCHIVE_SCHEDULE"] = "false";
    try {
      app = await startBrowserApp();
    } finally {
      if (saved === undefined) delete process.env["ARCHIVE_SCHEDULE"];
      else process.env["ARCHIVE_SCHEDULE"] = saved;
    }
    await app.server.engine.pinClock(Date.parse("2024-03-15T09:00:00Z"));
    const created = await call("POST", "/api/dossiers", { type: "client", title: "Fromagerie Lambert", sector: "agents", parties: [{ role: "customer", party: { kind: "organisation", name: "FROMAGERIE LAMBERT" } }] });
    expect(created.status, JSON.stringify(created.body)).to.equal(201);
    reference = created.body.reference;
    for (const [name, type, line] of [["facture-F2024-31.pdf", "facture", "Affinage de comté 24 mois"], ["kbis.pdf", "kbis", "Extrait Kbis"], ["piece-identite.pdf", "piece-identite", "Carte d'identité"]] as const) {
      const form = new FormData();
      form.append("documentType", type);
      form.append("file", new Blob([new Uint8Array(simplePdf(name, [line]))], { type: "application/pdf" }), name);
      const res = await fetch(`${app.base}/api/dossiers/${reference}/documents`, { method: "POST", headers: { authorization: `Basic ${Buffer.from("demo:demo").toString("base64")}` }, body: form });
      expect(res.status).to.equal(201);
    }
    expect((await call("POST", `/api/dossiers/${reference}/state`, { to: "clos" })).status).to.equal(200);
    expect((await call("POST", `/api/archive/dossiers/${reference}/archive`, {})).status).to.equal(200);
    expect((await call("POST", "/api/archive/holds", { dossier: reference, reason: "Contrôle fiscal 2024" }, "archivist")).status).to.equal(201);
  });
  after(() => app?.close());

  it("should let the archivist find a record by a word of its PDF, open it and run an audit", async () => {
    const { page, problems } = await app.open("/login");
    await app.login(page, "archivist");
    await page.goto(`${app.base}/archive?q=comt%C3%A9`, { waitUntil: "networkidle0" });
    await page.waitForSelector("tr[data-record]");
    const rows = await page.$$eval("tr[data-record]", (trs) => trs.map((tr) => tr.textContent ?? ""));
    expect(rows).to.have.length(1);
    expect(rows[0]).to.contain("facture-F2024-31.pdf").and.to.contain("2034-12-31").and.to.contain("gel");
    await page.click("button[data-testid^=open-]");
    await page.waitForSelector(".ar-detail:not([hidden]) .ar-journal");
    expect(await page.$eval(".ar-detail:not([hidden])", (e) => e.textContent ?? "")).to.contain("consultation");
    await app.screenshot(page, "archive-records");
    await page.goto(`${app.base}/archive/integrity`, { waitUntil: "networkidle0" });
    await Promise.all([page.waitForNavigation({ waitUntil: "networkidle0" }), page.click("button[data-testid=run-audit]")]);
    expect(await page.$eval("main", (e) => e.textContent ?? "")).to.contain("intègre");
    await app.screenshot(page, "archive-integrity");
    await page.goto(`${app.base}/archive/rules`, { waitUntil: "networkidle0" });
    expect(await page.$$eval("form[data-rule]", (f) => f.length)).to.be.greaterThan(5);
    await app.screenshot(page, "archive-rules");
    await app.server.engine.pinClock(Date.parse("2026-01-10T09:00:00Z"));
    await page.goto(`${app.base}/archive/disposal`, { waitUntil: "networkidle0" });
    expect(await page.$eval("main", (e) => e.textContent ?? "")).to.contain("Aucun enregistrement à détruire"); // all on hold
    await app.screenshot(page, "archive-disposal");
    expect(problems).to.deep.equal([]);
  });

  it("should show the agent the dossier's archive section with its badges, and reactivate it with a reason", async () => {
    const { page, problems } = await app.open("/login");
    await app.login(page, "agent");
    await page.goto(`${app.base}/dossiers/${reference}`, { waitUntil: "networkidle0" });
    await page.waitForSelector("#section-archive [data-testid=archive-status]");
    const text = await page.$eval("#section-archive", (e) => e.textContent ?? "");
    expect(text).to.contain("Archivé le").and.to.contain("2034-12-31").and.to.contain("gel");
    await app.screenshot(page, "archive-dossier-archived");
    page.once("dialog", (d) => void d.accept("Nouveau contrat d'affinage"));
    await page.click("[data-testid=reactivate-dossier]");
    await page.waitForFunction(() => (document.querySelector("#section-archive")?.textContent ?? "").includes("Nouveau contrat d'affinage"));
    await app.screenshot(page, "archive-dossier-reactivated");
    expect(problems).to.deep.equal([]);
  });
});
