/**
 * Administration (bundled into public/build/admin.js), for `dossiers.configure`:
 *   /admin/dossier-types          the dossier types
 *   /admin/dossier-types/<id>     one type's editor (`new` for a new type)
 */
import { h } from "../shared/dom.js";
import { t } from "../shared/i18n.js";
import { showError, startPage } from "../shared/shell.js";
import "../dossiers/dossiers.css";
import "./admin.css";
import "./texts.js";
import { dossierTypes, label } from "../dossiers/data.js";
import { typeEditor } from "./editor.js";

async function typesList(main: HTMLElement): Promise<void> {
  const types = await dossierTypes();
  main.replaceChildren(h("div", { class: "types-admin" },
    h("div", { class: "list-head" }, h("h1", {}, t("admin.types")), h("a", { href: "/admin/dossier-types/new", class: "button primary", "data-action": "new-type" }, t("admin.newType"))),
    h("div", { class: "table-host" }, h("table", { class: "dossiers", "data-testid": "types" },
      h("thead", {}, h("tr", {}, ...["name", "id", "version", "pattern", "fields", "states", "actions"].map((c) => h("th", { scope: "col" }, t(`admin.col.${c}`))))),
      h("tbody", {}, ...types.map((x) => h("tr", { "data-type": x.id },
        h("td", {}, h("a", { href: `/admin/dossier-types/${encodeURIComponent(x.id)}` }, label(x.name, x.id))),
        h("td", { class: "ref" }, x.id), h("td", {}, String(x.version ?? "—")), h("td", { class: "ref" }, x.referencePattern),
        h("td", {}, String(x.fields?.length ?? 0)), h("td", {}, (x.states ?? []).map((s) => label(s.label, s.id)).join(" → ")),
        h("td", {}, String(x.catalogue?.actions?.length ?? 0)))))))),
    h("p", { class: "muted small" }, t("admin.typesHint")));
}

try {
  const { session, main } = await startPage("admin");
  if (!session.permissions.includes("dossiers.configure")) {
    main.replaceChildren(h("p", { class: "banner error", role: "alert" }, t("admin.forbidden")));
  } else {
    const id = decodeURIComponent(location.pathname.replace(/^\/admin\/?(dossier-types\/?)?/, "").replace(/\/$/, ""));
    if (!id) await typesList(main);
    else await typeEditor(main, id === "new" ? null : id);
  }
} catch (error) {
  if (!(error instanceof Error && error.message === "not signed in")) showError(error);
}
