/**
 * Drafts: models being edited and not deployed yet, kept in the browser's localStorage (per user)
 * so that a reload, a crash or a switch to another model loses nothing. A draft is either based
 * on a deployed model (`origin`, then the list shows it as "changed since last deploy") or new.
 * Deploying a draft removes it; so does editing a model back to exactly what is deployed.
 */
export type ResourceKind = "bpmn" | "form";

export interface DraftOrigin {
  /** The process id or form id of the deployed model the draft started from. */
  id: string;
  /** The deployed version the draft started from (to warn when someone deployed since). */
  version: number;
}

export interface Draft {
  draftId: string;
  kind: ResourceKind;
  /** Process id (main process) or form id, read from the content at each save. */
  resourceId: string;
  name: string;
  resourceName: string;
  content: string;
  /** The deployed content as the editor exported it when the draft started; equal content = no draft. */
  baseline?: string;
  origin?: DraftOrigin;
  updatedAt: number;
}

export class DraftStore {
  private readonly key: string;

  constructor(username: string, private readonly storage: Storage = localStorage) {
    this.key = `dossier.designer.drafts.${username}`;
  }

  all(): Draft[] {
    try {
      const parsed = JSON.parse(this.storage.getItem(this.key) ?? "[]") as unknown;
      return Array.isArray(parsed) ? (parsed as Draft[]).filter((d) => d && typeof d.draftId === "string" && typeof d.content === "string") : [];
    } catch {
      return [];
    }
  }

  get(draftId: string): Draft | undefined {
    return this.all().find((d) => d.draftId === draftId);
  }

  /** The draft started from a deployed model, if any. */
  ofOrigin(kind: ResourceKind, id: string): Draft | undefined {
    return this.all().find((d) => d.kind === kind && d.origin?.id === id);
  }

  /** Saves (inserts or replaces) a draft; throws a readable error when the browser's storage is full. */
  save(draft: Draft): void {
    const others = this.all().filter((d) => d.draftId !== draft.draftId);
    try {
      this.storage.setItem(this.key, JSON.stringify([...others, { ...draft, updatedAt: Date.now() }]));
    } catch (error) {
      throw new Error(`The draft of '${draft.resourceName}' could not be kept in the browser's storage (${(error as Error).name}). Export it to a file before leaving.`);
    }
  }

  remove(draftId: string): void {
    this.storage.setItem(this.key, JSON.stringify(this.all().filter((d) => d.draftId !== draftId)));
  }
}

export function newDraftId(): string {
  return `d${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`;
}
