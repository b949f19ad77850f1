/**
 * The template editor: the list (templates, partials, styles; edited and broken ones marked), a
 * textarea with line numbers, a live preview in a sandboxed iframe (no scripts, a strict CSP: only
 * inline styles and data: images), the PDF preview, save as a new version (refused with the line,
 * the cursor put there), the history with restore, and back to the shipped file.
 */
import { api, ApiProblem, type Session } from "../shared/api.js";
import { clear, h } from "../shared/dom.js";
import { formatDate, t } from "../shared/i18n.js";

interface Summary { name: string; kind: "template" | "partial" | "style"; origin: string; edited: boolean; version: string; revision: number; error: { message: string; line: number | null; column: number | null } | null }
interface Detail extends Summary { source: string; shippedSource: string | null; history: Array<{ revision: number; version: string | null; comment: string | null; createdAt: string; createdBy: string | null; toShipped: boolean }> }
interface Problem { detail: string; line: number | null; column: number | null }

/** The preview's own policy, on top of the page's: nothing but inline styles and data: images/fonts. */
const PREVIEW_CSP = `<meta http-equiv="Content-Security-Policy" content="default-src 'none'; img-src data:; style-src 'unsafe-inline'; font-src data:">`;

export function withPreviewPolicy(html: string): string {
  return /<head[^>]*>/i.test(html) ? html.replace(/<head[^>]*>/i, (m) => `${m}${PREVIEW_CSP}`) : `${PREVIEW_CSP}${html}`;
}

async function problemOf(error: unknown, response?: Response): Promise<Problem> {
  if (response) {
    const body = (await response.json().catch(() => ({}))) as { detail?: string; line?: number | null; column?: number | null };
    return { detail: body.detail ?? response.statusText, line: body.line ?? null, column: body.column ?? null };
  }
  const message = error instanceof Error ? error.message : String(error);
  const m = /line (\d+)(?:, column (\d+))?/.exec(message);
  return { detail: message, line: m ? Number(m[1]) : null, column: m?.[2] ? Number(m[2]) : null };
}

export class TemplateEditor {
  private items: Summary[] = [];
  private current: Detail | undefined;
  private readonly list = h("nav", { class: "tpl-list", "aria-label": t("tpl.list") });
  private readonly pane = h("section", { class: "tpl-pane" });
  private readonly gutter = h("pre", { class: "tpl-gutter", "aria-hidden": "true" });
  private readonly source = h("textarea", { class: "tpl-source", spellcheck: "false", "aria-label": "source", wrap: "off" });
  private readonly problem = h("div", { class: "tpl-problem", role: "status", "aria-live": "polite" });
  /** Save and PDF notices: apart from the preview's errors, which each preview clears. */
  private readonly notice = h("div", { class: "tpl-notice", role: "status", "aria-live": "polite" });
  private readonly frame = h("iframe", { class: "tpl-frame", sandbox: "", title: t("tpl.preview"), referrerpolicy: "no-referrer" });
  private readonly dossier = h("input", { name: "dossier", placeholder: t("tpl.dossier.placeholder"), list: "tpl-dossiers", size: 22 });
  private readonly dossiers = h("datalist", { id: "tpl-dossiers" });
  private readonly locale = h("select", { name: "locale" }, h("option", { value: "fr" }, "Français"), h("option", { value: "en" }, "English"));
  private readonly comment = h("input", { name: "comment", placeholder: t("tpl.comment"), size: 28, maxlength: 500 });
  private readonly live = h("input", { type: "checkbox", name: "live", checked: true });
  private readonly history = h("div", { class: "tpl-history" });
  private readonly meta = h("div", { class: "tpl-meta muted" });
  private timer: number | undefined;
  private sequence = 0;

  constructor(private readonly session: Session, private readonly root: HTMLElement) {}

  async start(): Promise<void> {
    this.source.addEventListener("input", () => {
      this.numberLines();
      if (this.live.checked) this.schedulePreview();
    });
    this.source.addEventListener("scroll", () => { this.gutter.scrollTop = this.source.scrollTop; });
    this.source.addEventListener("keydown", (e: KeyboardEvent) => {
      if (e.key === "Tab") {
        e.preventDefault();
        this.source.setRangeText("  ", this.source.selectionStart, this.source.selectionEnd, "end");
        this.numberLines();
      }
      if ((e.ctrlKey || e.metaKey) && e.key === "s") {
        e.preventDefault();
        void this.save();
      }
    });
    this.dossier.addEventListener("change", () => this.schedulePreview(0));
    this.locale.addEventListener("change", () => this.schedulePreview(0));
    const toolbar = h("div", { class: "tpl-toolbar" },
      h("label", {}, t("tpl.dossier"), " ", this.dossier), this.dossiers,
      h("label", {}, t("tpl.locale"), " ", this.locale),
      h("label", {}, this.live, " ", t("tpl.live")),
      h("button", { type: "button", onclick: () => this.schedulePreview(0) }, t("tpl.preview")),
      h("button", { type: "button", "data-testid": "preview-pdf", onclick: () => void this.previewPdf() }, t("tpl.previewPdf")),
    );
    const saveBar = h("div", { class: "tpl-toolbar" },
      this.comment,
      h("button", { type: "button", class: "primary", "data-testid": "save", onclick: () => void this.save() }, t("tpl.save")),
      h("button", { type: "button", "data-testid": "revert-shipped", onclick: () => void this.revert(null) }, t("tpl.revertShipped")),
      this.notice,
    );
    this.pane.append(this.meta, toolbar,
      h("div", { class: "tpl-work" },
        h("div", { class: "tpl-code" }, h("div", { class: "tpl-editor" }, this.gutter, this.source), this.problem, saveBar, h("h3", {}, t("tpl.history")), this.history),
        h("div", { class: "tpl-preview" }, this.frame, h("p", { class: "muted" }, t("tpl.sample")))));
    this.root.append(h("div", { class: "tpl-layout" }, this.list, this.pane));
    await this.loadList();
    void this.loadDossiers();
    const wanted = new URLSearchParams(location.search).get("name");
    const first = this.items.find((i) => i.name === wanted) ?? this.items.find((i) => i.name === "contracts/contrat-assurance") ?? this.items.find((i) => i.kind === "template");
    if (first) await this.open(first.name);
  }

  private async loadDossiers(): Promise<void> {
    if (!this.session.permissions.includes("dossiers.read")) return;
    try {
      const page = await api<{ items: Array<{ reference: string; title: string }> }>("GET", "/api/dossiers?pageSize=50&sort=-updatedAt");
      this.dossiers.replaceChildren(...page.items.map((d) => h("option", { value: d.reference }, d.title)));
    } catch {
      // previews then use the fictional dossier
    }
  }

  private async loadList(): Promise<void> {
    this.items = (await api<{ items: Summary[] }>("GET", "/api/templates")).items;
    clear(this.list);
    for (const kind of ["template", "partial", "style"] as const) {
      const items = this.items.filter((i) => i.kind === kind);
      if (!items.length) continue;
      this.list.append(h("h3", {}, t(`tpl.kind.${kind}`)), h("ul", {}, ...items.map((i) =>
        h("li", {}, h("a", { href: `?name=${encodeURIComponent(i.name)}`, class: i.name === this.current?.name ? "active" : "", "data-name": i.name, onclick: (e: Event) => { e.preventDefault(); void this.open(i.name); } },
          i.name, i.edited ? h("span", { class: "tpl-badge" }, t("tpl.edited")) : null, i.error ? h("span", { class: "tpl-badge bad" }, t("tpl.broken")) : null)))));
    }
  }

  private async open(name: string): Promise<void> {
    this.current = await api<Detail>("GET", `/api/templates/source?name=${encodeURIComponent(name)}`);
    history.replaceState(null, "", `/templates?name=${encodeURIComponent(name)}`);
    this.source.value = this.current.source;
    this.numberLines();
    this.renderMeta();
    this.showProblem(this.current.error ? { detail: this.current.error.message, line: this.current.error.line, column: this.current.error.column } : undefined);
    this.renderHistory();
    for (const a of this.list.querySelectorAll("a")) a.classList.toggle("active", a.getAttribute("data-name") === name);
    this.schedulePreview(0);
  }

  private renderMeta(): void {
    const c = this.current!;
    this.meta.replaceChildren(h("strong", {}, c.name), " · ", t(`tpl.origin.${c.origin}`), " · ", t("tpl.version", { version: c.version }), c.revision ? ` · r${c.revision}` : "");
  }

  private renderHistory(): void {
    const items = this.current?.history ?? [];
    if (!items.length) return this.history.replaceChildren(h("p", { class: "muted" }, t("tpl.history.none")));
    this.history.replaceChildren(h("table", {}, h("tbody", {}, ...items.map((r) =>
      h("tr", {}, h("td", {}, `r${r.revision}`), h("td", {}, formatDate(r.createdAt)), h("td", {}, r.createdBy ?? ""),
        h("td", {}, r.toShipped ? t("tpl.toShipped") : r.comment ?? "", r.version ? h("span", { class: "muted" }, ` ${r.version}`) : null),
        h("td", {}, r.toShipped ? null : h("button", { type: "button", class: "link", onclick: () => void this.revert(r.revision) }, t("tpl.restore"))))))));
  }

  private numberLines(): void {
    const lines = this.source.value.split("\n").length;
    this.gutter.textContent = Array.from({ length: lines }, (_, i) => String(i + 1)).join("\n");
    this.gutter.scrollTop = this.source.scrollTop;
  }

  private showProblem(p: Problem | undefined): void {
    this.source.classList.toggle("has-error", !!p);
    if (!p) return this.problem.replaceChildren();
    const where = p.line ? (p.column !== null ? t("tpl.error.at", { line: p.line, column: p.column }) : t("tpl.error.line", { line: p.line })) : "";
    this.problem.replaceChildren(h("div", { class: "banner error", "data-testid": "template-error" },
      h("span", {}, where ? h("strong", {}, `${where} — `) : null, p.detail),
      p.line ? h("button", { type: "button", class: "link", onclick: () => this.gotoLine(p.line!) }, t("tpl.goto")) : null));
  }

  private gotoLine(line: number): void {
    const lines = this.source.value.split("\n");
    const start = lines.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
    this.source.focus();
    this.source.setSelectionRange(start, start + (lines[line - 1]?.length ?? 0));
    const lineHeight = parseFloat(getComputedStyle(this.source).lineHeight) || 18;
    this.source.scrollTop = Math.max(0, (line - 4) * lineHeight);
  }

  /** The template to render: the one edited, or for a partial/style the first template (a preview shows where it is used). */
  private previewName(): string | undefined {
    const c = this.current;
    if (!c) return undefined;
    return c.kind === "template" ? c.name : "contracts/contrat-assurance";
  }

  private body(): Record<string, unknown> {
    const c = this.current!;
    const name = this.previewName()!;
    const draft = this.source.value;
    return {
      name, locale: this.locale.value, ...(this.dossier.value.trim() ? { dossier: this.dossier.value.trim() } : {}),
      // a partial or a style is previewed inside a template: the draft is sent under its own name
      ...(c.kind === "template" ? { source: draft } : { partial: { name: c.name, source: draft } }),
    };
  }

  private schedulePreview(delay = 500): void {
    window.clearTimeout(this.timer);
    this.timer = window.setTimeout(() => void this.preview(), delay);
  }

  private async preview(): Promise<void> {
    if (!this.current) return;
    const mine = ++this.sequence;
    try {
      const result = await api<{ html: string }>("POST", "/api/templates/preview", this.body());
      if (mine !== this.sequence) return;
      this.frame.srcdoc = withPreviewPolicy(result.html);
      this.showProblem(undefined);
    } catch (error) {
      if (mine !== this.sequence) return;
      this.showProblem(await problemOf(error));
    }
  }

  private async previewPdf(): Promise<void> {
    const response = await fetch("/api/templates/preview.pdf", {
      method: "POST", credentials: "same-origin",
      headers: { "content-type": "application/json", accept: "application/pdf", "x-requested-with": "XMLHttpRequest", ...(this.session.csrfToken ? { "x-csrf-token": this.session.csrfToken } : {}) },
      body: JSON.stringify(this.body()),
    });
    if (!response.ok) return this.showProblem(await problemOf(undefined, response));
    const url = URL.createObjectURL(await response.blob());
    const a = h("a", { href: url, target: "_blank", rel: "noopener", "data-testid": "pdf-link" }, t("tpl.previewPdf"));
    this.notice.replaceChildren(h("span", { class: "muted" }, t("tpl.pdf.opened"), " ", a));
    a.click();
  }

  private async save(): Promise<void> {
    const c = this.current;
    if (!c) return;
    this.notice.replaceChildren();
    try {
      const saved = await api<Detail>("PUT", `/api/templates/source?name=${encodeURIComponent(c.name)}`, { source: this.source.value, comment: this.comment.value || undefined, revision: c.revision });
      this.current = saved;
      this.comment.value = "";
      this.renderMeta();
      this.renderHistory();
      this.showProblem(undefined);
      this.notice.replaceChildren(h("span", { class: "tpl-saved", "data-testid": "saved" }, t("tpl.saved", { revision: saved.revision, version: saved.version })));
      await this.loadList();
    } catch (error) {
      if (error instanceof ApiProblem) this.showProblem(await problemOf(error));
      else throw error;
    }
  }

  private async revert(revision: number | null): Promise<void> {
    const c = this.current;
    if (!c) return;
    if (revision === null && !confirm(t("tpl.confirmRevert", { name: c.name }))) return;
    try {
      await api("POST", `/api/templates/revert?name=${encodeURIComponent(c.name)}`, { revision });
      await this.loadList();
      await this.open(c.name);
    } catch (error) {
      this.showProblem(await problemOf(error));
    }
  }
}
