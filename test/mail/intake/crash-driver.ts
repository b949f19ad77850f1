/**
 * The child process of the intake crash test (crash.test.ts): the real server on a file database
 * (synchronous FULL) watching a Dovecot mailbox, meant to die by SIGKILL at a fault point.
 *
 *   node --import tsx test/mail/intake/crash-driver.ts <dataDir> <imapUrl> <expected> [<point>:<n>]
 *
 * With a fault (MAIL_INTAKE_FAULT, see docs/mail-intake.md) the n-th passage at the point kills the
 * process with SIGKILL; without one it runs until every one of the <expected> mails is recorded and
 * done on the server, prints `finished`, stops cleanly and exits 0.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadConfig } from "../../../src/config.js";
import { startServer } from "../../../src/main.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "..");
const [dataDir, imapUrl, expectedRaw, fault] = process.argv.slice(2);
const env: Record<string, string> = {
  PORT: "0", DATA_DIR: dataDir!, SQLITE_SYNCHRONOUS: "FULL", DEMO_DATA: "0", MAIL_DROP_INTERVAL_MS: "0", MAIL_IMAP_IDLE_MS: "200", MAIL_IMAP_POLL_MS: "1000",
  MAIL_IMAP_URL: imapUrl!, ...(fault ? { MAIL_INTAKE_FAULT: fault } : {}),
};
const server = await startServer(loadConfig(env, ROOT), () => undefined, env);
process.stdout.write("ready\n");
if (!fault) {
  const expected = Number(expectedRaw);
  const done = server.domain.db.prepare(`SELECT COUNT(*) FROM mail_inbound WHERE source = 'imap' AND server_done = 1`).pluck();
  for (;;) {
    if ((done.get() as number) >= expected) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await server.stop();
  process.stdout.write("finished\n");
  process.exit(0);
}
