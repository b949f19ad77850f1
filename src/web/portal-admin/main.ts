/**
 * /portal-admin: publishing public pages (portal.manage). A page binds a deployed form-js form to a
 * dossier type, with the party mapping (which form fields hold the person's e-mail, names and
 * phone), dossier fields filled from the form or fixed, a title pattern and the confirmation text.
 */
import "../dossiers/dossiers.css";
import "./portal-admin.css";
import { api, ApiProblem } from "../shared/api.js";
import { h } from "../shared/dom.js";
import { lang, register, t } from "../shared/i18n.js";
import { showError, startPage } from "../shared/shell.js";

register({
  fr: {
    "pa.title": "Pages publiques", "pa.intro": "Publiez un formulaire à l'adresse /p/<slug> : chaque envoi ouvre un dossier du type choisi, avec la personne, ses fichiers et le processus d'ouverture.",
    "pa.slug": "Adresse (slug)", "pa.pageTitle": "Titre (français)", "pa.pageTitleEn": "Titre (anglais)", "pa.pageIntro": "Introduction", "pa.form": "Formulaire déployé", "pa.type": "Type de dossier",
    "pa.email": "Champ e-mail", "pa.firstName": "Champ prénom", "pa.lastName": "Champ nom", "pa.phone": "Champ téléphone", "pa.role": "Rôle de la personne",
    "pa.data": "Champs du dossier remplis par le formulaire (JSON : champ du dossier → champ du formulaire)", "pa.fixed": "Valeurs fixes (JSON : champ du dossier → valeur)",
    "pa.dossierTitle": "Titre du dossier ({champ} remplacé)", "pa.confirmation": "Message de confirmation", "pa.published": "Publiée", "pa.save": "Publier", "pa.delete": "Supprimer",
    "pa.new": "Nouvelle page", "pa.saved": "Page enregistrée.", "pa.open": "Ouvrir", "pa.none": "Aucune page publiée.", "pa.edit": "Modifier", "pa.badJson": "JSON invalide dans « {field} »",
  },
  en: {
    "pa.title": "Public pages", "pa.intro": "Publish a form at /p/<slug>: each submission opens a dossier of the chosen type, with the person, their files and the opening process.",
    "pa.slug": "Address (slug)", "pa.pageTitle": "Title (French)", "pa.pageTitleEn": "Title (English)", "pa.pageIntro": "Introduction", "pa.form": "Deployed form", "pa.type": "Dossier type",
    "pa.email": "E-mail field", "pa.firstName": "First name field", "pa.lastName": "Last name field", "pa.phone": "Phone field", "pa.role": "The person's role",
    "pa.data": "Dossier fields filled from the form (JSON: dossier field → form field)", "pa.fixed": "Fixed values (JSON: dossier field → value)",
    "pa.dossierTitle": "Dossier title ({field} replaced)", "pa.confirmation": "Confirmation message", "pa.published": "Published", "pa.save": "Publish", "pa.delete": "Delete",
    "pa.new": "New page", "pa.saved": "Page saved.", "pa.open": "Open", "pa.none": "No page published.", "pa.edit": "Edit", "pa.badJson": "Invalid JSON in “{field}”",
  },
});

interface Page { slug: string; title: { fr: string; en: string }; intro: { fr: string } | null; formId: string; dossierType: string; mapping: Record<string, any>; confirmation: { fr: string } | null; published: boolean; url: string }
interface Sources { forms: Array<{ formId: string }>; dossierTypes: Array<{ id: string; name: { fr: string; en: string }; roles: Array<{ id: string }> }> }

const { main } = await startPage("portal-admin");
document.title = `${t("pa.title")} · ${t("app.name")}`;
const list = h("ul", { class: "items", "data-testid": "pages" });
const editor = h("form", { class: "card", "data-testid": "page-editor" });
main.append(h("div", { class: "card" }, h("h1", {}, t("pa.title")), h("p", { class: "muted" }, t("pa.intro")), list,
  h("button", { type: "button", onclick: () => edit(null) }, t("pa.new"))), editor);

let sources: Sources = { forms: [], dossierTypes: [] };

async function load(): Promise<void> {
  const [{ items }, s] = await Promise.all([api<{ items: Page[] }>("GET", "/api/portal/pages"), api<Sources>("GET", "/api/portal/sources")]);
  sources = s;
  list.replaceChildren(...(items.length ? items.map((p) => h("li", { "data-slug": p.slug },
    h("strong", {}, p.title[lang()] || p.title.fr), " ", h("span", { class: "muted" }, `/p/${p.slug} · ${p.dossierType} · ${p.formId}`), " ",
    h("span", { class: "badge" }, p.published ? t("pa.published") : "—"), " ",
    h("a", { href: `/p/${p.slug}`, target: "_blank", rel: "noopener" }, t("pa.open")), " ",
    h("button", { type: "button", class: "small", onclick: () => edit(p) }, t("pa.edit")))) : [h("li", { class: "muted" }, t("pa.none"))]));
}

function edit(p: Page | null): void {
  const input = (name: string, label: string, value = "", attrs: Record<string, string> = {}) => h("label", {}, label, h("input", { name, value, ...attrs }));
  const select = (name: string, label: string, options: string[], value: string) => h("label", {}, label, h("select", { name }, ...options.map((o) => h("option", { value: o, selected: o === value }, o))));
  const area = (name: string, label: string, value: string) => h("label", {}, label, h("textarea", { name, rows: "3" }, value));
  const m = p?.mapping ?? { email: "email", firstName: "firstName", lastName: "lastName", phone: "phone" };
  editor.replaceChildren(h("h2", {}, p ? `/p/${p.slug}` : t("pa.new")),
    input("slug", t("pa.slug"), p?.slug ?? "", p ? { readonly: "true" } : { pattern: "[a-z0-9-]+", required: "true" }),
    input("titleFr", t("pa.pageTitle"), p?.title.fr ?? "", { required: "true" }), input("titleEn", t("pa.pageTitleEn"), p?.title.en ?? ""),
    area("intro", t("pa.pageIntro"), p?.intro?.fr ?? ""),
    select("formId", t("pa.form"), sources.forms.map((f) => f.formId), p?.formId ?? ""),
    select("dossierType", t("pa.type"), sources.dossierTypes.map((d) => d.id), p?.dossierType ?? ""),
    input("email", t("pa.email"), m["email"] ?? ""), input("firstName", t("pa.firstName"), m["firstName"] ?? ""), input("lastName", t("pa.lastName"), m["lastName"] ?? m["name"] ?? ""),
    input("phone", t("pa.phone"), m["phone"] ?? ""), input("role", t("pa.role"), m["role"] ?? ""),
    area("data", t("pa.data"), JSON.stringify(m["data"] ?? {}, null, 1)), area("fixed", t("pa.fixed"), JSON.stringify(m["fixed"] ?? {}, null, 1)),
    input("dossierTitle", t("pa.dossierTitle"), m["title"] ?? ""), area("confirmation", t("pa.confirmation"), p?.confirmation?.fr ?? ""),
    h("label", {}, h("input", { type: "checkbox", name: "published", checked: p?.published ?? true }), ` ${t("pa.published")}`),
    h("button", { type: "submit", class: "primary" }, t("pa.save")),
    ...(p ? [h("button", { type: "button", class: "danger", onclick: async () => { await api("DELETE", `/api/portal/pages/${p.slug}`); editor.replaceChildren(); await load(); } }, t("pa.delete"))] : []));
  editor.onsubmit = async (event: Event) => {
    event.preventDefault();
    const v = (n: string) => (editor.querySelector(`[name=${n}]`) as HTMLInputElement).value.trim();
    const json = (n: string) => {
      try {
        return JSON.parse(v(n) || "{}");
      } catch {
        throw new Error(t("pa.badJson", { field: n }));
      }
    };
    try {
      const mapping: Record<string, unknown> = { email: v("email"), data: json("data"), fixed: json("fixed") };
      for (const k of ["firstName", "lastName", "phone", "role"]) if (v(k)) mapping[k] = v(k);
      if (v("dossierTitle")) mapping["title"] = v("dossierTitle");
      const body = {
        title: { fr: v("titleFr"), en: v("titleEn") || v("titleFr") }, intro: v("intro") ? { fr: v("intro"), en: v("intro") } : null,
        formId: v("formId"), dossierType: v("dossierType"), mapping, confirmation: v("confirmation") ? { fr: v("confirmation"), en: v("confirmation") } : null,
        published: (editor.querySelector("[name=published]") as HTMLInputElement).checked,
      };
      await api("PUT", `/api/portal/pages/${encodeURIComponent(v("slug"))}`, body);
      editor.prepend(h("p", { class: "muted", role: "status" }, t("pa.saved")));
      await load();
    } catch (error) {
      showError(error instanceof ApiProblem && error.problems.length ? new Error(`${error.detail}`) : error);
    }
  };
}

try {
  await load();
} catch (error) {
  showError(error);
}
