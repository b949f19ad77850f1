/**
 * What the dossier browser specs share: PDFs written for the test (a KBIS and a RIB that pdftotext
 * reads), waiting for the 360° view's sections, and reading a few things off the page.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Page } from "puppeteer-core";
import { simplePdf } from "../../src/dossiers/simple-pdf.js";

/** Browser globals, for the callbacks that run in the page (this test program has no DOM lib). */
declare const document: any;

/** A word no other document holds, so a search for it finds ours only. */
export const uniqueWord = (prefix: string) => `${prefix}${Math.random().toString(36).replace(/[^a-z]/g, "").slice(0, 6)}`;

export function writePdfs(company: string, word: string): { kbis: string; rib: string } {
  const dir = mkdtempSync(path.join(tmpdir(), "dossier-pdfs-"));
  const kbis = path.join(dir, "kbis.pdf");
  const rib = path.join(dir, "rib.pdf");
  writeFileSync(kbis, simplePdf("Extrait Kbis", [`Dénomination : ${company}`, "Immatriculation : RCS Lyon 812 345 678", `Activité : couverture et ${word}`]));
  writeFileSync(rib, simplePdf("Relevé d'identité bancaire", [`Titulaire : ${company}`, "IBAN : FR76 3000 6000 0112 3456 7890 189"]));
  return { kbis, rib };
}

/** The 360° view of `reference` with its sections loaded (documents, exchanges, journal badge). */
export async function waitForView(page: Page, reference: string): Promise<void> {
  await page.waitForFunction((ref) => document.querySelector(`.dossier-view[data-reference="${ref}"]`)
    && document.querySelector("[data-testid=chain].valid, [data-testid=chain].broken")
    && !document.querySelector("[data-testid=documents]")?.textContent?.includes("Chargement"), { timeout: 15_000 }, reference);
}

export const text = (page: Page, selector: string) => page.$eval(selector, (e: any) => (e.textContent ?? "").replace(/\s+/g, " ").trim());

/** Clicks and waits for the navigation it starts. */
export async function clickAndWait(page: Page, selector: string): Promise<void> {
  await Promise.all([page.waitForNavigation({ waitUntil: "networkidle0" }), page.click(selector)]);
}
