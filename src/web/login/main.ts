/** The sign-in page: username and password, then back to where the user wanted to go. */
import { api, ApiProblem } from "../shared/api.js";
import { h } from "../shared/dom.js";
import { lang, setLang, t } from "../shared/i18n.js";
import "../shared/styles.css";

/**
 * Where to go after signing in: `next` only when it stays on this site. It is resolved as the
 * browser would (`/\evil.example` means `//evil.example`, another site) and only its path is kept.
 */
function sameSiteTarget(next: string | null): string | undefined {
  if (!next) return undefined;
  try {
    const url = new URL(next, location.origin);
    return url.origin === location.origin ? url.pathname + url.search + url.hash : undefined;
  } catch {
    return undefined;
  }
}

/** The first area the user may open: agents to their tasks, designers to the modeler, auditors to operate. */
function homeOf(permissions: string[]): string {
  if (permissions.includes("tasks.read")) return "/inbox";
  if (permissions.includes("definitions.deploy")) return "/designer";
  if (permissions.includes("instances.read")) return "/operate";
  return "/inbox";
}

document.documentElement.lang = lang();
document.title = `${t("login.title")} · ${t("app.name")}`;
const error = h("p", { class: "banner error", role: "alert", hidden: true });
const username = h("input", { name: "username", autocomplete: "username", required: true, autofocus: true });
const password = h("input", { name: "password", type: "password", autocomplete: "current-password", required: true });
const form = h("form", { class: "login", onsubmit: async (event: Event) => {
  event.preventDefault();
  error.hidden = true;
  try {
    const session = await api<{ permissions: string[] }>("POST", "/auth/login", { username: username.value, password: password.value });
    location.assign(sameSiteTarget(new URLSearchParams(location.search).get("next")) ?? homeOf(session.permissions));
  } catch (e) {
    error.textContent = e instanceof ApiProblem && (e.status === 401 || e.status === 400) ? t("login.failed") : (e as Error).message;
    error.hidden = false;
  }
} },
  h("h1", {}, t("login.title")), error,
  h("label", {}, t("login.username"), h("br"), username),
  h("label", {}, t("login.password"), h("br"), password),
  h("button", { class: "primary", type: "submit" }, t("login.submit")),
  h("button", { class: "link", type: "button", onclick: () => { setLang(lang() === "fr" ? "en" : "fr"); location.reload(); } }, t("nav.language")),
);
document.body.replaceChildren(form);
