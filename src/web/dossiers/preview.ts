/**
 * Document previews: PDFs rendered to canvases with pdf.js (its own bundles, /build/pdfjs.js and
 * its module worker /build/pdfjs.worker.js, loaded on first use; eval off for the CSP), images
 * inline, anything else offered for download. Print puts the rendered pages alone on the page.
 */
import type * as PdfJs from "pdfjs-dist";
import { h } from "../shared/dom.js";
import { t } from "../shared/i18n.js";
import { documentUrl, type DocumentInfo } from "./data.js";

const MAX_PAGES = 10;
let pdfjs: Promise<typeof PdfJs> | null = null;

function loadPdfJs(): Promise<typeof PdfJs> {
  const url = "/build/pdfjs.js"; // not a literal import: esbuild leaves it to the browser
  pdfjs ??= (import(/* @vite-ignore */ url) as Promise<typeof PdfJs>).then((lib) => {
    lib.GlobalWorkerOptions.workerSrc = "/build/pdfjs.worker.js";
    return lib;
  });
  return pdfjs;
}

export function kindOf(doc: DocumentInfo): "pdf" | "image" | "other" {
  const type = (doc.mime ?? doc.contentType ?? doc.mediaType ?? "").toLowerCase();
  if (type === "application/pdf" || (!type && /\.pdf$/i.test(doc.filename))) return "pdf";
  if (type.startsWith("image/") || (!type && /\.(png|jpe?g|gif|webp)$/i.test(doc.filename))) return "image";
  return "other";
}

/** Renders the document into `host`; resolves with the page images (for printing). */
export async function renderPreview(doc: DocumentInfo, host: HTMLElement): Promise<HTMLCanvasElement[] | HTMLImageElement[]> {
  const kind = kindOf(doc);
  if (kind === "image") {
    const img = h("img", { src: documentUrl(doc.id), alt: doc.filename, class: "preview-image" });
    host.replaceChildren(img);
    await img.decode().catch(() => undefined);
    return [img];
  }
  if (kind !== "pdf") {
    host.replaceChildren(h("p", { class: "muted" }, t("dossiers.docs.noPreview")));
    return [];
  }
  host.replaceChildren(h("p", { class: "muted" }, t("common.loading")));
  const lib = await loadPdfJs();
  const pdf = await lib.getDocument({ url: documentUrl(doc.id), isEvalSupported: false, withCredentials: true }).promise;
  const canvases: HTMLCanvasElement[] = [];
  const pages = Math.min(pdf.numPages, MAX_PAGES);
  const width = Math.max(320, Math.min(host.clientWidth || 700, 900));
  host.replaceChildren();
  for (let n = 1; n <= pages; n++) {
    const page = await pdf.getPage(n);
    const base = page.getViewport({ scale: 1 });
    const ratio = window.devicePixelRatio || 1;
    const viewport = page.getViewport({ scale: (width / base.width) * ratio });
    const canvas = h("canvas", { class: "pdf-page", width: Math.floor(viewport.width), height: Math.floor(viewport.height), "data-page": n, "aria-label": t("dossiers.docs.page", { page: n, pages: pdf.numPages }) });
    canvas.style.width = `${Math.floor(viewport.width / ratio)}px`;
    host.append(canvas);
    await page.render({ canvasContext: canvas.getContext("2d")!, viewport }).promise;
    canvases.push(canvas);
  }
  if (pdf.numPages > pages) host.append(h("p", { class: "muted" }, t("dossiers.docs.morePages", { count: pdf.numPages - pages })));
  host.dataset["rendered"] = String(pages);
  await pdf.destroy();
  return canvases;
}

/** Prints the rendered pages alone (a print-only copy as images; the rest of the page is hidden). */
export function printPages(pages: Array<HTMLCanvasElement | HTMLImageElement>, title: string): void {
  const area = h("div", { class: "print-area", "aria-hidden": "true" }, h("p", {}, title),
    ...pages.map((p) => h("img", { src: p instanceof HTMLCanvasElement ? p.toDataURL("image/png") : p.src, alt: "" })));
  document.body.append(area);
  document.body.classList.add("printing");
  const done = () => { document.body.classList.remove("printing"); area.remove(); window.removeEventListener("afterprint", done); };
  window.addEventListener("afterprint", done);
  window.print();
  window.setTimeout(done, 1000);
}
