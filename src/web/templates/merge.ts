/** Mail merge: a letter template, a list of dossiers (references or a list filter) → one letter per dossier and one PDF to print. */
import { api, type Session } from "../shared/api.js";
import { h } from "../shared/dom.js";
import { t } from "../shared/i18n.js";

interface MergeResult { items: Array<{ reference: string; documentId: number; fileName: string; version: number }>; combined: { pages: number; url: string } }

export async function mergePage(session: Session, root: HTMLElement): Promise<void> {
  if (!session.permissions.includes("dossiers.write")) {
    root.append(h("p", { class: "banner info" }, t("tpl.merge.noRight")));
    return;
  }
  const template = h("select", { name: "template" });
  let names = ["letters/courrier-simple"];
  if (session.permissions.includes("templates.manage")) {
    names = (await api<{ items: Array<{ name: string; kind: string }> }>("GET", "/api/templates")).items.filter((i) => i.kind === "template" && /^(letters|contracts)\//.test(i.name)).map((i) => i.name);
  }
  template.replaceChildren(...names.map((n) => h("option", { value: n, selected: n === "letters/courrier-simple" }, n)));
  const references = h("textarea", { name: "references", rows: 6, cols: 30, placeholder: "CLI-2026-00001" });
  const query = h("input", { name: "query", placeholder: t("tpl.merge.query.placeholder"), size: 40 });
  const objet = h("input", { name: "objet", size: 50 });
  const corps = h("textarea", { name: "corps", rows: 6, cols: 60 });
  const documentType = h("input", { name: "documentType", value: "courrier", size: 16 });
  const status = h("div", { role: "status", "aria-live": "polite" });
  const run = h("button", { type: "submit", class: "primary" }, t("tpl.merge.run"));
  const form = h("form", { class: "tpl-merge", onsubmit: async (e: Event) => {
    e.preventDefault();
    const refs = references.value.split(/[\s,;]+/).map((r) => r.trim()).filter(Boolean);
    run.disabled = true;
    status.replaceChildren(h("p", { class: "muted" }, t("tpl.merge.running")));
    try {
      const result = await api<MergeResult>("POST", "/api/templates/merges", {
        template: template.value, ...(refs.length ? { references: refs } : { query: query.value }),
        variables: { ...(objet.value ? { objet: objet.value } : {}), ...(corps.value ? { corps: corps.value } : {}) },
        ...(documentType.value.trim() ? { documentType: documentType.value.trim() } : {}),
      });
      status.replaceChildren(
        h("div", { class: "banner info", "data-testid": "merge-done" }, t("tpl.merge.done", { count: result.items.length, pages: result.combined.pages }), " ",
          h("a", { href: result.combined.url, download: "publipostage.pdf", "data-testid": "merge-download" }, t("tpl.merge.download"))),
        h("table", {}, h("thead", {}, h("tr", {}, h("th", {}, t("tpl.merge.col.reference")), h("th", {}, t("tpl.merge.col.file")), h("th", {}, t("tpl.merge.col.version")))),
          h("tbody", {}, ...result.items.map((i) => h("tr", {}, h("td", {}, h("a", { href: `/dossiers/${encodeURIComponent(i.reference)}` }, i.reference)), h("td", {}, i.fileName), h("td", {}, String(i.version)))))));
    } catch (error) {
      status.replaceChildren(h("div", { class: "banner error", role: "alert" }, error instanceof Error ? error.message : String(error)));
    } finally {
      run.disabled = false;
    }
  } },
  h("h2", {}, t("tpl.merge.title")),
  h("label", {}, h("span", {}, t("tpl.merge.template")), template),
  h("label", {}, h("span", {}, t("tpl.merge.references")), references),
  h("label", {}, h("span", {}, t("tpl.merge.query")), query),
  h("label", {}, h("span", {}, t("tpl.merge.objet")), objet),
  h("label", {}, h("span", {}, t("tpl.merge.corps")), corps),
  h("label", {}, h("span", {}, t("tpl.merge.documentType")), documentType),
  run, status);
  root.append(form);
}
