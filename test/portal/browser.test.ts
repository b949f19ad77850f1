import { expect } from "chai";
import { writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Page } from "puppeteer-core";
import { startBrowserApp, type BrowserApp } from "../helpers/browser.js";
import { basicClient } from "../helpers/http.js";
import { startSmtpSink, type SmtpSink } from "../helpers/smtp-sink.js";
import { linkIn, pdf, until } from "./support.js";

/** Browser globals, for the callbacks that run in the page. */
declare const document: any;

const PHONE = { width: 390, height: 844, deviceScaleFactor: 1, isMobile: true, hasTouch: true };

describe("portal in Chromium: apply, answer a private-page task, come back with a code", function () {
  this.timeout(300_000);
  let app: BrowserApp;
  let sink: SmtpSink;
  const dir = tmpdir();
  const cv = path.join(dir, "cv-lea-martin.pdf");
  const certificate = path.join(dir, "habilitation-electrique.pdf");

  before(async () => {
    // the mails really leave through SMTP (nodemailer) to a real SMTP server
    sink = await startSmtpSink();
    // (the modules read their settings from the process environment: startBrowserApp passes only the core's)
    process.env["MAIL_SMTP_URL"] = sink.url;
    process.env["MAIL_POLL_MS"] = "100";
    app = await startBrowserApp();
    writeFileSync(cv, pdf("Lea Martin CV technicienne"));
    writeFileSync(certificate, pdf("Habilitation electrique B1V BR"));
  });
  after(async () => {
    await app?.close();
    await sink?.stop();
    delete process.env["MAIL_SMTP_URL"];
    delete process.env["MAIL_POLL_MS"];
  });
  const mailTo = (address: string, test: (text: string, subject: string) => boolean) => until(`a mail to ${address}`, () =>
    sink.mails.find((m) => m.envelope.to.includes(address) && test(m.parsed.text ?? "", m.parsed.subject ?? "")), 30_000);

  const field = (page: Page, id: string) => `[id$="-${id}"]`;

  it("should take a candidate from the public page to a signed-in portal showing only their file", async () => {
    // a visitor on a phone applies with a CV
    const { page, problems } = await app.open("/p/candidature");
    await page.setViewport(PHONE);
    await page.reload({ waitUntil: "networkidle0" });
    await page.waitForSelector(".fjs-form");
    await page.type(field(page, "Field_portal_candidature_1"), "Léa");
    await page.type(field(page, "Field_portal_candidature_2"), "Martin");
    await page.type(field(page, "Field_portal_candidature_3"), "lea.martin@example.fr");
    await page.type(field(page, "Field_portal_candidature_4"), "06 11 22 33 44");
    const pickers = await page.$$(".fjs-form-field-filepicker input[type=file]");
    await pickers[0]!.uploadFile(cv);
    await page.click(`input[type=checkbox]${field(page, "Field_portal_candidature_9")}`);
    await app.screenshot(page, "portal-public-form-phone");
    await page.click("button[data-action=send]");
    await page.waitForSelector("[data-testid=confirmation]", { timeout: 20_000 });
    const confirmation = await page.$eval("[data-testid=confirmation]", (e: any) => e.textContent as string);
    const reference = /CAND-\d{4}-\d{4}/.exec(confirmation)![0];
    await app.screenshot(page, "portal-public-confirmation-phone");

    // the recruiter's inbox shows the new dossier's task
    const { page: office } = await app.open("/login");
    await app.login(office, "manager");
    await office.goto(`${app.base}/inbox`, { waitUntil: "networkidle0" });
    await office.waitForFunction((ref: string) => document.body.textContent.includes(ref), { timeout: 20_000 }, reference);
    await app.screenshot(office, "portal-recruiter-inbox");
    const manager = basicClient(app.base, "manager");
    const dossier = await manager<{ tasks: Array<{ userTaskKey: string; elementId: string }> }>("GET", `/api/dossiers/${reference}`);
    const study = dossier.tasks.find((t) => t.elementId === "StudyApplication")!;
    await manager("POST", `/v2/user-tasks/${study.userTaskKey}/assignment`, { assignee: "manager" });
    await manager("POST", `/v2/user-tasks/${study.userTaskKey}/completion`, { variables: { shortlisted: true, missingDocuments: "Habilitation électrique" } });

    // the private-page task sends a mail with the link
    const mail = await mailTo("lea.martin@example.fr", (text) => text.includes("/portail/tache/"));
    expect(mail.parsed.subject).to.include(reference);
    const token = linkIn(mail.parsed.text);

    // the candidate opens it, uploads a certificate and submits
    const task = await app.browser.newPage();
    await task.setViewport(PHONE);
    await task.goto(`${app.base}/portail/tache/${token}`, { waitUntil: "networkidle0" });
    await task.waitForSelector(".fjs-form");
    expect(await task.$eval("main", (e: any) => e.textContent as string)).to.include("Habilitation électrique");
    const taskPickers = await task.$$(".fjs-form-field-filepicker input[type=file]");
    await taskPickers[0]!.uploadFile(certificate);
    await app.screenshot(task, "portal-task-page-phone");
    await task.click("button[data-action=send]");
    await task.waitForSelector("[data-testid=task-done]", { timeout: 20_000 });
    await app.screenshot(task, "portal-task-done-phone");

    // the process moved on and the document is in the dossier
    await until("the next step", async () => (await manager<{ tasks: Array<{ elementId: string }> }>("GET", `/api/dossiers/${reference}`)).tasks.some((t) => t.elementId === "ProposeDates"));
    const docs = await manager<{ items: Array<{ filename: string; documentType: string }> }>("GET", `/api/dossiers/${reference}/documents`);
    expect(docs.items.map((d) => d.filename)).to.include("habilitation-electrique.pdf");
    await office.goto(`${app.base}/dossiers/${reference}`, { waitUntil: "networkidle0" });
    await app.screenshot(office, "portal-dossier-360");

    // later, in a fresh browser context, the candidate signs in with a code by mail
    const context = await app.browser.createBrowserContext();
    const later = await context.newPage();
    await later.setViewport(PHONE);
    await later.goto(`${app.base}/portail`, { waitUntil: "networkidle0" });
    await later.waitForSelector("input[name=email]");
    await later.type("input[name=email]", "lea.martin@example.fr");
    await later.click("button[data-action=get-code]");
    const codeMail = await mailTo("lea.martin@example.fr", (_text, subject) => /code de connexion/.test(subject));
    const code = /(\d{6})/.exec(codeMail.parsed.text ?? "")![1]!;
    await later.waitForSelector("input[name=code]", { visible: true });
    await later.type("input[name=code]", code);
    await Promise.all([later.waitForNavigation({ waitUntil: "networkidle0" }), later.click("button[data-action=verify]")]);
    await later.waitForSelector("[data-testid=dossiers]");
    const listed = await later.$$eval("[data-testid=dossiers] li", (items: any[]) => items.map((i) => i.textContent as string));
    expect(listed).to.have.length(1);
    expect(listed[0]).to.include(reference);
    await app.screenshot(later, "portal-home-phone");
    await later.click("[data-testid=dossiers] a");
    await later.waitForSelector("[data-testid=documents]");
    await app.screenshot(later, "portal-dossier-phone");
    await context.close();
    expect(problems).to.deep.equal([]);
  });

  it("should let a designer see and edit the published public pages", async () => {
    const { page, problems } = await app.open("/login");
    await app.login(page, "designer");
    await page.goto(`${app.base}/portal-admin`, { waitUntil: "networkidle0" });
    await page.waitForSelector("[data-testid=pages] li[data-slug]");
    const slugs = await page.$$eval("[data-testid=pages] li[data-slug]", (items: any[]) => items.map((i) => i.dataset.slug as string));
    expect(slugs).to.deep.equal(["candidature", "devis", "installation-photovoltaique"]);
    await page.click("[data-slug=devis] button");
    await page.waitForSelector("[data-testid=page-editor] input[name=titleFr]");
    await app.screenshot(page, "portal-admin");
    expect(problems).to.deep.equal([]);
  });
});
