/**
 * HTML → PDF in Debian's Chromium through puppeteer-core: one browser kept alive (launched on the
 * first render, relaunched when it dies), pages reused, at most `concurrency` renders at a time,
 * each bounded by a timeout. Locked down: JavaScript disabled, every request aborted but data: URLs
 * and the document itself (no network, no file://), background networking off.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import puppeteer, { type Browser, type HTTPRequest, type Page, type PDFOptions } from "puppeteer-core";
import type { PdfRenderer } from "./api.js";

export interface PdfOptions {
  /** "fr" (default): "Page 1 / 3"; "en": "Page 1 of 3". */
  locale?: "fr" | "en";
  /** A line of plain text printed above the page number on every page (the legal mentions). */
  footerText?: string;
}

export interface ChromiumPoolOptions {
  executablePath: string;
  concurrency: number;
  timeoutMs: number;
  log?: (message: string) => void;
}

/** Chromium's flags: no background traffic, no GPU, no first-run work (as test/helpers/browser.ts). */
export const CHROMIUM_ARGS = [
  "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
  "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--disable-extensions",
  "--disable-default-apps", "--disable-domain-reliability", "--disable-client-side-phishing-detection",
  "--metrics-recording-only", "--no-pings", "--mute-audio", "--font-render-hinting=none",
];

export class RenderError extends Error {
  readonly code = "render_failed";
  constructor(message: string, readonly timedOut = false) {
    super(message);
  }
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Requests a rendered document may make: data: URLs only (and the about:blank document setContent writes into). */
export function isAllowedRequest(url: string): boolean {
  return url.startsWith("data:") || url === "about:blank";
}

export class ChromiumPool implements PdfRenderer {
  private browser: Promise<Browser> | undefined;
  private profile: string | undefined;
  private idle: Page[] = [];
  private active = 0;
  private waiting: Array<() => void> = [];
  private stopped = false;
  /** Requests refused since start (tests and the log read it). */
  blockedRequests = 0;
  launches = 0;

  constructor(private readonly options: ChromiumPoolOptions) {}

  /** The running browser's process id (tests kill it to prove the relaunch). */
  async pid(): Promise<number | undefined> {
    const browser = await this.ensureBrowser();
    return browser.process()?.pid;
  }

  async htmlToPdf(html: string, options: PdfOptions = {}): Promise<Buffer> {
    if (this.stopped) throw new RenderError("The PDF renderer is stopped");
    await this.acquire();
    try {
      try {
        return await this.renderOnce(html, options);
      } catch (error) {
        // The browser died under this render (killed, crashed): once more in a new one.
        const browser = await this.browser?.catch(() => undefined);
        if (error instanceof RenderError && error.timedOut) throw error;
        if (browser && browser.connected) throw error;
        this.browser = undefined;
        this.idle = [];
        this.options.log?.("templates: Chromium was gone during a render; rendering again in a new one");
        return await this.renderOnce(html, options);
      }
    } finally {
      this.release();
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    const browser = this.browser;
    this.browser = undefined;
    this.idle = [];
    if (browser) await browser.then((b) => b.close()).catch(() => undefined);
    this.cleanProfile();
  }

  private async renderOnce(html: string, options: PdfOptions): Promise<Buffer> {
    let page: Page | undefined;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new RenderError(`The PDF was not rendered within ${this.options.timeoutMs} ms (RENDER_TIMEOUT_MS)`, true)), this.options.timeoutMs);
    });
    try {
      const work = (async () => {
        page = await this.takePage();
        await page.setContent(html, { waitUntil: "load", timeout: this.options.timeoutMs });
        const pdf = await page.pdf(pdfOptions(options, this.options.timeoutMs));
        return Buffer.from(pdf);
      })();
      work.catch(() => undefined);
      const pdf = await Promise.race([work, timeout]);
      // Back to an empty document before reuse: nothing of this customer stays in the page.
      await page!.setContent("<!doctype html><title></title>", { waitUntil: "load", timeout: this.options.timeoutMs });
      this.idle.push(page!);
      page = undefined;
      return pdf;
    } catch (error) {
      if (error instanceof RenderError) throw error;
      throw new RenderError(`Chromium could not print the PDF: ${(error as Error).message}`);
    } finally {
      clearTimeout(timer);
      // A page that failed or timed out is not reused.
      if (page) await (page as Page).close().catch(() => undefined);
    }
  }

  private async takePage(): Promise<Page> {
    const browser = await this.ensureBrowser();
    while (this.idle.length > 0) {
      const page = this.idle.pop()!;
      if (!page.isClosed() && page.browser() === browser && browser.connected) return page;
    }
    const page = await browser.newPage();
    await page.setJavaScriptEnabled(false);
    await page.setRequestInterception(true);
    page.on("request", (request: HTTPRequest) => {
      if (request.isInterceptResolutionHandled()) return;
      if (isAllowedRequest(request.url())) void request.continue().catch(() => undefined);
      else {
        this.blockedRequests += 1;
        void request.abort("blockedbyclient").catch(() => undefined);
      }
    });
    return page;
  }

  private ensureBrowser(): Promise<Browser> {
    if (this.browser) return this.browser;
    const profile = mkdtempSync(path.join(tmpdir(), "dossier-render-"));
    this.profile = profile;
    this.launches += 1;
    const launching = puppeteer
      .launch({ executablePath: this.options.executablePath, headless: true, userDataDir: profile, args: CHROMIUM_ARGS })
      .then((browser) => {
        browser.on("disconnected", () => {
          // Died or was closed: the next render launches a new one.
          if (this.browser === launching) {
            this.browser = undefined;
            this.idle = [];
            if (!this.stopped) this.options.log?.("templates: Chromium exited; it is relaunched on the next render");
          }
          removeDir(profile);
        });
        return browser;
      })
      .catch((error: Error) => {
        if (this.browser === launching) this.browser = undefined;
        removeDir(profile);
        throw new RenderError(`Chromium could not be started from ${this.options.executablePath} (CHROMIUM_PATH): ${error.message}`);
      });
    this.browser = launching;
    return launching;
  }

  private cleanProfile(): void {
    if (this.profile) removeDir(this.profile);
    this.profile = undefined;
  }

  private acquire(): Promise<void> {
    if (this.active < this.options.concurrency) {
      this.active += 1;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.waiting.push(() => {
      this.active += 1;
      resolve();
    }));
  }

  private release(): void {
    this.active -= 1;
    this.waiting.shift()?.();
  }
}

/** Chromium may still be writing into its profile as it exits: best effort, retried. */
function removeDir(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
  } catch {
    // left for the OS's tmp cleaner
  }
}

/** A4, backgrounds, the footer with the page numbers (and the legal line). */
export function pdfOptions(options: PdfOptions, timeoutMs: number): PDFOptions {
  return {
    format: "A4", printBackground: true, preferCSSPageSize: true, timeout: timeoutMs,
    displayHeaderFooter: true, headerTemplate: "<span></span>", footerTemplate: footer(options),
    margin: { top: "16mm", bottom: "20mm", left: "16mm", right: "16mm" },
  };
}

function footer(options: PdfOptions): string {
  const en = options.locale === "en";
  const text = options.footerText ? `<div style="margin-bottom:1.5mm">${escapeHtml(options.footerText)}</div>` : "";
  return `<div style="width:100%;font-family:'Liberation Sans',Arial,sans-serif;font-size:7.5pt;color:#555;text-align:center;padding:0 16mm">${text}<div>Page <span class="pageNumber"></span> ${en ? "of" : "/"} <span class="totalPages"></span></div></div>`;
}
