/**
 * The frame every page shares: sign-in check, top bar with the three areas the user may open,
 * language switch and sign-out. Pages call `startPage()` and fill the returned main element.
 */
import { api, currentSession, type Session } from "./api.js";
import { h } from "./dom.js";
import { lang, setLang, t } from "./i18n.js";
import { searchBox } from "./search.js";
import "./styles.css";

export type Area = "inbox" | "dossiers" | "mail" | "receivables" | "dashboards" | "archive" | "designer" | "templates" | "portal-admin" | "operate" | "admin";

const AREAS: Array<{ area: Area; path: string; permission: string }> = [
  { area: "inbox", path: "/inbox", permission: "tasks.read" },
  { area: "dossiers", path: "/dossiers", permission: "dossiers.read" },
  { area: "mail", path: "/mail", permission: "mail.read" },
  { area: "receivables", path: "/receivables", permission: "invoices.read" },
  { area: "dashboards", path: "/dashboards", permission: "dossiers.read" },
  { area: "archive", path: "/archive", permission: "archive.read" },
  { area: "designer", path: "/designer", permission: "definitions.deploy" },
  { area: "templates", path: "/templates", permission: "templates.manage" },
  { area: "portal-admin", path: "/portal-admin", permission: "portal.manage" },
  { area: "operate", path: "/operate", permission: "instances.read" },
  { area: "admin", path: "/admin/dossier-types", permission: "dossiers.configure" },
];

export async function startPage(area: Area): Promise<{ session: Session; main: HTMLElement }> {
  document.documentElement.lang = lang();
  const session = await currentSession();
  if (!session) {
    location.assign(`/login?next=${encodeURIComponent(location.pathname + location.search)}`);
    throw new Error("not signed in");
  }
  const nav = h("nav", { class: "areas", "aria-label": "Dossier" },
    ...AREAS.filter((a) => session.permissions.includes(a.permission)).map((a) =>
      h("a", { href: a.path, class: a.area === area ? "active" : "", "aria-current": a.area === area ? "page" : null }, t(`nav.${a.area}`))),
  );
  const header = h("header", { class: "topbar" },
    h("a", { class: "brand", href: "/" }, t("app.name")),
    nav,
    session.permissions.includes("dossiers.read") ? searchBox() : null,
    h("span", { class: "user", "data-testid": "user" }, session.displayName ?? session.username),
    h("button", { class: "link", type: "button", onclick: () => { setLang(lang() === "fr" ? "en" : "fr"); location.reload(); } }, t("nav.language")),
    h("button", { class: "link", type: "button", onclick: async () => { await api("POST", "/auth/logout"); location.assign("/login"); } }, t("nav.logout")),
  );
  const main = h("main", { id: "main", class: `area-${area}` });
  document.body.replaceChildren(header, main);
  document.title = `${t(`nav.${area}`)} · ${t("app.name")}`;
  return { session, main };
}

/** Shows an error in a dismissible banner at the top of the page. */
export function showError(error: unknown): void {
  const message = error instanceof Error ? error.message : String(error);
  const banner = h("div", { class: "banner error", role: "alert" }, message,
    h("button", { class: "link", type: "button", onclick: () => banner.remove() }, t("common.close")));
  document.querySelector("main")?.prepend(banner);
}
