/** `npm run archive -- export|verify|import`: the export of a running installation re-imported into a fresh DATA_DIR by the command line. */
import { expect } from "chai";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { strToU8, unzipSync, zipSync } from "fflate";
import type { ApiServer } from "../api/v2/server.js";
import { closedCustomerFile, day, PROCESSES, startArchiveServer } from "./helpers.js";

const ROOT = path.resolve(PROCESSES, "..");
const cli = (args: string[], env: Record<string, string>) =>
  spawnSync(process.execPath, ["--import", "tsx", path.join(ROOT, "scripts", "archive.ts"), ...args], { cwd: ROOT, env: { ...process.env, ...env }, encoding: "utf8", timeout: 120_000 });

describe("archive command line: export, verify, import", function () {
  this.timeout(180_000);
  let api: ApiServer;
  const work = mkdtempSync(path.join(tmpdir(), "archive-cli-"));
  after(async () => {
    await api?.stop();
    rmSync(work, { recursive: true, force: true });
  });

  it("should export a dossier beside the running server, refuse a tampered copy, and import the real one into a fresh DATA_DIR", async () => {
    api = await startArchiveServer();
    await api.server.engine.pinClock(day("2024-03-15"));
    const file = await closedCustomerFile(api, "tonnellerie");
    expect((await api.call("POST", `/api/archive/dossiers/${file.reference}/archive`, { body: {} })).status).to.equal(200);
    await api.call("POST", "/api/archive/seals", { as: "archivist" });
    const dataDir = path.dirname(api.server.domain.documents.store.root);
    const out = path.join(work, "export.zip");
    const exported = cli(["export", "--dossier", file.reference, "--out", out], { DATA_DIR: dataDir });
    expect(exported.status, exported.stderr).to.equal(0);
    expect(exported.stdout).to.match(/exported 1 dossier\(s\), 4 record\(s\), 3 file\(s\)/);
    const entries = unzipSync(readFileSync(out));
    const manifest = JSON.parse(Buffer.from(entries["manifest.json"]!).toString());
    manifest.tables.archive_record[0].retain_until = "2025-01-01";
    writeFileSync(path.join(work, "tampered.zip"), zipSync({ ...entries, "manifest.json": strToU8(JSON.stringify(manifest)) }));
    const refused = cli(["verify", path.join(work, "tampered.zip")], { DATA_DIR: path.join(work, "unused") });
    expect(refused.status).to.equal(1);
    expect(refused.stderr).to.match(/Expected an untampered archive export, but manifest\.json record 1 \(facture-2024-017\.pdf\): the record differs from its deposit entry/);
    const imported = cli(["import", out], { DATA_DIR: path.join(work, "fresh") });
    expect(imported.status, imported.stderr + imported.stdout).to.equal(0);
    expect(imported.stdout).to.match(new RegExp(`imported ${file.reference}: 4 record\\(s\\), 3 file\\(s\\), .* integrity audit: clean`));
  });
});
