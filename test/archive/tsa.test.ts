/**
 * The RFC 3161 adapter against a tiny local timestamp authority: `openssl ts -reply` behind an
 * HTTP server in this spec (a test TSA certificate with the critical timeStamping usage). A seal's
 * hash is timestamped after commit, the response journaled, and `openssl ts -verify` accepts it
 * for that hash. No public TSA is reachable offline: this is the only TSA the adapter met.
 */
import { expect } from "chai";
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import type { ApiServer } from "../api/v2/server.js";
import { timestampStatus } from "../../src/archive/tsa.js";
import { closedCustomerFile, day, startArchiveServer } from "./helpers.js";

describe("archive seals timestamped by an RFC 3161 authority (a local openssl TSA)", function () {
  this.timeout(90_000);
  const dir = mkdtempSync(path.join(tmpdir(), "tsa-"));
  let tsa: Server;
  let api: ApiServer;
  let requests = 0;

  before(async () => {
    execFileSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", path.join(dir, "tsa.key"), "-out", path.join(dir, "tsa.pem"), "-days", "30", "-subj", "/CN=Test TSA",
      "-addext", "extendedKeyUsage=critical,timeStamping", "-addext", "keyUsage=critical,digitalSignature"], { stdio: "ignore" });
    writeFileSync(path.join(dir, "serial"), "01\n");
    writeFileSync(path.join(dir, "tsa.cnf"), `[ tsa ]\ndefault_tsa = t\n[ t ]\nserial = ${dir}/serial\nsigner_cert = ${dir}/tsa.pem\nsigner_key = ${dir}/tsa.key\nsigner_digest = sha256\ndefault_policy = 1.2.3.4.1\ndigests = sha256\ness_cert_id_alg = sha256\n`);
    tsa = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        requests++;
        const q = path.join(dir, `q${requests}.tsq`);
        const r = path.join(dir, `r${requests}.tsr`);
        writeFileSync(q, Buffer.concat(chunks));
        try {
          execFileSync("openssl", ["ts", "-reply", "-config", path.join(dir, "tsa.cnf"), "-queryfile", q, "-out", r], { stdio: "ignore" });
          res.writeHead(200, { "content-type": "application/timestamp-reply" }).end(readFileSync(r));
        } catch {
          res.writeHead(500).end();
        }
      });
    });
    await new Promise<void>((resolve) => tsa.listen(0, "127.0.0.1", resolve));
    const port = (tsa.address() as { port: number }).port;
    api = await startArchiveServer({ ARCHIVE_TSA_URL: `http://127.0.0.1:${port}/tsa` });
  });
  after(async () => {
    await api?.stop();
    await new Promise((r) => tsa.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  it("should journal a granted timestamp of the seal's hash that openssl verifies", async () => {
    await api.server.engine.pinClock(day("2024-03-15"));
    const file = await closedCustomerFile(api);
    await api.call("POST", `/api/archive/dossiers/${file.reference}/archive`, { body: {} });
    const seal = (await api.call("POST", "/api/archive/seals", { as: "archivist" })).body.seal;
    let entry: { details: string } | undefined;
    for (let i = 0; i < 100 && !entry; i++) {
      entry = api.server.engine.store.db.prepare(`SELECT details FROM archive_journal WHERE action = 'seal' AND details LIKE '%"timestamp"%'`).get() as { details: string } | undefined;
      if (!entry) await new Promise((r) => setTimeout(r, 100));
    }
    expect(entry, "the timestamp entry").to.not.equal(undefined);
    const details = JSON.parse(entry!.details);
    expect(details.seal).to.equal(seal.seq);
    const response = Buffer.from(details.timestamp.token, "base64");
    expect(timestampStatus(response)).to.equal(0);
    writeFileSync(path.join(dir, "seal.tsr"), response);
    const out = execFileSync("openssl", ["ts", "-verify", "-digest", seal.hash, "-in", path.join(dir, "seal.tsr"), "-CAfile", path.join(dir, "tsa.pem")], { encoding: "utf8" });
    expect(out).to.match(/Verification: OK/);
    expect((await api.call("POST", "/api/archive/audits", { as: "archivist" })).body.status).to.equal("clean");
  });
});
