/**
 * The operate view in Chromium, signed in as the demo administrator (or the auditor): search,
 * an instance's diagram moving without a reload, a CONDITION_ERROR fixed and retried, a job
 * incident retried, modification and cancel, counts per element on a definition's diagram.
 * Instances are started and moved through the public API (HTTP Basic), as another client would.
 */
import { expect } from "chai";
import type { Page } from "puppeteer-core";
import { startBrowserApp, type BrowserApp } from "../helpers/browser.js";
import { marker, operateApi, REVIEW, textOf, textsOf, uniqueRef } from "./operate-helpers.js";

describe("web: operate (Chromium)", function () {
  this.timeout(120_000);
  let app: BrowserApp;
  let demo: ReturnType<typeof operateApi>;
  let reviewKey: string;

  before(async () => {
    app = await startBrowserApp();
    demo = operateApi(app.base);
    reviewKey = await demo.deployReview();
  });

  after(() => app.close());

  /** Signs in and opens an operate address; the page must not reload afterwards (checked by `notReloaded`). */
  async function openAs(user: string, pathname: string): Promise<{ page: Page; problems: string[] }> {
    const opened = await app.open(`/login?next=${encodeURIComponent(pathname)}`);
    await app.login(opened.page, user);
    await opened.page.evaluate("window.__notReloaded = true");
    return opened;
  }
  const notReloaded = (page: Page) => page.evaluate("window.__notReloaded === true");
  const waitText = (page: Page, selector: string, text: string, timeout = 10_000) =>
    page.waitForFunction(`[...document.querySelectorAll(${JSON.stringify(selector)})].some((e) => e.textContent.includes(${JSON.stringify(text)}))`, { timeout });

  it("should find instances by dossier reference, process and state, and open one with its waiting task highlighted", async () => {
    // given two review files and a customer file of the demo models, each with its reference
    const ref = uniqueRef("DOS");
    const mine = await demo.start(REVIEW, { dossierRef: ref, customer: "Boulangerie Martin" });
    await demo.start(REVIEW, { dossierRef: uniqueRef("DOS") });
    const demoFile = await demo.start("customer-file-validation", { dossierRef: `${ref}-CF` });

    // when the administrator searches the reference
    const { page, problems } = await openAs("demo", "/operate");
    expect(await textOf(page, "h1")).to.equal("Rechercher des instances");
    await page.type("input[name=ref]", ref);
    await page.click(".op-search button[type=submit]");
    await page.waitForSelector(`tr[data-key="${mine}"]`);

    // then both instances carrying it are listed (and only they), with the variable that matched
    await page.waitForFunction(`document.querySelectorAll("[data-testid=instances] tbody tr").length === 2`);
    expect(await textsOf(page, "[data-testid=instances] tbody tr td:nth-child(4)")).to.have.members([`dossierRef = ${ref}`, `dossierRef = ${ref}-CF`]);
    expect(new URL(page.url()).searchParams.get("ref")).to.equal(ref);

    // when the search is narrowed to the demo process, running
    await page.select("select[name=process]", "customer-file-validation");
    await page.select("select[name=state]", "ACTIVE");
    await page.click(".op-search button[type=submit]");
    await page.waitForFunction(`document.querySelectorAll("[data-testid=instances] tbody tr").length === 1`);
    expect(await page.$(`tr[data-key="${demoFile}"]`)).to.not.equal(null);
    expect(await textOf(page, `tr[data-key="${demoFile}"] .op-state`)).to.equal("En cours");

    // when the start dates are limited to today, then to a day to come
    const setDates = async (from: string, to: string) => {
      await page.$eval("input[name=from]", (e, v) => { (e as unknown as { value: string }).value = v; }, from);
      await page.$eval("input[name=to]", (e, v) => { (e as unknown as { value: string }).value = v; }, to);
      await page.click(".op-search button[type=submit]");
    };
    const now = new Date();
    const today = `${now.getFullYear()}-${String(now.getMonth() + 1).padStart(2, "0")}-${String(now.getDate()).padStart(2, "0")}`;
    await setDates(today, today);
    await page.waitForFunction(`new URL(location.href).searchParams.get("from") === ${JSON.stringify(today)} && document.querySelectorAll("[data-testid=instances] tbody tr").length === 1`);
    await app.screenshot(page, "operate-search");
    await setDates("2999-01-01", "");
    await waitText(page, ".op-results + p, p[aria-live]", "Aucune instance ne correspond à ces critères.");
    expect(await page.$("[data-testid=instances]")).to.equal(null);

    // when the administrator goes back to the first search and opens the review instance
    for (let i = 0; i < 3; i++) await page.goBack();
    await page.waitForSelector(`tr[data-key="${mine}"] a`);
    await page.click(`tr[data-key="${mine}"] a`);

    // then its diagram shows the review task running, the path so far, and its variables
    await page.waitForSelector(marker("ReviewFile", "op-active"));
    expect(await page.$(marker("FileReceived", "op-completed"))).to.not.equal(null);
    expect(await page.$(marker("Flow_toReview", "op-taken"))).to.not.equal(null);
    expect(await page.$(marker("Decision", "op-active"))).to.equal(null);
    expect(await textOf(page, `.op-badge.active[data-element=ReviewFile]`)).to.equal("1");
    expect(await textOf(page, "h1")).to.equal(`Examen d'un dossier (test) · instance ${mine}`);
    await waitText(page, "[data-testid=variables] tr[data-variable=customer]", '"Boulangerie Martin"');
    expect(await textsOf(page, "[data-testid=modify] .op-active-list li > button.link")).to.deep.equal(["Examiner le dossier"]);
    await waitText(page, "[data-testid=history] td", "Instance démarrée");
    await app.screenshot(page, "operate-instance-waiting");
    expect(await notReloaded(page)).to.equal(true);
    expect(problems).to.deep.equal([]);
    await page.close();
  });

  it("should move the diagram when a task is completed elsewhere, show the incident, and complete the instance once the variable is fixed and retried", async () => {
    // given a review instance open in operate, waiting at the review
    const pi = await demo.start(REVIEW, { dossierRef: uniqueRef("DOS") });
    const { page, problems } = await openAs("demo", `/operate?instance=${pi}`);
    await page.waitForSelector(marker("ReviewFile", "op-active"));

    // when an agent completes the review through the API with a decision no flow accepts
    await demo.completeTask(pi, "ReviewFile", { decision: "maybe" });

    // then, without a reload, the token moved to the gateway, which is in incident
    await page.waitForSelector(marker("Decision", "op-incident"), { timeout: 10_000 });
    expect(await page.$(marker("ReviewFile", "op-completed"))).to.not.equal(null);
    expect(await page.$(marker("Flow_toDecision", "op-taken"))).to.not.equal(null);
    expect(await textOf(page, ".op-badge.incident[data-element=Decision]")).to.equal("⚠ 1");
    const incident = "[data-testid=incidents] .op-incident[data-error-type=CONDITION_ERROR]";
    await page.waitForSelector(incident);
    expect(await textOf(page, `${incident} strong`)).to.equal("Aucune condition de sortie vraie");
    expect(await textOf(page, `${incident} .op-message`)).to.contain("Decision");
    expect(await textOf(page, ".op-header .op-state")).to.equal("En incident");
    await waitText(page, "[data-testid=history] td", "Incident : Aucune condition de sortie vraie");
    await app.screenshot(page, "operate-incident");

    // when the administrator fixes the decision variable in the page
    await page.click("[data-testid=variables] tr[data-variable=decision] button[data-action=edit]");
    await page.waitForSelector("[data-testid=variables] textarea[name=value]");
    await page.$eval("[data-testid=variables] textarea[name=value]", (e) => { (e as unknown as { value: string }).value = '"reject"'; });
    await page.click("[data-testid=variables] button[data-action=save]");
    await waitText(page, "[data-testid=variables] tr[data-variable=decision] td", '"reject"');
    await waitText(page, "[data-testid=history] td", "Variable decision modifiée : reject");

    // and retries the incident
    await page.click(`${incident} button[data-action=retry]`);

    // then the instance takes the refusal path and completes, still without a reload
    await page.waitForSelector(".op-header .op-state[data-state=COMPLETED]", { timeout: 10_000 });
    await page.waitForSelector(marker("FileRefused", "op-completed"));
    expect(await page.$(marker("Flow_reject", "op-taken"))).to.not.equal(null);
    expect(await page.$(marker("Decision", "op-completed"))).to.not.equal(null);
    expect(await page.$(marker("ArchiveFile", "op-completed"))).to.equal(null);
    expect(await textOf(page, "[data-testid=incidents]")).to.contain("Aucun incident ouvert").and.contain("1 incident(s) résolu(s)");
    await waitText(page, "[data-testid=history] td", "Instance terminée");
    expect(await page.$("[data-testid=history] tr[data-type=INCIDENT_RESOLVED]")).to.not.equal(null);
    expect(await page.$("button[data-action=cancel]")).to.equal(null, "a completed instance cannot be canceled");
    await app.screenshot(page, "operate-completed");

    // and the engine's history agrees
    const history = await demo.history(pi);
    expect(history.entries.map((e) => e.type)).to.include.members(["INCIDENT_CREATED", "VARIABLE_UPDATED", "INCIDENT_RESOLVED"]);
    expect((await demo.instance(pi)).state).to.equal("COMPLETED");
    expect(await notReloaded(page)).to.equal(true);
    expect(problems).to.deep.equal([]);
    await page.close();
  });

  it("should retry a job that ran out of retries, giving it one more, and see the instance finish when the job is done", async () => {
    // given an approved file whose archiving job failed with no retries left
    const pi = await demo.start(REVIEW, { dossierRef: uniqueRef("DOS") });
    await demo.completeTask(pi, "ReviewFile", { decision: "approve" });
    await demo.job(pi, "web-test-archive", { fail: "Archive service unreachable" });
    await demo.until(pi, (i) => i.hasIncident);
    const { page, problems } = await openAs("demo", `/operate?instance=${pi}`);
    const incident = "[data-testid=incidents] .op-incident[data-error-type=JOB_NO_RETRIES]";
    await page.waitForSelector(incident);
    expect(await textOf(page, `${incident} .op-message`)).to.equal("Archive service unreachable");
    await page.waitForSelector(marker("ArchiveFile", "op-incident"));

    // when the administrator retries it
    await page.click(`${incident} button[data-action=retry]`);

    // then the incident is gone, the job has a retry again, and a worker can finish it
    await page.waitForSelector(marker("ArchiveFile", "op-active"), { timeout: 10_000 });
    expect(await page.$(incident)).to.equal(null);
    await waitText(page, "[data-testid=history] td", "Essais du travail portés à 1");
    await demo.job(pi, "web-test-archive", { complete: { archived: true } });
    await page.waitForSelector(".op-header .op-state[data-state=COMPLETED]", { timeout: 10_000 });
    await page.waitForSelector(marker("FileAccepted", "op-completed"));
    const types = (await demo.history(pi)).entries.map((e) => e.type);
    expect(types.indexOf("JOB_RETRIES_UPDATED")).to.be.above(types.indexOf("INCIDENT_CREATED")).and.below(types.indexOf("INCIDENT_RESOLVED"));
    await app.screenshot(page, "operate-job-retried");
    expect(problems).to.deep.equal([]);
    await page.close();
  });

  it("should let an administrator activate an element, terminate an element instance and cancel the instance", async () => {
    // given a review instance open in operate
    const pi = await demo.start(REVIEW, { dossierRef: uniqueRef("DOS") });
    const { page, problems } = await openAs("demo", `/operate?instance=${pi}`);
    page.on("dialog", (dialog) => void dialog.accept());
    await page.waitForSelector(marker("ReviewFile", "op-active"));

    // when the administrator clicks the review task on the diagram and activates it once more
    await page.click(`.djs-element[data-element-id=ReviewFile]`);
    await page.waitForSelector(marker("ReviewFile", "op-selected"));
    expect(await page.$eval("select[name=activate]", (e) => (e as unknown as { value: string }).value)).to.equal("ReviewFile");
    await page.click("button[data-action=activate]");

    // then the task runs twice
    await page.waitForFunction(`document.querySelector('.op-badge.active[data-element=ReviewFile]')?.textContent === "2"`, { timeout: 10_000 });
    expect(await page.$$("[data-testid=modify] .op-active-list li")).to.have.length(2);
    await app.screenshot(page, "operate-modified");

    // when one of them is terminated
    await page.click("[data-testid=modify] .op-active-list li button[data-action=terminate]");
    await page.waitForFunction(`document.querySelectorAll("[data-testid=modify] .op-active-list li").length === 1`, { timeout: 10_000 });
    expect(await textOf(page, ".op-badge.active[data-element=ReviewFile]")).to.equal("1");

    // and the instance is canceled
    await page.click("button[data-action=cancel]");

    // then it is shown canceled, with nothing left to act on
    await page.waitForSelector(".op-header .op-state[data-state=TERMINATED]", { timeout: 10_000 });
    await page.waitForSelector(marker("ReviewFile", "op-terminated"));
    expect(await page.$$("button[data-action=terminate], button[data-action=activate], button[data-action=edit]")).to.have.length(0);
    await waitText(page, "[data-testid=history] td", "Instance annulée");
    const history = await demo.history(pi);
    expect(history.entries.filter((e) => e.type === "PROCESS_INSTANCE_MODIFIED")).to.have.length(2);
    expect((await demo.instance(pi)).state).to.equal("TERMINATED");
    expect(problems).to.deep.equal([]);
    await page.close();
  });

  it("should show on a definition's diagram how many instances wait at each element and how many are in incident", async () => {
    // given review instances waiting at the review and stuck at the decision, and demo files waiting for documents
    await demo.start(REVIEW);
    const stuck = await demo.start(REVIEW);
    await demo.completeTask(stuck, "ReviewFile", { decision: "?" });
    await demo.until(stuck, (i) => i.hasIncident);
    const cf = await demo.start("customer-file-validation", { dossierRef: uniqueRef("DOS") });
    await demo.start("customer-file-validation", { dossierRef: uniqueRef("DOS") });
    const expected = await demo.call("GET", `/api/ui/operate/definitions/${reviewKey}/element-statistics`);
    const at = (id: string) => expected.items.find((i: { elementId: string }) => i.elementId === id);

    // when the administrator opens the processes tab and the review process's diagram
    const { page, problems } = await openAs("demo", "/operate?view=processes");
    await page.waitForSelector(`[data-testid=processes] tr[data-definition="${reviewKey}"]`);
    expect(Number(await textOf(page, `tr[data-definition="${reviewKey}"] .op-count.incident`))).to.be.at.least(1);
    await app.screenshot(page, "operate-processes");
    await page.click(`tr[data-definition="${reviewKey}"] td:last-child a`);

    // then each element carries its counts as badges, matching the API
    await page.waitForSelector(".op-badge.active[data-element=ReviewFile]");
    const review = at("ReviewFile");
    expect(Number(await textOf(page, ".op-badge.active[data-element=ReviewFile]"))).to.equal(review.active - review.incidents);
    expect(await textOf(page, ".op-badge.incident[data-element=Decision]")).to.equal(`⚠ ${at("Decision").incidents}`);
    expect(await page.$(marker("Decision", "op-incident"))).to.not.equal(null);
    expect(await textOf(page, "[data-testid=element-counts] tr[data-element=ReviewFile] td:nth-child(2)")).to.equal(String(review.active - review.incidents));
    expect(await textOf(page, "h1")).to.equal("Examen d'un dossier (test) · version 1");
    await app.screenshot(page, "operate-definition-counts");

    // when a new instance waits at the review, the badge follows without a reload
    await demo.start(REVIEW);
    await page.waitForFunction(`document.querySelector('.op-badge.active[data-element=ReviewFile]')?.textContent === "${review.active - review.incidents + 1}"`, { timeout: 10_000 });

    // and the demo process's diagram shows its files waiting for documents
    const { processDefinitionKey } = await demo.instance(cf);
    await page.goto(`${app.base}/operate?diagram=${processDefinitionKey}`, { waitUntil: "networkidle0" });
    await page.waitForSelector(".op-badge.active[data-element=CollectDocuments]");
    expect(Number(await textOf(page, ".op-badge.active[data-element=CollectDocuments]"))).to.be.at.least(2);
    await app.screenshot(page, "operate-definition-demo");
    expect(problems).to.deep.equal([]);
    await page.close();
  });

  it("should let a manager correct a variable but leave retry, cancel and modification to operators", async () => {
    // given an instance stuck at the decision
    const pi = await demo.start(REVIEW, { dossierRef: uniqueRef("DOS") });
    await demo.completeTask(pi, "ReviewFile", { decision: "pending" });
    await demo.until(pi, (i) => i.hasIncident);

    // when the manager opens it
    const { page, problems } = await openAs("manager", `/operate?instance=${pi}`);
    await page.waitForSelector("[data-testid=incidents] .op-incident[data-error-type=CONDITION_ERROR]");

    // then the variables can be edited, and nothing else
    await page.waitForSelector("[data-testid=variables] tr[data-variable=decision] button[data-action=edit]");
    expect(await page.$$("button[data-action=retry], button[data-action=cancel], button[data-action=terminate], button[data-action=activate]")).to.have.length(0);
    await page.click("[data-testid=variables] tr[data-variable=decision] button[data-action=edit]");
    await page.$eval("[data-testid=variables] textarea[name=value]", (e) => { (e as unknown as { value: string }).value = "approve"; });
    await page.click("[data-testid=variables] button[data-action=save]");
    await waitText(page, "[data-testid=variables] .op-field-error", "Valeur JSON invalide");
    await page.$eval("[data-testid=variables] textarea[name=value]", (e) => { (e as unknown as { value: string }).value = '"approve"'; });
    await page.click("[data-testid=variables] button[data-action=save]");
    await waitText(page, "[data-testid=variables] tr[data-variable=decision] td", '"approve"');
    const decision = await demo.call("POST", "/v2/variables/search", { filter: { processInstanceKey: pi, name: "decision" } });
    expect(decision.items.map((v: { value: string }) => v.value)).to.deep.equal(['"approve"']);
    expect((await demo.instance(pi)).hasIncident).to.equal(true, "fixing the cause does not retry by itself");
    expect(problems).to.deep.equal([]);
    await page.close();
  });

  it("should show an auditor the instance and its incident without any button to act", async () => {
    // given an instance stuck at the decision
    const pi = await demo.start(REVIEW, { dossierRef: uniqueRef("DOS") });
    await demo.completeTask(pi, "ReviewFile", { decision: "n/a" });
    await demo.until(pi, (i) => i.hasIncident);

    // when the auditor opens it
    const { page, problems } = await openAs("auditor", `/operate?instance=${pi}`);
    await page.waitForSelector("[data-testid=incidents] .op-incident[data-error-type=CONDITION_ERROR]");
    await page.waitForSelector(marker("Decision", "op-incident"));
    await page.waitForSelector("[data-testid=variables] tr[data-variable=decision]");

    // then everything is readable, and nothing can be changed
    expect(await page.$$("button[data-action]")).to.have.length(0);
    expect(await page.$$("[data-testid=variables] form, select[name=activate]")).to.have.length(0);
    expect(await textOf(page, ".op-header")).to.contain("Lecture seule");
    await app.screenshot(page, "operate-auditor");

    // and in English, the same page reads in English
    await Promise.all([page.waitForNavigation({ waitUntil: "networkidle0" }), page.click(".topbar button.link")]);
    await page.waitForSelector("[data-testid=incidents] .op-incident[data-error-type=CONDITION_ERROR]");
    expect(await textOf(page, "[data-testid=incidents] .op-incident strong")).to.equal("No outgoing condition is true");
    expect(await textOf(page, ".op-header")).to.contain("Read only");
    await waitText(page, "[data-testid=history] td", "Instance started");
    await page.evaluate(`localStorage.removeItem("dossier.lang")`);
    expect(problems).to.deep.equal([]);
    await page.close();
  });
});
