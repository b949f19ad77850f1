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
  destroy(): void;
}

/**
 * Mounts a form-js form. `onSubmit` is called when the schema's own submit button is pressed (the
 * caller then completes through `submit()`, like our "complete" button, which validates).
 */
export async function mountForm(container: HTMLElement, schema: Record<string, unknown>, data: Record<string, unknown>, readOnly: boolean,
  onSubmit: (variables: Record<string, unknown>) => void): Promise<TaskForm> {
  const form = new Form({ container, properties: { readOnly }, additionalModules: [translatedValidationModule] });
  await form.importSchema(schema, data);
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
    destroy: () => form.destroy(),
  };
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
  return { submit: () => ({}), destroy: () => undefined };
}
