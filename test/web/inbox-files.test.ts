import { expect } from "chai";
import { startBrowserApp, type BrowserApp } from "../helpers/browser.js";
import { basicClient } from "../helpers/http.js";
import { uniqueWord, writePdfs } from "./dossiers-helpers.js";
import { waitForTask } from "./inbox-helpers.js";

/** Browser globals, for the callbacks that run in the page (this test program has no DOM lib). */
declare const document: any;

describe("web: files attached in a task form go to the task's dossier (Chromium)", function () {
  this.timeout(120_000);
  let app: BrowserApp;

  before(async () => {
    app = await startBrowserApp();
  });

  after(() => app.close());

  it("should file the KBIS chosen in the collect-documents form under the dossier, and complete with its document", async () => {
    const demo = basicClient(app.base, "demo");
    const reference = "CLI-2026-00002"; // Garage Dupuis & Fils, a demo prospect whose documents are being collected
    const dossier = await demo<{ tasks: Array<{ userTaskKey: string; elementId: string }> }>("GET", `/api/dossiers/${reference}`);
    const task = dossier.tasks.find((t) => t.elementId === "CollectDocuments")!;
    const pdfs = writePdfs("GARAGE DUPUIS & FILS", uniqueWord("carrosserie"));

    // given the agent on the task, claimed
    const { page, problems } = await app.open("/login");
    await app.login(page, "agent");
    await page.goto(`${app.base}/inbox#task=${task.userTaskKey}`, { waitUntil: "networkidle0" });
    await waitForTask(page, task.userTaskKey);
    await page.click("button[data-action=claim]");
    await page.waitForFunction(() => document.querySelector("[data-testid=assignee]")?.textContent === "Attribuée à moi");
    await waitForTask(page, task.userTaskKey);

    // when the agent picks the KBIS in the form's file picker, ticks it and completes the task
    const picker = await page.$(".fjs-form-field-filepicker input[type=file]");
    expect(picker, "the collect-documents form has file pickers").to.not.equal(null);
    await picker!.uploadFile(pdfs.kbis);
    const schema = JSON.parse((await demo<{ schema: string }>("GET", `/v2/user-tasks/${task.userTaskKey}/form`)).schema);
    const kbisBox = (schema.components as Array<{ id: string; key?: string }>).find((c) => c.key === "kbis")!.id;
    await page.click(`.fjs-form-field input[type=checkbox][id$="-${kbisBox}"]`);
    // form-js writes these in English; the inbox shows them in French
    const shown = (selector: string) => page.$$eval(selector, (b: any[]) => b.map((e) => e.dataset.label ?? e.textContent));
    expect(await shown(".fjs-filepicker-button")).to.deep.equal(["Parcourir…", "Parcourir…", "Parcourir…"]);
    expect(await shown(".fjs-filepicker-container .fjs-form-field-label")).to.deep.equal(["kbis.pdf", "Aucun fichier choisi", "Aucun fichier choisi"]);
    await app.screenshot(page, "inbox-form-files");
    await page.click("button[data-action=complete]");
    await page.waitForFunction((key: string) => !document.querySelector(`article.task-detail[data-key="${key}"]`), { timeout: 15_000 }, task.userTaskKey);

    // then the file is a KBIS of the dossier, and the task's variable names its document
    const docs = await demo<{ items: Array<{ id: number; documentType: string; filename: string }> }>("GET", `/api/dossiers/${reference}/documents`);
    const kbis = docs.items.find((d) => d.documentType === "kbis");
    expect(kbis?.filename).to.equal("kbis.pdf");
    const vars = await demo<{ items: Array<{ name: string; value: string }> }>("POST", `/v2/user-tasks/${task.userTaskKey}/variables/search`, {});
    expect(JSON.parse(vars.items.find((v) => v.name === "kbisFile")!.value)).to.deep.equal({ documentId: kbis!.id, filename: "kbis.pdf" });
    expect(problems).to.deep.equal([]);
    await page.close();
  });
});
