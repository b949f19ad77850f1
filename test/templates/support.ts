/** Helpers of the templates specs: text and page count of a PDF with poppler, a process started from a dossier's catalogue. */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { ApiServer } from "../api/v2/server.js";

export const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), "fixtures");

function withFile<T>(pdf: Buffer, fn: (file: string) => T): T {
  const dir = mkdtempSync(path.join(tmpdir(), "pdf-check-"));
  try {
    const file = path.join(dir, "x.pdf");
    writeFileSync(file, pdf);
    return fn(file);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function pdfText(pdf: Buffer): string {
  return withFile(pdf, (file) => {
    const r = spawnSync("pdftotext", ["-layout", file, "-"], { encoding: "utf8" });
    if (r.status !== 0) throw new Error(`pdftotext failed: ${r.stderr}`);
    return r.stdout.replace(/\u00a0/g, " ");
  });
}

export function pdfPages(pdf: Buffer): number {
  return withFile(pdf, (file) => {
    const r = spawnSync("pdfinfo", [file], { encoding: "utf8" });
    const m = /Pages:\s+(\d+)/.exec(r.stdout);
    if (!m) throw new Error(`pdfinfo failed: ${r.stderr}`);
    return Number(m[1]);
  });
}

/** PNGs of a PDF's pages into `out` (prefix), for a look. */
export function pdfToPng(pdf: Buffer, prefix: string, resolution = 60): void {
  withFile(pdf, (file) => spawnSync("pdftoppm", ["-png", "-r", String(resolution), file, prefix]));
}

/** Deploys a fixture model as the designer. */
export async function deploy(api: ApiServer, fixture: string): Promise<void> {
  const form = new FormData();
  form.append("resources", new Blob([readFileSync(path.join(FIXTURES, fixture))], { type: "application/xml" }), fixture);
  const res = await fetch(`${api.base}/v2/deployments`, { method: "POST", headers: { authorization: `Basic ${Buffer.from("designer:designer").toString("base64")}` }, body: form });
  if (res.status !== 200) throw new Error(`deploy ${fixture}: ${res.status} ${await res.text()}`);
}

/** Adds catalogue actions starting these processes to the customer-file type (as the administrator). */
export async function addActions(api: ApiServer, processIds: string[]): Promise<void> {
  const type = (await api.call("GET", "/api/dossier-types/client")).body;
  const { version: _v, ...definition } = type;
  definition.catalogue.actions.push(...processIds.map((id) => ({ id, label: { fr: id }, processId: id, roles: ["agent", "manager"], concurrent: true })));
  const saved = await api.call("PUT", "/api/dossier-types/client", { body: definition });
  if (saved.status >= 300) throw new Error(`type: ${saved.status} ${JSON.stringify(saved.body)}`);
}

export async function download(api: ApiServer, url: string, as = "agent"): Promise<{ status: number; bytes: Buffer; type: string }> {
  const res = await fetch(api.base + url, { headers: { authorization: `Basic ${Buffer.from(`${as}:${as}`).toString("base64")}` } });
  return { status: res.status, bytes: Buffer.from(await res.arrayBuffer()), type: res.headers.get("content-type") ?? "" };
}
