import { expect } from "chai";
import { startBrowserApp, type BrowserApp } from "../helpers/browser.js";
import { basicClient } from "../helpers/http.js";
import { clickAndWait, text, uniqueWord, waitForView } from "./dossiers-helpers.js";

/** Browser globals, for the callbacks that run in the page (this test program has no DOM lib). */
declare const document: any, localStorage: any;

describe("web: dossier lists, editing and the type editor (Chromium)", function () {
  this.timeout(180_000);
  let app: BrowserApp;

  before(async () => {
    app = await startBrowserApp();
  });

  after(() => app.close());

  /** A new customer file, through the API, as the agent. */
  async function newFile(title: string): Promise<string> {
    const agent = basicClient(app.base, "agent");
    const created = await agent<{ reference: string }>("POST", "/api/dossiers", {
      type: "client", title, data: { segment: "professionnel", activite: "Menuiserie" },
      parties: [{ role: "customer", party: { kind: "organisation", name: title, emails: [`${uniqueWord("c")}@example.fr`] } }],
    });
    return created.reference;
  }

  it("should list files of a type with a field filter, a sort, chosen columns, a saved view and the same list exported", async () => {
    const title = `Menuiserie ${uniqueWord("Garnier")}`;
    const reference = await newFile(title);
    const { page, problems } = await app.open("/login");
    await app.login(page, "agent");
    await page.goto(`${app.base}/dossiers`, { waitUntil: "networkidle0" });

    // when the agent picks the "Client" tab, filters on the segment and on a word
    await page.click("button.tab[data-type=client]");
    await page.waitForSelector("button.tab[data-type=client][aria-selected=true]");
    await page.select("select[name=filterField]", "segment");
    await page.select("select[name=filterValue]", "professionnel");
    await page.click("button[data-action=add-filter]");
    await page.type("input[name=q]", title.split(" ")[1]!);
    await page.waitForFunction((ref: string) => {
      const rows = [...document.querySelectorAll("table[data-testid=dossier-table] tbody tr")];
      return rows.length === 1 && rows[0].getAttribute("data-reference") === ref;
    }, { timeout: 15_000 }, reference);
    expect(await text(page, ".chips")).to.contain("Segment = Professionnel");

    // and adds the segment column, then sorts by reference
    await page.click(".columns-picker summary");
    await page.click(".columns-picker input[value='data.segment']");
    await page.waitForSelector("th[data-col='data.segment']");
    await page.click("th[data-col=reference] button.sort");
    await page.waitForSelector("th[data-col=reference][aria-sort=ascending]");
    expect(await text(page, "td[data-col='data.segment']")).to.equal("Professionnel");

    // then the export links carry the same filters and columns, and answer the file
    const csv = await page.$eval("a[data-export=csv]", (a: any) => a.getAttribute("href"));
    expect(csv).to.contain("type=client").and.contain("f.segment=professionnel").and.contain("format=csv").and.contain("data.segment");
    const exported = await page.evaluate(async (href: string) => { const r = await fetch(href); return { status: r.status, type: r.headers.get("content-type"), body: await r.text() }; }, csv);
    expect(exported.status).to.equal(200);
    expect(exported.body).to.contain(reference);
    await app.screenshot(page, "dossiers-list-filtered");

    // when the agent saves the list as a view
    await page.click("button[data-action=save-view]");
    await page.type("input[name=viewName]", "Mes professionnels");
    await page.click("button[data-action=save-view]");
    await page.waitForFunction(() => document.querySelector("select[name=view]")?.selectedOptions[0]?.textContent === "Mes professionnels");

    // then the view is stored with its filters, columns and sort, and opens again from a fresh page
    const saved = (await basicClient(app.base, "agent")<{ items: Array<{ id: number; name: string; type: string; filters: Record<string, string>; columns: string[]; sort: string }> }>("GET", "/api/dossier-views")).items.find((v) => v.name === "Mes professionnels")!;
    expect(saved).to.deep.include({ type: "client", sort: "reference" });
    expect(saved.filters).to.include({ "f.segment": "professionnel" });
    expect(saved.columns).to.include("data.segment");
    await page.goto(`${app.base}/dossiers`, { waitUntil: "networkidle0" });
    await page.click("button.tab[data-type=client]");
    await page.select("select[name=view]", String(saved.id));
    await page.waitForSelector("th[data-col='data.segment']");
    expect(await page.$eval("input[name=q]", (e: any) => e.value)).to.equal(title.split(" ")[1]);

    // and the same page reads in English after the switch
    await clickAndWait(page, "header.topbar button.link:not([data-action])");
    expect(await text(page, "th[data-col=reference]")).to.match(/^Reference/);
    await page.evaluate(() => localStorage.setItem("dossier.lang", "fr"));
    expect(problems).to.deep.equal([]);
    await page.close();
  });

  it("should keep the agent's input when someone else changed the file, reapply it on the new version, and show field problems beside the field", async () => {
    const title = `Charpente ${uniqueWord("Roux")}`;
    const reference = await newFile(title);
    const { page, problems } = await app.open("/login");
    await app.login(page, "agent");
    await page.goto(`${app.base}/dossiers/${reference}`, { waitUntil: "networkidle0" });
    await waitForView(page, reference);

    // given the agent editing the SIRET while a colleague changes the activity
    await page.click("button[data-action=edit]");
    await page.type("input[name=siret]", "812 345 678 00099");
    const current = await basicClient(app.base, "agent")<{ version: number }>("GET", `/api/dossiers/${reference}`);
    await basicClient(app.base, "manager")("PATCH", `/api/dossiers/${reference}`, { version: current.version, data: { activite: "Charpente traditionnelle" } });

    // when the agent saves
    await page.click("button[data-action=save]");

    // then a clear message names the new version, and the agent's input is still there
    await page.waitForSelector("[data-testid=conflict]");
    expect(await text(page, "[data-testid=conflict]")).to.contain(`Ce dossier a été modifié par quelqu'un d'autre (version ${current.version + 1})`);
    expect(await page.$eval("input[name=siret]", (e: any) => e.value)).to.equal("812 345 678 00099");
    await app.screenshot(page, "dossiers-conflict");

    // when the agent reloads and reapplies, then saves
    await page.click("button[data-action=reapply]");
    await page.waitForFunction(() => document.querySelector("input[name=activite]")?.value === "Charpente traditionnelle");
    expect(await page.$eval("input[name=siret]", (e: any) => e.value)).to.equal("812 345 678 00099");
    await page.click("button[data-action=save]");

    // then both changes are kept
    await page.waitForSelector("[data-testid=fields] dd[data-field=siret]");
    expect(await text(page, "[data-testid=fields] dd[data-field=siret]")).to.equal("812 345 678 00099");
    expect(await text(page, "[data-testid=fields] dd[data-field=activite]")).to.equal("Charpente traditionnelle");

    // when a value is refused by the server, its reason shows beside the field
    await page.click("button[data-action=edit]");
    await page.$eval("input[name=activite]", (e: any) => (e.value = "x".repeat(501)));
    await page.click("button[data-action=save]");
    await page.waitForSelector(".field[data-field=activite].invalid .field-problem:not([hidden])");
    expect(await text(page, ".field[data-field=activite] .field-problem")).to.contain("500");
    expect(problems.filter((p) => !/status of 40[09]/.test(p))).to.deep.equal([]);
    await page.close();
  });

  it("should warn of a caller already in the address book and let the agent use that record instead", async () => {
    const { page, problems } = await app.open("/login");
    await app.login(page, "agent");
    await page.goto(`${app.base}/dossiers/new?type=client`, { waitUntil: "networkidle0" });

    // when the agent starts a new record with an e-mail the address book already holds
    await page.click("[data-action=create-party]");
    await page.click("input[name=kind][value=organisation]");
    await page.type("input[name=orgName]", "Boulangerie Martin");
    await page.type("input[name=email]", "contact@boulangerie-martin.fr");

    // then the duplicate warning names the existing record, which the agent picks
    await page.waitForSelector("[data-testid=duplicates]:not([hidden]) button[data-action=use-duplicate]", { timeout: 10_000 });
    expect(await text(page, "[data-testid=duplicates]")).to.contain("BOULANGERIE MARTIN SARL");
    await app.screenshot(page, "dossiers-new-duplicate");
    await page.click("button[data-action=use-duplicate]");
    expect(await text(page, "[data-testid=party-chosen]")).to.contain("BOULANGERIE MARTIN SARL");
    expect(await page.$eval("[data-testid=party-form]", (e: any) => e.hidden)).to.equal(true);
    expect(problems).to.deep.equal([]);
    await page.close();
  });

  it("should add a public note and log a call from the 360° view, both in the exchanges timeline", async () => {
    const reference = await newFile(`Plomberie ${uniqueWord("Blanc")}`);
    const { page, problems } = await app.open("/login");
    await app.login(page, "agent");
    await page.goto(`${app.base}/dossiers/${reference}`, { waitUntil: "networkidle0" });
    await waitForView(page, reference);

    // when the agent adds a public note (Ctrl+Enter) and logs an outgoing call following the script
    await page.type("textarea[name=note]", "Devis envoyé par courriel.");
    await page.click("input[name=public]");
    await page.focus("textarea[name=note]");
    await page.keyboard.down("Control");
    await page.keyboard.press("Enter");
    await page.keyboard.up("Control");
    await page.waitForFunction(() => document.querySelector("[data-testid=timeline]")?.textContent?.includes("Devis envoyé par courriel."));
    await page.click("button[data-action=log-call]");
    await page.click(".call-host input[name=direction][value=out]");
    await page.type(".call-host input[name=contact]", "M. Blanc");
    for (const step of ["identify", "listen", "recap", "close"]) await page.click(`.call-host input[data-step=${step}]`);
    await page.type(".call-host textarea[name=summary]", "Rappel pour confirmer le rendez-vous.");
    await page.select(".call-host select[name=outcome]", "callback");
    await page.click("button[data-action=save-call]");

    // then both are in the timeline, newest first, the note marked public
    await page.waitForFunction(() => document.querySelectorAll("[data-testid=timeline] li.exchange").length === 2);
    const [call, note] = await page.$$eval("[data-testid=timeline] li.exchange", (items: any[]) => items.map((li) => li.textContent));
    expect(call).to.contain("Appel sortant").and.contain("M. Blanc").and.contain("À rappeler").and.contain("6 étape(s) sur 8");
    expect(note).to.contain("publique").and.contain("Devis envoyé par courriel.");
    expect(await text(page, "[data-testid=journal]")).to.contain("Note").and.contain("Appel");
    expect(problems).to.deep.equal([]);
    await page.close();
  });

  it("should let an administrator add a field, a state and a transition to a type in forms, and hide the editor from agents", async () => {
    const { page, problems } = await app.open("/login");
    await app.login(page, "demo");
    await clickAndWait(page, "nav.areas a[href='/admin/dossier-types']");
    await page.waitForSelector("table[data-testid=types] tr[data-type=client]");
    await clickAndWait(page, "tr[data-type=client] a");
    await page.waitForSelector("[data-action=add-fields]");
    const before = await basicClient(app.base, "demo")<{ version: number; fields: unknown[] }>("GET", "/api/dossier-types/client");

    // when the administrator adds a number field, a state and a transition to it
    await page.click("[data-action=add-fields]");
    const fieldRow = `tr[data-path="fields[${before.fields.length}]"]`;
    await page.type(`${fieldRow} input[name=id]`, "effectif");
    await page.type(`${fieldRow} td[data-key='label.fr'] input`, "Effectif");
    await page.type(`${fieldRow} td[data-key='label.en'] input`, "Headcount");
    await page.select(`${fieldRow} select[name=type]`, "number");
    const states = await page.$$eval("[data-path=states] tbody tr", (rows: any[]) => rows.length);
    await page.click("[data-action=add-states]");
    await page.type(`tr[data-path="states[${states}]"] input[name=id]`, "suspendu");
    await page.type(`tr[data-path="states[${states}]"] td[data-key='label.fr'] input`, "Suspendu");
    const transitions = await page.$$eval("[data-path=transitions] tbody tr", (rows: any[]) => rows.length);
    await page.click("[data-action=add-transitions]");
    await page.select(`tr[data-path="transitions[${transitions}]"] select[name=from]`, "client");
    await page.select(`tr[data-path="transitions[${transitions}]"] select[name=to]`, "suspendu");
    await app.screenshot(page, "dossiers-admin-type");
    await page.click("button[data-action=save-type]");

    // then the type has a new version with them
    await page.waitForSelector("[data-testid=saved], [data-testid=problems] .banner.error");
    expect(await text(page, "[data-testid=problems]")).to.contain(`version ${before.version + 1}`);
    const after = await basicClient(app.base, "demo")<{ version: number; fields: Array<{ id: string; type: string }>; states: Array<{ id: string }>; transitions: Array<{ from: string; to: string }> }>("GET", "/api/dossier-types/client");
    expect(after.fields.find((f) => f.id === "effectif")).to.deep.include({ type: "number" });
    expect(after.states.map((s) => s.id)).to.include("suspendu");
    expect(after.transitions).to.deep.include.members([{ from: "client", to: "suspendu", roles: ["agent", "manager", "administrator"] }]);
    expect(problems).to.deep.equal([]);
    await page.close();

    // and an agent has no administration area
    const agent = await app.open("/login");
    await app.login(agent.page, "agent");
    expect(await agent.page.$$("nav.areas a[href='/admin/dossier-types']")).to.have.length(0);
    await agent.page.goto(`${app.base}/admin/dossier-types`, { waitUntil: "networkidle0" });
    expect(await text(agent.page, "main")).to.contain("réservée aux administrateurs");
    await agent.page.close();
  });
});
