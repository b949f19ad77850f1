/** The outsider pages' frame: a slim top bar (brand, language, and for a signed-in visitor their links). */
import { h } from "../shared/dom.js";
import { formatDate, lang, setLang, t } from "../shared/i18n.js";
import { call } from "./client.js";

export function frame(signedIn: boolean, title: string): HTMLElement {
  document.documentElement.lang = lang();
  document.title = title;
  const main = h("main", { class: "portal-main" });
  const bar = h("header", { class: "portal-bar" },
    h("a", { class: "portal-brand", href: signedIn ? "/portail" : location.pathname }, t("portal.brand")),
    h("nav", {},
      signedIn ? h("a", { href: "/portail" }, t("portal.home")) : null,
      signedIn ? h("a", { href: "/portail/profil" }, t("portal.profile")) : null,
      h("button", { type: "button", class: "link", "data-action": "lang", onclick: () => { setLang(lang() === "fr" ? "en" : "fr"); location.reload(); } }, t("portal.lang")),
      signedIn ? h("button", { type: "button", class: "link", onclick: async () => { await call("POST", "/portail/api/signout"); location.assign("/portail/connexion"); } }, t("portal.signout")) : null,
    ),
  );
  document.body.replaceChildren(bar, main);
  return main;
}

export function problem(main: HTMLElement, error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  main.querySelector(".portal-error")?.remove();
  main.prepend(h("p", { class: "portal-error", role: "alert" }, t("portal.error", { message })));
}

export function section(title: string, ...children: Array<Node | null>): HTMLElement {
  return h("section", { class: "portal-card" }, h("h2", {}, title), ...children);
}

export const when = (ms: number | string | null | undefined) => formatDate(ms ?? null);
