/**
 * Browser tests: the real server (demo models and accounts, a temp SQLite file) and Debian's
 * Chromium through puppeteer-core. Console errors, page errors and CSP violations are collected so
 * specs can assert there were none; screenshots go to test-output/ (not committed).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import puppeteer, { type Browser, type Page } from "puppeteer-core";
import { loadConfig } from "../../src/config.js";
import { startServer } from "../../src/main.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const OUTPUT = path.join(ROOT, "test-output");
let bundled = false;

/** Bundles the web pages once per test run. */
export function ensureBundle(): void {
  if (bundled) return;
  const result = spawnSync(process.execPath, [path.join(ROOT, "scripts", "bundle-web.mjs")], { encoding: "utf8" });
  if (result.status !== 0) throw new Error(`Bundling the web pages failed: ${result.stderr || result.stdout}`);
  bundled = true;
}

export interface BrowserApp {
  base: string;
  server: Awaited<ReturnType<typeof startServer>>;
  browser: Browser;
  /** A new tab; its console errors, page errors and failed requests are in `problems`. */
  open(pathname?: string): Promise<{ page: Page; problems: string[] }>;
  login(page: Page, username: string, password?: string): Promise<void>;
  screenshot(page: Page, name: string): Promise<string>;
  close(): Promise<void>;
}

export async function startBrowserApp(env: Record<string, string> = {}): Promise<BrowserApp> {
  ensureBundle();
  const dir = mkdtempSync(path.join(tmpdir(), "dossier-web-"));
  const config = loadConfig({ PORT: "0", DATA_DIR: dir, SQLITE_SYNCHRONOUS: "NORMAL", ...env }, ROOT);
  const server = await startServer(config, () => undefined, { ...process.env, ...env });
  const base = `http://127.0.0.1:${server.port}`;
  const profile = mkdtempSync(path.join(tmpdir(), "chromium-profile-"));
  const browser = await puppeteer.launch({
    executablePath: process.env["CHROMIUM_PATH"] ?? "/usr/bin/chromium", headless: true, userDataDir: profile,
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--lang=fr-FR"],
  });
  mkdirSync(OUTPUT, { recursive: true });
  return {
    base, server, browser,
    async open(pathname = "/") {
      const page = await browser.newPage();
      await page.setViewport({ width: 1366, height: 860 });
      const problems: string[] = [];
      page.on("console", (m) => { if (m.type() === "error") problems.push(`console: ${m.text()}`); });
      page.on("pageerror", (e) => problems.push(`page error: ${(e as Error).message}`));
      page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ""}`));
      await page.goto(base + pathname, { waitUntil: "networkidle0" });
      return { page, problems };
    },
    async login(page, username, password = username) {
      if (!page.url().includes("/login")) await page.goto(`${base}/login`, { waitUntil: "networkidle0" });
      await page.type("input[name=username]", username);
      await page.type("input[name=password]", password);
      await Promise.all([page.waitForNavigation({ waitUntil: "networkidle0" }), page.click("button[type=submit]")]);
    },
    async screenshot(page, name) {
      const file = path.join(OUTPUT, `${name}.png`);
      await page.screenshot({ path: file, fullPage: true });
      return file;
    },
    async close() {
      await browser.close().catch(() => undefined);
      await server.stop();
      rmSync(profile, { recursive: true, force: true });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
