/** Shared pieces of the intake specs: a server with the intake configured, fixtures, polling. */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadConfig } from "../../../src/config.js";
import { startServer } from "../../../src/main.js";

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
export const FIXTURES = path.join(ROOT, "test", "fixtures", "mail");

export function mailFixture(name: string, replace: Record<string, string> = {}): Buffer {
  let text = readFileSync(path.join(FIXTURES, name), "latin1");
  for (const [k, v] of Object.entries(replace)) text = text.split(`{{${k}}}`).join(v);
  return Buffer.from(text, "latin1");
}

export async function until<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > end) throw new Error(`Expected ${what} within ${ms} ms, but it did not happen`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function startIntakeServer(env: Record<string, string> = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), "intake-"));
  const all = { PORT: "0", DATA_DIR: dir, SQLITE_SYNCHRONOUS: "NORMAL", DEMO_DATA: "0", MAIL_DROP_INTERVAL_MS: "0", MAIL_IMAP_IDLE_MS: "200", ...env };
  const config = loadConfig(all, ROOT);
  const server = await startServer(config, () => undefined, all);
  const base = `http://127.0.0.1:${server.port}`;
  const call = async (method: string, url: string, body?: unknown, user = "demo", headers: Record<string, string> = {}) => {
    const raw = Buffer.isBuffer(body);
    const res = await fetch(base + url, {
      method,
      headers: { authorization: `Basic ${Buffer.from(`${user}:${user}`).toString("base64")}`, ...(body !== undefined ? { "content-type": raw ? "message/rfc822" : "application/json" } : {}), ...headers },
      ...(body !== undefined ? { body: raw ? new Uint8Array(body as Buffer) : JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    let json: any;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = text;
    }
    return { status: res.status, body: json };
  };
  return { dir, server, base, call, intake: server.capabilities.intake.service, domain: server.domain, engine: server.engine, db: server.domain.db };
}
