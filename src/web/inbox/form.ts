/**
 * The task's form: a form-js viewer when the task links a form (validated on submit; a submit
 * button inside the schema works too), otherwise its variables shown read-only. Either way the
 * caller gets one `submit()` that yields the variables to complete with, or null when invalid.
 */
import { Form } from "@bpmn-io/form-js";
import "@bpmn-io/form-js/dist/assets/form-js.css";
import { h } from "../shared/dom.js";
import { formatDate, t } from "../shared/i18n.js";
import { translatedValidationModule } from "./form-messages.js";

export interface TaskForm {
  /** Validates and returns the variables to complete with; null (errors shown) when invalid. */
  submit(): Record<string, unknown> | null;
  /**
   * The files chosen in the form's file pickers (form-js `filepicker`), for the variables
   * `submit()` returned: each picker's key, its files, and the document type to file them under
   * (the field's custom property `documentType`, else its key).
   */
  pickedFiles(variables: Record<string, unknown>): PickedFiles[];
  destroy(): void;
}

export interface PickedFiles {
  key: string;
  documentType: string;
  multiple: boolean;
  files: File[];
}

interface Component {
  type?: string;
  key?: string;
  multiple?: boolean | string;
  properties?: Record<string, string>;
  components?: Component[];
}

function filePickers(components: Component[] = []): Component[] {
  return components.flatMap((c) => [...(c.type === "filepicker" && c.key ? [c] : []), ...filePickers(c.components)]);
}

/**
 * Mounts a form-js form. `onSubmit` is called when the schema's own submit button is pressed (the
 * caller then completes through `submit()`, like our "complete" button, which validates).
 */
export async function mountForm(container: HTMLElement, schema: Record<string, unknown>, data: Record<string, unknown>, readOnly: boolean,
  onSubmit: (variables: Record<string, unknown>) => void): Promise<TaskForm> {
  const form = new Form({ container, properties: { readOnly }, additionalModules: [translatedValidationModule] });
  await form.importSchema(schema, data);
  const translator = translateFilePickers(container);
  let ours = false;
  form.on("submit", (event: { data: Record<string, unknown>; errors: Record<string, unknown> }) => {
    // The schema's own submit button: complete through the same path as ours (which validates again).
    if (!ours && !readOnly) onSubmit(event.data);
  });
  return {
    submit() {
      if (readOnly) return null;
      ours = true;
      try {
        const { data: values, errors } = form.submit();
        if (Object.keys(errors).length > 0) {
          focusFirstError(container);
          return null;
        }
        return values;
      } finally {
        ours = false;
      }
    },
    pickedFiles(variables) {
      const registry = (form as unknown as { get(name: string): { getFiles(key: string): File[] } | null }).get("fileRegistry");
      if (!registry) return [];
      return filePickers(schema["components"] as Component[]).flatMap((c) => {
        const handle = variables[c.key!];
        const files = typeof handle === "string" ? registry.getFiles(handle) : [];
        return files.length ? [{ key: c.key!, documentType: c.properties?.["documentType"] || c.key!, multiple: c.multiple === true || c.multiple === "true", files }] : [];
      });
    },
    destroy: () => {
      translator.disconnect();
      form.destroy();
    },
  };
}

/**
 * form-js writes its file picker's button and status in English ("Browse", "No files selected",
 * "3 files selected") with no translation service: rewritten in the interface's language as they
 * render (file names are left as they are).
 */
function translateFilePickers(container: HTMLElement): MutationObserver {
  // Preact owns those text nodes: the translation is shown through a data attribute and CSS
  // (inbox.css, `[data-label]`), never by rewriting them.
  const label = (element: HTMLElement, text: string | null) => {
    if (text === null) delete element.dataset["label"];
    else if (element.dataset["label"] !== text) element.dataset["label"] = text;
  };
  const apply = () => {
    for (const button of container.querySelectorAll<HTMLElement>(".fjs-filepicker-button")) label(button, button.textContent === "Browse" ? t("inbox.form.files.browse") : null);
    for (const status of container.querySelectorAll<HTMLElement>(".fjs-filepicker-container .fjs-form-field-label")) {
      const text = status.textContent ?? "";
      const many = /^(\d+) files selected$/.exec(text);
      label(status, text === "No files selected" ? t("inbox.form.files.none") : many ? t("inbox.form.files.many", { count: many[1]! }) : null);
    }
  };
  const observer = new MutationObserver(apply);
  observer.observe(container, { subtree: true, childList: true, characterData: true });
  apply();
  return observer;
}

function focusFirstError(container: HTMLElement): void {
  // form-js marks invalid fields with .fjs-has-errors once validated; its DOM updates on the next frame.
  requestAnimationFrame(() => container.querySelector<HTMLElement>(".fjs-has-errors input, .fjs-has-errors textarea, .fjs-has-errors select")?.focus());
}

function show(value: unknown): string {
  if (value === null || value === undefined) return "—";
  if (typeof value === "boolean") return value ? "✓" : "✗";
  if (typeof value === "string") return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(value) ? formatDate(value) : value;
  if (typeof value === "number") return value.toLocaleString(document.documentElement.lang || "fr");
  return JSON.stringify(value, null, 1);
}

/** Without a form: the task's variables in a read-only table; completing sends no variables. */
export function mountVariables(container: HTMLElement, variables: Record<string, unknown>): TaskForm {
  const names = Object.keys(variables).sort((a, b) => a.localeCompare(b));
  container.append(
    h("p", { class: "muted" }, t("inbox.form.noForm")),
    names.length === 0
      ? h("p", { class: "muted" }, t("inbox.form.noVariables"))
      : h("table", { class: "variables", "data-testid": "variables" },
        h("tbody", {}, ...names.map((name) => h("tr", {}, h("th", { scope: "row" }, name), h("td", {}, show(variables[name])))))),
  );
  return { submit: () => ({}), pickedFiles: () => [], destroy: () => undefined };
}
