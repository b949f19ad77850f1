/**
 * Test harness for the documents: a real SQLite file and data directory in a temp dir (the engine
 * harness), the library, and a minimal express app with the documents router, the problem
 * handler and a test sign-in (`x-test-user` header → principal). Dossiers are inserted in SQL.
 */
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import express from "express";
import type Database from "better-sqlite3";
import { documentsRouter } from "../../src/api/domain/documents.js";
import { problemHandler } from "../../src/api/problem.js";
import { DocumentLibrary, type DocumentLimits } from "../../src/documents/library.js";
import { DossierEvents, type DossierEvent } from "../../src/dossiers/events.js";
import { Journal } from "../../src/dossiers/journal.js";
import type { Principal } from "../../src/identity/identity.js";
import type { Permission } from "../../src/identity/roles.js";
import { startTestEngine, type TestEngine } from "../helpers/engine.js";

const principal = (username: string, groups: string[], permissions: Permission[]): Principal => ({
  username, name: username, email: null, groups, roles: [], permissions: new Set(permissions), via: "basic",
});

/** agent (sector agents, read+write), sales (sector sales), reader (agents, read only), auditor (everything, read). */
export const USERS: Record<string, Principal> = {
  agent: principal("agent", ["agents"], ["dossiers.read", "dossiers.write"]),
  sales: principal("sales", ["sales"], ["dossiers.read", "dossiers.write"]),
  reader: principal("reader", ["agents"], ["dossiers.read"]),
  auditor: principal("auditor", [], ["dossiers.read", "dossiers.all"]),
};

export const DOCUMENT_TYPES: Record<string, Array<{ id: string; label: string }>> = {
  client: [{ id: "kbis", label: "Extrait Kbis" }, { id: "rib", label: "RIB" }, { id: "identite", label: "Pièce d'identité" }, { id: "facture", label: "Facture" }],
  contrat: [{ id: "contrat", label: "Contrat" }, { id: "identite", label: "Pièce d'identité" }],
};

export interface Harness {
  t: TestEngine;
  db: Database.Database;
  library: DocumentLibrary;
  journal: Journal;
  events: DossierEvents;
  received: DossierEvent[];
  logs: string[];
  base: string;
  dossier(reference: string, options?: { type?: string; sector?: string; owner?: string | null; title?: string }): number;
  call(method: string, url: string, options?: { as?: string; json?: unknown; form?: FormData; headers?: Record<string, string> }): Promise<{ status: number; body: any; headers: Headers; bytes: Buffer }>;
  upload(reference: string, files: Array<[string, Buffer]>, options?: { as?: string; documentType?: string }): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

export async function startHarness(options: { limits?: Partial<DocumentLimits> & { sweepGraceMs?: number } } = {}): Promise<Harness> {
  const t = await startTestEngine();
  const db = t.engine.store.db;
  const journal = new Journal(db);
  const events = new DossierEvents();
  const received: DossierEvent[] = [];
  events.on((e) => void received.push(e));
  const logs: string[] = [];
  const library = new DocumentLibrary({
    db, engine: t.engine, dataDir: t.dir, journal, events, now: () => Date.now(),
    limits: { sweepIntervalMs: 0, ...options.limits },
    documentTypesOf: (d) => DOCUMENT_TYPES[d.typeId] ?? [],
    log: (m) => void logs.push(m),
  });
  const app = express();
  app.use((req, res, next) => {
    const user = req.get("x-test-user");
    if (user) res.locals["principal"] = USERS[user];
    next();
  });
  app.use("/api", documentsRouter({ db, engine: t.engine, documents: library, uploadLimits: library.limits }));
  app.use(problemHandler((m) => void logs.push(m)));
  const server: Server = await new Promise((resolve) => {
    const s = app.listen(0, "127.0.0.1", () => resolve(s));
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
  let seq = 0;
  const harness: Harness = {
    t, db, library, journal, events, received, logs, base,
    dossier(reference, o = {}) {
      const now = Date.now() + seq++;
      return Number(
        db
          .prepare(
            `INSERT INTO dossier (reference, type_id, type_version, title, state, owner, sector, parent_id, data, tags, version, created_at, created_by, updated_at) ` +
              `VALUES (?, ?, 1, ?, 'ouvert', ?, ?, NULL, '{}', '[]', 1, ?, 'test', ?)`,
          )
          .run(reference, o.type ?? "client", o.title ?? `Dossier ${reference}`, o.owner ?? null, o.sector ?? "agents", now, now).lastInsertRowid,
      );
    },
    async call(method, url, o = {}) {
      const headers: Record<string, string> = { "x-test-user": o.as ?? "agent", ...o.headers };
      let body: string | FormData | undefined;
      if (o.json !== undefined) {
        headers["content-type"] = "application/json";
        body = JSON.stringify(o.json);
      } else if (o.form) body = o.form;
      const res = await fetch(base + url, { method, headers, body });
      const bytes = Buffer.from(await res.arrayBuffer());
      let parsed: unknown = bytes.toString("utf8");
      try {
        parsed = JSON.parse(parsed as string);
      } catch {
        // bytes
      }
      return { status: res.status, body: parsed, headers: res.headers, bytes };
    },
    async upload(reference, files, o = {}) {
      const form = new FormData();
      if (o.documentType !== undefined) form.append("documentType", o.documentType);
      for (const [name, bytes] of files) form.append("file", new Blob([new Uint8Array(bytes)]), name);
      return harness.call("POST", `/dossiers/${encodeURIComponent(reference)}/documents`, { as: o.as ?? "agent", form });
    },
    async close() {
      await library.stop();
      await new Promise((resolve) => server.close(resolve));
      await t.close();
    },
  };
  library.start();
  return harness;
}
