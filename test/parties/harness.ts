/**
 * Test harness of the address book: a real SQLite file in a temp directory (migrations applied),
 * the engine (its write lane), a PartyBook, and a minimal HTTP app with the parties router, the
 * problem handler and a fake sign-in: the `x-test-user` header names a user whose roles are in
 * `x-test-roles` (comma separated; default agent).
 */
import type { AddressInfo } from "node:net";
import express from "express";
import { problemHandler } from "../../src/api/problem.js";
import { partiesRouter } from "../../src/api/domain/parties.js";
import { PartyBook } from "../../src/dossiers/parties/book.js";
import type { PartyInput, PartyRow } from "../../src/dossiers/parties/types.js";
import type { Principal } from "../../src/identity/identity.js";
import { permissionsOf } from "../../src/identity/roles.js";
import { startTestEngine, type TestEngine } from "../helpers/engine.js";

export interface PartiesHarness {
  test: TestEngine;
  book: PartyBook;
  base: string;
  logs: string[];
  /** Creates a party through the write lane. */
  create(input: PartyInput, actor?: string): Promise<PartyRow>;
  call(method: string, url: string, options?: { roles?: string; body?: unknown; headers?: Record<string, string>; form?: FormData }): Promise<{ status: number; type: string; body: any; headers: Headers; bytes: Buffer }>;
  close(): Promise<void>;
}

export async function startParties(): Promise<PartiesHarness> {
  const test = await startTestEngine();
  const book = new PartyBook(test.engine.store.db, () => test.clock.now());
  const app = express();
  app.use((req, res, next) => {
    const username = req.get("x-test-user");
    if (username) {
      const roles = (req.get("x-test-roles") ?? "agent").split(",").map((r) => r.trim()).filter(Boolean);
      const principal: Principal = { username, name: null, email: null, groups: [], roles, permissions: permissionsOf(roles), via: "basic" };
      res.locals["principal"] = principal;
    }
    next();
  });
  app.use("/api", express.json({ limit: "1mb" }));
  app.use("/api", partiesRouter({ engine: test.engine, parties: book }));
  const logs: string[] = [];
  app.use(problemHandler((line) => logs.push(line)));
  const server = await new Promise<import("node:http").Server>((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    test, book, base, logs,
    create: (input, actor = "agent") => test.engine.transaction(() => book.create(input, actor)),
    async call(method, url, { roles = "agent", body, headers = {}, form } = {}) {
      const res = await fetch(base + url, {
        method,
        headers: { "x-test-user": "tester", "x-test-roles": roles, ...(body !== undefined ? { "content-type": "application/json" } : {}), ...headers },
        ...(body !== undefined ? { body: JSON.stringify(body) } : form ? { body: form } : {}),
      });
      const bytes = Buffer.from(await res.arrayBuffer());
      const type = res.headers.get("content-type") ?? "";
      let parsed: unknown = undefined;
      if (/json/.test(type)) parsed = JSON.parse(bytes.toString("utf8"));
      return { status: res.status, type, body: parsed, headers: res.headers, bytes };
    },
    async close() {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await test.close();
    },
  };
}
