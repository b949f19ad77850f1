/**
 * Exactly once, proven the hard way: a few hundred mails APPENDed to a real Dovecot, the server
 * (a child process) SIGKILLed at each fault point in turn — before the transaction, inside it,
 * after the commit before the flag, after the flag before `server_done` — restarted each time, and
 * finally run to the end. Then every mail was processed once: one row, one dossier, one opening
 * process, one `mail.received` entry per mail, every mail seen on the server, nothing lost.
 */
import { expect } from "chai";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import MailComposer from "nodemailer/lib/mail-composer/index.js";
import { startDovecot, type Dovecot } from "../../helpers/dovecot.js";

const HERE = path.dirname(fileURLToPath(import.meta.url));
const MAILS = 240;
const USER = "demandes@dossier.local";

function run(dataDir: string, url: string, fault?: string): Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(HERE, "crash-driver.ts"), dataDir, url, String(MAILS), ...(fault ? [fault] : [])], { stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (err += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), 100_000);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, out, err });
    });
  });
}

describe("mail intake: exactly once across SIGKILLs at every point (real Dovecot)", function () {
  this.timeout(180_000);
  let dovecot: Dovecot;
  let dir: string;

  before(async () => {
    dovecot = await startDovecot({ users: { [USER]: "crash-secret" } });
    dir = mkdtempSync(path.join(tmpdir(), "intake-crash-"));
    const mails: Buffer[] = [];
    for (let i = 1; i <= MAILS; i++) {
      mails.push(await new MailComposer({
        from: `Client ${i} <client${i}@exemple.fr>`, to: USER, subject: `Demande n° ${i} : dégât des eaux`, messageId: `<crash-${i}@exemple.fr>`,
        text: `Bonjour, demande numéro ${i}. Merci d'intervenir rapidement.`,
        ...(i % 20 === 0 ? { attachments: [{ filename: `photo-${i}.txt`, content: `pièce ${i}` }] } : {}),
      }).compile().build());
    }
    await dovecot.append(USER, mails);
  });

  after(async () => {
    await dovecot?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("should process each mail exactly once", async () => {
    const url = dovecot.url(USER);
    for (const fault of ["before-transaction:30", "in-transaction:25", "after-commit:40", "after-flag:30"]) {
      const t0 = Date.now();
      const r = await run(dir, url, fault);
      if (process.env["CRASH_VERBOSE"]) console.log(fault, Date.now() - t0, "ms");
      expect(r.signal, `${fault}: ${r.err.slice(-2000)}`).to.equal("SIGKILL");
    }
    const last = await run(dir, url);
    expect(last.code, last.err.slice(-2000)).to.equal(0);
    expect(last.out).to.contain("finished");

    const db = new Database(path.join(dir, "dossier.sqlite"), { readonly: true });
    try {
      const rows = db.prepare(`SELECT message_id, status, server_done, dossier_id FROM mail_inbound WHERE source = 'imap'`).all() as Array<{ message_id: string; status: string; server_done: number; dossier_id: number }>;
      expect(rows).to.have.length(MAILS);
      expect(new Set(rows.map((r) => r.message_id)).size).to.equal(MAILS);
      expect(rows.every((r) => r.status === "processed" && r.server_done === 1)).to.equal(true);
      expect(new Set(rows.map((r) => r.dossier_id)).size).to.equal(MAILS);
      expect(db.prepare(`SELECT COUNT(*) FROM dossier`).pluck().get()).to.equal(MAILS);
      expect(db.prepare(`SELECT COUNT(*) FROM dossier_process WHERE bpmn_process_id = 'new-request-intake'`).pluck().get()).to.equal(MAILS);
      expect(db.prepare(`SELECT COUNT(*) FROM dossier_journal WHERE action = 'mail.received'`).pluck().get()).to.equal(MAILS);
      expect(db.prepare(`SELECT COUNT(DISTINCT dossier_id) FROM dossier_document`).pluck().get()).to.equal(MAILS);
    } finally {
      db.close();
    }
    const c = await dovecot.client(USER);
    try {
      const box = await c.mailboxOpen("INBOX");
      expect(box.exists).to.equal(MAILS);
      expect(await c.search({ seen: false }, { uid: true })).to.deep.equal([]);
    } finally {
      await c.logout();
    }
  });
});
