/**
 * The real server (no SMTP configured: mails go to DATA_DIR/mail/outbox/) and Chromium: an agent
 * writes an e-mail from the 360° view, it shows in the exchanges and in "Courrier › E-mails
 * envoyés" with its rendered HTML; a user of another sector sees nothing of it (404).
 */
import { expect } from "chai";
import { readdirSync } from "node:fs";
import path from "node:path";
import { startBrowserApp, type BrowserApp } from "../helpers/browser.js";
import { basicClient } from "../helpers/http.js";

/** Browser globals, for the callbacks that run in the page. */
declare const document: any;

describe("web: Courrier and the compose dialog (Chromium)", function () {
  this.timeout(180_000);
  let app: BrowserApp;
  before(async () => {
    app = await startBrowserApp();
  });
  after(() => app.close());

  it("should write a template e-mail from the dossier, show it in the exchanges and in the sent mails, and hide it from another sector", async () => {
    // given a customer file of the agents' sector, with a document
    const agent = basicClient(app.base, "agent");
    const file = await agent<{ reference: string }>("POST", "/api/dossiers", {
      type: "client", title: "Boulangerie Lefèvre", data: { segment: "professionnel", activite: "Boulangerie" },
      parties: [{ role: "customer", party: { kind: "organisation", name: "BOULANGERIE LEFÈVRE", emails: ["contact@boulangerie-lefevre.fr"] } }],
    });
    const form = new FormData();
    form.append("file", new Blob([Buffer.from("%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")], { type: "application/pdf" }), "devis-signe.pdf");
    await agent("POST", `/api/dossiers/${file.reference}/documents`, form);

    // when the agent writes the documents reminder from the 360° view, with the quote attached
    const { page, problems } = await app.open("/login");
    await app.login(page, "agent");
    await page.goto(`${app.base}/dossiers/${file.reference}`, { waitUntil: "networkidle0" });
    await page.click("button[data-action=write-mail]");
    await page.waitForSelector("dialog.mail-compose[open] input[name=recipient]");
    await page.select("dialog.mail-compose select[name=template]", "relance-pieces");
    await page.click("dialog.mail-compose input[name=attachment]");
    await app.screenshot(page, "mail-compose");
    await page.click("dialog.mail-compose button[data-action=send-mail]");

    // then the exchanges show the mail
    await page.waitForSelector(".timeline li.exchange.mail.sent", { timeout: 15_000 });
    const entry = await page.$eval(".timeline li.exchange.mail.sent", (e: any) => e.textContent.replace(/\s+/g, " "));
    expect(entry).to.include("E-mail envoyé").and.include(`[${file.reference}]`).and.include("contact@boulangerie-lefevre.fr");

    // and the sent mails list it, delivered to the outbox folder, with its HTML shown sandboxed
    await page.goto(`${app.base}/mail/sent?dossier=${file.reference}`, { waitUntil: "networkidle0" });
    await page.waitForSelector("table.mail-list tr.row");
    await page.click("table.mail-list tr.row");
    await page.waitForSelector(".mail-detail iframe[sandbox]");
    await page.waitForFunction(() => document.querySelector(".mail-detail [data-status]")?.getAttribute("data-status") === "sent", { timeout: 15_000 }).catch(async () => {
      await page.reload({ waitUntil: "networkidle0" });
      await page.click("table.mail-list tr.row");
      await page.waitForSelector(".mail-detail [data-status=sent]", { timeout: 15_000 });
    });
    const detail = await page.$eval(".mail-detail", (e: any) => e.textContent.replace(/\s+/g, " "));
    expect(detail).to.include(`Pièces manquantes pour votre dossier « Boulangerie Lefèvre » [${file.reference}]`);
    expect(detail).to.include("devis-signe.pdf").and.include("stored in the outbox folder");
    expect(detail).to.include(`Reply-To`).and.include(`+${file.reference}@`);
    const frame = await (await page.$(".mail-detail iframe"))!.contentFrame();
    expect(await frame!.$eval("body", (b: any) => b.textContent)).to.include("un extrait Kbis de moins de 3 mois");
    await app.screenshot(page, "mail-sent");
    expect(problems).to.deep.equal([]);
    const outbox = path.join(app.server.capabilities.mail.settings.outboxDir);
    expect(readdirSync(outbox).filter((n) => n.endsWith(".eml")).length).to.be.greaterThan(0);

    // and the designer, who may read mail but is in no sector of this dossier, sees nothing of it (as of the dossier)
    const sent = await agent<{ items: Array<{ id: number }> }>("GET", `/api/mail/outbound?dossier=${file.reference}`);
    const designer = basicClient(app.base, "designer");
    const asDesigner = (url: string) => fetch(`${app.base}${url}`, { headers: { authorization: `Basic ${Buffer.from("designer:designer").toString("base64")}` } }).then((r) => r.status);
    expect(await asDesigner(`/api/dossiers/${file.reference}`)).to.equal(404);
    expect((await designer<{ items: unknown[] }>("GET", `/api/mail/outbound?dossier=${file.reference}`)).items).to.deep.equal([]);
    expect(await asDesigner(`/api/mail/outbound/${sent.items[0]!.id}`)).to.equal(404);
  });

  it("should refuse a mail with a clear reason and record nothing: a wrong address, a party without e-mail, a document of another dossier", async () => {
    const agent = basicClient(app.base, "agent");
    const post = (reference: string, body: unknown) => fetch(`${app.base}/api/dossiers/${reference}/mails`, {
      method: "POST", headers: { authorization: `Basic ${Buffer.from("agent:agent").toString("base64")}`, "content-type": "application/json" }, body: JSON.stringify(body),
    }).then(async (r) => ({ status: r.status, body: await r.json() as { detail: string } }));
    const noMail = await agent<{ reference: string }>("POST", "/api/dossiers", { type: "client", title: "Garage Dubois", parties: [{ role: "customer", party: { kind: "organisation", name: "GARAGE DUBOIS" } }] });
    const other = await agent<{ reference: string }>("POST", "/api/dossiers", { type: "client", title: "Fleuriste Martin", parties: [{ role: "customer", party: { kind: "organisation", name: "FLEURISTE MARTIN", emails: ["fleurs@martin.fr"] } }] });
    const form = new FormData();
    form.append("file", new Blob([Buffer.from("%PDF-1.4\n%%EOF\n")], { type: "application/pdf" }), "autre.pdf");
    const [doc] = await agent<Array<{ id: number }>>("POST", `/api/dossiers/${other.reference}/documents`, form).then((r: any) => (Array.isArray(r) ? r : r.items ?? r.documents ?? [r]));
    const before = (await agent<{ items: unknown[] }>("GET", "/api/mail/outbound?limit=200")).items.length;

    const wrong = await post(noMail.reference, { to: ["pas-une-adresse"], subject: "Bonjour", text: "Test" });
    expect(wrong).to.deep.include({ status: 400 });
    expect(wrong.body.detail).to.equal("Expected an e-mail address in 'to', but found 'pas-une-adresse'");
    const role = await post(noMail.reference, { to: [{ role: "customer" }], template: "relance-pieces" });
    expect(role.status).to.equal(400);
    expect(role.body.detail).to.match(/^Expected party \d+ 'GARAGE DUBOIS' \(role 'customer' of CLI-\d{4}-\d{5}\) to have an e-mail address, but it has none$/);
    const foreign = await post(noMail.reference, { to: ["compta@dubois.fr"], subject: "Pièce", text: "Ci-joint", attachments: [(doc as { id: number }).id] });
    expect(foreign.status).to.equal(400);
    expect(foreign.body.detail).to.equal(`Expected documents of ${noMail.reference} to attach, but document ${(doc as { id: number }).id} does not show in it`);
    expect((await agent<{ items: unknown[] }>("GET", "/api/mail/outbound?limit=200")).items.length).to.equal(before);
  });
});
