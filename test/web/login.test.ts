import { expect } from "chai";
import { startBrowserApp, type BrowserApp } from "../helpers/browser.js";

describe("web: signing in (Chromium)", function () {
  this.timeout(120_000);
  let app: BrowserApp;

  before(async () => {
    app = await startBrowserApp();
  });

  after(() => app.close());

  it("should send a visitor to the sign-in page and back to the page asked for, in French by default", async () => {
    // given a visitor who opens the inbox
    const { page, problems } = await app.open("/inbox");
    expect(new URL(page.url()).pathname).to.equal("/login");
    expect(await page.$eval("h1", (e) => e.textContent)).to.equal("Connexion");

    // when the agent signs in
    await app.login(page, "agent");

    // then the inbox opens with the agent's name in the top bar
    expect(new URL(page.url()).pathname).to.equal("/inbox");
    expect(await page.$eval("[data-testid=user]", (e) => e.textContent)).to.contain("agent");
    expect(await page.$$eval(".areas a", (links) => links.map((a) => a.textContent))).to.include("Tâches");
    await app.screenshot(page, "login-inbox");
    expect(problems).to.deep.equal([]);
  });

  it("should refuse a wrong password with a message and switch to English", async () => {
    const { page, problems } = await app.open("/login");
    await page.type("input[name=username]", "agent");
    await page.type("input[name=password]", "wrong");
    await page.click("button[type=submit]");
    await page.waitForSelector(".banner.error:not([hidden])");
    expect(await page.$eval(".banner.error", (e) => e.textContent)).to.equal("Identifiant ou mot de passe incorrect.");
    await Promise.all([page.waitForNavigation(), page.click("button.link")]);
    expect(await page.$eval("h1", (e) => e.textContent)).to.equal("Sign in");
    expect(problems.filter((p) => !p.includes("401"))).to.deep.equal([]);
  });
});
