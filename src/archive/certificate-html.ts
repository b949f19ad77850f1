/** The destruction certificate (HTML printed to PDF by the templates module's locked-down Chromium). French, as the organisation files it. */
import type { DisposalRow } from "./disposal.js";
import type { RecordRow } from "./records.js";

const esc = (s: unknown) => String(s ?? "").replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
const when = (ms: number | null) => (ms === null ? "—" : new Date(ms).toISOString().replace("T", " ").slice(0, 16) + " UTC");

export function certificateHtml(input: { disposal: DisposalRow; records: Array<RecordRow & { reference: string; dossier_title: string }>; at: number; organisation: string }): string {
  const { disposal: d, records } = input;
  const rows = records
    .map((r) => `<li><b>Enregistrement ${r.id}</b> · dossier ${esc(r.reference)} · ${esc(r.kind === "dossier" ? "métadonnées et journal du dossier" : r.filename)}${r.document_type ? ` (${esc(r.document_type)})` : ""} · conservé jusqu'au ${esc(r.retain_until)}<br><span class="h">SHA-256 ${esc(r.sha256)}</span></li>`)
    .join("");
  return `<!doctype html><html lang="fr"><head><meta charset="utf-8"><style>
body{font-family:"DejaVu Sans",Arial,sans-serif;font-size:10pt;color:#111;margin:24px}
h1{font-size:17pt;margin:0 0 4px}h2{font-size:12pt;margin:18px 0 6px}
table{border-collapse:collapse;width:100%}td,th{border:1px solid #999;padding:4px;vertical-align:top;text-align:left}
th{background:#eee}.h{font-family:"DejaVu Sans Mono",monospace;font-size:8pt}li{margin-bottom:6px}
.box{border:1px solid #333;padding:8px;margin-top:12px}
</style></head><body>
<h1>Certificat de destruction n° ${d.id}</h1>
<p>${esc(input.organisation)} — établi le ${when(input.at)}</p>
<p>Les enregistrements ci-dessous ont atteint leur date de fin de conservation, n'étaient soumis à aucun gel juridique et ont été détruits après revue et approbation. Seules leurs métadonnées et leurs empreintes SHA-256 sont conservées (pierre tombale).</p>
<h2>Approbations</h2>
<table><tr><th>Étape</th><th>Par</th><th>Le</th><th>Commentaire</th></tr>
<tr><td>Demande</td><td>${esc(d.created_by)}</td><td>${when(d.created_at)}</td><td></td></tr>
<tr><td>Revue de l'archiviste</td><td>${esc(d.reviewed_by)}</td><td>${when(d.reviewed_at)}</td><td>${esc(d.review_comment)}</td></tr>
<tr><td>Approbation du responsable</td><td>${esc(d.approved_by)}</td><td>${when(d.approved_at)}</td><td>${esc(d.approval_comment)}</td></tr></table>
<h2>Enregistrements détruits (${records.length})</h2>
<ul>${rows}</ul>
<div class="box">Effacement des données des tiers : ${d.erase_parties ? "demandé (tiers sans autre enregistrement conservé)" : "non demandé"}.</div>
</body></html>`;
}
