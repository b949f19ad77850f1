/**
 * The dossier's fields: read as a list, edited in a form generated from the type. Only the changed
 * fields are sent, with the version the form was based on. A 400 puts each problem next to its
 * field; a 409 (someone else changed the dossier) keeps the user's input and offers to reload the
 * dossier and reapply the user's changes on top of it.
 */
import { h } from "../shared/dom.js";
import { t } from "../shared/i18n.js";
import { getDossier, isConflict, label, patchDossier, problemsOf, type Dossier, type FieldDef, type TypeDefinition } from "./data.js";
import { fieldInput, formatValue, readField, showProblems } from "./fields.js";
import { errorText, section, toast } from "./widgets.js";

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

export class FieldsSection {
  readonly element = h("div", {});
  private dossier!: Dossier;
  private type!: TypeDefinition;
  private editing = false;

  constructor(private readonly reference: string, private readonly canWrite: boolean, private readonly updated: (d: Dossier) => void) {}

  render(d: Dossier, type: TypeDefinition): void {
    this.dossier = d;
    this.type = type;
    if (this.editing) return; // a reload never throws away what the user is typing
    const editable = type.fields.filter((f) => f.type !== "document");
    this.element.replaceChildren(section("fields", t("dossiers.fields"),
      h("dl", { class: "facts fields", "data-testid": "fields" }, ...editable.flatMap((f) => [
        h("dt", {}, label(f.label, f.id)), h("dd", { "data-field": f.id }, formatValue(f, d.data?.[f.id]))])),
      this.canWrite ? h("button", { type: "button", "data-action": "edit", onclick: () => this.edit() }, t("dossiers.fields.edit")) : null));
  }

  private edit(overlay: Record<string, unknown> = {}, titleOverlay?: string, conflictVersion?: number): void {
    this.editing = true;
    const d = this.dossier;
    const base = { data: { ...d.data }, title: d.title, version: d.version };
    const fields = this.type.fields.filter((f) => f.type !== "document");
    const required = (f: FieldDef) => f.required === true || (f.requiredInStates ?? []).includes(d.state);
    const values = { ...d.data, ...overlay };
    const title = h("input", { id: "f-title", name: "title", required: true, value: titleOverlay ?? d.title });
    const message = h("div", { class: "form-message", role: "alert" });
    const save = h("button", { type: "submit", class: "primary", "data-action": "save" }, t("common.save"));
    const form: HTMLFormElement = h("form", { class: "edit-fields", novalidate: true, "data-testid": "edit-form", onsubmit: (e: Event) => { e.preventDefault(); void send(); } },
      h("div", { class: "field", "data-field": "title" }, h("label", { for: "f-title" }, t("dossiers.new.title")), title, h("p", { class: "field-problem", id: "f-title-problem", hidden: true })),
      ...fields.map((f) => fieldInput(f, values[f.id], required(f))),
      message,
      h("div", { class: "form-actions" },
        h("button", { type: "button", onclick: () => { this.editing = false; this.render(this.dossier, this.type); } }, t("common.cancel")), save));
    if (conflictVersion !== undefined) message.replaceChildren(h("p", { class: "banner info" }, t("dossiers.conflict.reapplied", { version: conflictVersion })));
    form.addEventListener("keydown", (e: KeyboardEvent) => {
      if (e.key === "Escape") { this.editing = false; this.render(this.dossier, this.type); this.element.querySelector<HTMLElement>("[data-action=edit]")?.focus(); }
    });

    /** What the user changed, relative to the version the form started from. */
    const changes = () => {
      const data: Record<string, unknown> = {};
      for (const f of fields) {
        let v = readField(form, f);
        if (v === undefined) v = null;
        if (Array.isArray(v) && v.length === 0 && !base.data[f.id]) v = null;
        if (f.type === "boolean" && v === false && base.data[f.id] === undefined) v = null; // an untouched box is no answer
        if (!same(v, base.data[f.id] ?? null)) data[f.id] = v;
      }
      const newTitle = title.value.trim();
      return { data, title: newTitle !== base.title ? newTitle : undefined };
    };

    const send = async () => {
      const { data, title: newTitle } = changes();
      if (!Object.keys(data).length && newTitle === undefined) { this.editing = false; this.render(this.dossier, this.type); return; }
      save.disabled = true;
      message.replaceChildren();
      showProblems(form, []);
      try {
        const next = await patchDossier(this.reference, base.version, { ...(Object.keys(data).length ? { data } : {}), ...(newTitle !== undefined ? { title: newTitle } : {}) });
        this.editing = false;
        toast(t("dossiers.fields.saved"));
        this.updated(next.reference ? next : await getDossier(this.reference));
      } catch (e) {
        save.disabled = false;
        if (isConflict(e)) return conflict(data, newTitle);
        const problems = problemsOf(e);
        const rest = problems.length ? showProblems(form, problems) : [errorText(e)];
        if (rest.length) message.replaceChildren(h("div", { class: "banner error" }, h("ul", {}, ...rest.map((r) => h("li", {}, r)))));
      }
    };

    const conflict = async (data: Record<string, unknown>, newTitle: string | undefined) => {
      let latest: Dossier | null = null;
      try { latest = await getDossier(this.reference); } catch { /* shown below without the version */ }
      const version = latest?.version ?? "?";
      message.replaceChildren(h("div", { class: "banner error conflict", "data-testid": "conflict" },
        h("p", {}, t("dossiers.conflict", { version })),
        h("div", { class: "row" },
          h("button", { type: "button", class: "primary", "data-action": "reapply", onclick: () => {
            if (!latest) return;
            this.dossier = latest;
            this.updated(latest);
            this.edit(data, newTitle, latest.version);
          } }, t("dossiers.conflict.reapply")),
          h("button", { type: "button", "data-action": "discard", onclick: () => {
            this.editing = false;
            if (latest) this.updated(latest); else this.render(this.dossier, this.type);
          } }, t("dossiers.conflict.discard")))));
      message.querySelector<HTMLElement>("[data-action=reapply]")?.focus();
    };

    this.element.replaceChildren(section("fields", t("dossiers.fields.editing"), form));
    title.focus();
  }
}
