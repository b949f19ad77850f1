/**
 * The model library: what is deployed (GET /api/ui/designer/resources) merged with the drafts of
 * this browser, as one list of entries with their deployment state.
 */
import { api } from "../shared/api.js";
import type { Draft, DraftStore, ResourceKind } from "./drafts.js";

export interface DeployedProcess {
  processDefinitionKey: string;
  processDefinitionId: string;
  name: string | null;
  version: number;
  versions: number;
  versionTag: string | null;
  resourceName: string;
  checksum: string;
  deployedAt: string;
  isCase: boolean;
}

export interface DeployedForm {
  formKey: string;
  formId: string;
  version: number;
  versions: number;
  resourceName: string;
  checksum: string;
  deployedAt: string;
}

export interface Deployed {
  processes: DeployedProcess[];
  forms: DeployedForm[];
}

export type DeployState = "deployed" | "changed" | "new";
export type Category = "process" | "case" | "form";

export interface Entry {
  /** Where the entry opens: "process/<id>", "form/<id>" or "draft/<draftId>" (also the URL hash). */
  ref: string;
  kind: ResourceKind;
  category: Category;
  /** Process id or form id. */
  id: string;
  name: string;
  state: DeployState;
  /** Latest deployed version (absent for new models). */
  version?: number;
  versions?: number;
  /** Key of the latest deployed definition or form. */
  key?: string;
  resourceName: string;
  deployedAt?: string;
  draft?: Draft;
}

export async function fetchDeployed(): Promise<Deployed> {
  return api<Deployed>("GET", "/api/ui/designer/resources");
}

export function buildEntries(deployed: Deployed, drafts: DraftStore): Entry[] {
  const all = drafts.all();
  const used = new Set<string>();
  const withDraft = (kind: ResourceKind, id: string): Draft | undefined => {
    const draft = all.find((d) => d.kind === kind && d.origin?.id === id);
    if (draft) used.add(draft.draftId);
    return draft;
  };
  const entries: Entry[] = [];
  for (const p of deployed.processes) {
    const draft = withDraft("bpmn", p.processDefinitionId);
    entries.push({
      ref: `process/${p.processDefinitionId}`, kind: "bpmn", category: p.isCase ? "case" : "process", id: p.processDefinitionId,
      name: draft?.name ?? p.name ?? p.processDefinitionId, state: draft ? "changed" : "deployed", version: p.version, versions: p.versions,
      key: p.processDefinitionKey, resourceName: p.resourceName, deployedAt: p.deployedAt, ...(draft ? { draft } : {}),
    });
  }
  for (const f of deployed.forms) {
    const draft = withDraft("form", f.formId);
    entries.push({
      ref: `form/${f.formId}`, kind: "form", category: "form", id: f.formId, name: draft?.name ?? f.formId, state: draft ? "changed" : "deployed",
      version: f.version, versions: f.versions, key: f.formKey, resourceName: f.resourceName, deployedAt: f.deployedAt, ...(draft ? { draft } : {}),
    });
  }
  for (const d of all.filter((d) => !used.has(d.draftId))) {
    entries.push({
      ref: `draft/${d.draftId}`, kind: d.kind, category: d.kind === "form" ? "form" : /adHocSubProcess/.test(d.content) ? "case" : "process",
      id: d.resourceId, name: d.name, state: "new", resourceName: d.resourceName, draft: d,
    });
  }
  return entries.sort((a, b) => a.name.localeCompare(b.name));
}

/** Is this id already taken by a deployed model or a draft of the same kind? */
export function idTaken(entries: Entry[], kind: ResourceKind, id: string): boolean {
  return entries.some((e) => e.kind === kind && e.id === id);
}
