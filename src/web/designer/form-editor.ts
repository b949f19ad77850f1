/**
 * The form editor: form-js's FormEditor (palette, canvas, properties panel) for .form resources,
 * linked from user tasks by their form id (zeebe:formDefinition formId).
 */
import { FormEditor } from "@bpmn-io/form-js";
import "@bpmn-io/form-js/dist/assets/form-js.css";
import "@bpmn-io/form-js/dist/assets/form-js-editor.css";
import "@bpmn-io/form-js/dist/assets/properties-panel.css";
import { lang } from "../shared/i18n.js";
import { frenchFormEditor } from "./form-editor-fr.js";

const CHANGE_DELAY_MS = 300;

export class FormEditorView {
  readonly editor: FormEditor;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private importing = false;
  private readonly stopFrench: () => void;

  constructor(container: HTMLElement, properties: HTMLElement, onChange: () => void) {
    this.editor = new FormEditor({ container, propertiesPanel: { parent: properties }, exporter: { name: "Dossier", version: "1.0" } } as ConstructorParameters<typeof FormEditor>[0]);
    this.stopFrench = lang() === "fr" ? frenchFormEditor(container, properties) : () => undefined;
    this.editor.on("changed", () => {
      if (this.importing) return;
      clearTimeout(this.timer);
      this.timer = setTimeout(onChange, CHANGE_DELAY_MS);
    });
  }

  /** Opens a form schema (JSON text); returns it as this editor exports it (the draft baseline). */
  async open(json: string): Promise<string> {
    this.importing = true;
    try {
      const { warnings } = await this.editor.importSchema(JSON.parse(json));
      for (const w of warnings) console.warn(`Form import: ${(w as { message?: string }).message ?? String(w)}`);
    } finally {
      // form-js emits "changed" while importing; let those pass before listening for the designer's edits.
      await new Promise((resolve) => setTimeout(resolve, 0));
      this.importing = false;
    }
    return this.export();
  }

  export(): string {
    return `${JSON.stringify(this.editor.saveSchema(), null, 2)}\n`;
  }

  destroy(): void {
    clearTimeout(this.timer);
    this.stopFrench();
    this.editor.destroy();
  }
}
