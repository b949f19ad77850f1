/**
 * The designer in Chromium, signed in as `designer`: open a model of the library, change it in the
 * modeler and the properties panel, see a lint error, fix it with a connector template, deploy the
 * next version; an engine refusal shown on the element; a form edited and deployed; a new model
 * kept as a draft across a reload, deployed, exported.
 */
import { expect } from "chai";
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Page } from "puppeteer-core";
import { startBrowserApp, type BrowserApp } from "../helpers/browser.js";

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), "designer-fixtures");
const MODEL = "process/customer-file-validation";

describe("web: the designer (Chromium)", function () {
  this.timeout(120_000);
  let app: BrowserApp;

  before(async () => {
    app = await startBrowserApp();
  });
  after(() => app.close());

  async function signIn(): Promise<{ page: Page; problems: string[] }> {
    const opened = await app.open("/login?next=%2Fdesigner");
    await app.login(opened.page, "designer");
    await opened.page.waitForSelector(".library .entry");
    return opened;
  }

  async function openModel(page: Page, ref: string): Promise<void> {
    await page.click(`a.entry[data-ref="${ref}"]`);
    await page.waitForSelector(`[data-testid=workspace][data-loaded="${ref}"]`);
  }

  const text = (page: Page, selector: string) => page.$eval(selector, (e) => (e.textContent ?? "").trim());
  const waitForText = (page: Page, selector: string, expected: string) =>
    page.waitForFunction((s: string, x: string) => (globalThis as any).document.querySelector(s)?.textContent?.includes(x), { timeout: 10_000 }, selector, expected);
  /** Runs a function of the page's bpmn-js modeler (window.__designer, the designer's test hook). */
  const withModeler = <T>(page: Page, body: string): Promise<T> => page.evaluate(`(() => { const modeler = window.__designer.modeler(); ${body} })()`) as Promise<T>;
  const listVersion = async (page: Page, ref: string) => Number((await text(page, `a.entry[data-ref="${ref}"] .entry-version`)).replace("v", ""));
  const listState = (page: Page, ref: string) => page.$eval(`a.entry[data-ref="${ref}"]`, (e) => e.getAttribute("data-state"));

  async function clickElement(page: Page, elementId: string): Promise<void> {
    const box = await (await page.$(`.djs-element[data-element-id="${elementId}"]`))!.boundingBox();
    await page.mouse.click(box!.x + box!.width / 2, box!.y + box!.height / 2);
  }

  /** Opens a properties panel group (they start collapsed) by its header label. */
  async function openGroup(page: Page, label: string): Promise<void> {
    await page.evaluate(`(() => {
      const header = [...document.querySelectorAll(".bio-properties-panel-group-header")].find((h) => h.querySelector(".bio-properties-panel-group-header-title")?.textContent.trim() === ${JSON.stringify(label)});
      if (header && !header.classList.contains("open")) header.click();
    })()`);
  }

  async function typeInto(page: Page, selector: string, value: string): Promise<void> {
    await page.waitForSelector(selector, { visible: true });
    await page.click(selector, { count: 3 });
    await page.keyboard.down("Control");
    await page.keyboard.press("a");
    await page.keyboard.up("Control");
    await page.keyboard.type(value);
  }

  async function deployedXml(name: string): Promise<string> {
    const auth = { authorization: `Basic ${Buffer.from("designer:designer").toString("base64")}`, "content-type": "application/json" };
    const search = await fetch(`${app.base}/v2/process-definitions/search`, { method: "POST", headers: auth, body: JSON.stringify({ filter: { processDefinitionId: name, isLatestVersion: true } }) });
    const { items } = (await search.json()) as { items: Array<{ processDefinitionKey: string; version: number }> };
    return (await fetch(`${app.base}/v2/process-definitions/${items[0]!.processDefinitionKey}/xml`, { headers: auth })).text();
  }

  it("should open a model, change it in the modeler and the properties panel, show a lint error, fix it and deploy version n+1", async () => {
    // given the designer on a model of the library
    const { page, problems } = await signIn();
    await openModel(page, MODEL);
    const version = await listVersion(page, MODEL);
    expect(await text(page, "[data-testid=model-state]")).to.equal("Déployé");
    expect(await text(page, "[data-testid=lint-summary]")).to.equal("Aucun problème");
    // (the create / append menus offer the deployed forms and processes)
    expect(await withModeler<string[]>(page, `return modeler.get("resources").getAll().map((r) => r.formId ?? r.processId);`)).to.include.members(["collect-documents", "customer-file-validation"]);

    // when a task is renamed in the properties panel
    await clickElement(page, "PrepareContract");
    await openGroup(page, "Général");
    await typeInto(page, "#bio-properties-panel-name", "Préparer le contrat de service");

    // then the model is a draft, changed since its last deployment
    await page.waitForFunction(`document.querySelector('a.entry[data-ref="${MODEL}"]').dataset.state === "changed"`);
    expect(await text(page, "[data-testid=model-state]")).to.equal("Modifié depuis le déploiement");

    // when, in the modeler, the "inform the sales manager" user task becomes a service task
    await withModeler(page, `const el = modeler.get("elementRegistry").get("InformSalesManager"); modeler.get("bpmnReplace").replaceElement(el, { type: "bpmn:ServiceTask" });`);

    // then the linter flags it on the canvas and in the problems list
    await waitForText(page, "[data-testid=lint-summary]", "1 erreur(s)");
    await page.waitForSelector(".djs-overlay-linting .cl-icon-error");
    const item = "[data-testid=problems] li.problem.lint.error";
    expect(await page.$eval(item, (e) => e.getAttribute("data-element-id"))).to.equal("InformSalesManager");
    expect(await text(page, item)).to.contain("« Type de job » doit être renseigné");
    await app.screenshot(page, "designer-lint-error");

    // and the draft survives a reload
    await page.reload({ waitUntil: "networkidle0" });
    await page.waitForSelector(`[data-testid=workspace][data-loaded="${MODEL}"]`);
    expect(await withModeler<string>(page, `return modeler.get("elementRegistry").get("PrepareContract").businessObject.name;`)).to.equal("Préparer le contrat de service");
    await waitForText(page, "[data-testid=lint-summary]", "1 erreur(s)");

    // when the designer clicks the problem, picks the "Send an email" connector and fills it in
    await page.click(`${item} button`);
    await page.waitForFunction(`window.__designer.modeler().get("selection").get()[0]?.id === "InformSalesManager"`);
    await page.click(".bio-properties-panel-select-template-button");
    await page.click('.element-template-chooser li[data-id="apply-template-dossier.mail.send"]');
    await waitForText(page, "[data-testid=lint-summary]", "Aucun problème"); // the job type came with the template; recipients are by role or address
    await openGroup(page, "Message");
    // the Message group lists toRole, to, cc, template, subject, text, data, attachments
    for (const [index, target, value] of [[1, "to", "ventes@example.org"], [4, "subject", "Nouveau dossier validé"], [3, "template", "sales-manager-notice"]] as const) {
      await typeInto(page, `[id="bio-properties-panel-custom-entry-dossier.mail.send-message-${index}"]`, value);
      // the panel writes to the model after a short pause in typing
      await page.waitForFunction(`window.__designer.modeler().get("elementRegistry").get("InformSalesManager").businessObject.extensionElements.values
        .find((v) => v.$type === "zeebe:IoMapping").inputParameters.find((p) => p.target === "${target}")?.source === ${JSON.stringify(value)}`);
    }

    // then the model lints clean
    await waitForText(page, "[data-testid=lint-summary]", "Aucun problème");
    expect(await page.$$(".djs-overlay-linting .cl-icon-error")).to.have.length(0);

    // when it is deployed
    await page.click("[data-testid=deploy]");

    // then it is the next version, deployed, with the connector's job type and the new name
    await waitForText(page, "[data-testid=status]", `Déployé : version ${version + 1}.`);
    expect(await listVersion(page, MODEL)).to.equal(version + 1);
    expect(await listState(page, MODEL)).to.equal("deployed");
    expect(await text(page, "[data-testid=model-state]")).to.equal("Déployé");
    const xml = await deployedXml("customer-file-validation");
    expect(xml).to.contain('name="Préparer le contrat de service"');
    expect(xml).to.match(/<bpmn:serviceTask id="InformSalesManager"[^>]*zeebe:modelerTemplate="dossier.mail.send"/);
    expect(xml).to.contain('<zeebe:taskDefinition type="mail.send"');
    expect(xml).to.contain('source="ventes@example.org" target="to"');
    await app.screenshot(page, "designer-deployed");

    // and deploying again changes nothing
    await page.click("[data-testid=deploy]");
    await waitForText(page, "[data-testid=status]", `Inchangé : la version ${version + 1} est déjà déployée.`);
    expect(await page.evaluate(`window.__designer.drafts().length`)).to.equal(0);
    expect(problems).to.deep.equal([]);
  });

  it("should show the engine's refusal of a deployment on the offending element", async () => {
    // given an imported model that lints clean but calls a DMN decision, which the engine does not run
    const { page, problems } = await signIn();
    const input = await page.$("input[data-testid=import-file]");
    await input!.uploadFile(path.join(FIXTURES, "zone-check-dmn.bpmn"));
    await page.waitForSelector('[data-testid=workspace][data-loaded^="draft/"]');
    expect(await text(page, "[data-testid=model-name]")).to.equal("Contrôle de zone");
    expect(await text(page, "[data-testid=model-state]")).to.equal("Nouveau");
    await waitForText(page, "[data-testid=lint-summary]", "Aucun problème");

    // when it is deployed
    await page.click("[data-testid=deploy]");

    // then the engine's problem is on the element, on the canvas and in the list
    await waitForText(page, "[data-testid=status]", "Déploiement refusé par le moteur : 1 problème(s)");
    const item = "[data-testid=problems] li.problem.engine";
    expect(await page.$eval(item, (e) => e.getAttribute("data-element-id"))).to.equal("Distance");
    expect(await text(page, item)).to.contain("Calculer la distance au dépôt (Distance)").and.to.contain("DMN");
    expect(await page.$('.djs-element.dossier-deploy-error[data-element-id="Distance"]')).to.not.equal(null);
    expect(await page.$(".deploy-problem-badge")).to.not.equal(null);
    await app.screenshot(page, "designer-engine-refusal");

    // and clicking the problem selects the element
    await page.click(`${item} button`);
    await page.waitForFunction(`window.__designer.modeler().get("selection").get()[0]?.id === "Distance"`);
    // (the browser logs the engine's 400 answer to the deployment as a failed resource load)
    expect(problems.splice(0).filter((p) => !p.includes("status of 400 (Bad Request)"))).to.deep.equal([]);

    // when the element is changed, its complaint goes away
    await withModeler(page, `modeler.get("modeling").updateLabel(modeler.get("elementRegistry").get("Distance"), "Distance au dépôt");`);
    await page.waitForFunction(`!document.querySelector(".djs-element.dossier-deploy-error")`);
    expect(await page.$(item)).to.equal(null);
    expect(problems).to.deep.equal([]);
  });

  it("should open a form in the form editor, change it and deploy it", async () => {
    // given the form of the document collection step
    const { page, problems } = await signIn();
    const ref = "form/collect-documents";
    await openModel(page, ref);
    const version = await listVersion(page, ref);
    expect(await page.$$(".fjs-editor-container .fjs-form-field")).to.have.length.greaterThan(1);

    // when a field is added with the form editor
    await page.evaluate(`(() => {
      const editor = window.__designer.formEditor();
      const root = editor._getState().schema;
      editor.get("modeling").addFormField({ type: "textfield", key: "siret", label: "Numéro SIRET" }, root, root.components.length);
    })()`);

    // then the form is changed since its deployment, and the field is on the canvas
    await page.waitForFunction(`document.querySelector('a.entry[data-ref="${ref}"]').dataset.state === "changed"`);
    expect(await page.$$eval(".fjs-editor-container label", (labels) => labels.map((l) => l.textContent))).to.include("Numéro SIRET");

    // when it is deployed
    await page.click("[data-testid=deploy]");

    // then it is the next version of the form, with the new field
    await waitForText(page, "[data-testid=status]", `Déployé : version ${version + 1}.`);
    expect(await listVersion(page, ref)).to.equal(version + 1);
    const res = await fetch(`${app.base}/api/ui/designer/resources`, { headers: { authorization: `Basic ${Buffer.from("designer:designer").toString("base64")}` } });
    const { forms } = (await res.json()) as { forms: Array<{ formId: string; formKey: string }> };
    const key = forms.find((f) => f.formId === "collect-documents")!.formKey;
    const form = await (await fetch(`${app.base}/api/ui/designer/forms/${key}`, { headers: { authorization: `Basic ${Buffer.from("designer:designer").toString("base64")}` } })).json() as { schema: string };
    expect(form.schema).to.contain('"key": "siret"');
    await app.screenshot(page, "designer-form");
    expect(problems).to.deep.equal([]);
  });

  it("should speak English when asked, connector templates included", async () => {
    // given the designer switching the interface to English
    const { page, problems } = await signIn();
    await Promise.all([page.waitForNavigation({ waitUntil: "networkidle0" }), page.click(".topbar button.link:not([data-testid])")]);
    await page.waitForSelector(".library .entry");
    expect(await text(page, ".library-head h2")).to.equal("Models");

    // when a task of a model is selected and the template chooser opened
    await openModel(page, "process/new-request-intake");
    const taskId = await withModeler<string>(page, `return modeler.get("elementRegistry").filter((e) => e.type === "bpmn:UserTask")[0].id;`);
    await withModeler(page, `modeler.get("selection").select(modeler.get("elementRegistry").get("${taskId}"));`);
    await withModeler(page, `modeler.get("bpmnReplace").replaceElement(modeler.get("elementRegistry").get("${taskId}"), { type: "bpmn:Task" });`);
    await withModeler(page, `modeler.get("selection").select(modeler.get("elementRegistry").get("${taskId}"));`);
    await page.click(".bio-properties-panel-select-template-button");

    // then the connectors have English names, and no text of the page is a missing translation key
    await page.waitForSelector(".element-template-chooser");
    const names = await page.$$eval(".element-template-chooser .djs-popup-label", (labels) => labels.map((l) => l.textContent));
    expect(names).to.include.members(["Send an email", "Render a document", "Request a signature", "Archive deposit", "HTTP call"]);
    await app.screenshot(page, "designer-english-templates");
    expect(await page.evaluate(`document.body.innerText`)).to.not.match(/designer\.[a-z]/);
    await waitForText(page, "[data-testid=model-state]", "Changed since last deploy");
    expect(problems).to.deep.equal([]);
    await page.evaluate(`localStorage.setItem("dossier.lang", "fr")`); // the browser profile is shared by this suite's tests
  });

  it("should create a process from the blank template, keep it across a reload, deploy it and export it", async () => {
    // given the designer creating a new process
    const { page, problems } = await signIn();
    await page.click("[data-testid=new-process]");
    await page.type("[data-testid=name-dialog] input", "Customer file validation");
    await page.click("[data-testid=name-dialog] button[type=submit]");
    expect(await text(page, "[data-testid=name-dialog] .banner.error")).to.contain("« customer-file-validation » est déjà utilisé");
    await typeInto(page, "[data-testid=name-dialog] input", "Relance devis");
    expect(await text(page, "[data-testid=name-hint]")).to.equal("Identifiant : relance-devis");
    await app.screenshot(page, "designer-new-dialog");
    await page.click("[data-testid=name-dialog] button[type=submit]");
    await page.waitForSelector('[data-testid=workspace][data-loaded^="draft/"]');
    expect(await text(page, "[data-testid=model-name]")).to.equal("Relance devis");
    expect(await text(page, "[data-testid=model-state]")).to.equal("Nouveau");
    expect(await withModeler<string[]>(page, `return modeler.get("elementRegistry").filter((e) => e.type === "bpmn:StartEvent").map((e) => e.id);`)).to.have.length(1);

    // when a task is appended and the page reloaded
    await withModeler(page, `const start = modeler.get("elementRegistry").filter((e) => e.type === "bpmn:StartEvent")[0];
      const task = modeler.get("autoPlace").append(start, modeler.get("elementFactory").createShape({ type: "bpmn:UserTask" }));
      modeler.get("modeling").updateLabel(task, "Relancer le client");
      modeler.get("autoPlace").append(task, modeler.get("elementFactory").createShape({ type: "bpmn:EndEvent" }));`);
    await page.waitForFunction(`window.__designer.drafts().some((d) => d.content.includes("Relancer le client"))`);
    await page.reload({ waitUntil: "networkidle0" });

    // then the draft is still there, as a new model
    await page.waitForSelector('[data-testid=workspace][data-loaded^="draft/"]');
    expect(await text(page, "[data-testid=model-name]")).to.equal("Relance devis");
    expect(await withModeler<number>(page, `return modeler.get("elementRegistry").filter((e) => e.businessObject.name === "Relancer le client").length;`)).to.equal(1);

    // when it is deployed
    await page.click("[data-testid=deploy]");

    // then it is version 1, listed as deployed
    await waitForText(page, "[data-testid=status]", "Déployé : version 1.");
    await page.waitForSelector('[data-testid=workspace][data-loaded="process/relance-devis"], a.entry.current[data-ref="process/relance-devis"]');
    expect(await listState(page, "process/relance-devis")).to.equal("deployed");
    expect(new URL(page.url()).hash).to.equal("#/process/relance-devis");

    // and it can be exported as a .bpmn file
    const downloads = mkdtempSync(path.join(tmpdir(), "designer-export-"));
    const cdp = await page.createCDPSession();
    await cdp.send("Browser.setDownloadBehavior", { behavior: "allow", downloadPath: downloads });
    await page.click("[data-testid=export]");
    for (let i = 0; i < 50 && !readdirSync(downloads).includes("relance-devis.bpmn"); i++) await new Promise((r) => setTimeout(r, 100));
    expect(readFileSync(path.join(downloads, "relance-devis.bpmn"), "utf8")).to.contain('<bpmn:process id="relance-devis" name="Relance devis" isExecutable="true">');
    await app.screenshot(page, "designer-new-process");
    expect(problems).to.deep.equal([]);
  });
});
