/**
 * What the mail specs share: a real SQLite file with the engine, the customer-file domain (the
 * shipped dossier types), the real template library over templates/, and the mail module built as
 * src/modules.ts builds it, with its settings from `env` (MAIL_SMTP_URL of an SMTP sink, or none:
 * the outbox folder). The engine's clock is controlled: back-offs pass with `advance`.
 */
import type Database from "better-sqlite3";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadConfig } from "../../src/config.js";
import { Domain } from "../../src/dossiers/domain.js";
import { installTypes } from "../../src/dossiers/install.js";
import type { Identity } from "../../src/identity/identity.js";
import { createMailModule, type MailModuleOptions } from "../../src/mail/module.js";
import type { ModuleContext } from "../../src/modules.js";
import { TemplateLibrary } from "../../src/templates/library.js";
import { startTestEngine, type TestEngine } from "../helpers/engine.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..");
export const PROCESSES = path.join(ROOT, "processes");
export const TEMPLATES = path.join(ROOT, "templates");

export type MailModule = Awaited<ReturnType<typeof createMailModule>>;

export interface MailWorld {
  t: TestEngine;
  db: Database.Database;
  domain: Domain;
  mail: MailModule;
  templates: TemplateLibrary;
  logs: string[];
  dataDir: string;
  /** A customer-file dossier with its customer (given e-mail, or none) and, optionally, a decision-maker. */
  /** Stops the module and the domain and reopens the same database (a restart); start a new world on it. */
  restartEngine(): Promise<TestEngine>;
  customerFile(options?: { email?: string | null; language?: string; name?: string }): Promise<{ id: number; reference: string; partyId: number }>;
  stop(): Promise<void>;
}

export async function startMailWorld(env: Record<string, string> = {}, options: MailModuleOptions & { t?: TestEngine } = {}): Promise<MailWorld> {
  const t = options.t ?? (await startTestEngine());
  const config = loadConfig({ DATA_DIR: t.dir, PROCESSES_DIR: PROCESSES }, ROOT);
  const db = (t.dataSource.driver as unknown as { databaseConnection: Database.Database }).databaseConnection;
  const domain = await new Domain({ db, engine: t.engine, dataDir: t.dir, deadlineIntervalMs: 0, journalIntervalMs: 0 }).start();
  // The sectors of the shipped types (the identity module creates them at a real start).
  for (const g of ["agents", "sales", "reviewers"]) db.prepare(`INSERT OR IGNORE INTO identity_group (group_id, name, created_at) VALUES (?, ?, 0)`).run(g, g);
  await installTypes(domain, path.join(PROCESSES, "dossier-types"));
  const templates = new TemplateLibrary({ dir: TEMPLATES, timeZone: "Europe/Paris" });
  templates.load();
  const logs: string[] = [];
  const ctx: ModuleContext = {
    config, env: { MAIL_FROM: "Dossier <dossiers@exemple.fr>", MAIL_POLL_MS: "60000", ...env }, db, engine: t.engine, domain,
    // The sending side never asks the identity module for anything.
    identity: undefined as unknown as Identity,
    log: (m) => logs.push(m), publicUrl: () => "http://dossier.test",
  };
  const mail = await createMailModule(ctx, { templates }, options);
  await mail.module.start?.();
  let n = 0;
  return {
    t, db, domain, mail, templates, logs, dataDir: t.dir,
    async customerFile({ email = "contact@martin-sarl.fr", language, name = "SARL Martin" } = {}) {
      const party = { kind: "organisation", name: `${name} ${++n}`, ...(email ? { emails: [email] } : {}), ...(language ? { language } : {}) };
      const { dossier } = await domain.service.create(null, { type: "client", title: `Dossier ${name} ${n}`, parties: [{ role: "customer", party }], skipOpening: true });
      const partyId = domain.service.partiesOf(dossier.id)[0]!.partyId;
      return { id: dossier.id, reference: dossier.reference, partyId };
    },
    async restartEngine() {
      await mail.module.stop?.();
      await domain.stop();
      return t.restart();
    },
    async stop() {
      await mail.module.stop?.();
      await domain.stop();
      await t.close();
    },
  };
}

export async function until<T>(probe: () => T | undefined | null | false | Promise<T | undefined | null | false>, what: string, timeoutMs = 8000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v) return v;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
