/**
 * The right pane: one task with its actions (claim, unclaim, reassign), its form and its context.
 * The form is editable only by the task's assignee; others see it read-only with the reason.
 */
import { ApiProblem, type Session } from "../shared/api.js";
import { clear, h } from "../shared/dom.js";
import { formatDate, t } from "../shared/i18n.js";
import { showError } from "../shared/shell.js";
import { renderContext } from "./context.js";
import { mountForm, mountVariables, type TaskForm } from "./form.js";
import { api } from "../shared/api.js";
import { assigneeText, dueBadge, priorityBadge } from "./list.js";
import { assignTask, claimTask, completeTask, getTask, taskContext, taskForm, taskVariables, unclaimTask, userNames, type Task } from "./tasks.js";

export interface DetailEvents {
  /** The task changed (claimed, given back, reassigned): refresh the lists. */
  changed(task: Task, action: "claimed" | "unclaimed" | "reassigned"): void;
  /** The task was completed: leave it and refresh. */
  completed(task: Task): void;
  /** The user asked to go back to the list (one-column layout). */
  back(): void;
  toast(message: string): void;
}

export class TaskDetail {
  private task: Task | null = null;
  /** The task shown or being loaded. */
  private requested: string | null = null;
  private form: TaskForm | null = null;
  /** The open task's dossier (from its context), where files chosen in its form are filed. */
  private dossierReference: string | null = null;
  /** Drops answers of a task that is no longer the open one. */
  private generation = 0;
  private users: Promise<Array<{ username: string; name: string | null }>> | null = null;

  constructor(private readonly root: HTMLElement, private readonly session: Session, private readonly events: DetailEvents) {
    this.empty();
  }

  get openKey(): string | null {
    return this.requested;
  }

  empty(): void {
    this.generation++;
    this.destroyForm();
    this.task = null;
    this.requested = null;
    this.root.replaceChildren(h("p", { class: "detail-empty muted" }, t("inbox.detail.none")));
  }

  /** Opens a task (reloads it from the server; `focus` moves the keyboard focus to its title). */
  async open(key: string, focus = true): Promise<void> {
    const generation = ++this.generation;
    this.requested = key;
    this.destroyForm();
    this.root.replaceChildren(h("p", { class: "muted" }, t("common.loading")));
    let task: Task;
    try {
      task = await getTask(key);
    } catch (e) {
      if (generation !== this.generation) return;
      if (e instanceof ApiProblem && e.status === 404) return this.gone();
      throw e;
    }
    if (generation !== this.generation) return;
    if (task.state !== "CREATED") return this.gone();
    this.task = task;
    await this.render(task, generation, focus);
  }

  /** Called by each poll with the task's latest state (or null when it left every list). */
  async refresh(latest: Task | null): Promise<void> {
    const current = this.task;
    if (!current) return;
    if (latest === null) {
      try {
        latest = await getTask(current.userTaskKey);
      } catch (e) {
        if (e instanceof ApiProblem && e.status === 404) return this.gone();
        return;
      }
    }
    if (this.task !== current) return;
    if (latest.state !== "CREATED") return this.gone();
    if (latest.assignee !== current.assignee) await this.open(current.userTaskKey, false);
  }

  private gone(): void {
    this.destroyForm();
    this.task = null;
    this.requested = null;
    this.root.replaceChildren(h("p", { class: "banner info", role: "status", "data-testid": "gone" }, t("inbox.gone")),
      h("button", { type: "button", class: "link back", onclick: () => this.events.back() }, t("inbox.detail.back")));
  }

  private destroyForm(): void {
    this.form?.destroy();
    this.form = null;
  }

  private can(permission: string): boolean {
    return this.session.permissions.includes(permission);
  }

  private async render(task: Task, generation: number, focus: boolean): Promise<void> {
    const me = this.session.username;
    const mine = task.assignee === me;
    const editable = mine && this.can("tasks.work");
    const title = h("h2", { id: "task-title", tabindex: "-1" }, task.name ?? task.elementId);
    const formHost = h("div", { class: "form-host", "data-testid": "form" });
    const contextHost = h("div", { class: "context-host" }, h("p", { class: "muted" }, t("common.loading")));
    const formError = h("p", { class: "form-error", role: "alert", hidden: true }, t("inbox.form.invalid"));
    const complete = h("button", { type: "button", class: "primary", "data-action": "complete", disabled: !editable, onclick: () => void this.complete(task, complete, formError) }, t("inbox.action.complete"));
    const notice = editable ? null
      : h("p", { class: "banner info notice", role: "note" }, task.assignee ? t("inbox.form.otherAssignee", { name: task.assignee }) : t("inbox.form.claimFirst"));

    const article = h("article", { class: "task-detail", "aria-labelledby": "task-title", "data-key": task.userTaskKey, "data-element": task.elementId },
      h("button", { type: "button", class: "link back", onclick: () => this.events.back() }, t("inbox.detail.back")),
      h("header", { class: "task-header" },
        title,
        h("p", { class: "muted" }, task.processName ?? task.processDefinitionId, " · ", t("inbox.detail.created", { date: formatDate(task.creationDate) })),
        h("p", { class: "task-meta" }, priorityBadge(task.priority), dueBadge(task.dueDate), h("span", { class: "assignee", "data-testid": "assignee" }, assigneeText(task, me)))),
      this.actions(task),
      h("div", { class: "task-body" },
        h("section", { class: "task-work" }, notice, formHost, h("div", { class: "form-actions" }, formError, complete)),
        contextHost),
    );
    this.root.replaceChildren(article);
    if (focus) title.focus();

    const context = taskContext(task.userTaskKey).then(
      (c) => {
        this.dossierReference = (c as { dossier?: { reference?: string } | null }).dossier?.reference ?? null;
        return generation === this.generation && contextHost.replaceChildren(renderContext(c));
      },
      (e) => generation === this.generation && contextHost.replaceChildren(h("p", { class: "banner error" }, (e as Error).message)),
    );
    try {
      const [schema, variables] = await Promise.all([task.formKey ? taskForm(task.userTaskKey) : Promise.resolve(null), taskVariables(task.userTaskKey)]);
      if (generation !== this.generation) return;
      if (schema) {
        this.form = await mountForm(formHost, schema, variables, !editable, () => void this.complete(task, complete, formError));
        if (generation !== this.generation) return this.destroyForm();
      } else {
        if (task.externalFormReference) formHost.append(h("p", { class: "muted" }, t("inbox.form.external", { ref: task.externalFormReference })));
        this.form = mountVariables(formHost, variables);
      }
      formHost.dataset["ready"] = "true";
    } catch (e) {
      if (generation === this.generation) formHost.replaceChildren(h("p", { class: "banner error", role: "alert" }, (e as Error).message));
    }
    await context;
  }

  private actions(task: Task): HTMLElement {
    const me = this.session.username;
    const work = this.can("tasks.work");
    const assign = this.can("tasks.assign");
    const buttons: HTMLElement[] = [];
    if (work && !task.assignee) {
      buttons.push(h("button", { type: "button", class: "primary", "data-action": "claim", onclick: () => this.act(task, "claimed", () => claimTask(task.userTaskKey, me)) }, t("inbox.action.claim")));
    }
    if (work && task.assignee && (task.assignee === me || assign)) {
      buttons.push(h("button", { type: "button", "data-action": "unclaim", onclick: () => this.act(task, "unclaimed", () => unclaimTask(task.userTaskKey)) }, t("inbox.action.unclaim")));
    }
    if (work && assign) buttons.push(this.reassignForm(task));
    return h("div", { class: "task-actions" }, ...buttons);
  }

  private reassignForm(task: Task): HTMLElement {
    const listId = "inbox-users";
    const input = h("input", { name: "assignee", list: listId, required: true, autocomplete: "off", placeholder: t("inbox.action.reassign.placeholder"), "aria-label": t("inbox.action.reassign.to") });
    const datalist = h("datalist", { id: listId });
    if (this.can("identity.read")) {
      this.users ??= userNames().catch(() => []);
      void this.users.then((users) => datalist.replaceChildren(...users.map((u) => h("option", { value: u.username }, u.name ?? u.username))));
    }
    return h("form", { class: "reassign", onsubmit: (e: Event) => {
      e.preventDefault();
      const assignee = input.value.trim();
      if (assignee) void this.act(task, "reassigned", () => assignTask(task.userTaskKey, assignee), assignee);
    } },
    h("label", {}, h("span", { class: "muted" }, t("inbox.action.reassign.to")), " ", input), datalist,
    h("button", { type: "submit", "data-action": "reassign" }, t("inbox.action.reassign")));
  }

  private async act(task: Task, action: "claimed" | "unclaimed" | "reassigned", call: () => Promise<unknown>, name = ""): Promise<void> {
    try {
      await call();
    } catch (e) {
      showError(e);
      return;
    }
    this.events.toast(t(`inbox.${action}`, { name }));
    this.events.changed(task, action);
    await this.open(task.userTaskKey, false);
    this.root.querySelector<HTMLElement>("#task-title")?.focus();
  }

  private async complete(task: Task, button: HTMLButtonElement, formError: HTMLElement): Promise<void> {
    if (!this.form || button.disabled) return;
    const variables = this.form.submit();
    formError.hidden = variables !== null;
    if (variables === null) return;
    const picked = this.form.pickedFiles(variables);
    if (picked.length > 0 && !this.dossierReference) {
      showError(new Error(t("inbox.form.filesWithoutDossier")));
      return;
    }
    button.disabled = true;
    button.textContent = t("inbox.action.completing");
    try {
      // Files chosen in the form go to the task's dossier first; the variable then holds their documents.
      for (const group of picked) {
        const body = new FormData();
        body.append("documentType", group.documentType);
        for (const file of group.files) body.append("file", file, file.name);
        const { items } = await api<{ items: Array<{ id: number; filename: string }> }>("POST", `/api/dossiers/${encodeURIComponent(this.dossierReference!)}/documents`, body);
        const docs = items.map((d) => ({ documentId: d.id, filename: d.filename }));
        variables[group.key] = group.multiple ? docs : docs[0] ?? null;
      }
      await completeTask(task.userTaskKey, variables);
    } catch (e) {
      button.disabled = false;
      button.textContent = t("inbox.action.complete");
      showError(e);
      return;
    }
    this.events.toast(t("inbox.completed", { name: task.name ?? task.elementId }));
    this.destroyForm();
    this.task = null;
    this.empty();
    this.events.completed(task);
  }
}
