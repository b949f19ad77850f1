/**
 * The designer page: the model library on the left (deployed processes, case models and forms with
 * their state, plus this browser's drafts), the open model on the right. The URL hash names the
 * open model (#/process/<id>, #/form/<id>, #/draft/<draftId>) so a reload reopens it.
 */
import type { Session } from "../shared/api.js";
import { h } from "../shared/dom.js";
import { t } from "../shared/i18n.js";
import { showError } from "../shared/shell.js";
import type { LinkableResource } from "./bpmn-editor.js";
import { askName } from "./dialogs.js";
import { DraftStore, newDraftId, type ResourceKind } from "./drafts.js";
import { buildEntries, fetchDeployed, idTaken, type Deployed, type Entry } from "./library.js";
import { ListView } from "./list-view.js";
import { blankBpmn, blankForm, describeResource, idFromName } from "./resources.js";
import { Workspace } from "./workspace.js";

const refFromHash = () => decodeURIComponent(location.hash.replace(/^#\/?/, "")) || undefined;

export class DesignerPage {
  private readonly drafts: DraftStore;
  private readonly list: ListView;
  private readonly workspace: Workspace;
  private deployed: Deployed = { processes: [], forms: [] };
  private entries: Entry[] = [];

  constructor(session: Session, main: HTMLElement) {
    this.drafts = new DraftStore(session.username);
    this.list = new ListView({ newProcess: () => void this.create("bpmn"), newForm: () => void this.create("form"), importFile: (file) => void this.importFile(file) });
    this.workspace = new Workspace({
      drafts: this.drafts,
      canDeploy: session.permissions.includes("definitions.deploy"),
      entries: () => this.entries,
      refresh: (reload) => this.refresh(reload),
      setRef: (ref) => {
        const hash = ref ? `#/${ref}` : "";
        // replaceState does not fire hashchange: the workspace already shows this model.
        if (location.hash !== hash) history.replaceState(null, "", hash || location.pathname);
        this.list.render(this.entries, ref);
      },
      linkable: () => this.linkable(),
    });
    main.append(h("div", { class: "designer" }, this.list.element, this.workspace.element));
  }

  async start(): Promise<void> {
    window.addEventListener("hashchange", () => void this.open(refFromHash()).catch(showError));
    window.addEventListener("pagehide", () => void this.workspace.saveDraft());
    // For the browser tests: the editors' own APIs (bpmn-js modeler, form-js editor).
    (window as unknown as { __designer: unknown }).__designer = {
      modeler: () => this.workspace.bpmnEditor?.modeler,
      formEditor: () => this.workspace.formEditor?.editor,
      drafts: () => this.drafts.all(),
    };
    await this.refresh(true);
    await this.open(refFromHash());
  }

  private async refresh(reload = false): Promise<void> {
    if (reload) this.deployed = await fetchDeployed();
    this.entries = buildEntries(this.deployed, this.drafts);
    this.list.render(this.entries, this.workspace.currentRef);
  }

  /** Deployed forms and processes, offered in the modeler's create / append menus. */
  private linkable(): LinkableResource[] {
    return [
      ...this.deployed.forms.map((f): LinkableResource => ({ type: "form", name: f.formId, formId: f.formId })),
      ...this.deployed.processes.map((p): LinkableResource => ({ type: "bpmnProcess", name: p.name ?? p.processDefinitionId, processId: p.processDefinitionId })),
    ];
  }

  private async open(ref: string | undefined): Promise<void> {
    this.list.render(this.entries, ref);
    await this.workspace.open(ref);
    this.list.render(this.entries, this.workspace.currentRef);
  }

  private async create(kind: ResourceKind): Promise<void> {
    const title = t(kind === "bpmn" ? "designer.newProcess.title" : "designer.newForm.title");
    const name = await askName(title, t("designer.dialog.name"), (value) => {
      const id = idFromName(value);
      return idTaken(this.entries, kind, id) ? t("designer.dialog.idTaken", { id }) : null;
    }, (value) => t("designer.dialog.idHint", { id: idFromName(value) }));
    if (!name) return;
    const id = idFromName(name);
    const content = kind === "bpmn" ? blankBpmn(id, name) : blankForm(id);
    const draftId = newDraftId();
    this.drafts.save({ draftId, kind, resourceId: id, name: kind === "bpmn" ? name : id, resourceName: `${id}.${kind === "bpmn" ? "bpmn" : "form"}`, content, updatedAt: Date.now() });
    await this.refresh();
    location.hash = `#/draft/${draftId}`;
  }

  /** A .bpmn or .form file becomes a draft: of the deployed model with the same id, or a new one. */
  private async importFile(file: File): Promise<void> {
    try {
      const content = await file.text();
      const info = describeResource(file.name, content);
      const existing = this.entries.find((e) => e.kind === info.kind && e.id === info.id);
      const origin = existing && existing.state !== "new" ? { id: existing.id, version: existing.version ?? 0 } : undefined;
      const previous = existing?.draft;
      const extension = info.kind === "bpmn" ? "bpmn" : "form";
      this.drafts.save({
        draftId: previous?.draftId ?? newDraftId(), kind: info.kind, resourceId: info.id, name: info.name, content,
        resourceName: existing?.resourceName ?? (/\.(bpmn|form)$/i.test(file.name) ? file.name : `${info.id}.${extension}`),
        ...(origin ? { origin } : {}), ...(previous?.baseline !== undefined ? { baseline: previous.baseline } : {}), updatedAt: Date.now(),
      });
      await this.refresh();
      const entry = this.entries.find((e) => e.kind === info.kind && e.id === info.id);
      if (!entry) return;
      if (location.hash === `#/${entry.ref}`) await this.open(entry.ref);
      else location.hash = `#/${entry.ref}`;
    } catch (error) {
      showError(error);
    }
  }
}
