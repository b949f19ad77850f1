/**
 * The editing session on the right: one model or form open at a time, in the BPMN modeler or the
 * form editor; every change saved as a draft (after a short pause); lint problems and engine
 * problems in the panel below; export, discard and deploy in the toolbar.
 */
import { ApiProblem } from "../shared/api.js";
import { clear, h } from "../shared/dom.js";
import { t } from "../shared/i18n.js";
import { BpmnEditor, type LinkableResource } from "./bpmn-editor.js";
import { deployResource, download } from "./deploy.js";
import { confirmAction } from "./dialogs.js";
import { newDraftId, type DraftOrigin, type DraftStore, type ResourceKind } from "./drafts.js";
import { FormEditorView } from "./form-editor.js";
import type { Entry } from "./library.js";
import { countBySeverity, ProblemsPanel, type Problem } from "./problems.js";
import { describeResource } from "./resources.js";
import { fetchContent } from "./content.js";

export interface WorkspaceHost {
  drafts: DraftStore;
  canDeploy: boolean;
  /** The entries as last listed. */
  entries(): Entry[];
  /** Re-reads drafts (and, with `reload`, the deployed list) and redraws the library. */
  refresh(reload?: boolean): Promise<void>;
  /** Records the open model in the URL without reopening it. */
  setRef(ref: string | undefined): void;
  linkable(): LinkableResource[];
}

interface Session {
  ref: string;
  kind: ResourceKind;
  draftId: string;
  origin?: DraftOrigin;
  /** The deployed content as the editor exports it; a draft equal to it is dropped. */
  baseline?: string;
  resourceName: string;
  /** Key of the latest deployed version when opened (to tell "unchanged" after a deploy). */
  deployedKey?: string;
  version?: number;
}

export class Workspace {
  readonly element: HTMLElement;
  private readonly toolbar = h("div", { class: "toolbar" });
  private readonly status = h("p", { class: "status", role: "status", "data-testid": "status" });
  private readonly bpmnPane = h("div", { class: "editor-pane bpmn-pane", hidden: true });
  private readonly formPane = h("div", { class: "editor-pane form-pane", hidden: true });
  private readonly empty = h("div", { class: "empty-state" }, h("p", {}, t("designer.empty")));
  private readonly problems = new ProblemsPanel((p) => this.selectProblem(p));
  private bpmn: BpmnEditor | undefined;
  private form: FormEditorView | undefined;
  private session: Session | undefined;
  private formProblems: Problem[] = [];
  private saving: Promise<void> = Promise.resolve();
  private busy = false;

  constructor(private readonly host: WorkspaceHost) {
    this.problems.element.hidden = true;
    this.element = h("section", { class: "workspace", "data-testid": "workspace" }, this.toolbar, this.status, this.empty, this.bpmnPane, this.formPane, this.problems.element);
  }

  /** The editors, for the browser tests (window.__designer). */
  get bpmnEditor(): BpmnEditor | undefined {
    return this.bpmn;
  }

  get formEditor(): FormEditorView | undefined {
    return this.form;
  }

  get currentRef(): string | undefined {
    return this.session?.ref;
  }

  async open(ref: string | undefined): Promise<void> {
    await this.saving;
    this.element.removeAttribute("data-loaded");
    this.status.textContent = "";
    this.status.classList.remove("error", "ok");
    const entry = ref ? this.host.entries().find((e) => e.ref === ref) : undefined;
    if (!entry) {
      this.session = undefined;
      this.showEmpty(ref ? t("designer.notFound", { ref }) : t("designer.empty"));
      return;
    }
    const draft = entry.draft;
    const origin = draft?.origin ?? (entry.state === "new" ? undefined : { id: entry.id, version: entry.version ?? 0 });
    const session: Session = {
      ref: entry.ref, kind: entry.kind, draftId: draft?.draftId ?? newDraftId(), resourceName: entry.resourceName,
      ...(origin ? { origin } : {}), ...(draft?.baseline !== undefined ? { baseline: draft.baseline } : {}),
      ...(entry.key ? { deployedKey: entry.key } : {}), ...(entry.version !== undefined ? { version: entry.version } : {}),
    };
    this.session = session;
    this.empty.hidden = true;
    this.renderToolbar(entry);
    this.status.textContent = t("common.loading");
    try {
      const content = draft?.content ?? await fetchContent(entry);
      const exported = entry.kind === "bpmn" ? await this.showBpmn().open(content) : await this.showForm().open(content);
      if (this.session !== session) return;
      if (!draft) session.baseline = exported;
      this.status.textContent = draft?.origin && entry.version !== undefined && draft.origin.version < entry.version
        ? t("designer.draftOutdated", { base: draft.origin.version, latest: entry.version }) : "";
      this.element.setAttribute("data-loaded", entry.ref);
    } catch (error) {
      if (this.session !== session) return;
      this.status.textContent = t("designer.openFailed", { message: (error as Error).message });
      this.status.classList.add("error");
      this.element.setAttribute("data-loaded", entry.ref);
    }
  }

  /** Saves the open model as a draft now (or drops the draft when it is back to what is deployed). */
  async saveDraft(): Promise<void> {
    const session = this.session;
    if (!session) return;
    const run = async () => {
      const content = await this.currentContent();
      if (content === undefined || this.session !== session) return;
      if (session.origin && session.baseline !== undefined && content === session.baseline) {
        this.host.drafts.remove(session.draftId);
      } else {
        let info: { id: string; name: string };
        try {
          info = describeResource(session.resourceName, content);
        } catch {
          info = { id: session.origin?.id ?? session.draftId, name: session.origin?.id ?? session.draftId };
        }
        this.host.drafts.save({
          draftId: session.draftId, kind: session.kind, resourceId: info.id, name: info.name, resourceName: session.resourceName, content,
          ...(session.baseline !== undefined ? { baseline: session.baseline } : {}), ...(session.origin ? { origin: session.origin } : {}), updatedAt: Date.now(),
        });
      }
      await this.host.refresh();
      const entry = this.host.entries().find((e) => e.ref === session.ref);
      if (entry) this.renderToolbar(entry);
    };
    this.saving = this.saving.then(run, run).catch((error: unknown) => this.fail(error));
    await this.saving;
  }

  private showBpmn(): BpmnEditor {
    this.formPane.hidden = true;
    this.bpmnPane.hidden = false;
    this.problems.element.hidden = false;
    if (!this.bpmn) {
      const canvas = h("div", { class: "canvas", "data-testid": "bpmn-canvas" });
      const properties = h("div", { class: "properties", "data-testid": "properties-panel" });
      this.bpmnPane.append(canvas, properties);
      this.bpmn = new BpmnEditor({
        canvas, properties, resources: () => this.host.linkable(),
        onChange: () => void this.saveDraft(),
        onLint: (problems) => this.session?.kind === "bpmn" && this.renderProblems(problems),
      });
    }
    return this.bpmn;
  }

  private showForm(): FormEditorView {
    this.bpmnPane.hidden = true;
    this.formPane.hidden = false;
    this.formProblems = [];
    this.renderProblems([]);
    this.problems.element.hidden = false;
    if (!this.form) {
      const canvas = h("div", { class: "form-canvas", "data-testid": "form-canvas" });
      const properties = h("div", { class: "properties", "data-testid": "form-properties-panel" });
      this.formPane.append(canvas, properties);
      this.form = new FormEditorView(canvas, properties, () => void this.saveDraft());
    }
    return this.form;
  }

  private showEmpty(message: string): void {
    this.bpmnPane.hidden = true;
    this.formPane.hidden = true;
    this.problems.element.hidden = true;
    clear(this.toolbar);
    this.empty.hidden = false;
    this.empty.replaceChildren(h("p", {}, message));
  }

  private async currentContent(): Promise<string | undefined> {
    if (!this.session) return undefined;
    return this.session.kind === "bpmn" ? this.bpmn?.export() : this.form?.export();
  }

  private renderProblems(problems: Problem[]): void {
    this.problems.render(problems);
    const counts = countBySeverity(problems);
    const badge = this.toolbar.querySelector<HTMLElement>("[data-testid=lint-summary]");
    if (badge) {
      badge.textContent = problems.length === 0 ? t("designer.problems.none") : t("designer.problems.count", { errors: counts.error, warnings: counts.warn + counts.info });
      badge.className = `lint-summary ${counts.error ? "error" : counts.warn + counts.info ? "warn" : "ok"}`;
    }
  }

  private selectProblem(problem: Problem): void {
    if (problem.elementId) this.bpmn?.select(problem.elementId, problem.source === "lint" ? problem.report : undefined);
  }

  private renderToolbar(entry: Entry): void {
    const session = this.session;
    const versionText = entry.version !== undefined ? t("designer.version", { version: entry.version, versions: entry.versions ?? 1 }) : t("designer.notDeployed");
    clear(this.toolbar);
    this.toolbar.append(
      h("div", { class: "title" },
        h("h2", { "data-testid": "model-name" }, entry.name),
        h("span", { class: "muted" }, `${entry.id} · ${entry.resourceName}`),
        h("span", { class: `state ${entry.state}`, "data-testid": "model-state" }, t(`designer.state.${entry.state}`)),
        h("span", { class: "muted", "data-testid": "model-version" }, versionText)),
      h("div", { class: "actions" },
        h("span", { class: "lint-summary", "data-testid": "lint-summary", hidden: entry.kind !== "bpmn" }),
        h("button", { type: "button", "data-testid": "export", onclick: () => void this.exportFile() }, t("designer.export")),
        h("button", { type: "button", "data-testid": "discard", disabled: entry.state === "deployed", onclick: () => void this.discard() }, t("designer.discard")),
        h("button", { type: "button", class: "primary", "data-testid": "deploy", disabled: !this.host.canDeploy || !session, title: this.host.canDeploy ? null : t("designer.cannotDeploy"), onclick: () => void this.deploy() }, t("designer.deploy"))),
    );
    if (entry.kind === "bpmn" && this.bpmn) this.renderProblems(this.bpmn.problems());
    else if (entry.kind === "form") this.renderProblems(this.formProblems);
  }

  private async exportFile(): Promise<void> {
    const session = this.session;
    const content = await this.currentContent();
    if (!session || content === undefined) return;
    const info = safeDescribe(session.resourceName, content);
    const name = session.origin ? session.resourceName : `${info?.id ?? "model"}.${session.kind === "bpmn" ? "bpmn" : "form"}`;
    download(name, content, session.kind === "bpmn" ? "application/xml" : "application/json");
  }

  private async discard(): Promise<void> {
    const session = this.session;
    if (!session) return;
    const ok = await confirmAction(t("designer.discard"), t(session.origin ? "designer.discard.confirm" : "designer.discard.confirmNew"), t("designer.discard"), true);
    if (!ok) return;
    this.host.drafts.remove(session.draftId);
    this.session = undefined;
    await this.host.refresh();
    const ref = session.origin ? `${session.kind === "bpmn" ? "process" : "form"}/${session.origin.id}` : undefined;
    this.host.setRef(ref);
    await this.open(ref);
  }

  async deploy(): Promise<void> {
    const session = this.session;
    if (!session || this.busy) return;
    this.busy = true;
    this.status.classList.remove("error", "ok");
    try {
      await this.saveDraft();
      const content = await this.currentContent();
      if (content === undefined) return;
      const info = describeResource(session.resourceName, content);
      if (session.kind === "bpmn" && this.bpmn) {
        const errors = (await this.bpmn.lint()).filter((p) => p.severity === "error").length;
        if (errors > 0 && !(await confirmAction(t("designer.deploy"), t("designer.deploy.lintErrors", { count: errors }), t("designer.deploy.anyway")))) return;
      }
      // A deployed model whose id was changed in the editor becomes a model of its own, in a file of its own.
      const renamed = session.origin !== undefined && session.origin.id !== info.id;
      const resourceName = renamed ? `${info.id}.${session.kind === "bpmn" ? "bpmn" : "form"}` : session.resourceName;
      const deployed = this.host.entries().find((e) => e.kind === session.kind && e.id === info.id && e.state !== "new");
      this.status.textContent = t("designer.deploying");
      const outcome = await deployResource(session.kind, resourceName, content, info.id, deployed?.key);
      this.host.drafts.remove(session.draftId);
      const ref = `${session.kind === "bpmn" ? "process" : "form"}/${outcome.id}`;
      this.session = { ...session, ref, draftId: newDraftId(), origin: { id: outcome.id, version: outcome.version }, baseline: content, resourceName, deployedKey: outcome.key, version: outcome.version };
      this.bpmn?.setEngineProblems([]);
      this.formProblems = [];
      await this.host.refresh(true);
      this.host.setRef(ref);
      const entry = this.host.entries().find((e) => e.ref === ref);
      if (entry) this.renderToolbar(entry);
      this.status.textContent = outcome.unchanged ? t("designer.deploy.unchanged", { version: outcome.version }) : t("designer.deploy.done", { version: outcome.version });
      this.status.classList.add("ok");
    } catch (error) {
      this.deployFailed(error);
    } finally {
      this.busy = false;
    }
  }

  private deployFailed(error: unknown): void {
    if (error instanceof ApiProblem) {
      const problems = error.problems.length > 0 ? error.problems : [{ message: error.detail || error.title }];
      if (this.session?.kind === "bpmn" && this.bpmn) this.bpmn.setEngineProblems(problems);
      else {
        this.formProblems = problems.map((p) => ({ source: "engine" as const, severity: "error" as const, message: p.message, ...(p.elementId ? { elementId: p.elementId } : {}) }));
        this.renderProblems(this.formProblems);
      }
      this.status.textContent = t("designer.deploy.refused", { count: problems.length });
    } else {
      this.status.textContent = t("designer.deploy.failed", { message: (error as Error).message });
    }
    this.status.classList.add("error");
  }

  private fail(error: unknown): void {
    this.status.textContent = (error as Error).message;
    this.status.classList.add("error");
  }
}

function safeDescribe(fileName: string, content: string): { id: string } | undefined {
  try {
    return describeResource(fileName, content);
  } catch {
    return undefined;
  }
}
