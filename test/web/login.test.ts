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

  for (const next of ["/%5Cevil.example/phish", "//evil.example/phish", "https://evil.example/phish", "javascript:alert(1)"]) {
    it(`should not leave the site after signing in with next=${next}, but open the user's home area`, async () => {
      // given a link to the sign-in page that names another site as where to go next
      const { page } = await app.open(`/login?next=${next}`);
      // when the agent signs in
      await app.login(page, "agent");
      // then the browser stays on this server, in the inbox
      const url = new URL(page.url());
      expect(url.origin).to.equal(app.base);
      expect(url.pathname).to.equal("/inbox");
    });
  }

  it("should go to the page named in next with its query and fragment, when it is on this site", async () => {
    const { page } = await app.open(`/login?next=${encodeURIComponent("/operate?state=ACTIVE#list")}`);
    await app.login(page, "manager");
    const url = new URL(page.url());
    expect(url.pathname + url.search).to.equal("/operate?state=ACTIVE");
  });

  it("should mark its API requests as script requests, so a 401 never makes the browser ask for (and cache) Basic credentials", async () => {
    // given a visitor on the sign-in page, whose requests are watched
    const { page } = await app.open("/login");
    const seen: Array<{ url: string; xrw: string | undefined; wwwAuthenticate: string | undefined }> = [];
    page.on("response", (r) => {
      if (new URL(r.url()).pathname.startsWith("/auth/")) seen.push({ url: new URL(r.url()).pathname, xrw: r.request().headers()["x-requested-with"], wwwAuthenticate: r.headers()["www-authenticate"] });
    });
    // when a wrong password is tried, then the right one (the inbox then reads the session)
    await page.type("input[name=username]", "agent");
    await page.type("input[name=password]", "wrong");
    await page.click("button[type=submit]");
    await page.waitForSelector(".banner.error:not([hidden])");
    for (const field of ["username", "password"]) await page.$eval(`input[name=${field}]`, (e) => ((e as unknown as { value: string }).value = ""));
    await app.login(page, "agent");
    // then every request said so, and the 401 carried no Basic challenge
    expect(seen.map((r) => r.url)).to.include.members(["/auth/login", "/auth/session"]);
    expect(seen.filter((r) => r.xrw !== "XMLHttpRequest")).to.deep.equal([]);
    expect(seen.filter((r) => r.wwwAuthenticate !== undefined)).to.deep.equal([]);
  });
});
