/**
 * Test harness for the HTTP API: the real server (startServer) on a random port over a real SQLite
 * file in a temp directory, with the demo accounts (password = username): demo (administrator),
 * designer, agent (groups agents+reviewers), manager (group sales), auditor.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import createCamundaClient from "@camunda8/orchestration-cluster-api";
import { loadConfig } from "../../../src/config.js";
import { startServer } from "../../../src/main.js";

export const V2_FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures");
export const ROLE_USERS = { administrator: "demo", designer: "designer", agent: "agent", manager: "manager", auditor: "auditor" } as const;

export interface ApiServer {
  base: string;
  server: Awaited<ReturnType<typeof startServer>>;
  logs: string[];
  /** The official client in BASIC mode, validating every response against its schemas (strict). */
  client(username?: string, password?: string): ReturnType<typeof createCamundaClient>;
  /** fetch with Basic credentials; JSON in and out. */
  call(method: string, url: string, options?: { as?: string; body?: unknown; headers?: Record<string, string> }): Promise<{ status: number; type: string; body: any; headers: Headers }>;
  stop(): Promise<void>;
}

export async function startApiServer(env: Record<string, string> = {}): Promise<ApiServer> {
  const dir = mkdtempSync(path.join(tmpdir(), "dossier-api-"));
  const config = loadConfig({ PORT: "0", DATA_DIR: dir, SQLITE_SYNCHRONOUS: "NORMAL", PROCESSES_DIR: path.join(dir, "none"), ...env });
  const logs: string[] = [];
  // the modules read their own settings from the environment (src/<module>/config.ts): they see `env` too
  const server = await startServer(config, (line) => logs.push(line), { ...process.env, ...env });
  const base = `http://127.0.0.1:${server.port}`;
  const auth = (user: string) => `Basic ${Buffer.from(`${user}:${user === "demo" ? "demo" : user}`).toString("base64")}`;
  return {
    base, server, logs,
    client: (username = "demo", password = username) =>
      createCamundaClient({
        config: {
          CAMUNDA_REST_ADDRESS: base, CAMUNDA_AUTH_STRATEGY: "BASIC", CAMUNDA_BASIC_AUTH_USERNAME: username, CAMUNDA_BASIC_AUTH_PASSWORD: password,
          CAMUNDA_SDK_VALIDATION: "req:none,res:strict", CAMUNDA_SDK_LOG_LEVEL: "error", CAMUNDA_SDK_HTTP_RETRY_MAX_ATTEMPTS: "1",
        } as Record<string, string>,
      }),
    async call(method, url, { as = "demo", body, headers = {} } = {}) {
      const res = await fetch(base + url, {
        method,
        headers: { ...(as ? { authorization: auth(as) } : {}), ...(body !== undefined ? { "content-type": "application/json" } : {}), ...headers },
        ...(body !== undefined ? { body: typeof body === "string" ? body : JSON.stringify(body) } : {}),
      });
      const text = await res.text();
      let parsed: unknown = text;
      try {
        parsed = text ? JSON.parse(text) : undefined;
      } catch {
        // XML or text
      }
      return { status: res.status, type: res.headers.get("content-type") ?? "", body: parsed, headers: res.headers };
    },
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function fixtureFile(name: string): File {
  return new File([readFileSync(path.join(V2_FIXTURES, name))], name, { type: name.endsWith(".bpmn") ? "application/xml" : "application/json" });
}
