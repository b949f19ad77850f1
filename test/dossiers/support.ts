/**
 * A real server over a real SQLite file with the shipped models, dossier types and demo dossiers
 * (processes/), for the customer-file specs. `call` answers JSON; `until` polls a condition (the
 * process journal and job workers run after commit).
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { startApiServer, type ApiServer } from "../api/v2/server.js";

export const PROCESSES = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "processes");

export function startDossierServer(env: Record<string, string> = {}): Promise<ApiServer> {
  return startApiServer({ PROCESSES_DIR: PROCESSES, ...env });
}

export async function until<T>(probe: () => Promise<T | undefined | null | false> | T | undefined | null | false, what: string, timeoutMs = 8000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** A new caller's dossier as the UI creates it: the party created on the fly. */
export function newCustomerFile(title = "Menuiserie Rousseau", email = "contact@menuiserie-rousseau.fr") {
  return {
    type: "client", title, data: { segment: "professionnel", origine: "telephone" },
    parties: [{ role: "customer", party: { kind: "organisation", name: title.toUpperCase(), emails: [email], phones: [{ number: "04 72 00 11 22", label: "fixe" }], address: { postcode: "69003", city: "Lyon", country: "FR" } } }],
  };
}

/** The demo candidate (sector recrutement, which agents are not in) and the id of its CV, seen as the manager. */
export async function demoCandidate(api: ApiServer): Promise<{ reference: string; cvId: number }> {
  const reference = (await api.call("GET", "/api/dossiers?type=candidat", { as: "manager" })).body.items[0].reference as string;
  const cvId = (await api.call("GET", `/api/dossiers/${reference}/documents`, { as: "manager" })).body.items[0].id as number;
  return { reference, cvId };
}
