/**
 * The archive from the command line (DATA_DIR as for the server):
 *
 *   npm run archive -- export [--dossier CLI-2024-00001] --out archive.zip
 *       reads the database (read-only, beside a running server) and writes the export ZIP
 *   npm run archive -- verify archive.zip
 *       checks an export (fingerprints, journal chain, seals, dossier journals) without importing
 *   npm run archive -- import archive.zip
 *       imports into an EMPTY installation (a fresh DATA_DIR; demo data is not seeded), verified first
 *
 * Exit code 0 when everything verified, 1 with the first bad entry named otherwise.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import Database from "better-sqlite3";
import { loadConfig } from "../src/config.js";
import { BlobStore } from "../src/documents/store.js";
import { exportArchive, verifyExport } from "../src/archive/exchange.js";

const [command, ...rest] = process.argv.slice(2);
const option = (name: string) => {
  const i = rest.indexOf(`--${name}`);
  return i >= 0 ? rest[i + 1] : undefined;
};
const positional = rest.filter((a, i) => !a.startsWith("--") && !(i > 0 && rest[i - 1]!.startsWith("--")));

async function main(): Promise<number> {
  if (command === "export") {
    const out = option("out");
    if (!out) throw new Error("Expected --out <file.zip>, but found none");
    const config = loadConfig(process.env);
    if (!existsSync(config.databasePath)) throw new Error(`Expected a database at ${config.databasePath} (DATA_DIR), but there is none`);
    const db = new Database(config.databasePath, { readonly: true, fileMustExist: true });
    try {
      const dossier = option("dossier");
      const { zip, manifest } = exportArchive(db, new BlobStore(config.dataDir), dossier ? { reference: dossier } : {}, Date.now());
      writeFileSync(out, zip);
      const tables = manifest["tables"] as Record<string, unknown[]>;
      console.log(`exported ${tables["dossier"]!.length} dossier(s), ${tables["archive_record"]!.length} record(s), ${(manifest["files"] as unknown[]).length} file(s) to ${out} (${zip.length} bytes)`);
    } finally {
      db.close();
    }
    return 0;
  }
  if (command === "verify" || command === "import") {
    const file = positional[0];
    if (!file) throw new Error(`Expected the export ZIP to ${command}, but found none`);
    const bytes = readFileSync(file);
    const parsed = verifyExport(bytes);
    console.log(`verified: ${parsed.files.size} file(s) match their SHA-256, archive journal of ${parsed.journal.length} entries chained, ${parsed.seals.length} seal(s) signed and matching, ${parsed.dossierJournals.size} dossier journal(s) chained`);
    if (command === "verify") return 0;
    const { startServer } = await import("../src/main.js");
    const config = loadConfig({ ...process.env, PORT: "0", HOST: "127.0.0.1", DEMO_DATA: "false" });
    process.env["ARCHIVE_SCHEDULE"] = "false";
    const server = await startServer(config, () => undefined);
    try {
      const result = await server.capabilities.archive.service.import(bytes, "import");
      const audit = await server.capabilities.archive.service.audit.run("manual", "import");
      console.log(`imported ${result.dossiers.join(", ")}: ${result.records} record(s), ${result.files} file(s), ${result.journal} journal entries, ${result.seals} seal(s) into ${config.dataDir}; integrity audit: ${audit.status}`);
      return audit.status === "clean" ? 0 : 1;
    } finally {
      await server.stop();
    }
  }
  console.error("Usage: npm run archive -- export [--dossier REF] --out file.zip | verify file.zip | import file.zip   (DATA_DIR selects the installation)");
  return 2;
}

main().then((code) => process.exit(code), (error: Error) => {
  console.error(error.message);
  process.exit(1);
});
