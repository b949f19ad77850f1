/** The deployed content of a listed model: the process XML (/v2) or the form schema (UI endpoint). */
import { api } from "../shared/api.js";
import type { Entry } from "./library.js";

export async function fetchContent(entry: Entry): Promise<string> {
  if (!entry.key) throw new Error(`'${entry.name}' has no deployed version to open`);
  if (entry.kind === "bpmn") {
    const xml = await api<unknown>("GET", `/v2/process-definitions/${encodeURIComponent(entry.key)}/xml`);
    if (typeof xml !== "string") throw new Error(`Expected the XML of process definition ${entry.key}, but the server sent something else`);
    return xml;
  }
  const form = await api<{ schema: string }>("GET", `/api/ui/designer/forms/${encodeURIComponent(entry.key)}`);
  return form.schema;
}
