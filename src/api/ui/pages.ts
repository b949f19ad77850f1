/**
 * The web app's pages: an HTML shell per page that loads its bundle (src/web/<page>/main.ts, built
 * into public/build by scripts/bundle-web.mjs). The shells are public; each page checks the session
 * through the API and sends the browser to /login when there is none.
 */
import express, { Router } from "express";
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { allow } from "../auth/guard.js";

/** The repository root (where package.json is), from src/ under tsx or from dist/ once built. */
function repositoryRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, "package.json")) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}

export const BUILD_DIR = path.join(repositoryRoot(), "public", "build");

export const PAGES = ["login", "inbox", "dossiers", "designer", "operate", "admin", "mail", "templates", "archive", "receivables", "dashboards", "portal-admin"] as const;

/** Deeper paths served by a page's shell (the page reads location.pathname). */
const SUB_ROUTES: Array<[string, (typeof PAGES)[number]]> = [
  ["/dossiers/:reference", "dossiers"],
  ["/admin/dossier-types", "admin"],
  ["/admin/dossier-types/:typeId", "admin"],
  ["/mail/:section", "mail"],
  ["/templates/:name", "templates"],
  ["/archive/:section", "archive"],
  ["/receivables/:section", "receivables"],
  ["/dashboards/:section", "dashboards"],
];

function shell(page: string): string {
  return `<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Dossier</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/build/${page}.css">
<script type="module" src="/build/${page}.js"></script>
</head>
<body><p class="muted" style="padding:16px">Chargement…</p></body>
</html>`;
}

export function pagesRouter(): Router {
  const router = Router();
  router.use("/build", allow("public"), express.static(BUILD_DIR, { maxAge: "1h" }), (req, res) => {
    res.status(404).type("text/plain").send(`No such file: /build${req.path} (run npm run bundle)`);
  });
  router.get("/", allow("public"), (_req, res) => res.redirect("/inbox"));
  const routes: Array<[string, (typeof PAGES)[number]]> = [...PAGES.map((page) => [`/${page}`, page] as [string, (typeof PAGES)[number]]), ...SUB_ROUTES];
  for (const [route, page] of routes) {
    router.get(route, allow("public"), (req, res) => {
      // Send visitors without a session to the sign-in page here, so the page never fetches a 401 (a console error).
      if (page !== "login" && !res.locals["principal"]) return res.redirect(`/login?next=${encodeURIComponent(req.originalUrl)}`);
      res.type("html").send(shell(page));
    });
  }
  return router;
}
