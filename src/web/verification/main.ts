/**
 * The public verification page (/verification): a PDF chosen (never uploaded anywhere but here)
 * is checked against the registry of documents sealed by this installation and its seal verified.
 */
import "../signature/signature.css";


const T = {
  title: "Vérifier un document signé",
  intro: "Déposez un PDF signé par notre service de signature électronique : nous vérifions qu'il a été scellé par cette installation et qu'il n'a pas été modifié depuis. Le fichier n'est pas conservé.",
  choose: "Choisir un PDF", checking: "Vérification…",
  authentic: "Document authentique : scellé par cette installation et non modifié.",
  altered: "Attention : ce document a été MODIFIÉ après son scellement (ou son sceau est invalide).",
  unknown: "Ce document n'a pas été scellé par cette installation.",
  sha: "Empreinte SHA-256", request: "Demande de signature", dossier: "Dossier", sealedAt: "Scellé le", signer: "Certificat du sceau", seal: "Sceau", tooLarge: "Fichier trop volumineux (maximum {max} Mo).",
};

const max = Number(document.querySelector<HTMLMetaElement>('meta[name="verification-max-bytes"]')?.content ?? 20971520);
const app = document.getElementById("app")!;
const el = (tag: string, attrs: Record<string, string> = {}, ...kids: Array<Node | string>) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  e.append(...kids);
  return e;
};
const input = el("input", { type: "file", accept: "application/pdf,.pdf", id: "file", "data-testid": "file" }) as HTMLInputElement;
const result = el("div", { "data-testid": "result", "aria-live": "polite" });
app.replaceChildren(el("header", { class: "brand" }, el("h1", {}, T.title)), el("div", { class: "card" }, el("p", {}, T.intro), el("label", { class: "drop", for: "file" }, T.choose, el("br"), input)), result);
input.addEventListener("change", async () => {
  const file = input.files?.[0];
  if (!file) return;
  if (file.size > max) return void result.replaceChildren(el("div", { class: "card message error" }, T.tooLarge.replace("{max}", String(Math.round(max / 1048576)))));
  result.replaceChildren(el("div", { class: "card muted" }, T.checking));
  const res = await fetch("/verification", { method: "POST", credentials: "omit", headers: { "content-type": "application/pdf" }, body: file });
  const body = await res.json();
  if (!res.ok) return void result.replaceChildren(el("div", { class: "card message error" }, body.detail ?? String(res.status)));
  const facts = el("dl", { class: "facts" }, el("dt", {}, T.sha), el("dd", {}, body.sha256));
  if (body.registered) {
    facts.append(el("dt", {}, T.request), el("dd", {}, `n° ${body.registered.requestId} — ${body.registered.title ?? ""} (${body.registered.kind === "evidence" ? "fichier de preuve" : "document signé"})`));
    facts.append(el("dt", {}, T.sealedAt), el("dd", {}, new Date(body.registered.sealedAt).toLocaleString("fr-FR")));
  }
  if (body.seal.signed) facts.append(el("dt", {}, T.signer), el("dd", {}, body.seal.signer ?? "—"), el("dt", {}, T.seal), el("dd", {}, body.seal.intact ? "signature PKCS#7 valide" : `invalide : ${body.seal.problem}`));
  result.replaceChildren(el("div", { class: "card" }, el("p", { class: `verdict ${body.verdict}`, "data-testid": "verdict" }, T[body.verdict as "authentic" | "altered" | "unknown"]), facts));
});
