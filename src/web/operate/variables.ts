/**
 * The variables of an instance with their scope (the instance, or the element instance that
 * holds them), editable as JSON by those who may work a case. While a value is being edited the
 * panel is not redrawn by the refresh, so typing is never lost.
 */
import { h } from "../shared/dom.js";
import { t } from "../shared/i18n.js";
import { act, type InstanceContext } from "./context.js";
import { getVariable, setVariable, type Variable } from "./data.js";

function parseJson(text: string): { ok: true; value: unknown } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
}

export class VariablesPanel {
  readonly element = h("div", { class: "op-variables" });
  private editing = false;
  private ctx: InstanceContext | undefined;

  update(ctx: InstanceContext): void {
    this.ctx = ctx;
    if (!this.editing) this.render();
  }

  private scopeName(v: Variable): string {
    const ctx = this.ctx!;
    if (v.scopeKey === ctx.key) return t("op.vars.processScope");
    const element = ctx.data.elements.find((e) => e.elementInstanceKey === v.scopeKey);
    return element ? element.elementName : v.scopeKey;
  }

  private render(): void {
    const ctx = this.ctx!;
    const editable = ctx.canWork && ctx.data.instance.state === "ACTIVE";
    const variables = [...ctx.data.variables].sort((a, b) =>
      Number(b.scopeKey === ctx.key) - Number(a.scopeKey === ctx.key) || a.scopeKey.localeCompare(b.scopeKey) || a.name.localeCompare(b.name));
    const rows = variables.map((v) => {
      const edit = editable ? h("button", { type: "button", class: "link", "data-action": "edit", "aria-label": `${t("op.vars.edit")} ${v.name}` }, t("op.vars.edit")) : null;
      const row = h("tr", { "data-variable": v.name, "data-scope": v.scopeKey },
        h("td", { class: "mono" }, v.name),
        h("td", { class: "mono value", title: v.value }, v.isTruncated ? `${v.value}…` : v.value),
        h("td", {}, this.scopeName(v)),
        h("td", {}, edit));
      edit?.addEventListener("click", () => void this.edit(row, v));
      return row;
    });
    const table = variables.length === 0 ? h("p", { class: "muted" }, t("op.vars.none"))
      : h("table", { class: "op-table" },
        h("thead", {}, h("tr", {}, h("th", {}, t("op.col.name")), h("th", {}, t("op.col.value")), h("th", {}, t("op.col.scope")), h("th", {}))),
        h("tbody", {}, ...rows));
    this.element.replaceChildren(table, editable ? this.addForm() : "");
  }

  private async edit(row: HTMLTableRowElement, v: Variable): Promise<void> {
    const ctx = this.ctx!;
    this.editing = true;
    const full = v.isTruncated ? (await getVariable(v.variableKey)).value : v.value;
    const input = h("textarea", { name: "value", rows: Math.min(8, Math.max(2, full.split("\n").length)), "aria-label": v.name, spellcheck: "false" });
    input.value = full;
    const error = h("p", { class: "op-field-error", role: "alert", hidden: true });
    const save = h("button", { type: "submit", class: "primary", "data-action": "save" }, t("op.vars.save"));
    const form = h("form", { class: "op-edit", onsubmit: async (event: Event) => {
      event.preventDefault();
      const parsed = parseJson(input.value);
      if (!parsed.ok) {
        error.textContent = t("op.vars.invalid", { message: parsed.message });
        error.hidden = false;
        return;
      }
      const ok = await act(ctx, save, () => setVariable(v.scopeKey, v.name, parsed.value), t("op.vars.saved", { name: v.name }));
      if (ok) this.close();
    } },
      input, error, h("p", { class: "muted small" }, t("op.vars.jsonHint")),
      h("div", { class: "actions" }, save, h("button", { type: "button", onclick: () => this.close() }, t("op.vars.cancel"))));
    const cell = row.children[1] as HTMLElement;
    cell.replaceChildren(form);
    (row.children[3] as HTMLElement).replaceChildren();
    input.focus();
  }

  private close(): void {
    this.editing = false;
    this.render();
  }

  private addForm(): HTMLElement {
    const ctx = this.ctx!;
    const name = h("input", { name: "newName", required: true, size: 14, "aria-label": t("op.vars.newName"), placeholder: t("op.vars.newName") });
    const value = h("input", { name: "newValue", required: true, size: 18, "aria-label": t("op.vars.newValue"), placeholder: t("op.vars.newValue") });
    const error = h("p", { class: "op-field-error", role: "alert", hidden: true });
    const add = h("button", { type: "submit" }, t("op.vars.add"));
    const form = h("form", { class: "op-add", onsubmit: async (event: Event) => {
      event.preventDefault();
      const parsed = parseJson(value.value);
      if (!parsed.ok) {
        error.textContent = t("op.vars.invalid", { message: parsed.message });
        error.hidden = false;
        return;
      }
      const ok = await act(ctx, add, () => setVariable(ctx.key, name.value.trim(), parsed.value), t("op.vars.saved", { name: name.value.trim() }));
      if (ok) this.close();
    } },
      name, value, add, error);
    // Typing a new variable counts as editing: the refresh must not wipe it.
    form.addEventListener("input", () => { this.editing = name.value !== "" || value.value !== ""; });
    return form;
  }
}
