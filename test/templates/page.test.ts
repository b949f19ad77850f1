/**
 * The /templates page in Chromium: the editor with the live preview against a demo dossier, a
 * template error shown with its line, a save refused then accepted, the organisation settings and
 * a mail merge. Screenshots in test-output/templates-*.png.
 */
import { expect } from "chai";
import type { Frame, Page } from "puppeteer-core";
import { startBrowserApp, type BrowserApp } from "../helpers/browser.js";

describe("web: /templates", function () {
  this.timeout(180_000);
  let app: BrowserApp;
  before(async () => {
    app = await startBrowserApp();
  });
  after(() => app.close());

  const previewFrame = (page: Page): Frame => {
    const frame = page.frames().find((f) => f !== page.mainFrame());
    if (!frame) throw new Error("no preview frame");
    return frame;
  };
  const previewText = async (page: Page) => previewFrame(page).evaluate(() => document.body?.innerText ?? "");
  const setSource = (page: Page, source: string) => page.$eval("textarea.tpl-source", (el, value) => {
    (el as HTMLTextAreaElement).value = value as string;
    el.dispatchEvent(new Event("input", { bubbles: true }));
  }, source);

  it("should edit a letter with a live preview of a demo dossier, show errors with their line, and save a version", async () => {
    const { page, problems } = await app.open("/login?next=/templates");
    await app.login(page, "demo", "demo");
    await page.goto(`${app.base}/templates?name=letters/courrier-simple`, { waitUntil: "networkidle0" });
    await page.waitForFunction(() => document.querySelector("textarea.tpl-source") && (document.querySelector("textarea.tpl-source") as HTMLTextAreaElement).value.includes("partials/entete"));
    await page.waitForFunction(() => (document.querySelector("iframe.tpl-frame") as HTMLIFrameElement | null)?.srcdoc.includes("FROMAGERIE EXEMPLE"));
    expect(await page.$eval("iframe.tpl-frame", (f) => f.getAttribute("sandbox"))).to.equal("");
    await page.type("input[name=dossier]", "CLI-2026-00001");
    await page.$eval("input[name=dossier]", (el) => el.dispatchEvent(new Event("change")));
    await page.waitForFunction(() => (document.querySelector("iframe.tpl-frame") as HTMLIFrameElement).srcdoc.includes("BOULANGERIE MARTIN"));
    await new Promise((r) => setTimeout(r, 300));
    expect(await previewText(page)).to.contain("BOULANGERIE MARTIN SARL").and.contain("Horizon Assurances");
    await app.screenshot(page, "templates-editor");

    // a field that does not exist: the error names the line, live
    const original = await page.$eval("textarea.tpl-source", (el) => (el as HTMLTextAreaElement).value);
    await setSource(page, `${original}\n<p>{{dossier.champInconnu}}</p>`);
    await page.waitForSelector("[data-testid=template-error]");
    const lines = original.split("\n").length + 1;
    expect(await page.$eval("[data-testid=template-error]", (el) => el.textContent)).to.contain(`Ligne ${lines}`).and.contain("champInconnu");
    await app.screenshot(page, "templates-error");

    // a source that does not compile is refused at save, with its line
    await setSource(page, "<p>\n{{#if dossier.title}}\n<b>sans fin</b>");
    await page.click("[data-testid=save]");
    await page.waitForFunction(() => document.querySelector("[data-testid=template-error]")?.textContent?.includes("Ligne"));
    // then a good one is saved as version 1 and used at once
    await setSource(page, `${original}\n<p>Modifié dans le navigateur</p>`);
    await page.type("input[name=comment]", "mention ajoutée");
    await page.click("[data-testid=save]");
    await page.waitForSelector("[data-testid=saved]");
    expect(await page.$eval("[data-testid=saved]", (el) => el.textContent)).to.contain("Version 1");
    await page.waitForFunction(() => (document.querySelector("iframe.tpl-frame") as HTMLIFrameElement).srcdoc.includes("Modifié dans le navigateur"));
    expect(await page.$eval(".tpl-list", (el) => el.textContent)).to.contain("modifié");
    expect(await page.$eval(".tpl-history", (el) => el.textContent)).to.contain("mention ajoutée");
    await app.screenshot(page, "templates-saved");
    // the only failed requests are the previews and the save the page shows as errors (400)
    expect(problems.filter((p) => !p.includes("status of 400"))).to.deep.equal([]);
  });

  it("should edit the organisation's details and run a mail merge", async () => {
    const { page, problems } = await app.open("/login?next=/templates/settings");
    await app.login(page, "demo", "demo");
    await page.goto(`${app.base}/templates/settings`, { waitUntil: "networkidle0" });
    await page.waitForSelector("input[name=name]");
    expect(await page.$eval("input[name=name]", (el) => (el as HTMLInputElement).value)).to.equal("Horizon Assurances");
    await page.$eval("input[name=iban]", (el) => { (el as HTMLInputElement).value = "FR76 1234"; });
    await page.click(".tpl-settings button.primary");
    await page.waitForSelector(".tpl-settings .banner.error");
    expect(await page.$eval(".tpl-settings .banner.error", (el) => el.textContent)).to.contain("IBAN");
    await page.$eval("input[name=iban]", (el) => { (el as HTMLInputElement).value = "FR76 3000 4000 0312 3456 7890 143"; });
    await page.$eval("input[name=phone]", (el) => { (el as HTMLInputElement).value = "04 72 99 88 77"; });
    await page.click(".tpl-settings button.primary");
    await page.waitForSelector(".tpl-settings .banner.info");
    await app.screenshot(page, "templates-settings");

    await page.goto(`${app.base}/templates/merge`, { waitUntil: "networkidle0" });
    await page.waitForSelector("textarea[name=references]");
    await page.type("textarea[name=references]", "CLI-2026-00001\nCLI-2026-00002");
    await page.type("input[name=objet]", "Nouveaux horaires de l'agence");
    await page.click(".tpl-merge button.primary");
    await page.waitForSelector("[data-testid=merge-done]", { timeout: 60_000 });
    expect(await page.$eval("[data-testid=merge-done]", (el) => el.textContent)).to.contain("2 courrier(s)").and.contain("2 page(s)");
    await app.screenshot(page, "templates-merge");
    // the only failed request is the refused IBAN (a 400 the page shows)
    expect(problems.filter((p) => !p.includes("status of 400"))).to.deep.equal([]);
  });
});
