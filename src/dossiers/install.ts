/**
 * Dossier types shipped as files (processes/dossier-types/*.json, one type per file, the file name
 * is the type id): installed at start when no type of that id exists yet. Afterwards the
 * administrator owns the type (UI or PUT /api/dossier-types/{id}); a file never overwrites it.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { Domain } from "./domain.js";
import { DossierError } from "./errors.js";

export async function installTypes(domain: Domain, dir: string, log: (line: string) => void = () => undefined): Promise<string[]> {
  let names: string[];
  try {
    names = readdirSync(dir).filter((n) => n.endsWith(".json")).sort();
  } catch {
    return [];
  }
  const installed: string[] = [];
  for (const name of names) {
    const id = name.replace(/\.json$/, "");
    if (domain.types.get(id)) continue;
    let definition: unknown;
    try {
      definition = JSON.parse(readFileSync(path.join(dir, name), "utf8"));
    } catch (error) {
      throw new DossierError("INVALID_ARGUMENT", `Expected ${name} to hold a dossier type as JSON, but it does not parse: ${(error as Error).message}`);
    }
    await domain.saveType(id, definition, null);
    installed.push(id);
    log(`dossier type ${id} installed from ${name}`);
  }
  return installed;
}
