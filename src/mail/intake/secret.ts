/**
 * Mailbox passwords encrypted at rest: AES-256-GCM, a fresh 96-bit IV per value, stored as
 * `v1:<iv>:<tag>:<ciphertext>` (base64). The key comes from MAIL_SECRET_KEY, or is generated once
 * into DATA_DIR/mail/secret.key (mode 0600).
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";

export class SecretBox {
  constructor(private readonly key: Buffer) {
    if (key.length !== 32) throw new Error(`Expected a 32-byte key, but found ${key.length} bytes`);
  }

  static load(dataDir: string, fromEnv: Buffer | null): SecretBox {
    if (fromEnv) return new SecretBox(fromEnv);
    const dir = path.join(dataDir, "mail");
    const file = path.join(dir, "secret.key");
    mkdirSync(dir, { recursive: true });
    if (!existsSync(file)) {
      try {
        writeFileSync(file, randomBytes(32).toString("hex") + "\n", { mode: 0o600, flag: "wx" });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      }
    }
    chmodSync(file, 0o600);
    const hex = readFileSync(file, "utf8").trim();
    if (!/^[0-9a-f]{64}$/.test(hex)) throw new Error(`Expected 64 hex characters in ${file}, but found something else: restore it or set MAIL_SECRET_KEY`);
    return new SecretBox(Buffer.from(hex, "hex"));
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.key, iv);
    const data = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
    return `v1:${iv.toString("base64")}:${cipher.getAuthTag().toString("base64")}:${data.toString("base64")}`;
  }

  open(sealed: string): string {
    const [v, iv, tag, data] = sealed.split(":");
    if (v !== "v1" || !iv || !tag || data === undefined) throw new Error("Expected a sealed secret (v1:iv:tag:data), but found something else");
    const decipher = createDecipheriv("aes-256-gcm", this.key, Buffer.from(iv, "base64"));
    decipher.setAuthTag(Buffer.from(tag, "base64"));
    try {
      return Buffer.concat([decipher.update(Buffer.from(data, "base64")), decipher.final()]).toString("utf8");
    } catch {
      throw new Error("Expected the mailbox password to decrypt with the current key, but it does not (MAIL_SECRET_KEY or DATA_DIR/mail/secret.key changed): enter the password again");
    }
  }
}
