/**
 * What the portal reads of a form-js schema: the keys a submission may carry (values of other keys
 * are dropped: a public page writes nothing it did not ask for), its file pickers (with the
 * document type each files under: the field's custom property `documentType`, else its key), and
 * plain checks of the submitted values (required fields, lengths) since form-js validates only in
 * the browser.
 */
import { DossierError, type FieldProblem } from "../dossiers/errors.js";

interface Component {
  type?: string;
  key?: string;
  label?: string;
  multiple?: boolean | string;
  validate?: { required?: boolean; maxLength?: number };
  properties?: Record<string, string>;
  components?: Component[];
  readonly?: boolean | string;
  disabled?: boolean;
}

const INPUT_TYPES = new Set(["textfield", "textarea", "number", "checkbox", "checklist", "radio", "select", "taglist", "datetime", "filepicker", "expression"]);
export const MAX_VALUE_CHARS = 10_000;

function walk(components: Component[] = []): Component[] {
  return components.flatMap((c) => [c, ...walk(c.components)]);
}

export interface FormShape {
  inputs: Array<{ key: string; type: string; label: string; required: boolean; readOnly: boolean }>;
  pickers: Array<{ key: string; documentType: string; multiple: boolean; required: boolean; label: string }>;
}

export function parseSchema(schemaText: string): Record<string, unknown> {
  try {
    const schema = JSON.parse(schemaText) as Record<string, unknown>;
    if (!schema || typeof schema !== "object" || !Array.isArray(schema["components"])) throw new Error("no components");
    return schema;
  } catch (error) {
    throw new DossierError("INVALID_STATE", `Expected a form-js schema with components, but the stored form does not parse: ${(error as Error).message}`);
  }
}

export function shapeOf(schema: Record<string, unknown>): FormShape {
  const all = walk(schema["components"] as Component[]).filter((c) => c.key && INPUT_TYPES.has(c.type ?? ""));
  return {
    inputs: all.filter((c) => c.type !== "filepicker").map((c) => ({
      key: c.key!, type: c.type!, label: c.label ?? c.key!, required: c.validate?.required === true,
      readOnly: c.readonly === true || c.readonly === "true" || c.disabled === true,
    })),
    pickers: all.filter((c) => c.type === "filepicker").map((c) => ({
      key: c.key!, documentType: c.properties?.["documentType"] || c.key!, multiple: c.multiple === true || c.multiple === "true",
      required: c.validate?.required === true, label: c.label ?? c.key!,
    })),
  };
}

/**
 * The submitted values kept: only the form's own editable keys, scalars or short lists of
 * scalars, each text at most 10,000 characters; required ones present. Throws one 400 listing
 * every problem.
 */
export function checkValues(shape: FormShape, values: unknown, files: Record<string, number>): Record<string, unknown> {
  if (values === undefined || values === null) values = {};
  if (typeof values !== "object" || Array.isArray(values)) throw new DossierError("INVALID_ARGUMENT", `Expected the form's values as a JSON object, but found ${JSON.stringify(values)?.slice(0, 40)}`);
  const input = values as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  const problems: FieldProblem[] = [];
  const scalar = (v: unknown) => v === null || typeof v === "boolean" || (typeof v === "number" && Number.isFinite(v)) || (typeof v === "string" && v.length <= MAX_VALUE_CHARS);
  for (const field of shape.inputs) {
    if (field.readOnly) continue;
    const v = input[field.key];
    if (v === undefined || v === "" || v === null) {
      if (field.required) problems.push({ field: field.key, message: `expected a value: '${field.label}' is required` });
      continue;
    }
    if (Array.isArray(v) ? v.length > 100 || !v.every(scalar) : !scalar(v)) {
      problems.push({ field: field.key, message: `expected a text, number or choice of at most ${MAX_VALUE_CHARS} characters` });
      continue;
    }
    out[field.key] = v;
  }
  for (const picker of shape.pickers) {
    if (picker.required && !(files[picker.key] ?? 0)) problems.push({ field: picker.key, message: `expected a file: '${picker.label}' is required` });
  }
  for (const [key, count] of Object.entries(files)) {
    if (count > 0 && !shape.pickers.some((p) => p.key === key)) problems.push({ field: key, message: `expected no file under '${key.slice(0, 64)}': the form has no file field of that name` });
  }
  if (problems.length) {
    throw new DossierError("VALIDATION_FAILED", `Expected the form to be complete, but ${problems.map((p) => `${p.field}: ${p.message}`).join("; ")}`, problems);
  }
  return out;
}
