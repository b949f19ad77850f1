/**
 * The model library on the left: processes and case models, then forms, each with its latest
 * version and deployment state; a filter; buttons to create a model or a form and to import a file.
 */
import { clear, h } from "../shared/dom.js";
import { formatDate, t } from "../shared/i18n.js";
import type { Category, Entry } from "./library.js";

export interface ListActions {
  newProcess: () => void;
  newForm: () => void;
  importFile: (file: File) => void;
}

export class ListView {
  readonly element: HTMLElement;
  private readonly sections: HTMLElement;
  private readonly filter: HTMLInputElement;
  private entries: Entry[] = [];
  private current: string | undefined;

  constructor(actions: ListActions) {
    const fileInput = h("input", { type: "file", accept: ".bpmn,.xml,.form,.json", hidden: true, "data-testid": "import-file", onchange: () => {
      const file = fileInput.files?.[0];
      fileInput.value = "";
      if (file) actions.importFile(file);
    } });
    this.filter = h("input", { type: "search", placeholder: t("designer.filter"), "aria-label": t("designer.filter"), oninput: () => this.renderEntries() });
    this.sections = h("div", { class: "library-sections" });
    this.element = h("aside", { class: "library", "aria-label": t("designer.library") },
      h("div", { class: "library-head" },
        h("h2", {}, t("designer.library")),
        h("div", { class: "library-actions" },
          h("button", { type: "button", "data-testid": "new-process", onclick: actions.newProcess }, t("designer.newProcess")),
          h("button", { type: "button", "data-testid": "new-form", onclick: actions.newForm }, t("designer.newForm")),
          h("button", { type: "button", "data-testid": "import", onclick: () => fileInput.click() }, t("designer.import")), fileInput),
        this.filter),
      this.sections);
  }

  render(entries: Entry[], current: string | undefined): void {
    this.entries = entries;
    this.current = current;
    this.renderEntries();
  }

  private renderEntries(): void {
    clear(this.sections);
    const needle = this.filter.value.trim().toLowerCase();
    const shown = this.entries.filter((e) => !needle || `${e.name} ${e.id} ${e.resourceName}`.toLowerCase().includes(needle));
    const groups: Array<{ title: string; categories: Category[] }> = [
      { title: t("designer.section.processes"), categories: ["process", "case"] },
      { title: t("designer.section.forms"), categories: ["form"] },
    ];
    for (const group of groups) {
      const items = shown.filter((e) => group.categories.includes(e.category));
      this.sections.append(h("section", {},
        h("h3", {}, group.title, h("span", { class: "count" }, ` ${items.length}`)),
        items.length === 0 ? h("p", { class: "muted" }, t("common.none")) :
          h("ul", { class: "entries" }, ...items.map((e) => this.item(e)))));
    }
  }

  private item(e: Entry): HTMLElement {
    const version = e.version !== undefined ? `v${e.version}` : "";
    const title = e.deployedAt ? t("designer.deployedAt", { date: formatDate(e.deployedAt), versions: e.versions ?? 1 }) : t("designer.state.new");
    return h("li", {},
      h("a", { href: `#/${e.ref}`, class: `entry${e.ref === this.current ? " current" : ""}`, "data-ref": e.ref, "data-state": e.state, title, "aria-current": e.ref === this.current ? "true" : null },
        h("span", { class: "entry-name" }, e.name),
        h("span", { class: "entry-meta" },
          e.category === "case" ? h("span", { class: "tag" }, t("designer.case")) : null,
          h("span", { class: "entry-id" }, e.id), version ? h("span", { class: "entry-version" }, version) : null,
          h("span", { class: `state ${e.state}` }, t(`designer.state.${e.state}`)))));
  }
}
