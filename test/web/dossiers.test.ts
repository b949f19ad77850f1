import { expect } from "chai";
import { startBrowserApp, type BrowserApp } from "../helpers/browser.js";
import { basicClient } from "../helpers/http.js";
import { clickAndWait, text, uniqueWord, waitForView, writePdfs } from "./dossiers-helpers.js";
import { waitForTask } from "./inbox-helpers.js";

/** Browser globals, for the callbacks that run in the page (this test program has no DOM lib). */
declare const document: any;

describe("web: the customer file (Chromium)", function () {
  this.timeout(180_000);
  let app: BrowserApp;

  before(async () => {
    app = await startBrowserApp();
  });

  after(() => app.close());

  it("should take a new caller from the first word to a running file, its documents, its task, an amendment, the search and the journal", async () => {
    const company = `Toitures ${uniqueWord("Lambert")}`;
    const word = uniqueWord("zinguerie");
    const pdfs = writePdfs(company, word);

    // given an agent signed in, who opens the customer files from the top bar
    const { page, problems } = await app.open("/login");
    await app.login(page, "agent");
    await clickAndWait(page, "nav.areas a[href='/dossiers']");
    await page.waitForSelector("table[data-testid=dossier-table] tbody tr");
    await app.screenshot(page, "dossiers-list");

    // when a caller the address book does not know rings: "Nouveau dossier", the name typed in the search
    await clickAndWait(page, "a[data-action=new]");
    await page.select("#new-type", "client");
    await page.type("#party-search", company);
    await page.waitForSelector(".party-option.create");
    expect(await page.$$(".party-option[data-party]")).to.have.length(0, "nobody by that name yet");
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Enter"); // "Aucune fiche trouvée : créer « … »"

    // and the agent fills in the new party on the fly and follows the call script
    await page.click("input[name=kind][value=organisation]");
    await page.$eval("input[name=orgName]", (e: any) => (e.value = ""));
    await page.type("input[name=orgName]", company);
    await page.type("input[name=email]", `contact@${company.toLowerCase().replace(/\W+/g, "-")}.fr`);
    await page.type("input[name=phone]", "04 78 12 34 99");
    await page.type("input[name=postcode]", "69003");
    await page.type("input[name=city]", "Lyon");
    await page.$eval("input[name=country]", (e: any) => (e.value = ""));
    await page.type("input[name=country]", "FR");
    for (const step of ["listen", "rephrase", "propose", "recap", "close"]) await page.click(`input[data-step=${step}]`);
    await page.type("textarea[name=summary]", "Souhaite ouvrir un dossier pour sa couverture.");
    expect(await page.$eval("#new-title", (e: any) => e.value)).to.equal(company, "the title suggested from the caller");
    await app.screenshot(page, "dossiers-new");
    await clickAndWait(page, "button[data-action=create]");

    // then the 360° view of the new file opens, with the opening process's task and the call in the timeline
    const reference = decodeURIComponent(new URL(page.url()).pathname.split("/").pop()!);
    expect(reference).to.match(/^CLI-\d{4}-\d{5}$/);
    await waitForView(page, reference);
    expect(await text(page, "[data-testid=customer]")).to.contain(company);
    expect(await text(page, "[data-testid=timeline]")).to.contain("Souhaite ouvrir un dossier");
    await page.waitForSelector("[data-testid=tasks] li a[data-action=open-task]");

    // when the agent drops the KBIS, then the RIB, each with its document type
    for (const [type, file] of [["kbis", pdfs.kbis], ["rib", pdfs.rib]] as const) {
      await page.select("#upload-type", type);
      const input = await page.$("input#upload-files");
      await input!.uploadFile(file);
      await page.waitForSelector(`.doc-group[data-document-type=${type}] li.doc`, { timeout: 15_000 });
    }

    // then both are listed under their types, and the KBIS previews with pdf.js
    expect(await text(page, "[data-testid=documents]")).to.contain("Extrait Kbis").and.contain("RIB");
    await page.click(".doc-group[data-document-type=kbis] button[data-action=preview]");
    await page.waitForSelector("[data-testid=preview] canvas.pdf-page", { timeout: 15_000 });
    await app.screenshot(page, "dossiers-360");

    // when the agent opens the task from the file: the inbox shows it with the dossier beside it
    const taskHref = await page.$eval("[data-testid=tasks] a[data-action=open-task]", (a: any) => a.getAttribute("href"));
    const taskKey = /#task=(\d+)/.exec(taskHref)![1]!;
    await clickAndWait(page, "[data-testid=tasks] a[data-action=open-task]");
    await waitForTask(page, taskKey);
    await page.waitForSelector("[data-testid=task-dossier]");
    expect(await text(page, "[data-testid=task-dossier]")).to.contain(reference).and.contain(company).and.contain("2 document(s)");
    await app.screenshot(page, "dossiers-inbox-panel");

    // and claims it, ticks the documents and completes it
    await page.click("button[data-action=claim]");
    await page.waitForFunction(() => document.querySelector("[data-testid=assignee]")?.textContent === "Attribuée à moi");
    await waitForTask(page, taskKey);
    const demo = basicClient(app.base, "demo");
    const schema = JSON.parse((await demo<{ schema: string }>("GET", `/v2/user-tasks/${taskKey}/form`)).schema);
    const idOf = (key: string) => (schema.components as Array<{ id: string; key?: string }>).find((c) => c.key === key)?.id;
    for (const field of ["kbis", "rib", "decisionMakerId"]) if (idOf(field)) await page.click(`.fjs-form-field input[type=checkbox][id$="-${idOf(field)}"]`);
    await page.click("button[data-action=complete]");
    await page.waitForFunction((key: string) => !document.querySelector(`article.task-detail[data-key="${key}"]`), { timeout: 15_000 }, taskKey);
    expect((await demo<{ items: Array<{ state: string }> }>("POST", "/v2/user-tasks/search", { filter: { userTaskKey: taskKey } })).items[0]!.state).to.equal("COMPLETED");

    // when the agent goes back to the file and starts an amendment from the action menu
    await page.goto(`${app.base}/dossiers/${encodeURIComponent(reference)}`, { waitUntil: "networkidle0" });
    await waitForView(page, reference);
    await page.click("[data-testid=actions] summary");
    await page.waitForSelector("[data-testid=actions] button[data-action-id=avenant]:not([aria-disabled])");
    await page.click("[data-testid=actions] button[data-action-id=avenant]");

    // then the amendment runs among the file's processes
    await page.waitForFunction(() => [...document.querySelectorAll("[data-testid=processes] li[data-kind=action]")].some((li: any) => li.querySelector(".badge.running")), { timeout: 15_000 });

    // when the agent, elsewhere in the app, searches a word that only the KBIS's text holds
    await page.goto(`${app.base}/inbox`, { waitUntil: "networkidle0" });
    await page.type("#global-search", word);
    await page.waitForSelector(".search-results [data-group=documents] a.search-option", { timeout: 15_000 });
    expect(await text(page, ".search-results [data-group=documents]")).to.contain("kbis.pdf").and.contain(reference);
    await app.screenshot(page, "dossiers-search");
    await page.keyboard.press("ArrowDown");
    await Promise.all([page.waitForNavigation({ waitUntil: "networkidle0" }), page.keyboard.press("Enter")]);

    // then the file opens again, and its journal reads with an intact chain
    await waitForView(page, reference);
    const chain = await text(page, "[data-testid=chain]");
    expect(chain).to.match(/^Chaîne intègre ✓ \(\d+ entrées\)$/);
    const journal = await text(page, "[data-testid=journal]");
    expect(journal).to.contain("Dossier créé").and.contain("Document ajouté").and.contain("Appel");
    await app.screenshot(page, "dossiers-journal");
    expect(problems).to.deep.equal([]);
    await page.close();
  });
});
