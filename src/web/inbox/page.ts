/**
 * The inbox page: view tabs, filters and the task list on the left, the open task on the right
 * (one column on narrow screens, where the list and the task take turns). The open task is in
 * the URL (`#task=<key>`), so Back returns to the list. Lists and counts refresh by polling.
 */
import { ApiProblem, type Session } from "../shared/api.js";
import { h } from "../shared/dom.js";
import { t } from "../shared/i18n.js";
import { showError } from "../shared/shell.js";
import { TaskDetail } from "./detail.js";
import { filtersActive, renderFilters, renderTabs, renderTaskList } from "./list.js";
import { startPolling } from "./poller.js";
import { dossiers, processOptions, searchTasks, type Dossier, type ProcessOption, type Task } from "./tasks.js";
import { EMPTY_FILTERS, LIST_LIMIT, listRequest, matchesLocally, viewFilter, viewsFor, type Filters, type ViewId } from "./views.js";

/** How often the lists refresh while the tab is visible. */
export const POLL_MS = 4000;
const STORAGE = "dossier.inbox";

type InboxSession = Session & { groups?: string[] };

export class InboxPage {
  private readonly views: ViewId[];
  private view: ViewId;
  private filters: Filters;
  private counts: Partial<Record<ViewId, number>> = {};
  private tasks: Task[] = [];
  private total = 0;
  private dossiers = new Map<string, Dossier>();
  /** Task keys of the last load of the current view and filters (to highlight newcomers). */
  private known: Set<string> | null = null;
  private fresh = new Set<string>();
  private signature = "";
  private processes: ProcessOption[] = [];
  private readonly root: HTMLElement;
  private readonly tabsHost = h("div", { class: "tabs-host" });
  private readonly filtersHost = h("div", { class: "filters-host" });
  private readonly status = h("p", { class: "list-status muted", role: "status", "aria-live": "polite" });
  private readonly listHost = h("div", { class: "list-host", role: "tabpanel" });
  private readonly detailHost = h("section", { class: "detail-pane", "aria-label": t("inbox.detail.label") });
  private readonly toasts = h("div", { class: "toasts", role: "status", "aria-live": "polite" });
  private readonly detail: TaskDetail;
  private readonly poller: ReturnType<typeof startPolling>;

  constructor(private readonly session: InboxSession, main: HTMLElement) {
    this.views = viewsFor(session);
    const saved = this.load();
    this.view = saved.view && this.views.includes(saved.view) ? saved.view : "mine";
    this.filters = { ...EMPTY_FILTERS, ...saved.filters };
    this.root = h("div", { class: "inbox", "data-mode": "list" },
      h("section", { class: "list-pane", "aria-label": t("inbox.list.label") },
        h("h1", { class: "visually-hidden" }, t("inbox.title")), this.tabsHost, this.filtersHost, this.status, this.listHost),
      this.detailHost);
    main.replaceChildren(this.root, this.toasts);
    this.detail = new TaskDetail(this.detailHost, session, {
      changed: (_task, action) => {
        if (action === "claimed" && this.view === "group") this.setView("mine");
        else void this.poller.now();
      },
      completed: () => {
        this.navigate(null);
        void this.poller.now().then(() => this.focusList());
      },
      back: () => this.navigate(null),
      toast: (message) => this.toast(message),
    });
    this.renderTabs();
    this.renderFilters();
    this.poller = startPolling(() => this.refresh(), POLL_MS);
    window.addEventListener("hashchange", () => this.followHash());
    // Escape (outside a form field) closes the task and puts the focus back on its row.
    this.detailHost.addEventListener("keydown", (event: KeyboardEvent) => {
      const target = event.target as HTMLElement;
      if (event.key !== "Escape" || event.defaultPrevented || target.closest("input, textarea, select, .fjs-form")) return;
      const key = this.selectedKey();
      this.navigate(null);
      this.listHost.querySelector<HTMLElement>(`a[data-key="${key}"]`)?.focus();
    });
  }

  async start(): Promise<void> {
    void processOptions().then((p) => ((this.processes = p), this.renderFilters()), () => undefined);
    await this.poller.now();
    if (this.load().view === undefined && this.counts.mine === 0 && (this.counts.group ?? 0) > 0) this.setView("group");
    this.followHash();
  }

  private load(): { view?: ViewId; filters?: Partial<Filters> } {
    try {
      return JSON.parse(localStorage.getItem(`${STORAGE}.${this.session.username}`) ?? "{}");
    } catch {
      return {};
    }
  }

  private save(): void {
    // The view and the sort order are kept; filters are not, so nobody comes back to a list that hides tasks.
    localStorage.setItem(`${STORAGE}.${this.session.username}`, JSON.stringify({ view: this.view, filters: { sort: this.filters.sort } }));
  }

  private setView(view: ViewId): void {
    const hadFocus = this.tabsHost.contains(document.activeElement);
    this.view = view;
    this.known = null;
    this.save();
    this.renderTabs();
    if (hadFocus) this.tabsHost.querySelector<HTMLElement>(`[data-view=${view}]`)?.focus();
    void this.poller.now();
  }

  private setFilters(patch: Partial<Filters>): void {
    const reset = Object.keys(patch).length > 1;
    this.filters = { ...this.filters, ...patch };
    this.known = null;
    this.save();
    if (reset) this.renderFilters();
    else this.filtersHost.querySelector<HTMLElement>("button.reset")?.toggleAttribute("hidden", !filtersActive(this.filters));
    void this.poller.now();
  }

  private renderTabs(): void {
    this.tabsHost.replaceChildren(renderTabs(this.views, this.view, this.counts, (v) => this.setView(v)));
    this.listHost.setAttribute("aria-labelledby", `tab-${this.view}`);
  }

  private renderFilters(): void {
    const focused = (document.activeElement as HTMLInputElement | null)?.name;
    this.filtersHost.replaceChildren(renderFilters(this.filters, this.processes, (patch) => this.setFilters(patch)));
    if (focused && this.filtersHost.contains(document.activeElement) === false) {
      this.filtersHost.querySelector<HTMLElement>(`[name="${focused}"]`)?.focus();
    }
  }

  /** One poll: counts of every view, the current view's tasks, their dossiers; then the open task. */
  private async refresh(): Promise<void> {
    const view = this.view;
    const filters = this.filters;
    try {
      const [page, ...counts] = await Promise.all([
        searchTasks(listRequest(view, this.session, filters)),
        ...this.views.map((v) => searchTasks({ filter: viewFilter(v, this.session), page: { limit: 1 } })),
      ]);
      const found = await dossiers([...new Set(page.items.map((task) => task.processInstanceKey))]);
      if (view !== this.view || filters !== this.filters) return; // the user moved on; the next run shows it
      this.views.forEach((v, i) => (this.counts[v] = counts[i]!.page.totalItems));
      this.dossiers = found;
      this.total = page.page.totalItems;
      this.tasks = page.items.filter((task) => matchesLocally(task, found.get(task.processInstanceKey), filters));
      this.fresh = this.known ? new Set(this.tasks.map((x) => x.userTaskKey).filter((k) => !this.known!.has(k))) : new Set();
      this.known = new Set(this.tasks.map((x) => x.userTaskKey));
    } catch (e) {
      if (e instanceof ApiProblem && e.status === 401) return location.assign(`/login?next=${encodeURIComponent("/inbox")}`);
      throw e;
    }
    // Counts change in place: re-rendering the tabs would take the keyboard focus away from them.
    for (const v of this.views) {
      const count = this.tabsHost.querySelector(`[data-testid=count-${v}]`);
      if (count && count.textContent !== String(this.counts[v])) count.textContent = String(this.counts[v]);
    }
    this.renderList();
    const open = this.detail.openKey;
    if (open) await this.detail.refresh(this.tasks.find((x) => x.userTaskKey === open) ?? null);
  }

  private renderList(): void {
    const selectedKey = this.selectedKey();
    const now = Date.now();
    const signature = JSON.stringify([this.tasks, [...this.dossiers.values()], selectedKey, [...this.fresh], Math.floor(now / 60_000)]);
    const filtered = filtersActive(this.filters);
    const shown = t("inbox.list.shown", { shown: this.tasks.length, total: this.total });
    const status = `${shown}${this.total > LIST_LIMIT ? ` · ${t("inbox.list.truncated", { limit: LIST_LIMIT })}` : ""}${this.fresh.size ? ` · ${t("inbox.list.new", { count: this.fresh.size })}` : ""}`;
    if (this.status.textContent !== status) this.status.textContent = status; // a live region: only announce changes
    if (signature === this.signature) return;
    this.signature = signature;
    const focusedKey = (document.activeElement as HTMLElement | null)?.dataset?.["key"];
    const hadFocus = this.listHost.contains(document.activeElement);
    this.listHost.replaceChildren(renderTaskList(
      { tasks: this.tasks, dossiers: this.dossiers, selectedKey, fresh: this.fresh, me: this.session.username },
      filtered ? t("inbox.list.emptyFiltered") : t("inbox.list.empty"), now));
    if (hadFocus) (this.listHost.querySelector<HTMLElement>(`a[data-key="${focusedKey}"]`) ?? this.listHost.querySelector<HTMLElement>("a.task-row"))?.focus();
  }

  private selectedKey(): string | null {
    return /^#task=(\d+)$/.exec(location.hash)?.[1] ?? null;
  }

  private navigate(key: string | null): void {
    if (key && location.hash !== `#task=${key}`) return void (location.hash = `task=${key}`); // hashchange follows
    if (!key && location.hash) history.pushState(null, "", location.pathname + location.search);
    this.followHash();
  }

  private followHash(): void {
    const key = this.selectedKey();
    this.root.dataset["mode"] = key ? "detail" : "list";
    this.signature = "";
    this.renderList();
    if (!key) {
      if (this.detail.openKey) this.detail.empty();
      return;
    }
    if (key !== this.detail.openKey) this.detail.open(key).catch(showError);
  }

  private focusList(): void {
    (this.listHost.querySelector<HTMLElement>("a.task-row") ?? this.tabsHost.querySelector<HTMLElement>("[aria-selected=true]"))?.focus();
  }

  private toast(message: string): void {
    const item = h("p", { class: "toast" }, message);
    this.toasts.append(item);
    window.setTimeout(() => item.remove(), 5000);
  }
}
