// Bundles the browser code: every src/web/<page>/main.ts becomes public/build/<page>.js (+ .css).
// Run by `npm run build` (so by `npm start`) and by the browser tests; the bundle is never committed.
import { build } from "esbuild";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

export async function bundleWeb({ minify = true } = {}) {
  const webDir = path.join(root, "src", "web");
  const entryPoints = {};
  for (const page of readdirSync(webDir, { withFileTypes: true })) {
    const entry = path.join(webDir, page.name, "main.ts");
    if (page.isDirectory() && existsSync(entry)) entryPoints[page.name] = entry;
  }
  // pdf.js for the dossier's document preview: loaded on first use, with its module worker (CSP: 'self' only).
  entryPoints["pdfjs"] = path.join(root, "node_modules", "pdfjs-dist", "build", "pdf.mjs");
  entryPoints["pdfjs.worker"] = path.join(root, "node_modules", "pdfjs-dist", "build", "pdf.worker.mjs");
  await build({
    entryPoints, bundle: true, format: "esm", target: "es2022", minify, sourcemap: true, splitting: false,
    outdir: path.join(root, "public", "build"), logLevel: "warning",
    loader: { ".woff": "file", ".woff2": "file", ".ttf": "file", ".eot": "file", ".svg": "file", ".png": "file" },
    assetNames: "assets/[name]-[hash]", tsconfig: path.join(webDir, "tsconfig.json"),
  });
  return Object.keys(entryPoints);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const started = Date.now();
  const pages = await bundleWeb();
  console.log(`bundled ${pages.join(", ")} in ${Date.now() - started} ms`);
}
