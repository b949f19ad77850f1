/**
 * The Chromium pool: a customer name carrying markup reaches neither the network nor the PDF as
 * markup; no request leaves the page (stylesheets, images, iframes, file://); a killed browser is
 * relaunched for the next render; renders beyond the concurrency wait their turn.
 */
import { expect } from "chai";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { ChromiumPool } from "../../src/templates/chromium.js";
import { TemplateLibrary } from "../../src/templates/library.js";
import { pdfPages, pdfText } from "./support.js";

describe("PDF rendering in Chromium", function () {
  this.timeout(60_000);
  let pool: ChromiumPool;
  let canary: Server;
  let port: number;
  const hits: string[] = [];
  let dir: string;

  before(async () => {
    canary = createServer((req, res) => {
      hits.push(req.url ?? "");
      res.end("body { color: red }");
    });
    await new Promise<void>((resolve) => canary.listen(0, "127.0.0.1", resolve));
    port = (canary.address() as AddressInfo).port;
    pool = new ChromiumPool({ executablePath: process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium", concurrency: 2, timeoutMs: 30_000 });
    dir = mkdtempSync(path.join(tmpdir(), "pdf-spec-"));
    writeFileSync(path.join(dir, "secret.txt"), "LOCAL SECRET FILE");
  });
  after(async () => {
    await pool.stop();
    await new Promise((resolve) => canary.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it("should print a customer name with markup as text, and never call the address it names", async () => {
    const lib = new TemplateLibrary({ dir: path.join(dir, "none"), timeZone: "Europe/Paris" });
    const name = `<img src=http://127.0.0.1:${port}/canary>`;
    const html = lib.renderDraft("letters/t", "<!doctype html><html><body><h1>Client : {{name}}</h1></body></html>", { name }).output;
    const pdf = await pool.htmlToPdf(html);
    expect(pdfText(pdf).replace(/\s+/g, " ")).to.contain(`Client : ${name}`);
    expect(hits).to.deep.equal([]);
  });

  it("should refuse every request of the page itself: stylesheets, images, frames, fonts, file://", async () => {
    const before = pool.blockedRequests;
    const html = `<!doctype html><html><head>
      <link rel="stylesheet" href="http://127.0.0.1:${port}/style.css">
      <style>@import url("http://127.0.0.1:${port}/import.css"); @font-face { font-family: X; src: url("http://127.0.0.1:${port}/font.woff"); } body { font-family: X, sans-serif; background: url("http://127.0.0.1:${port}/bg.png"); }</style>
      </head><body><p>Texte</p><img src="http://127.0.0.1:${port}/img.png"><iframe src="http://127.0.0.1:${port}/frame"></iframe>
      <img src="file://${dir}/secret.txt"><iframe src="file://${dir}/secret.txt"></iframe><object data="file://${dir}/secret.txt"></object>
      <img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">
      <script>document.body.innerHTML = "SCRIPT RAN"</script></body></html>`;
    const text = pdfText(await pool.htmlToPdf(html));
    expect(hits).to.deep.equal([]);
    expect(text).to.contain("Texte");
    expect(text).not.to.contain("SCRIPT RAN");
    expect(text).not.to.contain("LOCAL SECRET FILE");
    expect(pool.blockedRequests - before).to.be.at.least(3);
  });

  it("should print A4 pages with their numbers in the footer", async () => {
    const html = `<!doctype html><html><body><p>Un</p><p style="break-before:page">Deux</p><p style="break-before:page">Trois</p></body></html>`;
    const pdf = await pool.htmlToPdf(html, { footerText: "Horizon Assurances · SIREN 493 827 166" });
    expect(pdfPages(pdf)).to.equal(3);
    const text = pdfText(pdf);
    expect(text).to.contain("Page 1 / 3").and.contain("Page 3 / 3").and.contain("SIREN 493 827 166");
    expect(pdfText(await pool.htmlToPdf(html, { locale: "en" }))).to.contain("Page 2 of 3");
  });

  it("should relaunch the browser when it dies, for the next render", async () => {
    const pid = await pool.pid();
    expect(pid).to.be.a("number");
    const launches = pool.launches;
    process.kill(pid!, "SIGKILL");
    // The very next render works, in a new browser (the dead one is noticed when it disconnects or on use).
    const pdf = await pool.htmlToPdf("<!doctype html><p>Après la panne</p>");
    expect(pdfText(pdf)).to.contain("Après la panne");
    expect(pool.launches).to.equal(launches + 1);
    expect(await pool.pid()).not.to.equal(pid);
  });

  it("should render more documents than its concurrency, all of them", async () => {
    const pdfs = await Promise.all(Array.from({ length: 6 }, (_, i) => pool.htmlToPdf(`<!doctype html><p>Document ${i}</p>`)));
    pdfs.forEach((pdf, i) => expect(pdfText(pdf)).to.contain(`Document ${i}`));
  });
});
