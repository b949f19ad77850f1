/** Archive specs: the real server over a temp SQLite file, demo accounts, the archive schedule off. */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { simplePdf } from "../../src/dossiers/simple-pdf.js";
import { startApiServer, type ApiServer } from "../api/v2/server.js";

export { simplePdf };

/** The modules read their own settings from process.env (ctx.env): the ARCHIVE_* ones are set there while the server starts. */
export async function startArchiveServer(env: Record<string, string> = {}): Promise<ApiServer> {
  const all: Record<string, string> = { ARCHIVE_SCHEDULE: "false", DEMO_DATA: "false", PROCESSES_DIR: PROCESSES, ...env };
  const saved = new Map<string, string | undefined>();
  for (const [k, v] of Object.entries(all)) {
    if (!k.startsWith("ARCHIVE_")) continue;
    saved.set(k, process.env[k]);
    process.env[k] = v;
  }
  try {
    return await startApiServer(all);
  } finally {
    for (const [k, v] of saved) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

export const PROCESSES = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..", "..", "processes");

export const day = (iso: string) => Date.parse(`${iso}T09:00:00Z`);

/** Uploads files into a dossier (multipart, as the browser does). */
export async function upload(api: ApiServer, reference: string, files: Array<{ name: string; bytes: Buffer; type?: string }>, documentType?: string, as = "demo") {
  const form = new FormData();
  if (documentType) form.append("documentType", documentType);
  for (const f of files) form.append("file", new Blob([new Uint8Array(f.bytes)], { type: f.type ?? "application/pdf" }), f.name);
  const res = await fetch(`${api.base}/api/dossiers/${reference}/documents`, { method: "POST", headers: { authorization: `Basic ${Buffer.from(`${as}:${as}`).toString("base64")}` }, body: form });
  const body = (await res.json()) as any;
  if (res.status !== 201) throw new Error(`upload ${res.status}: ${JSON.stringify(body)}`);
  return body.items as Array<{ id: number }>;
}

export async function binary(api: ApiServer, url: string, as = "demo"): Promise<{ status: number; bytes: Buffer; type: string }> {
  const res = await fetch(api.base + url, { headers: { authorization: `Basic ${Buffer.from(`${as}:${as}`).toString("base64")}` } });
  return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()), type: res.headers.get("content-type") ?? "" };
}

/** A closed customer file with an invoice (containing `word`), a contract and an ID card. */
export async function closedCustomerFile(api: ApiServer, word = "chaudronnerie") {
  const created = await api.call("POST", "/api/dossiers", { body: { type: "client", title: "Boulangerie Durand", sector: null, parties: [{ role: "customer", party: { kind: "organisation", name: "BOULANGERIE DURAND", emails: ["contact@durand.example"] } }] } });
  if (created.status !== 201) throw new Error(JSON.stringify(created.body));
  const reference = created.body.reference as string;
  const invoice = await upload(api, reference, [{ name: "facture-2024-017.pdf", bytes: simplePdf("Facture 2024-017", [`Travaux de ${word} pour la boulangerie`, "Montant : 1 250,00 EUR"]) }], "facture");
  const contract = await upload(api, reference, [{ name: "contrat-signe.pdf", bytes: simplePdf("Contrat", ["Contrat de maintenance signé"]) }], "contrat");
  const id = await upload(api, reference, [{ name: "piece-identite.pdf", bytes: simplePdf("Identité", ["Carte d'identité du gérant"]) }], "piece-identite");
  const closed = await api.call("POST", `/api/dossiers/${reference}/state`, { body: { to: "clos", comment: "Fin de la relation" } });
  if (closed.status !== 200) throw new Error(JSON.stringify(closed.body));
  return { reference, invoiceId: invoice[0]!.id, contractId: contract[0]!.id, idCardId: id[0]!.id };
}
