/**
 * A real, rootless Dovecot for the mail specs (STACK.md §1.8): its own config, state and Maildirs
 * in a temporary folder, loopback only, plaintext auth, a random free port, no system service
 * touched. As root it runs as "nobody" through `setpriv`; as any other user it runs as that user.
 *
 *   const dovecot = await startDovecot({ users: { "alice@example.com": "alice-secret" } });
 *   … dovecot.url("alice@example.com") → imap://alice%40example.com:alice-secret@127.0.0.1:PORT/INBOX
 *   await dovecot.restart();  await dovecot.stop();
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chownSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync, chmodSync } from "node:fs";
import { createServer, connect } from "node:net";
import { tmpdir, userInfo } from "node:os";
import path from "node:path";
import { ImapFlow } from "imapflow";

export interface Dovecot {
  host: string;
  port: number;
  dir: string;
  users: Record<string, string>;
  url(user: string, folder?: string): string;
  /** A connected imapflow client (logged in as `user`); close it yourself. */
  client(user: string): Promise<ImapFlow>;
  /** APPENDs raw mails to a user's folder (one connection). */
  append(user: string, mails: Buffer[], folder?: string, flags?: string[]): Promise<void>;
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export const DOVECOT_BIN = process.env["DOVECOT_BIN"] ?? "/usr/sbin/dovecot";

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, ms: number): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const c = connect(port, "127.0.0.1");
      c.once("connect", () => (c.destroy(), resolve(true)));
      c.once("error", () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`Expected Dovecot to listen on 127.0.0.1:${port}, but it did not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function startDovecot(options: { users: Record<string, string> }): Promise<Dovecot> {
  const root = process.getuid?.() === 0;
  const me = userInfo().username;
  const runAs = root ? "nobody" : me;
  const group = root ? "nogroup" : (spawnSync("id", ["-gn"], { encoding: "utf8" }).stdout.trim() || me);
  const dir = mkdtempSync(path.join(tmpdir(), "dovecot-"));
  const port = await freePort();
  for (const d of ["run", "state", "mail"]) mkdirSync(path.join(dir, d));
  const usersFile = path.join(dir, "users");
  writeFileSync(usersFile, Object.entries(options.users).map(([u, p]) => `${u}:{PLAIN}${p}`).join("\n") + "\n");
  const conf = `protocols = imap
listen = 127.0.0.1
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
default_internal_user = ${runAs}
default_internal_group = ${group}
default_login_user = ${runAs}
mail_location = maildir:~/Maildir
namespace inbox {
  inbox = yes
  separator = /
}
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${usersFile}
}
userdb {
  driver = static
  args = uid=${runAs} gid=${group} home=${dir}/mail/%u
}
service imap-login {
  chroot =
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service auth-worker {
  user = ${runAs}
}
service anvil {
  chroot =
}
service stats {
  unix_listener stats-writer {
    mode = 0666
  }
}
`;
  writeFileSync(path.join(dir, "dovecot.conf"), conf);
  if (root) {
    const walk = (p: string) => {
      chownSync(p, 65534, 65534);
      if (statSync(p).isDirectory()) for (const n of readdirSync(p)) walk(path.join(p, n));
    };
    walk(dir);
    const nogroup = spawnSync("getent", ["group", "nogroup"], { encoding: "utf8" }).stdout.split(":")[2];
    if (nogroup) spawnSync("chown", ["-R", `nobody:nogroup`, dir]);
  }
  chmodSync(usersFile, 0o600);
  let child: ChildProcess | undefined;
  const launch = async () => {
    const args = ["-F", "-c", path.join(dir, "dovecot.conf")];
    child = root
      ? spawn("setpriv", ["--reuid=nobody", "--regid=nogroup", "--clear-groups", DOVECOT_BIN, ...args], { stdio: "ignore" })
      : spawn(DOVECOT_BIN, args, { stdio: "ignore" });
    const exited = new Promise<never>((_r, reject) => child!.once("exit", (code) => reject(new Error(`Expected Dovecot to start, but it exited with ${code}; see ${dir}/dovecot.log`))));
    exited.catch(() => undefined);
    await Promise.race([waitForPort(port, 10_000), exited]);
  };
  const halt = async () => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null) return;
    const gone = new Promise<void>((resolve) => c.once("exit", () => resolve()));
    c.kill("SIGTERM");
    const t = setTimeout(() => c.kill("SIGKILL"), 5000);
    await gone;
    clearTimeout(t);
  };
  await launch();
  const dovecot: Dovecot = {
    host: "127.0.0.1", port, dir, users: options.users,
    url: (user, folder = "INBOX") => `imap://${encodeURIComponent(user)}:${encodeURIComponent(options.users[user]!)}@127.0.0.1:${port}/${folder}`,
    async client(user) {
      const c = new ImapFlow({ host: "127.0.0.1", port, secure: false, logger: false, auth: { user, pass: options.users[user]! } });
      await c.connect();
      return c;
    },
    async append(user, mails, folder = "INBOX", flags = []) {
      const c = await dovecot.client(user);
      try {
        for (const m of mails) await c.append(folder, m, flags);
      } finally {
        await c.logout().catch(() => c.close());
      }
    },
    async restart() {
      await halt();
      await launch();
    },
    async stop() {
      await halt();
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return dovecot;
}
