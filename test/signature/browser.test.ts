/// <reference lib="dom" />
import { readFileSync } from "node:fs";
import path from "node:path";
import { expect } from "chai";
import type { Page } from "puppeteer-core";
import { OUTPUT, startBrowserApp, type BrowserApp } from "../helpers/browser.js";
import type { SignatureService } from "../../src/signature/service.js";
import { codeOf, nextSms, realMessaging, threePagePdf, tokenOf, type Recorded } from "./support.js";

/** Both signers walk the signing page in Chromium (desktop and phone), then the verification page checks the sealed PDF. */
describe("signature pages in the browser", function () {
  this.timeout(120_000);
  let app: BrowserApp;
  let recorded: Recorded;
  let reference: string;
  let requestId: number;
  const auth = (u: string) => ({ authorization: `Basic ${Buffer.from(`${u}:${u}`).toString("base64")}` });

  before(async () => {
    app = await startBrowserApp();
    recorded = realMessaging(app); // the real mail module: mails in mail_outbound, SMS on the development gateway's handset
    const created = await fetch(`${app.base}/api/dossiers`, {
      method: "POST", headers: { ...auth("agent"), "content-type": "application/json" },
      body: JSON.stringify({
        type: "client", title: "Fromagerie Roux", data: { segment: "professionnel", origine: "salon" },
        parties: [
          { role: "customer", party: { kind: "organisation", name: "FROMAGERIE ROUX", emails: ["contact@fromagerie-roux.fr"], phones: [{ number: "04 76 11 22 33", label: "fixe" }], address: { postcode: "38000", city: "Grenoble", country: "FR" } } },
          { role: "decisionMaker", party: { kind: "person", firstName: "Élodie", lastName: "Roux", emails: ["elodie@fromagerie-roux.fr"], phones: [{ number: "06 55 44 33 22", label: "mobile" }] } },
          { role: "countersigner", party: { kind: "person", firstName: "Marc", lastName: "Vidal", emails: ["marc.vidal@assurances-exemple.fr"], phones: [{ number: "07 66 55 44 33", label: "mobile" }] } },
        ],
      }),
    });
    const dossier = (await created.json()) as any;
    expect(created.status, JSON.stringify(dossier)).to.equal(201);
    reference = dossier.reference;
    const form = new FormData();
    form.append("file", new File([new Uint8Array(await threePagePdf("Contrat Fromagerie Roux"))], "contrat-roux.pdf", { type: "application/pdf" }));
    const upload = (await (await fetch(`${app.base}/api/dossiers/${reference}/documents`, { method: "POST", headers: auth("agent"), body: form })).json()) as any;
    const request = await fetch(`${app.base}/api/dossiers/${reference}/signatures`, {
      method: "POST", headers: { ...auth("agent"), "content-type": "application/json" },
      body: JSON.stringify({ documents: [upload.items[0].id], signers: [{ role: "decisionMaker", order: 1 }, { role: "countersigner", order: 2 }], title: "Contrat multirisque Fromagerie Roux", message: "Bonjour, voici votre contrat." }),
    });
    const body = (await request.json()) as any;
    expect(request.status, JSON.stringify(body)).to.equal(201);
    requestId = body.id;
  });
  after(() => app?.close());

  const mailFor = (name: string) => [...recorded.mails].reverse().find((m) => (m.text ?? "").includes(`Bonjour ${name}`))!;

  const failures: string[] = [];
  async function signThrough(page: Page, problems: string[], name: string, shot: string) {
    page.on("response", (r) => { if (r.status() >= 400) failures.push(`${new URL(r.url()).pathname.replace(/[A-Za-z0-9_-]{43}/, "<token>")} ${r.status()}`); });
    await page.waitForSelector("[data-testid=signer-name]");
    expect(await page.$eval("[data-testid=signer-name]", (e) => e.textContent)).to.equal(name);
    await page.waitForFunction(() => document.querySelectorAll(".pdf-pages canvas").length === 3, { timeout: 20_000 });
    await app.screenshot(page, `${shot}-document`);
    await page.click("[data-testid=sign]");
    await page.waitForSelector(".message.error");
    expect(await page.$eval(".message.error", (e) => e.textContent)).to.contain("Cochez la case");
    await page.click("[data-testid=consent]");
    const before = recorded.sms.length;
    await page.click("[data-testid=sign]");
    await page.waitForSelector("[data-testid=code]");
    const sms = await nextSms(recorded, before);
    expect(sms.sensitive).to.equal(true);
    await app.screenshot(page, `${shot}-code`);
    await page.type("[data-testid=code]", "000000" === codeOf(sms) ? "111111" : "000000");
    await page.click("[data-testid=confirm]");
    await page.waitForFunction(() => document.querySelector(".message.error")?.textContent?.includes("Code erroné : il vous reste 4 essai(s)."));
    await page.$eval("[data-testid=code]", (e) => ((e as HTMLInputElement).value = ""));
    await page.type("[data-testid=code]", codeOf(sms));
    await page.click("[data-testid=confirm]");
    await page.waitForSelector("[data-testid=final] .message.ok");
    await app.screenshot(page, `${shot}-signed`);
    // the wrong code's 400 is the one failed request expected
    expect(problems.filter((p) => !/status of 400/.test(p)), problems.join("\n")).to.deep.equal([]);
    expect(failures.filter((f) => !/\/sign 400$/.test(f)), failures.join("\n")).to.deep.equal([]);
  }

  it("should let the customer sign on a desktop, then the countersigner on a phone", async () => {
    const first = await app.open(`/signature/${tokenOf(mailFor("Élodie Roux"))}`);
    await signThrough(first.page, first.problems, "Élodie Roux", "signature-1-customer");
    expect(await first.page.$eval("[data-testid=final]", (e) => e.textContent)).to.contain("Vous avez signé");

    const second = await app.open("/");
    await second.page.setViewport({ width: 390, height: 844, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
    await second.page.goto(`${app.base}/signature/${tokenOf(mailFor("Marc Vidal"))}`, { waitUntil: "networkidle0" });
    await signThrough(second.page, second.problems, "Marc Vidal", "signature-2-countersigner-phone");
    const service = app.server.capabilities.signature.service as SignatureService;
    await service.idle();
    await second.page.reload({ waitUntil: "networkidle0" });
    await second.page.waitForSelector("[data-testid=final] a.button");
    await app.screenshot(second.page, "signature-3-completed-phone");
    expect(service.require(requestId).status).to.equal("completed");
  });

  it("should show the signatures in the 360° view and verify the sealed PDF on the public page", async () => {
    const { page, problems } = await app.open("/login");
    await app.login(page, "agent");
    await page.goto(`${app.base}/dossiers/${reference}`, { waitUntil: "networkidle0" });
    await page.waitForSelector("[data-testid=signatures] [data-status=completed]");
    expect(await page.$eval("[data-testid=self-signed-warning]", (e) => e.textContent)).to.contain("AUTO-SIGNÉ");
    await app.screenshot(page, "signature-4-dossier-view");

    const service = app.server.capabilities.signature.service as SignatureService;
    const sealed = service.sealedContent(service.require(requestId).sealedDocumentId!);
    const file = path.join(OUTPUT, "signature-sealed.pdf");
    (await import("node:fs")).writeFileSync(file, sealed);
    await page.goto(`${app.base}/verification`, { waitUntil: "networkidle0" });
    const input = await page.waitForSelector("[data-testid=file]");
    await (input as unknown as { uploadFile(p: string): Promise<void> }).uploadFile(file);
    await page.waitForSelector("[data-testid=verdict]");
    expect(await page.$eval("[data-testid=verdict]", (e) => e.className)).to.contain("authentic");
    await app.screenshot(page, "signature-5-verification");
    expect(problems, problems.join("\n")).to.deep.equal([]);
    expect(readFileSync(file).length).to.be.greaterThan(1000);
  });
});
