/** The HTML shell of the outsider pages (no back-office frame): phone-first, French by default. */
export function portalShell(title = "Espace client"): string {
  return `<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<meta name="referrer" content="no-referrer">
<title>${title.replace(/[<>&"]/g, "")}</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/build/portal.css">
<script type="module" src="/build/portal.js"></script>
</head>
<body><p style="padding:16px;font-family:sans-serif;color:#666">Chargement…</p></body>
</html>`;
}
