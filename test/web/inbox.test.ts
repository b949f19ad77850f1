import { expect } from "chai";
import { startBrowserApp, type BrowserApp } from "../helpers/browser.js";
import { demoApi, openTab, rowKey, uniqueRef, waitForRow, waitForTask } from "./inbox-helpers.js";

/** Browser globals, for the callbacks that run in the page (this test program has no DOM lib). */
declare const document: any, window: any, getComputedStyle: any, localStorage: any;

describe("web: the task inbox (Chromium)", function () {
  this.timeout(120_000);
  let app: BrowserApp;
  let demo: ReturnType<typeof demoApi>;

  before(async () => {
    app = await startBrowserApp();
    demo = demoApi(app.base);
  });

  after(() => app.close());

  it("should show an agent their groups' tasks with counts and dossier references, and open one from the keyboard", async () => {
    // given a customer file waiting for its documents (a task for the agents group)
    const ref = uniqueRef("DOS");
    const pi = await demo.start("customer-file-validation", { dossierRef: ref, customer: "Boulangerie Martin" });
    const collect = await demo.openTask(pi, "CollectDocuments");

    // when the agent signs in on a laptop screen and opens the "my groups" tab
    const { page, problems } = await app.open("/login");
    await page.setViewport({ width: 1366, height: 768 });
    await app.login(page, "agent");
    await openTab(page, "group");

    // then the task is listed with its dossier reference, and the tab counts it
    const key = await waitForRow(page, "CollectDocuments", ref);
    expect(key).to.equal(collect.userTaskKey);
    const count = Number(await page.$eval("[data-testid=count-group]", (e) => e.textContent));
    expect(count).to.be.at.least(1);
    expect(await page.$$("button.tab[data-view=team]")).to.have.length(0, "agents have no team tab");

    // when the agent tabs to the row and presses Enter
    await page.focus(`a.task-row[data-key="${key}"]`);
    await page.keyboard.press("Enter");
    await waitForTask(page, key!);

    // then the task opens beside the list, with its form read-only until claimed and its context
    expect(await page.$eval("#task-title", (e) => e.textContent)).to.equal("Collecter les pièces justificatives");
    expect(await page.evaluate(() => document.activeElement?.id)).to.equal("task-title");
    expect(await page.$eval("[data-testid=context]", (e) => e.textContent)).to.contain(ref).and.contain(pi);
    expect(await page.$eval(".notice", (e) => e.textContent)).to.equal("Prenez la tâche pour la traiter.");
    expect(await page.$eval("button[data-action=complete]", (b) => (b as unknown as { disabled: boolean }).disabled)).to.equal(true);
    await app.screenshot(page, "inbox-agent-group");

    // when the agent presses Escape, the task closes and the focus is back on its row
    await page.keyboard.press("Escape");
    await page.waitForSelector(".detail-empty");
    expect(await page.evaluate(() => document.activeElement?.getAttribute("data-key"))).to.equal(key);
    expect(problems).to.deep.equal([]);
    await page.close();
  });

  it("should let an agent claim a task, fill its form and complete it, then show the next task without reloading", async () => {
    // given a customer file waiting for its documents, open in the agent's inbox
    const ref = uniqueRef("DOS");
    const pi = await demo.start("customer-file-validation", { dossierRef: ref });
    const collect = await demo.openTask(pi, "CollectDocuments");
    const { page, problems } = await app.open("/login");
    await app.login(page, "agent");
    await page.evaluate(() => (window.notReloaded = true));
    await openTab(page, "group");
    await waitForRow(page, "CollectDocuments", ref);
    await page.click(`a.task-row[data-key="${collect.userTaskKey}"]`);
    await waitForTask(page, collect.userTaskKey);

    // when the agent claims it
    await page.click("button[data-action=claim]");
    await page.waitForFunction(() => document.querySelector("[data-testid=assignee]")?.textContent === "Attribuée à moi");
    await waitForTask(page, collect.userTaskKey);

    // then it moves to "my tasks" and the form becomes editable
    expect(await page.$eval("button.tab[aria-selected=true]", (e) => e.getAttribute("data-view"))).to.equal("mine");
    await waitForRow(page, "CollectDocuments", ref);
    expect((await demo.tasks({ userTaskKey: collect.userTaskKey }))[0]!.assignee).to.equal("agent");

    // when the agent ticks the three documents in the form-js form and completes the task
    // (form-js names its inputs after the component ids, which the demo form may change: find them by key)
    const schema = JSON.parse((await demo.call<{ schema: string }>("GET", `/v2/user-tasks/${collect.userTaskKey}/form`)).schema);
    const idOf = (key: string) => (schema.components as Array<{ id: string; key?: string }>).find((c) => c.key === key)?.id;
    for (const field of ["kbis", "rib", "decisionMakerId"]) await page.click(`.fjs-form-field input[type=checkbox][id$="-${idOf(field)}"]`);
    if (idOf("comment")) await page.type(`.fjs-form-field textarea[id$="-${idOf("comment")}"]`, "Pièces reçues par courriel");
    await app.screenshot(page, "inbox-agent-form-filled");
    await page.click("button[data-action=complete]");

    // then the task is completed with the form's variables, and leaves the list
    await page.waitForFunction((key) => !document.querySelector(`a.task-row[data-key="${key}"]`), { timeout: 15_000 }, collect.userTaskKey);
    const [done] = await demo.tasks({ userTaskKey: collect.userTaskKey });
    expect(done!.state).to.equal("COMPLETED");
    const variables = await demo.call<{ items: Array<{ name: string; value: string }> }>("POST", "/v2/variables/search", { filter: { processInstanceKey: pi } });
    const byName = Object.fromEntries(variables.items.map((v) => [v.name, JSON.parse(v.value)]));
    expect(byName).to.include({ kbis: true, rib: true, decisionMakerId: true });

    // and the next task of the dossier shows up in the agent's group list, without a page reload
    const [next] = await demo.nextTasks(pi, collect.userTaskKey);
    expect(next, "an open task after the documents were collected").to.not.equal(undefined);
    await openTab(page, "group");
    await waitForRow(page, next!.elementId, ref);
    expect(await page.evaluate(() => window.notReloaded)).to.equal(true);
    await app.screenshot(page, "inbox-agent-next-task");
    expect(problems).to.deep.equal([]);
    await page.close();
  });

  it("should show a task created while the inbox is open, without reloading", async () => {
    // given the agent's inbox open on the group tab
    const { page, problems } = await app.open("/login");
    await app.login(page, "agent");
    await openTab(page, "group");
    await page.evaluate(() => (window.notReloaded = true));

    // when a new customer file starts
    const ref = uniqueRef("NEW");
    await demo.start("customer-file-validation", { dossierRef: ref });

    // then its task appears by itself within a few seconds
    await waitForRow(page, "CollectDocuments", ref, 15_000);
    expect(await page.evaluate(() => window.notReloaded)).to.equal(true);
    expect(problems).to.deep.equal([]);
    await page.close();
  });

  it("should let a manager see the team's tasks and reassign one to the agent", async () => {
    // given a customer file waiting for its documents, unassigned
    const ref = uniqueRef("MGR");
    const pi = await demo.start("customer-file-validation", { dossierRef: ref });
    const collect = await demo.openTask(pi, "CollectDocuments");

    // when the manager opens the team tab, opens the task and reassigns it to the agent
    const { page, problems } = await app.open("/login");
    await app.login(page, "manager");
    await openTab(page, "team");
    await waitForRow(page, "CollectDocuments", ref);
    await page.click(`a.task-row[data-key="${collect.userTaskKey}"]`);
    await waitForTask(page, collect.userTaskKey);
    await page.type("form.reassign input[name=assignee]", "agent");
    await page.click("button[data-action=reassign]");

    // then the task is the agent's, and the manager sees it read-only
    await page.waitForFunction(() => document.querySelector("[data-testid=assignee]")?.textContent === "Attribuée à agent");
    expect((await demo.tasks({ userTaskKey: collect.userTaskKey }))[0]!.assignee).to.equal("agent");
    await waitForTask(page, collect.userTaskKey);
    expect(await page.$eval(".notice", (e) => e.textContent)).to.contain("agent");
    await app.screenshot(page, "inbox-manager-reassigned");
    expect(problems).to.deep.equal([]);
    await page.close();

    // and the agent finds it under "my tasks"
    const agent = await app.open("/login");
    await app.login(agent.page, "agent");
    await openTab(agent.page, "mine");
    expect(await waitForRow(agent.page, "CollectDocuments", ref)).to.equal(collect.userTaskKey);
    expect(agent.problems).to.deep.equal([]);
    await agent.page.close();
  });

  it("should highlight overdue and due-soon tasks, filter by dossier reference and priority, and complete a task without a form", async () => {
    // given three call-backs for the agents: one overdue, one due within the hour, one next week
    await demo.deploy("inbox-call-back.bpmn");
    const batch = uniqueRef("CB");
    const hour = 3600_000;
    const overdue = await demo.start("inbox-call-back", { group: "agents", dossierRef: `${batch}-LATE`, due: new Date(Date.now() - 2 * hour).toISOString(), priority: 90 });
    const soon = await demo.start("inbox-call-back", { group: "agents", dossierRef: `${batch}-SOON`, due: new Date(Date.now() + hour).toISOString(), priority: 40 });
    const later = await demo.start("inbox-call-back", { group: "agents", dossierRef: `${batch}-LATER`, due: new Date(Date.now() + 7 * 24 * hour).toISOString(), priority: 10 });
    await demo.failJob(overdue, "inbox-test-crm-sync", "CRM injoignable");
    const lateTask = await demo.openTask(overdue, "CallBack");
    await demo.openTask(soon, "CallBack");
    await demo.openTask(later, "CallBack");

    // when the agent looks at the group tab sorted by due date and types the batch in the reference filter
    const { page, problems } = await app.open("/login");
    await app.login(page, "agent");
    await openTab(page, "group");
    await page.type("input[name=reference]", batch);
    await page.waitForFunction((b) => document.querySelectorAll(`a.task-row[data-element=CallBack]`).length === 3
      && [...document.querySelectorAll("a.task-row")].every((a) => a.textContent?.includes(b)), { timeout: 15_000 }, batch);

    // then only the batch is listed, the overdue first in red, then the one due soon
    const rows = await page.$$eval("li.task-item", (items) => items.map((li) => ({ cls: li.className, text: li.textContent ?? "", ref: li.querySelector(".task-ref")?.textContent ?? "" })));
    expect(rows.map((r) => r.ref.split("-").pop())).to.deep.equal(["LATE", "SOON", "LATER"]);
    expect(rows[0]!.cls).to.contain("due-overdue");
    expect(rows[0]!.text).to.contain("En retard").and.contain("Priorité critique");
    expect(rows[1]!.cls).to.contain("due-soon");
    expect(rows[2]!.cls).to.contain("due-later");
    await app.screenshot(page, "inbox-due-highlighting");

    // when the agent keeps only high priorities
    await page.select("select[name=priority]", "51");
    await page.waitForFunction(() => document.querySelectorAll("a.task-row").length === 1);
    expect(await rowKey(page, "CallBack", `${batch}-LATE`)).to.equal(lateTask.userTaskKey);

    // when the agent opens it, claims it and completes it (no form: its data is shown read-only, and the failed CRM sync beside it)
    await page.click(`a.task-row[data-key="${lateTask.userTaskKey}"]`);
    await waitForTask(page, lateTask.userTaskKey);
    expect(await page.$eval("[data-testid=variables]", (e) => e.textContent)).to.contain(`${batch}-LATE`);
    await page.waitForSelector("[data-testid=incidents]");
    expect(await page.$eval("[data-testid=incidents]", (e) => e.textContent)).to.contain("Synchroniser le CRM").and.contain("CRM injoignable");
    await app.screenshot(page, "inbox-no-form-incident");
    await page.click("button[data-action=claim]");
    await page.waitForFunction(() => document.querySelector("[data-testid=assignee]")?.textContent === "Attribuée à moi");
    await waitForTask(page, lateTask.userTaskKey);
    await page.click("button[data-action=complete]");

    // then the task is completed and the list is empty under these filters
    await page.waitForFunction(() => document.querySelectorAll("a.task-row").length === 0, { timeout: 15_000 });
    expect((await demo.tasks({ userTaskKey: lateTask.userTaskKey }))[0]!.state).to.equal("COMPLETED");
    expect(await page.$eval(".empty", (e) => e.textContent)).to.equal("Aucune tâche ne correspond aux filtres.");
    await page.click("button.reset");
    expect(problems).to.deep.equal([]);
    await page.close();
  });

  it("should work in one column at tablet width: the list, then the task with a way back", async () => {
    // given a customer file waiting for its documents
    const ref = uniqueRef("TAB");
    const pi = await demo.start("customer-file-validation", { dossierRef: ref });
    const collect = await demo.openTask(pi, "CollectDocuments");

    // when the agent uses a 1024×768 tablet
    const { page, problems } = await app.open("/login");
    await page.setViewport({ width: 1024, height: 768 });
    await app.login(page, "agent");
    await openTab(page, "group");
    await waitForRow(page, "CollectDocuments", ref);

    // then the list takes the whole width and the task pane is hidden
    const listWidth = await page.$eval(".list-pane", (e) => e.getBoundingClientRect().width);
    expect(listWidth).to.be.greaterThan(900);
    expect(await page.$eval(".detail-pane", (e) => getComputedStyle(e).display)).to.equal("none");
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).to.be.at.most(1024);
    await app.screenshot(page, "inbox-tablet-list");

    // when the agent opens the task
    await page.click(`a.task-row[data-key="${collect.userTaskKey}"]`);
    await waitForTask(page, collect.userTaskKey);

    // then the task takes the whole width, and "back" returns to the list
    expect(await page.$eval(".list-pane", (e) => getComputedStyle(e).display)).to.equal("none");
    expect(await page.$eval(".detail-pane", (e) => e.getBoundingClientRect().width)).to.be.greaterThan(900);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).to.be.at.most(1024);
    await app.screenshot(page, "inbox-tablet-task");
    await page.click("article.task-detail button.back");
    await page.waitForSelector(`a.task-row[data-key="${collect.userTaskKey}"]`, { visible: true });
    expect(problems).to.deep.equal([]);
    await page.close();
  });

  it("should stop polling while the browser tab is hidden and refresh as soon as it is shown again", async () => {
    // given the agent's inbox
    const { page, problems } = await app.open("/login");
    await app.login(page, "agent");
    await page.waitForSelector("button.tab[aria-selected=true]");
    let searches = 0;
    page.on("request", (r) => void (r.url().endsWith("/v2/user-tasks/search") && searches++));
    // (a string, not a function: tsx would wrap the getter in a helper the page does not have)
    const setHidden = (hidden: boolean) => page.evaluate(
      `Object.defineProperty(document, "hidden", { configurable: true, get() { return ${hidden}; } }); document.dispatchEvent(new Event("visibilitychange"));`);

    // when the tab is hidden for longer than the polling interval
    await setHidden(true);
    await new Promise((r) => setTimeout(r, 500));
    searches = 0;
    await new Promise((r) => setTimeout(r, 6000));

    // then the inbox asked nothing; and once shown again it refreshes at once
    expect(searches).to.equal(0);
    await setHidden(false);
    await new Promise((r) => setTimeout(r, 1000));
    expect(searches).to.be.at.least(1);
    expect(problems).to.deep.equal([]);
    await page.close();
  });

  it("should speak English when the user switches language", async () => {
    const { page, problems } = await app.open("/login");
    await app.login(page, "manager");
    await page.waitForSelector("button.tab[data-view=team]");
    await Promise.all([page.waitForNavigation({ waitUntil: "networkidle0" }), page.click(".topbar button.link")]);
    const tabs = await page.$$eval("button.tab", (b) => b.map((e) => e.firstChild?.textContent));
    expect(tabs).to.deep.equal(["My tasks", "My groups", "Team"]);
    expect(await page.$eval("select[name=sort] option:checked", (e) => e.textContent)).to.equal("Due date");
    await page.evaluate(() => localStorage.setItem("dossier.lang", "fr"));
    expect(problems).to.deep.equal([]);
    await page.close();
  });

  it("should refuse to complete a form whose required field is empty, and complete it once filled", async () => {
    // given a call report to write, whose form requires the call's outcome
    await demo.deploy("inbox-call-report.bpmn", "inbox-call-report.form");
    const ref = uniqueRef("CR");
    const pi = await demo.start("inbox-call-report", { dossierRef: ref });
    const task = await demo.openTask(pi, "WriteReport");
    const { page, problems } = await app.open("/login");
    await app.login(page, "agent");
    await openTab(page, "group");
    await waitForRow(page, "WriteReport", ref);
    await page.click(`a.task-row[data-key="${task.userTaskKey}"]`);
    await waitForTask(page, task.userTaskKey);
    await page.click("button[data-action=claim]");
    await page.waitForFunction(() => document.querySelector("[data-testid=assignee]")?.textContent === "Attribuée à moi");
    await waitForTask(page, task.userTaskKey);
    expect(await page.$eval(".form-host", (e) => e.textContent)).to.contain(`Référence : ${ref}`);

    // when the agent completes without the outcome
    await page.click("button[data-action=complete]");

    // then the form says what is missing and the task stays open
    await page.waitForSelector(".form-error:not([hidden])");
    await page.waitForSelector(".fjs-has-errors");
    expect(await page.$eval(".fjs-has-errors", (e) => e.textContent)).to.contain("Ce champ est obligatoire.");
    await app.screenshot(page, "inbox-form-invalid");
    expect((await demo.tasks({ userTaskKey: task.userTaskKey }))[0]!.state).to.equal("CREATED");

    // when the agent fills in the outcome and completes
    await page.type(".fjs-has-errors input", "Rappel prévu lundi");
    await page.click("button[data-action=complete]");

    // then the task is completed with the typed outcome
    await page.waitForFunction((key) => !document.querySelector(`a.task-row[data-key="${key}"]`) && !document.querySelector(`article[data-key="${key}"]`), { timeout: 15_000 }, task.userTaskKey);
    expect((await demo.tasks({ userTaskKey: task.userTaskKey }))[0]!.state).to.equal("COMPLETED");
    const variables = await demo.call<{ items: Array<{ name: string; value: string }> }>("POST", "/v2/variables/search", { filter: { processInstanceKey: pi, name: "outcome" } });
    expect(variables.items.map((v) => JSON.parse(v.value))).to.deep.equal(["Rappel prévu lundi"]);
    expect(problems).to.deep.equal([]);
    await page.close();
  });
});
