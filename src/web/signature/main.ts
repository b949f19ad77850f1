/**
 * The signer's page (/signature/:token): the documents shown with pdf.js (every page), the signer's
 * name, the consent text; "Signer" sends a 6-digit code by SMS, the code entered signs. Decline with
 * a reason. French by default (English when the request is in English). Works on a phone.
 */
import type * as PdfJs from "pdfjs-dist";
import "./signature.css";

type State = {
  request: { id: number; title: string; message: string | null; status: string; expiresAt: number; locale: "fr" | "en"; declinedReason: string | null };
  signer: { name: string; status: string; order: number; maskedPhone: string | null; failedAttempts: number; codeExpiresAt: number | null; codesSent: number };
  waitingFor: string[];
  signers: Array<{ name: string; order: number; status: string; signedAt: number | null }>;
  documents: Array<{ index: number; filename: string; sha256: string; url: string }>;
  linkState: string;
  consent: string;
  organisation: string;
  signedDocument: string | null;
};

const TEXTS = {
  fr: {
    title: "Signature électronique", from: "Document envoyé par", signer: "Signataire", pages: "Page {n} sur {total}", prev: "Page précédente", next: "Page suivante",
    sign: "Signer", decline: "Refuser de signer", sendCode: "Recevoir le code par SMS", resend: "Renvoyer un code", codeSent: "Un code à 6 chiffres a été envoyé au {phone}. Il est valable 10 minutes.",
    codeLabel: "Code reçu par SMS", confirm: "Valider ma signature", consentRequired: "Cochez la case pour confirmer que vous avez lu le document.",
    signed: "Vous avez signé. Merci ! Vous recevrez le document signé dès que tous les signataires auront signé.", completed: "Tous les signataires ont signé. Le document scellé est disponible :", download: "Télécharger le document signé",
    waiting: "Ce document doit d'abord être signé par : {names}. Vous recevrez un courriel lorsque ce sera votre tour.", declined: "La signature a été refusée.", expired: "Cette demande de signature a expiré.",
    canceled: "Cette demande de signature a été annulée par l'expéditeur.", gone: "Ce lien n'est plus valable.", locked: "Trop de codes erronés : la signature est bloquée. Contactez l'expéditeur pour la débloquer.",
    reason: "Motif du refus", declineConfirm: "Confirmer le refus", cancel: "Annuler", signers: "Signataires", statusSigned: "Signé", statusPending: "En attente", until: "Valable jusqu'au {date}",
    wrongCode: "Code erroné : il vous reste {n} essai(s).", wait: "Un code vient d'être envoyé : patientez {n} s avant d'en demander un autre.", codeExpired: "Ce code a expiré (10 minutes) : demandez-en un nouveau.",
    tooManyCodes: "Trop de codes ont été demandés pour cette signature : contactez l'expéditeur.", noCode: "Demandez d'abord un code avec le bouton « Signer ».", badCode: "Saisissez le code à 6 chiffres reçu par SMS.", reasonRequired: "Indiquez le motif du refus.",
    legal: "Signature électronique simple (règlement eIDAS, art. 25). Votre adresse IP, votre navigateur, l'heure et l'empreinte du document sont enregistrés comme preuve.", document: "Document {n} : {name}", loading: "Chargement…",
  },
  en: {
    title: "Electronic signature", from: "Document sent by", signer: "Signer", pages: "Page {n} of {total}", prev: "Previous page", next: "Next page",
    sign: "Sign", decline: "Decline to sign", sendCode: "Get the code by SMS", resend: "Send another code", codeSent: "A 6-digit code was sent to {phone}. It is valid for 10 minutes.",
    codeLabel: "Code received by SMS", confirm: "Confirm my signature", consentRequired: "Tick the box to confirm you have read the document.",
    signed: "You have signed. Thank you! You will receive the signed document once everyone has signed.", completed: "Everyone has signed. The sealed document is available:", download: "Download the signed document",
    waiting: "This document must first be signed by: {names}. You will get an e-mail when it is your turn.", declined: "The signature was declined.", expired: "This signature request has expired.",
    canceled: "This signature request was canceled by the sender.", gone: "This link is no longer valid.", locked: "Too many wrong codes: the signature is locked. Contact the sender to unlock it.",
    reason: "Reason for declining", declineConfirm: "Confirm", cancel: "Cancel", signers: "Signers", statusSigned: "Signed", statusPending: "Pending", until: "Valid until {date}",
    wrongCode: "Wrong code: {n} tries left.", wait: "A code was just sent: wait {n} s before asking for another one.", codeExpired: "This code has expired (10 minutes): ask for a new one.",
    tooManyCodes: "Too many codes were asked for this signature: contact the sender.", noCode: "First ask for a code with the « Sign » button.", badCode: "Enter the 6-digit code received by SMS.", reasonRequired: "Give the reason for declining.",
    legal: "Simple electronic signature (eIDAS regulation, art. 25). Your IP address, browser, the time and the document's fingerprint are recorded as evidence.", document: "Document {n}: {name}", loading: "Loading…",
  },
};
type Key = keyof (typeof TEXTS)["fr"];
let lang: "fr" | "en" = "fr";
const t = (key: Key, vars: Record<string, string | number> = {}) => TEXTS[lang][key].replace(/\{(\w+)\}/g, (_, k) => String(vars[k] ?? ""));

function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string | boolean | number> = {}, ...children: Array<Node | string | null>): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === false) continue;
    el.setAttribute(k, v === true ? "" : String(v));
  }
  for (const c of children) if (c !== null) el.append(c);
  return el;
}

const token = decodeURIComponent(location.pathname.split("/")[2] ?? "");
const base = `/signature/${encodeURIComponent(token)}`;
const csrf = document.querySelector<HTMLMetaElement>('meta[name="signature-csrf"]')?.content ?? "";
const app = document.getElementById("app")!;
const shown: string[] = [];

async function post(path: string, body: Record<string, unknown>): Promise<{ ok: boolean; status: number; body: any }> {
  const res = await fetch(base + path, { method: "POST", credentials: "omit", headers: { "content-type": "application/json", "x-signature-csrf": csrf }, body: JSON.stringify({ ...body, locale: lang }) });
  const text = await res.text();
  return { ok: res.ok, status: res.status, body: text ? JSON.parse(text) : {} };
}

let pdfjs: Promise<typeof PdfJs> | null = null;
function loadPdfJs(): Promise<typeof PdfJs> {
  const url = "/build/pdfjs.js";
  pdfjs ??= (import(/* @vite-ignore */ url) as Promise<typeof PdfJs>).then((lib) => {
    lib.GlobalWorkerOptions.workerSrc = "/build/pdfjs.worker.js";
    return lib;
  });
  return pdfjs;
}

async function sha256Hex(bytes: ArrayBuffer): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Renders every page of a document, with a sticky page navigation. */
async function showDocument(doc: State["documents"][number], host: HTMLElement) {
  host.replaceChildren(h("p", { class: "muted" }, t("loading")));
  const bytes = await (await fetch(doc.url)).arrayBuffer();
  shown[doc.index] = await sha256Hex(bytes);
  const lib = await loadPdfJs();
  const pdf = await lib.getDocument({ data: new Uint8Array(bytes), isEvalSupported: false }).promise;
  const pages = h("div", { class: "pdf-pages" });
  const label = h("span", { class: "muted", "data-testid": "page-label" }, t("pages", { n: 1, total: pdf.numPages }));
  const canvases: HTMLCanvasElement[] = [];
  let current = 0;
  const go = (n: number) => {
    current = Math.max(0, Math.min(canvases.length - 1, n));
    canvases[current]?.scrollIntoView({ behavior: "smooth", block: "start" });
    label.textContent = t("pages", { n: current + 1, total: pdf.numPages });
  };
  const prev = h("button", { type: "button", class: "secondary", "aria-label": t("prev") }, "‹");
  const next = h("button", { type: "button", class: "secondary", "aria-label": t("next") }, "›");
  prev.addEventListener("click", () => go(current - 1));
  next.addEventListener("click", () => go(current + 1));
  host.replaceChildren(h("div", { class: "pdf-nav" }, prev, label, next), pages);
  const width = Math.max(280, Math.min(host.clientWidth || 800, 820));
  for (let n = 1; n <= pdf.numPages; n++) {
    const page = await pdf.getPage(n);
    const ratio = window.devicePixelRatio || 1;
    const viewport = page.getViewport({ scale: (width / page.getViewport({ scale: 1 }).width) * ratio });
    const canvas = h("canvas", { width: Math.floor(viewport.width), height: Math.floor(viewport.height), "data-page": n, "aria-label": t("pages", { n, total: pdf.numPages }) });
    pages.append(canvas);
    canvases.push(canvas);
    await page.render({ canvasContext: canvas.getContext("2d")!, viewport }).promise;
  }
  const observer = new IntersectionObserver((entries) => {
    for (const e of entries) if (e.isIntersecting) {
      current = canvases.indexOf(e.target as HTMLCanvasElement);
      label.textContent = t("pages", { n: current + 1, total: pdf.numPages });
    }
  }, { threshold: 0.5 });
  canvases.forEach((c) => observer.observe(c));
}

/** The page's words for the server's answers (its details are in English, for the logs and the API). */
function problemText(r: { status: number; body: any }): string {
  const b = r.body ?? {};
  if (typeof b.triesLeft === "number") return t("wrongCode", { n: b.triesLeft });
  if (b.locked) return t("locked");
  if (typeof b.retryAfter === "number") return t("wait", { n: b.retryAfter });
  if (b.codeExpired) return t("codeExpired");
  if (r.status === 410) return t("gone");
  if (r.status === 429) return t("tooManyCodes");
  const detail = String(b.detail ?? "");
  if (/code sent by SMS first/.test(detail)) return t("noCode");
  if (/6-digit code/.test(detail)) return t("badCode");
  if (/reason why you decline/.test(detail)) return t("reasonRequired");
  if (/consent/.test(detail)) return t("consentRequired");
  return detail || String(r.status);
}

function message(kind: "error" | "ok", text: string) {
  return h("div", { class: `message ${kind}`, role: kind === "error" ? "alert" : "status" }, text);
}

async function render() {
  const res = await fetch(`${base}/state`, { headers: { accept: "application/json" } });
  if (res.status === 404) {
    app.replaceChildren(h("div", { class: "card" }, h("h1", {}, "Lien invalide"), h("p", {}, "Ce lien de signature n'est pas valide. Vérifiez qu'il a été copié en entier.")));
    return;
  }
  const state = (await res.json()) as State;
  lang = state.request.locale;
  document.documentElement.lang = lang;
  const until = new Intl.DateTimeFormat(lang === "en" ? "en-GB" : "fr-FR", { dateStyle: "long" }).format(new Date(state.request.expiresAt));
  const header = h("header", { class: "brand" }, h("h1", {}, state.request.title), h("span", { class: "muted" }, `${t("from")} ${state.organisation}`));
  const who = h("div", { class: "card" },
    h("p", {}, `${t("signer")} : `, h("strong", { "data-testid": "signer-name" }, state.signer.name)),
    state.request.message ? h("p", { class: "muted" }, state.request.message) : null,
    h("p", { class: "muted" }, t("until", { date: until })),
    h("h2", {}, t("signers")),
    h("ul", { class: "signers" }, ...state.signers.map((s) => h("li", {}, h("span", {}, `${s.order}. ${s.name}`), h("span", { class: `badge ${s.status === "signed" ? "signed" : ""}` }, s.status === "signed" ? t("statusSigned") : t("statusPending"))))),
  );
  const end = (text: string, kind: "error" | "ok" = "error", extra: Node | null = null) => app.replaceChildren(header, h("div", { class: "card", "data-testid": "final" }, message(kind, text), extra), who);
  const status = state.request.status;
  if (status === "expired") return end(t("expired"));
  if (status === "canceled") return end(t("canceled"));
  if (status === "declined") return end(`${t("declined")}${state.request.declinedReason ? ` (${state.request.declinedReason})` : ""}`);
  if (status === "completed" && state.signedDocument) return end(t("completed"), "ok", h("p", {}, h("a", { class: "button", href: state.signedDocument }, t("download"))));
  if (state.signer.status === "signed") return end(t("signed"), "ok");
  if (state.linkState !== "active") return end(t("gone"));
  if (state.signer.status === "locked") return end(t("locked"));
  if (state.signer.status === "waiting") return end(t("waiting", { names: state.waitingFor.join(", ") }), "ok");

  const docsHost = h("div", {});
  for (const doc of state.documents) {
    const host = h("div", { class: "pdf" });
    docsHost.append(h("div", { class: "card" }, h("h2", {}, t("document", { n: doc.index + 1, name: doc.filename })), host));
    void showDocument(doc, host);
  }
  const feedback = h("div", {});
  const consent = h("input", { type: "checkbox", id: "consent", "data-testid": "consent" });
  const signButton = h("button", { type: "button", "data-testid": "sign" }, t("sign"));
  const declineButton = h("button", { type: "button", class: "danger", "data-testid": "decline" }, t("decline"));
  const codeArea = h("div", {});
  const panel = h("div", { class: "card" },
    h("label", { class: "consent", for: "consent" }, consent, h("span", { "data-testid": "consent-text" }, state.consent)),
    h("div", { class: "actions" }, signButton, declineButton), codeArea, feedback, h("p", { class: "muted" }, t("legal")));
  app.replaceChildren(header, docsHost, who, panel);

  const askCode = async () => {
    feedback.replaceChildren();
    if (!consent.checked) return void feedback.replaceChildren(message("error", t("consentRequired")));
    const r = await post("/code", {});
    if (!r.ok) return void feedback.replaceChildren(message("error", problemText(r)));
    showCodeForm(r.body.maskedPhone);
  };
  const showCodeForm = (phone: string) => {
    const input = h("input", { class: "code", inputmode: "numeric", autocomplete: "one-time-code", maxlength: 6, pattern: "[0-9]{6}", id: "code", "data-testid": "code" });
    const confirm = h("button", { type: "button", "data-testid": "confirm" }, t("confirm"));
    const resend = h("button", { type: "button", class: "secondary", "data-testid": "resend" }, t("resend"));
    codeArea.replaceChildren(message("ok", t("codeSent", { phone })), h("label", { for: "code" }, t("codeLabel")), h("div", {}, input), h("div", { class: "actions" }, confirm, resend));
    signButton.disabled = true;
    input.focus();
    resend.addEventListener("click", () => void askCode());
    confirm.addEventListener("click", async () => {
      confirm.disabled = true;
      const r = await post("/sign", { code: input.value.trim(), consent: consent.checked, localTime: new Date().toString(), timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone, documentSha256: shown });
      confirm.disabled = false;
      if (r.ok) return void render();
      feedback.replaceChildren(message("error", problemText(r)));
      if (r.body.locked || r.status === 410 || r.status === 409) setTimeout(() => void render(), 1500);
    });
  };
  signButton.addEventListener("click", () => void askCode());
  declineButton.addEventListener("click", () => {
    const reason = h("textarea", { id: "reason", "data-testid": "reason" });
    const ok = h("button", { type: "button", class: "danger", "data-testid": "decline-confirm" }, t("declineConfirm"));
    const cancel = h("button", { type: "button", class: "secondary" }, t("cancel"));
    codeArea.replaceChildren(h("label", { for: "reason" }, t("reason")), reason, h("div", { class: "actions" }, ok, cancel));
    cancel.addEventListener("click", () => codeArea.replaceChildren());
    ok.addEventListener("click", async () => {
      const r = await post("/decline", { reason: reason.value });
      if (r.ok) return void render();
      feedback.replaceChildren(message("error", problemText(r)));
    });
  });
}

void render();
